"""`briefing watch`: a build, then one line per save of a brief or its source; the last good files stay."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader

from compiler.render import TEMPLATES_DIR
from tests.commands.running import Session, briefing

BRIEF = """\
format: 1
source: {title: An article, publisher: A journal, date: 2024, text: sources/article.txt}
brief: {title: A brief, date: 2026-11-27, bottom_line: One sentence.}
summary: One paragraph.
claims:
  - id: only
    kind: fact
    text: CLAIM
    quotes:
      - {text: came into being, paragraph: 2}
"""
REBUILT = r"\[\d\d:\d\d:\d\d\] {cause}: {result} in \d+\.\d s"


def make_project(folder: Path, claim: str = "The first claim.") -> Path:
    (folder / "content/sources").mkdir(parents=True)
    (folder / "content/sources/article.txt").write_text("Title\n\nIt came into being in 2001.\n", encoding="utf-8")
    brief = folder / "content/brief.yaml"
    brief.write_text(BRIEF.replace("CLAIM", claim), encoding="utf-8")
    return brief


def memo_text(folder: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(folder / "out/brief/memo.pdf").pages)


def test_watch_rebuilds_on_save_and_keeps_the_last_good_files(tmp_path: Path) -> None:
    brief = make_project(tmp_path)
    with Session(tmp_path, "watch", "--out", "out") as watch:
        assert watch.next_line() == f"watching content/, {TEMPLATES_DIR}/; Ctrl-C to stop"
        assert re.fullmatch(REBUILT.format(cause="first build", result="wrote 7 files"), watch.next_line())
        assert "The first claim." in memo_text(tmp_path)

        brief.write_text(BRIEF.replace("CLAIM", "The claim, saved again."), encoding="utf-8")
        assert re.fullmatch(REBUILT.format(cause="content/brief.yaml changed", result="wrote 7 files"),
                            watch.next_line())
        assert "The claim, saved again." in memo_text(tmp_path)

        brief.write_text(BRIEF.replace("CLAIM", '"[[write the claim]]"'), encoding="utf-8")
        assert re.fullmatch(REBUILT.format(
            cause="content/brief.yaml changed",
            result=r"wrote 0 files; 1 brief failed \(1 error; the last good files stay\)"), watch.next_line())
        assert watch.errors(1) == ["content/brief.yaml:8:11: claims[0].text: still a placeholder: write the claim"]
        assert "The claim, saved again." in memo_text(tmp_path)

        (tmp_path / "content/sources/article.txt").write_text("Title\n\nIt grew.\n", encoding="utf-8")
        assert re.fullmatch(REBUILT.format(
            cause="content/sources/article.txt changed",
            result=r"wrote 0 files; 1 brief failed \(2 errors; the last good files stay\)"), watch.next_line())

        assert watch.interrupt() == 0
        assert watch.next_line() == "stopped watching"


def test_watch_needs_a_folder_to_watch(tmp_path: Path) -> None:
    run = briefing(tmp_path, "watch")
    assert (run.status, run.out) == (1, [])
    assert run.err == ["content: no such folder; name a brief file, or run this where content/ is"]
