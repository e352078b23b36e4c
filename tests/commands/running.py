"""Running `briefing` as a user does: a subprocess in a project folder, its output read back as lines."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    """One finished command: exit status and its output, line by line."""

    status: int
    out: list[str]
    err: list[str]


def briefing(folder: Path, *args: str) -> Run:
    """`briefing ARGS...` run in `folder`."""
    done = subprocess.run([sys.executable, "-m", "compiler", *args], cwd=folder, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)
    return Run(done.returncode, done.stdout.splitlines(), done.stderr.splitlines())
