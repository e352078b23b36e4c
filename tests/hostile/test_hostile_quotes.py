"""Quotes built to make checking slow: one brief's lookups stop at a bound with a message, so `check` and
`build` take seconds, not minutes, whatever the quotes.

| case | outcome |
| --- | --- |
| 200 one-letter quotes against an 8 MiB source where the letter occurs only inside words | refused in seconds (10 minutes unbounded): the first quote is not found, the second names the bound and the 198 after it |
| one 5,000-character quote against an 8 MiB repetitive text | refused in seconds (a minute and 736 MB unbounded): not checked, at the bound |
| a quote found in thousands of paragraphs, with a wrong `paragraph:` | one line naming the first five and counting the rest |
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from compiler.content.limits import MAX_SOURCE_BYTES

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
# Generous: bounded, each case takes a few seconds on our 2 CPUs; unbounded, a minute to ten.
WALL_SECONDS = 45
HEAD = (HERE / "source-fifo" / "brief.yaml").read_text().replace("source.fifo", "source.txt").split("    quotes:")[0]
UNCHECKED = ("quote not checked: looking up this brief's quotes in source.txt took more than its bound (for a "
             "source text this long), so this quote{rest} went unchecked; quote longer passages (a quote of a "
             "word or two matches all over a text)")


def write_case(folder: Path, source: str, quotes: list[str]) -> Path:
    assert len(source.encode()) <= MAX_SOURCE_BYTES
    (folder / "source.txt").write_text(source)
    lines = [f'      - text: "{quote}"' for quote in quotes]
    brief = folder / "brief.yaml"
    brief.write_text(HEAD + "    quotes:\n" + "\n".join(lines) + "\n")
    return brief


def timed_check(brief: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "compiler", "check", str(brief)], cwd=ROOT, capture_output=True,
                          text=True, timeout=WALL_SECONDS * 2, stdin=subprocess.DEVNULL)
    return time.monotonic() - started, done


def test_one_letter_quotes_inside_every_word_stop_at_the_bound(tmp_path: Path) -> None:
    source = "banana " * (MAX_SOURCE_BYTES // 7 - 1)
    brief = write_case(tmp_path, source, ["a"] * 200)

    seconds, done = timed_check(brief)

    assert seconds < WALL_SECONDS
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[0] == (f"{brief}:21:15: claims[0].quotes[0].text: quote not found in source.txt; no passage "
                        "comes close: copy the words exactly from the source")
    assert lines[1] == f"{brief}:22:15: claims[0].quotes[1].text: " + UNCHECKED.format(rest=" and the 198 after it")
    assert len(lines) == 2


def test_a_long_quote_against_repetitive_text_stops_at_the_bound(tmp_path: Path) -> None:
    source = "ab " * (MAX_SOURCE_BYTES // 3 - 1)
    brief = write_case(tmp_path, source, [("b " + "ab " * 1660 + "a")[:4990]])

    seconds, done = timed_check(brief)

    assert seconds < WALL_SECONDS
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"{brief}:21:15: claims[0].quotes[0].text: " + UNCHECKED.format(rest="")]


def test_a_quote_found_everywhere_names_five_paragraphs(tmp_path: Path) -> None:
    brief = write_case(tmp_path, "the same words here\n\n" * 3000, ["the same words"])
    brief.write_text(brief.read_text() + "        paragraph: 4000\n")

    _, done = timed_check(brief)

    assert done.stderr.splitlines() == [
        f"{brief}:22:20: claims[0].quotes[0].paragraph: quote found in paragraphs 1, 2, 3, 4, 5 and 2995 "
        "more, not 4000; set paragraph: 1"]
