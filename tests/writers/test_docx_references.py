"""Word files built on references colleagues make (pandoc's, LibreOffice's): what the brief says wins."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from compiler.content.loader import load_brief
from compiler.doctypes import document_type
from compiler.render import render_html
from compiler.document import BuildOptions
from compiler.writers import docx as docx_writer
from compiler.writers.docx_package import REFERENCE_DOCX
from tests.writers.references import (
    LIBREOFFICE, convert_to_pdf, find_pandoc, libreoffice_reference, pandoc_reference, pdf_pages_text,
)

ROOT = Path(__file__).resolve().parents[2]
SCO_BRIEF = ROOT / "content" / "sco-2012.yaml"
NEEDS_LIBREOFFICE = pytest.mark.skipif(LIBREOFFICE is None, reason="libreoffice is not installed "
                                       "(make test installs libreoffice-writer)")
NEEDS_PANDOC = pytest.mark.skipif(find_pandoc() is None, reason="pandoc is not installed "
                                  "(pip install pypandoc-binary, or make bench, installs it)")


@pytest.fixture(scope="module")
def references(tmp_path_factory) -> dict[str, Path]:
    """Ours, pandoc's and LibreOffice's reference documents, each made here (none is committed)."""
    folder = tmp_path_factory.mktemp("references")
    made = {"ours": REFERENCE_DOCX}
    if find_pandoc():
        made["pandoc"] = pandoc_reference(folder)
    if LIBREOFFICE:
        made["libreoffice"] = libreoffice_reference(folder / "libreoffice")
    return made


def reference_of(references: dict[str, Path], name: str) -> Path:
    if name not in references:
        pytest.skip(f"no {name} reference: {name} is not installed")
    return references[name]


def brief_in(tmp_path: Path, language: str) -> Path:
    """The SCO brief with `brief.language` set, beside a copy of its source text."""
    text = SCO_BRIEF.read_text(encoding="utf-8").replace("  classification: PUBLIC\n",
                                                         f"  classification: PUBLIC\n  language: {language}\n")
    (tmp_path / "sources").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "content" / "sources" / "sco-2012.txt", tmp_path / "sources")
    brief = tmp_path / "sco-2012.yaml"
    brief.write_text(text, encoding="utf-8")
    return brief


def write_docx(folder: Path, name: str, brief: Path = SCO_BRIEF, reference: Path | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    options = BuildOptions(source_date_epoch=0, reference_docx=reference)
    target = folder / f"{name}.docx"
    docx_writer.write(render_html(load_brief(brief), document_type(name), options), target, options)
    return target


def languages(target: Path) -> set[str]:
    """Every Latin-text language the styles part names (document defaults and styles)."""
    with zipfile.ZipFile(target) as package:
        styles = package.read("word/styles.xml").decode("utf-8")
    return set(re.findall(r'<w:lang [^>]*w:val="([^"]+)"', styles))


@pytest.mark.parametrize("reference", ["ours", "pandoc", "libreoffice"])
@pytest.mark.parametrize("language", ["en-GB", "de-DE"])
def test_the_briefs_language_is_the_language_of_every_style(tmp_path, references, reference, language):
    target = write_docx(tmp_path, "memo", brief_in(tmp_path, language), reference_of(references, reference))
    word = docx.Document(str(target))
    normal = word.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert normal.get(qn("w:val")) == language  # Normal wins over the document defaults
    assert languages(target) == {language}


def test_a_libreoffice_reference_sets_its_own_language_in_normal(references):
    assert "en-US" in languages(reference_of(references, "libreoffice"))  # what the test above overrides


@pytest.mark.parametrize("reference", ["ours", "pandoc", "libreoffice"])
def test_settings_are_schema_valid_and_claim_no_spell_check(tmp_path, references, reference):
    target = write_docx(tmp_path, "memo", reference=reference_of(references, reference))
    settings = docx.Document(str(target)).settings.element
    assert settings.find(qn("w:proofState")) is None
    for zoom in settings.findall(qn("w:zoom")):
        assert zoom.get(qn("w:percent")) is not None


@pytest.mark.parametrize("reference", ["ours", "pandoc", "libreoffice"])
def test_application_properties_say_who_made_the_file_and_count_its_words(tmp_path, references, reference):
    target = write_docx(tmp_path, "memo", reference=reference_of(references, reference))
    with zipfile.ZipFile(target) as package:
        app = package.read("docProps/app.xml").decode("utf-8")
    word = docx.Document(str(target))
    words = sum(len(p.text.split()) for p in word.paragraphs) + sum(
        len(cell.text.split()) for table in word.tables for row in table.rows for cell in row.cells)
    assert re.search(r"<Application>([^<]*)</Application>", app).group(1) == "briefing compiler"
    assert "<Pages>" not in app and "Microsoft" not in app
    assert int(re.search(r"<Words>(\d+)</Words>", app).group(1)) == words > 500


def test_our_reference_itself_is_honest():
    with zipfile.ZipFile(REFERENCE_DOCX) as package:
        app = package.read("docProps/app.xml").decode("utf-8")
        settings = package.read("word/settings.xml").decode("utf-8")
    assert "Microsoft" not in app and "<Pages>" not in app
    assert "proofState" not in settings and re.search(r'<w:zoom [^>]*w:percent="100"', settings)


@pytest.mark.parametrize("reference", ["ours", "pandoc", "libreoffice"])
def test_table_headings_take_our_style_whatever_the_reference_defines(tmp_path, references, reference):
    target = write_docx(tmp_path, "memo", reference=reference_of(references, reference))
    (table,) = [table for table in docx.Document(str(target)).tables if table.style.name == "Briefing Table"]
    heading = table.rows[0].cells[2].paragraphs[0]
    assert heading.text == "Claim"
    assert heading.style.name == "Briefing Table Heading"
    assert heading.style.font.size == Pt(7)


@NEEDS_LIBREOFFICE
@pytest.mark.parametrize("reference", ["ours", "libreoffice"])
def test_the_claim_column_heading_never_breaks_in_libreoffice(tmp_path, references, reference):
    pdf = convert_to_pdf(write_docx(tmp_path, "memo", reference=reference_of(references, reference)))
    text = " ".join(pdf_pages_text(pdf))
    assert re.search(r"\bFIGURE WHAT IT MEASURES CLAIM\b", text), text[:1500]


@pytest.mark.parametrize("name", ["memo", "slides"])
def test_the_classification_is_in_the_header_not_again_in_the_body(tmp_path, name):
    word = docx.Document(str(write_docx(tmp_path, name)))
    assert word.sections[0].header.paragraphs[0].text == "PUBLIC"
    assert [p.text for p in word.paragraphs if p.text == "PUBLIC"] == []


@NEEDS_LIBREOFFICE
@pytest.mark.parametrize("name", ["memo", "slides"])
def test_page_one_shows_the_classification_once_at_the_top(tmp_path, name):
    first_page = pdf_pages_text(convert_to_pdf(write_docx(tmp_path, name)))[0]
    title = "The SCO as Beijing presents it"
    assert first_page.count("PUBLIC") == 2  # the header's, and the footer's at the bottom
    assert first_page.index("PUBLIC") < first_page.index(title) < first_page.rindex("PUBLIC")


def test_quotes_keep_their_quotation_marks_as_in_the_pdf(tmp_path):
    word = docx.Document(str(write_docx(tmp_path, "memo")))
    quotes = [p.text for p in word.paragraphs if p.style.name == "Quote"]
    data = load_brief(SCO_BRIEF).data
    expected = [f"\u201c{quote['text']}\u201d \u00b6\u202f{quote['paragraph']}"
                for kind in ("fact", "assessment", "proposal")
                for claim in data["claims"] if claim["kind"] == kind for quote in claim.get("quotes", [])]
    assert quotes == expected
