"""Hostile and broken brief files that must be refused: the exact error lines, never a traceback or a hang."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from compiler.content import check_brief, load_brief
from compiler.content.limits import MAX_BRIEF_BYTES, MAX_CLOSEST_SEARCHES, MAX_SOURCE_BYTES
from compiler.diagnostics import BriefError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ALIASES = ("YAML aliases (*name) are not allowed in a brief file, because they can expand without "
           "bound; write the value out in full")
OUTSIDE = "is outside the brief's folder; put it in {folder}/ or a folder below it"
BAD_URL = "must be a web address starting with http:// or https://, not"
# A subprocess that takes longer than this has hung (a normal check takes well under a second).
HANG_SECONDS = 30

# Each refused case and every line `briefing check` must print for it ({file}: the case's brief.yaml).
REFUSED: dict[str, list[str]] = {
    "control-raw": [
        "{file}:18:19: claims[0].text: contains the control character U+0007, which documents "
        "cannot hold; remove it",
    ],
    "control-escaped": [
        f"{{file}}:18:11: claims[0].text: contains the control character U+{code}, which documents "
        "cannot hold; remove it" for code in ("0000", "0007", "001B")
    ],
    "empty-required": [
        "{file}:18:11: claims[0].text: must not be empty or only white space; write the text",
    ],
    "whitespace-only": [
        "{file}:11:16: brief.bottom_line: must not be empty or only white space; write the text",
        "{file}:18:11: claims[0].text: must not be empty or only white space; write the text",
    ],
    "long-string": [
        "{file}:18:11: claims[0].text: text is 5500 characters long, more than the limit of 5000; "
        "shorten it",
    ],
    "long-list": ["{file}:520:5: takeaways: more than 500 items; shorten the list"],
    "deep-nesting": ["{file}:19:31: nesting is deeper than 20 levels; a brief needs no more than 6"],
    "billion-laughs": [
        "{file}:19:1: laughs: unknown key 'laughs'; keys allowed here: format, source, brief, summary, "
        "claims, goals, figures, timeline, takeaways",
        f"{{file}}:21:10: laughs[1][0]: {ALIASES} (82 aliases in this file)",
    ],
    "alias-amplification": [f"{{file}}:20:5: takeaways[0]: {ALIASES} (400 aliases in this file)"],
    "non-utf8": [
        "{file}:18:15: file is not UTF-8 text: byte 0xE9 cannot be decoded; save it as UTF-8",
    ],
    "python-tag": [
        "{file}:18:11: claims[0].text: the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' "
        "is not allowed in a brief file; remove it",
    ],
    "python-name-tag": [
        "{file}:20:5: takeaways[0]: the YAML tag 'tag:yaml.org,2002:python/name:os.system' is not "
        "allowed in a brief file; remove it",
    ],
    "bidi-override": [
        f"{{file}}:18:11: claims[0].text: contains the bidirectional control character U+{code}, which "
        "makes the printed text read differently from the brief; remove it"
        for code in ("202C", "202E", "2066", "2069")
    ],
    # Marks stacked on one letter rise over the lines above and hide them.
    "combining-stack": [
        "{file}:18:11: claims[0].text: a character carries 40 combining marks, more than the limit of 8 "
        "(they would be drawn over the lines above); remove the extra marks",
    ],
    # Year 0 passes a date pattern but no calendar: it must be refused here, not fail every output later.
    "date-year-zero": [
        "{file}:6:9: source.date: '0000-01-01' is not a real date: there is no year 0; write YYYY, "
        "YYYY-MM or YYYY-MM-DD",
        "{file}:20:11: timeline[0].date: '0000' is not a real date: there is no year 0; write YYYY, "
        "YYYY-MM or YYYY-MM-DD",
    ],
    "source-parent": [
        "{file}:7:9: source.text: source text ../../../../../../../etc/passwd " + OUTSIDE,
    ],
    "source-symlink-out": ["{file}:7:9: source.text: source text passwd-link.txt " + OUTSIDE],
    "source-absolute": [
        "{file}:7:9: source.text: must be a path relative to the brief file, like sources/article.txt",
    ],
    "source-urandom": [
        "{file}:7:9: source.text: must be a path relative to the brief file, like sources/article.txt",
    ],
    "source-zero": [
        "{file}:7:9: source.text: must be a path relative to the brief file, like sources/article.txt",
    ],
    # Terminal escapes from a hostile source text are shown escaped, never sent to the terminal.
    "source-escapes": [
        "{file}:21:15: claims[0].quotes[0].text: quote not found in source.txt; closest passage in "
        'paragraph 2: "The members signed \\u001b[2J\\u001b]0;pwned\\u0007\\u001b[31mRED a declaration"',
    ],
    "url-javascript": [f"{{file}}:7:8: source.url: {BAD_URL} 'javascript:alert(1)'"],
    "url-file": [f"{{file}}:7:8: source.url: {BAD_URL} 'file:///etc/passwd'"],
}


def expected_lines(case: str, brief: Path) -> list[str]:
    """The table's lines for a case, with its brief file's path filled in."""
    return [line.format(file=brief, folder=brief.parent) for line in REFUSED[case]]


def check_in_process(brief: Path) -> list[str]:
    """The problem lines load_brief raises for a brief file (fails the test if it loads)."""
    with pytest.raises(BriefError) as raised:
        load_brief(brief)
    return [str(problem) for problem in raised.value.problems]


def run_check(*briefs: Path, cwd: Path = ROOT, bound: int = HANG_SECONDS) -> subprocess.CompletedProcess[str]:
    """`briefing check` in a child process, killed (and the test failed) if it hangs."""
    return subprocess.run([sys.executable, "-m", "compiler", "check", *map(str, briefs)], cwd=cwd,
                          capture_output=True, text=True, timeout=bound, stdin=subprocess.DEVNULL)


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("case", REFUSED)
def test_refused_with_exact_lines(at_root: None, case: str) -> None:
    brief = Path("tests/hostile") / case / "brief.yaml"
    assert check_in_process(brief) == expected_lines(case, brief)


def test_check_command_prints_the_same_lines_and_no_traceback(at_root: None) -> None:
    briefs = [Path("tests/hostile") / case / "brief.yaml" for case in REFUSED]
    done = run_check(*briefs)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [str(problem) for brief in briefs for problem in check_brief(brief)[1]]
    summaries = [line.split(": ", 1)[0] for line in done.stdout.splitlines()]
    assert summaries == [str(brief) for brief in briefs]


def test_python_tags_run_nothing(tmp_path: Path) -> None:
    marker = Path("/tmp/hostile-pwned")
    marker.unlink(missing_ok=True)
    run_check(HERE / "python-tag" / "brief.yaml", HERE / "python-name-tag" / "brief.yaml")
    assert not marker.exists()


def test_bom_prefixed_brief_loads(at_root: None) -> None:
    brief = load_brief(Path("tests/hostile/bom-utf8/brief.yaml"))
    assert brief.data["claims"][0]["text"] == "A brief saved with a byte order mark"
    assert brief.data["format"] == 1


def copy_case(case: str, folder: Path) -> Path:
    """A case's brief.yaml copied into `folder` (for cases that need a pipe or a big file beside it)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / case / "brief.yaml", folder / "brief.yaml")
    return folder / "brief.yaml"


