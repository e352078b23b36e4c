"""Whole words in every PDF's text: search, copy and screen readers get "declaration", never "declara‐ tion"."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from compiler.content import load_brief
from compiler.doctypes import document_type
from compiler.document import BuildOptions
from compiler.render import render_html
from tests.render.reading import CASES, SCO_BRIEF, BuiltPdf, build_pdfs, small_brief, write_brief, write_pdf

# A letter, a hyphen of any kind at the end of a line, the next line starting with a letter.
LINE_END_HYPHEN = re.compile(r"(\w+)([-\u2010\u2011\u00ad])\n\s*(\w+)")


@pytest.fixture(scope="module")
def sco(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BuiltPdf]:
    return build_pdfs(load_brief(SCO_BRIEF), tmp_path_factory.mktemp("sco"))


@pytest.fixture(scope="module")
def dense(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BuiltPdf]:
    brief, folder = load_brief(CASES / "dense-35" / "brief.yaml"), tmp_path_factory.mktemp("dense")
    return {name: write_pdf(render_html(brief, document_type(name), BuildOptions()), folder / f"{name}.pdf")
            for name in ("memo", "factsheet")}


def visible_text(document_html: str) -> str:
    """The text of the HTML's body, tags removed, entities decoded (what the PDF should hold)."""
    body = document_html.split("<body", 1)[1]
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def split_words(built: BuiltPdf) -> list[str]:
    """Words the PDF's text breaks at a line's end with a hyphen the HTML does not have there."""
    source = " ".join(visible_text(built.html).split())
    return [match.group(0) for match in LINE_END_HYPHEN.finditer(built.text)
            if f"{match.group(1)}{match.group(2)}{match.group(3)}" not in source]


@pytest.mark.parametrize("name", ["memo", "slides", "factsheet"])
def test_no_word_of_the_sco_documents_is_split_by_a_hyphen(sco: dict[str, BuiltPdf], name: str) -> None:
    assert split_words(sco[name]) == []
    assert "\u2010" not in sco[name].text  # WeasyPrint's hyphenation character


@pytest.mark.parametrize("name", ["memo", "factsheet"])
def test_no_word_of_a_dense_brief_is_split_by_a_hyphen(dense: dict[str, BuiltPdf], name: str) -> None:
    assert split_words(dense[name]) == []
    assert "\u2010" not in dense[name].text


def test_searching_the_sco_memo_finds_every_declaration(sco: dict[str, BuiltPdf]) -> None:
    in_html = len(re.findall(r"\bdeclaration", visible_text(sco["memo"].html)))
    in_pdf = len(re.findall(r"\bdeclaration", sco["memo"].text))
    assert in_html >= 3
    assert in_pdf == in_html


def test_the_memo_text_has_each_claim_as_one_run_of_whole_words(sco: dict[str, BuiltPdf]) -> None:
    text = " ".join(sco["memo"].text.split())
    for claim in load_brief(SCO_BRIEF).data["claims"]:
        words = re.sub(r"\*+|\[|\]\([^)]*\)", "", claim["text"]).split()
        assert " ".join(words) in text, claim["id"]


def test_a_word_longer_than_its_line_still_breaks_without_a_hyphen(tmp_path: Path) -> None:
    long_word = "x" * 400
    brief = write_brief(tmp_path, small_brief(claims=[{"id": "c", "kind": "fact", "text": long_word}]))
    built = write_pdf(render_html(brief, document_type("memo"), BuildOptions()), tmp_path / "memo.pdf")
    runs = re.findall(r"\bx+\b", built.text)
    assert len(runs) > 1 and "".join(runs) == long_word  # broken over lines, every letter kept
    assert not re.search(r"x[-\u2010\u00ad]\n", built.text)
