"""Placeholders: a whole value `[[instruction]]` is reported at its line, once; real text never is one."""

from __future__ import annotations

from pathlib import Path

from compiler.content import check_brief

BRIEF = """\
format: 1
source: {{title: "[[sic]] Notes", publisher: "The [[Wiki]] Review", date: "{date}", text: article.txt}}
brief: {{title: A brief, date: 2026-11-27, bottom_line: "[ [ not one ] ]"}}
summary: One paragraph.
claims:
  - id: growth
    kind: fact
    text: The article says the organisation grew.
    quotes:
      - text: "{quote}"
        paragraph: 2
"""


def problems(folder: Path, date: str = "2013", quote: str = "grew") -> list[str]:
    (folder / "article.txt").write_text("Title\n\nIt grew.\n", encoding="utf-8")
    (folder / "brief.yaml").write_text(BRIEF.format(date=date, quote=quote), encoding="utf-8")
    brief, found = check_brief(folder / "brief.yaml")
    return [str(problem).removeprefix(f"{folder}/") for problem in found]


def test_text_with_brackets_in_it_is_no_placeholder(tmp_path: Path) -> None:
    assert problems(tmp_path) == []


def test_a_placeholder_quote_or_date_gets_one_message(tmp_path: Path) -> None:
    assert problems(tmp_path, date="[[give the date]]", quote="  [[copy a quote\n from the source]] ") == [
        "brief.yaml:2:74: source.date: still a placeholder: give the date",
        "brief.yaml:10:15: claims[0].quotes[0].text: still a placeholder: copy a quote from the source",
    ]
