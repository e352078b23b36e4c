"""One module per CLI command, each with `run(args) -> exit status`; the briefs a command works on."""

from __future__ import annotations

from pathlib import Path

CONTENT_DIR = Path("content")


def find_briefs(paths: list[Path]) -> list[Path]:
    """The brief files named, or every brief in content/ when none are."""
    return paths or sorted(CONTENT_DIR.glob("*.yaml"))
