"""The PDF geometry helper finds what it claims to find, on PDFs made to have each fault (and one with none)."""

from __future__ import annotations

from pathlib import Path

import pytest
from weasyprint import HTML

from tests.pdfcheck import hyphen_splits, is_sixteen_by_nine, layout_problems, read_layout

PAGE = "@page { size: 160mm 90mm; margin: 10mm } body { font: 14pt sans-serif; margin: 0 }"


def pdf_of(tmp_path: Path, body: str, style: str = "") -> Path:
    target = tmp_path / "made.pdf"
    HTML(string=f"<html lang='en'><style>{PAGE}{style}</style><body>{body}</body></html>").write_pdf(target)
    return target


def test_a_clean_page_has_no_problems(tmp_path: Path) -> None:
    layout = read_layout(pdf_of(tmp_path, "<h1>A title</h1><p>One paragraph of words<br>on two lines.</p>"))
    assert (layout.page_count, layout_problems(layout, slides=True)) == (1, [])
    assert is_sixteen_by_nine(layout.pages[0])


def test_words_printed_over_each_other_are_found(tmp_path: Path) -> None:
    body = ("<p style='position: absolute; margin: 0; top: 20mm; left: 20mm'>Audience line</p>"
            "<p style='position: absolute; margin: 0; top: 21mm; left: 22mm'>Source line</p>")
    problems = layout_problems(read_layout(pdf_of(tmp_path, body)))
    assert any(problem.startswith("overlap:") and "'Audience'" in problem for problem in problems), problems


def test_a_rule_through_text_is_found_but_an_underline_is_not(tmp_path: Path) -> None:
    struck = "<p><span style='text-decoration: line-through'>Struck</span> words</p>"
    assert any(problem.startswith("rule through text") for problem in
               layout_problems(read_layout(pdf_of(tmp_path, struck))))
    underlined = "<p><span style='text-decoration: underline'>Underlined</span> words</p>"
    assert layout_problems(read_layout(pdf_of(tmp_path, underlined))) == []


def test_a_word_off_its_page_is_found(tmp_path: Path) -> None:
    body = "<p style='position: absolute; top: 80mm; left: 20mm'>Falling</p>"
    problems = layout_problems(read_layout(pdf_of(tmp_path, body)))
    assert any(problem.startswith("outside its page") and "'Falling'" in problem for problem in problems)


def test_a_page_that_is_not_16_by_9_is_named(tmp_path: Path) -> None:
    layout = read_layout(pdf_of(tmp_path, "<p>Words</p>", "@page { size: A4 }"))
    assert layout_problems(layout, slides=True) == ["page 1: 595.3 x 841.9 pt is not 16:9"]


def test_hyphenation_at_a_line_end_is_a_split_word(tmp_path: Path) -> None:
    body = "<p style='width: 18mm; hyphens: auto'>declaration declaration declaration declaration</p>"
    splits = hyphen_splits(read_layout(pdf_of(tmp_path, body)).text)
    assert splits and all(split.replace("\u2010|", "") in {"declaration"} for split in splits), splits


@pytest.mark.parametrize(("text", "found"), [
    ("declara\u2010\ntion", ["declara\u2010|tion"]),
    ("declara\u00ad\ntion", ["declara\u00ad|tion"]),
    ("long-\nterm", []),
    ("mid\u2010word on one line", []),
])
def test_hyphen_splits_reads_line_ends_only(text: str, found: list[str]) -> None:
    assert hyphen_splits(text) == found


def test_a_plain_hyphen_counts_only_when_the_joined_word_is_known() -> None:
    assert hyphen_splits("organi-\nsation and long-\nterm", {"organisation"}) == ["organi-|sation"]


def test_text_over_a_page_break_reads_on_without_the_running_header_and_footer(tmp_path: Path) -> None:
    style = ("@page { @top-left { content: 'Running head' } @bottom-right { content: 'Page ' counter(page) } }"
             "p { margin: 0 }")
    words = " ".join(f"word{number}" for number in range(400))
    layout = read_layout(pdf_of(tmp_path, f"<p>Opening</p><p>{words}</p>", style))
    assert layout.page_count >= 3
    assert "Page 1" in layout.text and "Running head" in layout.text
    assert " ".join(layout.body_text.split()) == f"Opening {words}"
