"""Running `briefing` as a user does: a subprocess in a project folder, its output read back as lines."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]
WAIT = 120
"""Seconds to wait for a line before failing: a bound for a stuck command, not a speed test."""


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


def hear_ctrl_c() -> None:
    """Let the command hear Ctrl-C as a terminal's foreground process does: a suite started in the
    background (`make test &`, some CI runners) passes on an ignored SIGINT, which Python keeps."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Session:
    """A long-running `briefing` command (watch, preview): its output read line by line as it comes."""

    def __init__(self, folder: Path, *args: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "compiler", *args], cwd=folder,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        encoding="utf-8", preexec_fn=hear_ctrl_c)
        self.out: queue.Queue[str] = queue.Queue()
        self.err: list[str] = []
        threading.Thread(target=self.collect, args=(self.process.stdout, self.out.put), daemon=True).start()
        threading.Thread(target=self.collect, args=(self.process.stderr, self.err.append), daemon=True).start()

    @staticmethod
    def collect(stream: IO[str], keep: Callable[[str], None]) -> None:
        for line in stream:
            keep(line.rstrip("\n"))

    def next_line(self, wait: float = WAIT) -> str:
        """The next line on stdout; fails the test if none comes within `wait` seconds."""
        try:
            return self.out.get(timeout=wait)
        except queue.Empty:
            raise AssertionError(f"no output within {wait} s; stderr: {self.err}") from None

    def errors(self, count: int, wait: float = WAIT) -> list[str]:
        """The lines on stderr once there are `count` of them (stderr is read apart from stdout)."""
        deadline = time.monotonic() + wait
        while len(self.err) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.err)

    def interrupt(self) -> int:
        """Ctrl-C, as a terminal sends it; the exit status."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=WAIT)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exception: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
