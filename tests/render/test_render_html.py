"""render_html: content goes in as data and comes out escaped; the deck is planned from measured heights."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compiler.diagnostics import BriefError
from compiler.doctypes import DOCUMENT_TYPES, document_type
from compiler.document import BuildOptions
from compiler.render import create_environment, format_date, render_html
from tests.render.reading import link_targets, small_brief, write_brief, write_pdf

HOSTILE = {
    "bottom_line": "Bold <b>x</b> stays, {{ 7*7 }} stays, {% if true %}yes{% endif %} stays.",
    "claim": "See [this](javascript:alert(1)) and <script>alert(2)</script> and {# note #}.",
}


@pytest.fixture
def hostile(tmp_path: Path) -> object:
    data = small_brief(claims=[{"id": "c", "kind": "fact", "text": HOSTILE["claim"]}])
    data["brief"] = dict(data["brief"], bottom_line=HOSTILE["bottom_line"], classification="<i>SECRET</i>")
    return write_brief(tmp_path, data)


def test_html_syntax_in_content_is_escaped_in_every_document(hostile: object) -> None:
    for doctype in DOCUMENT_TYPES:
        html = render_html(hostile, doctype, BuildOptions()).html
        assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
        assert "&lt;script&gt;" in html and "<script>" not in html
        assert "&lt;i&gt;SECRET&lt;/i&gt;" in html


def test_jinja_syntax_in_content_is_not_evaluated(hostile: object) -> None:
    html = render_html(hostile, document_type("memo"), BuildOptions()).html
    assert "{{ 7*7 }}" in html and "49" not in html
    assert "{% if true %}yes{% endif %}" in html and "{# note #}" in html


def test_content_prints_literally_in_the_pdf(hostile: object, tmp_path: Path) -> None:
    built = write_pdf(render_html(hostile, document_type("memo"), BuildOptions()), tmp_path / "memo.pdf")
    text = re.sub(r"\s+", " ", built.text)
    assert "Bold <b>x</b> stays, {{ 7*7 }} stays, {% if true %}yes{% endif %} stays." in text
    assert "See [this](javascript:alert(1)) and <script>alert(2)</script> and {# note #}." in text
    assert link_targets(built.path) == []


def test_a_character_no_font_covers_fails_naming_the_field(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, small_brief(claims=[
        {"id": "c", "kind": "fact", "text": "Fine."},
        {"id": "d", "kind": "assessment", "text": "A grin \U0001F600 here."},
    ]))
    with pytest.raises(BriefError) as error:
        render_html(brief, document_type("memo"), BuildOptions())
    line, column = brief.location("claims[1].text")
    assert str(error.value) == (
        f"{tmp_path / 'brief.yaml'}:{line}:{column}: claims[1].text: character U+1F600 (GRINNING FACE) is not "
        "covered by the document fonts (Noto Serif, Noto Sans, Noto Sans Math, Noto Sans Symbols (1 and 2), "
        "Droid Sans Fallback, Noto Hebrew (Serif, Sans), Noto Arabic (Naskh, Sans)); remove it or replace it "
        "with a character they cover")


def test_chinese_cyrillic_and_symbols_are_covered(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, small_brief(summary="上海合作组织, Шанхайская организация, ≈ 11 → 12, ½ — “ok”"))
    assert "上海合作组织" in render_html(brief, document_type("memo"), BuildOptions()).html


def test_language_paper_and_metadata_come_from_the_brief(tmp_path: Path) -> None:
    data = small_brief()
    data["brief"] = dict(data["brief"], language="ru", paper="letter", author="Desk",
                         keywords=["SCO", "Eurasia"], bottom_line="The *bottom* line.")
    brief = write_brief(tmp_path, data)
    html = render_html(brief, document_type("memo"), BuildOptions()).html
    assert '<html lang="ru">' in html and "size: letter portrait;" in html
    assert '<meta name="author" content="Desk">' in html
    assert '<meta name="description" content="The bottom line.">' in html
    assert '<meta name="keywords" content="SCO, Eurasia">' in html
    assert "size: A4 portrait;" in render_html(brief, document_type("memo"), BuildOptions(paper="a4")).html


def test_the_deck_splits_a_long_group_instead_of_shrinking(tmp_path: Path) -> None:
    claims = [{"id": f"c{n}", "kind": "fact", "text": f"Claim {n} " + "with quite a few words in it " * 6,
               "quotes": [{"text": "a quote of a decent length that fills the better part of a line"}]}
              for n in range(9)]
    brief = write_brief(tmp_path, small_brief(claims=claims))
    html = render_html(brief, document_type("slides"), BuildOptions()).html
    titles = re.findall(r"<h1>(The article rests on 9 checkable facts[^<]*(?:<span[^>]*>[^<]*</span>)?)</h1>", html)
    assert 3 <= len(titles) < 9  # split, yet more than one claim to a slide
    assert all("(continued)" in title for title in titles[1:]) and "(continued)" not in titles[0]
    assert all(f"Claim {n} " in html for n in range(9))


def test_speaker_notes_say_each_claims_kind(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, small_brief(claims=[
        {"id": "a", "kind": "fact", "text": "A fact."},
        {"id": "b", "kind": "proposal", "text": "A proposal.", "note": "Unfunded."}]))
    html = render_html(brief, document_type("slides"), BuildOptions()).html
    notes = re.findall(r'<aside class="notes">(.*?)</aside>', html, re.S)
    assert any("Claim 1 (fact): A fact." in note for note in notes)
    assert any("Claim 2 (proposal): A proposal. Analyst’s note: Unfunded." in note for note in notes)


def test_speaker_notes_print_the_summarys_words_not_its_markup(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, small_brief(summary="The author argues in *Qiushi* that **all** is well.\n\n"
                                                      "A second paragraph."))
    html = render_html(brief, document_type("slides"), BuildOptions()).html
    notes = "".join(re.findall(r'<aside class="notes">(.*?)</aside>', html, re.S))
    assert "<p data-style=\"Speaker Notes\">The author argues in Qiushi that all is well.</p>" in notes
    assert "<p data-style=\"Speaker Notes\">A second paragraph.</p>" in notes
    assert "em&gt;" not in notes and "strong&gt;" not in notes


def test_short_claims_share_one_slide(tmp_path: Path) -> None:
    claims = [{"id": f"c{n}", "kind": "fact", "text": f"Short claim {n}."} for n in range(4)]
    brief = write_brief(tmp_path, small_brief(claims=claims))
    html = render_html(brief, document_type("slides"), BuildOptions()).html
    assert html.count("<h1>The article rests on 4 checkable facts") == 1
    assert "(continued)" not in html


def test_the_environment_loads_templates_only_from_templates() -> None:
    environment = create_environment()
    assert environment.autoescape is True
    with pytest.raises(Exception):
        environment.get_template("../compiler/render.py")


@pytest.mark.parametrize("value, printed", [
    ("2013-02-19", "19 February 2013"), ("2013-02", "February 2013"), ("2013", "2013")])
def test_dates_print_as_a_reader_writes_them(value: str, printed: str) -> None:
    assert format_date(value) == printed
