"""Briefs built to explode stop at their bounds: HTML size before layout, then time and memory per output."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from compiler.bounds import (HTML_VARIABLE, MAX_HTML_BYTES, MEMORY_VARIABLE, SECONDS_VARIABLE,
                             LimitExceeded, check_html_size, render_bounds)

ROOT = Path(__file__).resolve().parent.parent.parent
HANG_SECONDS = 60
# The tests' own guard: a child that ignored the bounds could otherwise take the machine's memory.
GUARD_BYTES = 6 * 2**30


def run_guarded(command: list[str], cwd: Path, env: dict[str, str] | None = None,
                bound: int = HANG_SECONDS) -> subprocess.CompletedProcess[str]:
    """A child process with a time-out and an address-space cap of its own."""
    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (GUARD_BYTES, GUARD_BYTES))

    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=bound,
                          env={**os.environ, **(env or {})}, preexec_fn=cap_memory,
                          stdin=subprocess.DEVNULL)


def write_amplifying_brief(folder: Path, goals: int, claims: int) -> Path:
    """A small brief whose every goal cites every claim: goals x claims items in the slide deck."""
    text = "The article asserts that regional cooperation rests on dialogue and shared security."
    lines = ["format: 1", "source:", "  title: Amplified", "  publisher: Hostile Input Test Desk",
             "  date: 2024-01-15", "brief:", "  title: Amplified", "  date: 2026-11-27",
             "  bottom_line: Every goal cites every claim.", "summary: A brief that multiplies.", "claims:"]
    for number in range(claims):
        lines += [f"  - id: c{number}", "    kind: fact", f"    text: {text}"]
    cited = ", ".join(f"c{number}" for number in range(claims))
    lines.append("goals:")
    for number in range(goals):
        lines += [f"  - id: g{number}", f"    text: Goal {number}", f"    claims: [{cited}]"]
    brief = folder / "amplified.yaml"
    brief.write_text("\n".join(lines) + "\n")
    return brief


def test_a_brief_that_multiplies_is_stopped_before_layout(tmp_path: Path) -> None:
    # Every goal citing every claim: 20 x 20 makes 0.15 MiB of slide HTML from a 7 KB file (and 200 x 200
    # made 18 MiB and gigabytes of layout); the bound is lowered to 0.1 MiB here to keep the test quick.
    brief = write_amplifying_brief(tmp_path, 20, 20)
    done = run_guarded([sys.executable, "-m", "compiler", "build", str(brief), "--out", str(tmp_path / "out")],
                       cwd=ROOT, env={HTML_VARIABLE: "0.1"})
    assert done.returncode == 1
    refused = [line for line in done.stderr.splitlines() if "MiB of HTML" in line]
    # One deck, written as PDF and as Word, fails once: the line comes once, not once per output.
    assert [line.split(": would be ")[0] for line in refused] == [f"{brief}:1:1: slides"]
    assert refused[0].endswith(f"MiB of HTML, more than the 0.1 MiB limit ({HTML_VARIABLE}; a real brief "
                               "makes about 50 KB); shorten the brief, for instance goals citing fewer claims")
    # A brief's files change together: the memo, made within the bound, is held back with the deck.
    assert not [path.name for path in (tmp_path / "out" / "amplified").iterdir() if not path.name.startswith(".")]


def test_html_size_bound_names_the_document() -> None:
    html = "x" * (MAX_HTML_BYTES + 1)
    with pytest.raises(LimitExceeded) as raised:
        check_html_size(html, "slides.pdf")
    assert str(raised.value) == (f"slides.pdf: would be 4.0 MiB of HTML, more than the 4 MiB limit "
                                 f"({HTML_VARIABLE}; a real brief makes about 50 KB); shorten the brief, "
                                 "for instance goals citing fewer claims")


def test_time_bound_stops_a_runaway_output() -> None:
    program = ("from compiler.bounds import LimitExceeded, render_bounds\n"
               "try:\n"
               "    with render_bounds('memo.pdf'):\n"
               "        while True: pass\n"
               "except LimitExceeded as error:\n"
               "    print(error)\n")
    done = run_guarded([sys.executable, "-c", program], cwd=ROOT, env={SECONDS_VARIABLE: "1"})
    assert done.stdout.splitlines() == [
        f"memo.pdf: took longer than 1 s, the limit for one output ({SECONDS_VARIABLE}); shorten the brief"]


def test_memory_bound_stops_a_runaway_output_and_is_lifted_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MEMORY_VARIABLE, "1024")
    before = resource.getrlimit(resource.RLIMIT_AS)
    with pytest.raises(LimitExceeded) as raised:
        with render_bounds("slides.pdf"):
            bytearray(2 * 2**30)
    assert str(raised.value) == (f"slides.pdf: needed more than the memory limit of 1 GiB "
                                 f"({MEMORY_VARIABLE}); shorten the brief")
    assert resource.getrlimit(resource.RLIMIT_AS) == before
