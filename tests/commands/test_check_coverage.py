"""`briefing check --coverage`: which source paragraphs the quotes cite, as a table, as JSON, in the memo."""

from __future__ import annotations

import json
from pathlib import Path

import docx
from pypdf import PdfReader

from tests.commands.running import briefing

ARTICLE = """\
Title of the article

Alpha beta gamma delta.

One two three four five six.

Seven eight nine.

The organisation grew in 2001 to six members.

A long uncited paragraph with many words in it here.

Closing words.
"""
BRIEF = """\
format: 1
source: {{title: Title of the article, publisher: A journal, date: 2013{text}}}
brief: {{title: A brief, date: 2026-11-27, bottom_line: One sentence.{appendices}}}
summary: One paragraph.
claims:
  - id: growth
    kind: fact
    text: The article says the organisation grew.
    quotes:
      - {{text: beta gamma, paragraph: 2}}
      - {{text: grew in 2001}}
  - id: closing
    kind: assessment
    text: The article closes.
    quotes:
      - {{text: Closing words, paragraph: 7}}
figures:
  - {{label: Members, value: "6", quote: {{text: six members, paragraph: 5}}}}
"""
TABLE = [
    "  quotes cite 3 of 7 paragraphs of article.txt (14 of 37 words)",
    "     ¶  words  cited by",
    "     1      4  not cited",
    "     2      4  growth",
    "     3      6  not cited",
    "     4      3  not cited",
    "     5      8  growth, figures[0]",
    "     6     10  not cited",
    "     7      2  closing",
    "  longest uncited:",
    '    ¶6: 1 paragraph, 10 words, from "A long uncited paragraph with many words in …"',
    '    ¶3-4: 2 paragraphs, 9 words, from "One two three four five six."',
    '    ¶1: 1 paragraph, 4 words, from "Title of the article"',
]


def write_brief(folder: Path, name: str = "brief.yaml", text: bool = True, appendix: bool = False) -> Path:
    (folder / "article.txt").write_text(ARTICLE, encoding="utf-8")
    path = folder / name
    path.write_text(BRIEF.format(text=", text: article.txt" if text else "",
                                 appendices=", appendices: [coverage]" if appendix else ""),
                    encoding="utf-8")
    return path


def test_coverage_table_under_the_summary_line(tmp_path: Path) -> None:
    write_brief(tmp_path)
    run = briefing(tmp_path, "check", "--coverage", "brief.yaml")
    assert (run.status, run.err) == (0, [])
    assert run.out == ["brief.yaml: ok: 2 claims, 4 quotes verified against article.txt", *TABLE]


def test_coverage_as_json(tmp_path: Path) -> None:
    write_brief(tmp_path)
    run = briefing(tmp_path, "check", "--coverage", "--format", "json", "brief.yaml")
    assert (run.status, run.err) == (0, [])
    report = json.loads("\n".join(run.out))
    coverage = report["briefs"][0].pop("coverage")
    assert report == {"briefs": [{"brief": "brief.yaml", "ok": True, "problems": []}]}
    assert {key: coverage[key] for key in ("source", "paragraphs", "cited", "words", "cited_words")} == {
        "source": "article.txt", "paragraphs": 7, "cited": 3, "words": 37, "cited_words": 14}
    assert [row["cited_by"] for row in coverage["table"]] == [
        [], ["growth"], [], [], ["growth", "figures[0]"], [], ["closing"]]
    assert [(s["first"], s["last"], s["words"]) for s in coverage["uncited"]] == [(6, 6, 10), (3, 4, 9), (1, 1, 4)]


def test_briefs_without_a_source_or_with_errors(tmp_path: Path) -> None:
    write_brief(tmp_path, "unchecked.yaml", text=False)
    (tmp_path / "broken.yaml").write_text("format: 2\n", encoding="utf-8")
    run = briefing(tmp_path, "check", "--coverage", "unchecked.yaml", "broken.yaml")
    assert run.status == 1
    assert run.out == ["unchecked.yaml: ok: 2 claims, 4 quotes unchecked (no source.text)",
                       "  no coverage: the brief names no source.text to lay its quotes over",
                       "broken.yaml: 5 errors"]
    as_json = json.loads("\n".join(briefing(tmp_path, "check", "--coverage", "--format", "json",
                                            "unchecked.yaml", "broken.yaml").out))
    assert [(b["brief"], b["ok"], len(b["problems"]), b["coverage"]) for b in as_json["briefs"]] == [
        ("unchecked.yaml", True, 0, None), ("broken.yaml", False, 5, None)]
    assert as_json["briefs"][1]["problems"][0] == {
        "file": "broken.yaml", "line": 1, "column": 1, "path": "",
        "message": "required key 'brief' is missing"}


def test_the_memo_appendix(tmp_path: Path) -> None:
    write_brief(tmp_path, appendix=True)
    run = briefing(tmp_path, "build", "-j", "1", "--out", "out", "brief.yaml")
    assert run.status == 0, run.err
    text = " ".join(" ".join(page.extract_text() or "" for page in PdfReader(tmp_path / "out/brief/memo.pdf").pages)
                    .replace("\u202f", " ").split())
    assert ("Appendix: what the quotes cover The quotes cite 3 of the article’s 7 paragraphs (14 of its 37 "
            "words), numbered as in article.txt. No quote cites ¶ 1, 3–4, 6.") in text
    assert "¶ 6, 10 words, beginning “A long uncited paragraph with many words in …”" in text
    word = [(p.style.name, p.text.replace("\u202f", " ")) for p in docx.Document(tmp_path / "out/brief/memo.docx").paragraphs]
    start = word.index(("Heading 1", "Appendix: what the quotes cover"))
    assert [style for style, _ in word[start:start + 6]] == [
        "Heading 1", "Body Text", "Body Text", "List Bullet", "List Bullet", "List Bullet"]
    assert word[start + 4] == ("List Bullet", "¶ 3–4, 9 words, beginning “One two three four five six.”")


def test_without_the_key_the_memo_has_no_appendix(tmp_path: Path) -> None:
    write_brief(tmp_path)
    assert briefing(tmp_path, "build", "-j", "1", "--out", "out", "--format", "pdf", "brief.yaml").status == 0
    text = " ".join(page.extract_text() or "" for page in PdfReader(tmp_path / "out/brief/memo.pdf").pages)
    assert "Closing words" in text and "Appendix" not in text


def test_the_appendix_needs_a_source_text(tmp_path: Path) -> None:
    write_brief(tmp_path, text=False, appendix=True)
    run = briefing(tmp_path, "check", "brief.yaml")
    assert run.status == 1
    assert run.err == ["brief.yaml:3:84: brief.appendices[0]: the coverage appendix needs the article's "
                       "text; give source.text, or remove coverage"]