def test_source_text_that_is_a_pipe_is_refused_without_hanging(tmp_path: Path) -> None:
    brief = copy_case("source-fifo", tmp_path)
    os.mkfifo(tmp_path / "source.fifo")
    done = run_check(brief)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"{brief}:7:9: source.text: source text source.fifo is not a "
                                        "regular file; name a plain text file"]


def test_source_symlink_to_a_device_is_refused_without_hanging(tmp_path: Path) -> None:
    brief = copy_case("source-fifo", tmp_path)
    (tmp_path / "source.fifo").symlink_to("/dev/urandom")
    done = run_check(brief)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"{brief}:7:9: source.text: source text source.fifo "
                                        + OUTSIDE.format(folder=tmp_path)]


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/stdin"])
def test_brief_that_is_a_device_is_refused_without_hanging(device: str) -> None:
    done = run_check(Path(device))
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"{device}:1:1: is not a regular file; name a .yaml file"]


def test_brief_that_is_a_pipe_is_refused_without_hanging(tmp_path: Path) -> None:
    pipe = tmp_path / "brief.yaml"
    os.mkfifo(pipe)
    done = run_check(pipe)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"{pipe}:1:1: is not a regular file; name a .yaml file"]


def test_huge_brief_file_is_refused(tmp_path: Path) -> None:
    brief = tmp_path / "huge.yaml"
    padding = "# " + "x" * 78 + "\n"
    brief.write_text("format: 1\n" + padding * (MAX_BRIEF_BYTES // len(padding) + 1))
    assert check_in_process(brief) == [
        f"{brief}:1:1: file is larger than 1 MiB, the limit for a brief file; shorten it"]


def test_huge_source_text_is_refused(tmp_path: Path) -> None:
    brief = copy_case("source-fifo", tmp_path)
    with open(tmp_path / "source.fifo", "wb") as big:
        big.truncate(MAX_SOURCE_BYTES + 1)
    assert check_in_process(brief) == [
        f"{brief}:7:9: source.text: source text source.fifo is larger than 8 MiB, the limit; "
        "brief a shorter text"]


def test_non_utf8_source_text_is_refused(tmp_path: Path) -> None:
    brief = copy_case("source-fifo", tmp_path)
    (tmp_path / "source.fifo").write_bytes(b"fifo line\n\ncaf\xe9\n")
    assert check_in_process(brief) == [
        f"{brief}:7:9: source.text: source text source.fifo is not UTF-8 text: byte 0xE9 at line 3, "
        "column 4 cannot be decoded; save it as UTF-8"]


def write_quote_flood(folder: Path, quotes: int) -> Path:
    """A brief with many quotes that are not in its source text, a source text half the largest allowed."""
    paragraph = " ".join(f"word{number}" for number in range(150))
    (folder / "source.txt").write_text((paragraph + "\n\n") * (MAX_SOURCE_BYTES // 2 // (len(paragraph) + 2)))
    head = (HERE / "source-fifo" / "brief.yaml").read_text().replace("source.fifo", "source.txt")
    head = head.split("    quotes:")[0]
    lines = [f'      - text: "word{n} word{n + 1} word{n + 2} word{n + 3} missing{n}"' for n in range(quotes)]
    brief = folder / "brief.yaml"
    brief.write_text(head + "    quotes:\n" + "\n".join(lines) + "\n")
    return brief


def test_many_quotes_not_found_in_a_big_source_do_not_hang(tmp_path: Path) -> None:
    # Each closest-passage search reads the whole source (half a second for 4 MiB): unbounded, 500
    # quotes take over four minutes; bounded, the check searches for the first 10 only.
    brief = write_quote_flood(tmp_path, 500)
    done = run_check(brief, bound=4 * HANG_SECONDS)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 101
    assert all(line.startswith(f"{brief}:") and "quote not found in source.txt" in line
               for line in lines[:100])
    assert lines[100] == f"{brief}: 400 more problems not shown; fix these first"
    assert sum("closest passage in paragraph" in line for line in lines) == MAX_CLOSEST_SEARCHES
    assert lines[99].endswith("copy the words exactly from the source (the closest passage is shown "
                              f"for the first {MAX_CLOSEST_SEARCHES} quotes not found)")
