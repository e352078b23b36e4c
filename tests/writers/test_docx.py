"""The Word writer, read back with python-docx: styles by name, lists, links, fields, properties."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Pt

from compiler.cli import main
from compiler.content.loader import load_brief
from compiler.content.model import Brief
from compiler.doctypes import document_type
from compiler.document import BuildOptions, RenderedDocument
from compiler.render import render_html, resolve_page
from compiler.reproducible import normalise_package_bytes
from compiler.writers import WriteResult
from compiler.writers import docx as docx_writer
from compiler.writers.docx_package import REFERENCE_DOCX
from tests.writers.references import find_pandoc

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixtures" / "contract.html"
SCO_BRIEF = ROOT / "content" / "sco-2012.yaml"
EPOCH = 1764201600  # 2025-11-27T00:00:00Z


def write_html(tmp_path: Path, html: str, doctype: str = "memo", paper: str | None = None,
               **options) -> tuple[docx.document.Document, WriteResult, Path]:
    brief = Brief(path=tmp_path / "fixture.yaml", data={"brief": {"paper": paper} if paper else {}})
    tmp_path.mkdir(parents=True, exist_ok=True)
    target = tmp_path / f"{doctype}.docx"
    page = resolve_page(document_type(doctype), paper or "a4")
    result = docx_writer.write(RenderedDocument(document_type(doctype), brief, html, page), target,
                               BuildOptions(source_date_epoch=EPOCH, **options))
    return docx.Document(str(target)), result, target


@pytest.fixture
def fixture_docx(tmp_path: Path) -> docx.document.Document:
    return write_html(tmp_path, FIXTURE.read_text(encoding="utf-8"))[0]


def style_of(document, text: str) -> str:
    """The style name of the one paragraph whose text starts with `text`."""
    found = [p.style.name for p in document.paragraphs if p.text.startswith(text)]
    assert len(found) == 1, f"{len(found)} paragraphs start with {text!r}"
    return found[0]


def test_blocks_take_word_styles_by_name(fixture_docx):
    expected = {
        "Fixture brief title": "Title", "A subtitle": "Subtitle", "Bottom line": "Heading 1",
        "The bottom line, up front.": "Bottom Line", "First summary paragraph": "Body Text",
        "A third-level heading": "Heading 2", "\u201ca verbatim quote": "Quote", "Bullet one point one": "List Bullet 2",
        "Bullet two": "List Bullet", "First list, item one": "List Number", "Nested number": "List Number 2",
        "Dates the article gives": "Caption", "The timeline, drawn": "Caption", "2.8 billion": "Figure Value",
        "Population of the SCO market": "Figure Label",
        "What the presenter says.": "Speaker Notes", "Source title.": "Source Block",
        "A slide whose title is a claim": "Heading 1",
    }
    assert {text: style_of(fixture_docx, text) for text in expected} == expected


def test_inline_text_is_collapsed_formatted_and_never_interpreted(fixture_docx):
    summary = next(p for p in fixture_docx.paragraphs if p.text.startswith("First summary"))
    assert summary.text == ("First summary paragraph with emphasis, strength and a link to the article.")
    assert [r.text for r in summary.runs if r.italic] == ["emphasis"]
    assert [r.text for r in summary.runs if r.bold] == ["strength"]
    literal = next(p for p in fixture_docx.paragraphs if p.text.startswith("Second line"))
    assert literal.text == "Second line\nafter a break; literal markup: <b>not bold</b> {{ not_jinja }}"
    assert not any(run.bold for run in literal.runs)


def test_quote_ends_with_its_paragraph_reference(fixture_docx):
    quote = next(p for p in fixture_docx.paragraphs if p.style.name == "Quote")
    assert quote.text == "\u201ca verbatim quote from the source\u201d \u00b6\u202f6"
    assert quote.runs[-1].style.name == "Quote Citation"


def test_span_naming_a_paragraph_style_uses_its_character_twin(fixture_docx):
    claim = next(p for p in fixture_docx.paragraphs if p.text.startswith("Fact The first claim"))
    assert claim.runs[0].text == "Fact"
    assert claim.runs[0].style.name == "Claim Kind Char"


def test_pdf_only_is_skipped_and_docx_only_is_kept(fixture_docx):
    text = "\n".join(p.text for p in fixture_docx.paragraphs)
    assert "Drawn only in the PDF" not in text and "timeline drawing" not in text
    assert "Only in Word." in text
    assert "color: red" not in text


def numbering_of(document, paragraph) -> tuple[int, int]:
    num_pr = paragraph._p.pPr.numPr
    return int(num_pr.numId.val), int(num_pr.ilvl.val)


def test_each_ordered_list_restarts_at_one(fixture_docx):
    first = next(p for p in fixture_docx.paragraphs if p.text == "First list, item one")
    first_two = next(p for p in fixture_docx.paragraphs if p.text == "First list, item two")
    second = next(p for p in fixture_docx.paragraphs if p.text == "Second list, item one")
    first_id, _ = numbering_of(fixture_docx, first)
    second_id, _ = numbering_of(fixture_docx, second)
    assert numbering_of(fixture_docx, first_two)[0] == first_id
    assert first_id != second_id

    numbering = fixture_docx.part.numbering_part.element
    style_num_id = int(fixture_docx.styles["List Number"].element.pPr.numPr.numId.val)
    abstract = numbering.num_having_numId(style_num_id).abstractNumId.val
    for num_id in (first_id, second_id):
        num = numbering.num_having_numId(num_id)
        assert num.abstractNumId.val == abstract
        overrides = num.findall(qn("w:lvlOverride"))
        assert [o.find(qn("w:startOverride")).get(qn("w:val")) for o in overrides] == ["1"]


def test_links_are_real_hyperlinks(fixture_docx):
    links = fixture_docx.element.body.findall(f".//{qn('w:hyperlink')}")
    assert len(links) == 1
    relationship = fixture_docx.part.rels[links[0].get(qn("r:id"))]
    assert relationship.is_external
    assert relationship.target_ref == "https://example.org/article?a=1&b=2"
    runs = links[0].findall(qn("w:r"))
    assert "".join(r.findtext(qn("w:t")) for r in runs) == "link to the article"
    assert {r.find(f"{qn('w:rPr')}/{qn('w:rStyle')}").get(qn("w:val")) for r in runs} == \
        {fixture_docx.styles["Hyperlink"].style_id}


def test_table_uses_briefing_table_with_repeated_header(fixture_docx):
    (table,) = fixture_docx.tables
    assert table.style.name == "Briefing Table"
    assert [c.text for c in table.rows[0].cells] == ["Date", "Event"]
    assert [c.text for c in table.rows[2].cells] == ["June 2012", "Twelfth summit, Beijing"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr is None or table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    assert table.rows[1].cells[0].paragraphs[0].style.name == "Table Text"


def test_header_and_footer_carry_classification_and_page_fields(fixture_docx):
    section = fixture_docx.sections[0]
    assert [(p.text, p.style.name) for p in section.header.paragraphs] == [
        ("PUBLIC", "Classification"), ("Fixture brief title", "Header")]
    footer_xml = section.footer._element.xml
    instructions = [t.strip() for t in re.findall(r"<w:instrText[^>]*>([^<]*)<", footer_xml)]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert section.footer.paragraphs[0].text.startswith("Page ")
    assert section.footer.paragraphs[-1].text == "PUBLIC"


def test_core_properties_and_language_come_from_the_head(fixture_docx):
    properties = fixture_docx.core_properties
    assert (properties.title, properties.author, properties.subject, properties.keywords,
            properties.language) == ("Fixture brief title", "Fixture desk",
                                     "What the fixture says, in one line.", "PUBLIC, fixture, briefing", "en-GB")
    assert properties.created == properties.modified == datetime.fromtimestamp(EPOCH, timezone.utc)
    defaults = fixture_docx.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "en-GB"


def test_paper_and_orientation_follow_the_document_type(tmp_path):
    html = FIXTURE.read_text(encoding="utf-8")
    memo, _, _ = write_html(tmp_path, html, "memo", paper="letter")
    slides, _, _ = write_html(tmp_path, html, "slides")
    assert (round(memo.sections[0].page_width.mm, 1), round(memo.sections[0].page_height.mm, 1)) == (215.9, 279.4)
    section = slides.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (320, 180)
    assert [p.text for p in section.header.paragraphs] == ["PUBLIC", "Fixture brief title"]
    assert "NUMPAGES" in section.footer._element.xml


def test_control_characters_are_removed_with_a_warning(tmp_path):
    html = FIXTURE.read_text(encoding="utf-8").replace("The first claim text.", "The first\x07 claim\x1b text.")
    html = html.replace("<title>Fixture brief title", "<title>Fixture\x01 brief title")
    document, result, _ = write_html(tmp_path, html)
    assert any(p.text == "Fact The first claim text." for p in document.paragraphs)
    assert document.core_properties.title == "Fixture brief title"
    assert len(result.warnings) == 2
    assert '<p>.claim-text ("The first claim text.")' in result.warnings[1]
    assert "U+0007, U+001B" in result.warnings[1]
    assert result.warnings[0].startswith("<title>: removed a character Word cannot hold (U+0001)")


def test_a_users_reference_restyles_the_output(tmp_path):
    reference = docx.Document(str(REFERENCE_DOCX))
    body = reference.styles["Body Text"]
    body.font.name = "DejaVu Sans Mono"
    body.font.size = Pt(13)
    reference_path = tmp_path / "house-style.docx"
    reference.save(str(reference_path))
    document, _, _ = write_html(tmp_path, FIXTURE.read_text(encoding="utf-8"), reference_docx=reference_path)
    assert document.styles["Body Text"].font.name == "DejaVu Sans Mono"
    assert document.styles["Body Text"].font.size == Pt(13)
    assert style_of(document, "First summary") == "Body Text"


def test_a_reference_without_our_styles_gets_them_added(tmp_path):
    plain_reference = tmp_path / "plain.docx"
    docx.Document().save(str(plain_reference))  # python-docx's default: no Bottom Line, no Briefing Table
    document, result, _ = write_html(tmp_path, FIXTURE.read_text(encoding="utf-8"), reference_docx=plain_reference)
    assert style_of(document, "The bottom line") == "Bottom Line"
    assert style_of(document, "What the presenter says.") == "Speaker Notes"
    assert document.tables[0].style.name == "Briefing Table"
    assert result.warnings == ()
    first = next(p for p in document.paragraphs if p.text == "First list, item one")
    second = next(p for p in document.paragraphs if p.text == "Second list, item one")
    assert numbering_of(document, first)[0] != numbering_of(document, second)[0]


def test_the_reference_document_is_reproducible(tmp_path):
    out = tmp_path / "reference.docx"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make-reference-docx"), "--out", str(out)],
                   check=True, capture_output=True)
    assert out.read_bytes() == REFERENCE_DOCX.read_bytes()


@pytest.mark.parametrize("name", ["Title", "Body Text", "Bottom Line", "Quote", "Figure Value"])
def test_hebrew_and_arabic_take_each_style_s_size_and_weight(name):
    # Word sets right-to-left scripts with the complex-script properties (w:szCs, w:bCs, w:iCs).
    style = docx.Document(str(REFERENCE_DOCX)).styles[name]
    rpr = style.element.rPr
    assert rpr.find(qn("w:szCs")).get(qn("w:val")) == str(round(style.font.size.pt * 2))
    assert (rpr.find(qn("w:bCs")) is not None) == bool(style.font.bold)
    assert (rpr.find(qn("w:iCs")) is not None) == bool(style.font.italic)


@pytest.fixture(scope="module")
def sco_documents(tmp_path_factory):
    """The real templates rendered for the SCO brief and written as Word, on first use."""
    folder = tmp_path_factory.mktemp("sco")
    brief = load_brief(SCO_BRIEF)
    options = BuildOptions(source_date_epoch=EPOCH)
    written: dict[str, docx.document.Document] = {}

    def document(name: str) -> docx.document.Document:
        if name not in written:
            target = folder / f"{name}.docx"
            docx_writer.write(render_html(brief, document_type(name), options), target, options)
            written[name] = docx.Document(str(target))
        return written[name]

    return document


def plain(text: str) -> str:
    """Brief text as it prints: markup signs gone, white space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"\*+|\[|\]\([^)]*\)", "", text)).strip()


def all_text(document) -> str:
    paragraphs = [p.text for p in document.paragraphs]
    cells = [p.text for table in document.tables for row in table.rows for cell in row.cells
             for p in cell.paragraphs]
    return re.sub(r"\s+", " ", " ".join(paragraphs + cells))


def test_memo_says_every_claim_and_opens_with_the_bottom_line(sco_documents):
    data = load_brief(SCO_BRIEF).data
    memo = sco_documents("memo")
    text = all_text(memo)
    for claim in data["claims"]:
        assert plain(claim["text"]) in text, claim["id"]
    bottom = next(p for p in memo.paragraphs if p.style.name == "Bottom Line")
    assert bottom.text == plain(data["brief"]["bottom_line"])


def test_slides_are_an_outline_with_speaker_notes(sco_documents):
    slides = sco_documents("slides")
    headings = [p.text for p in slides.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "Bottom line"
    assert len(headings) >= 5
    assert any(p.style.name == "Speaker Notes" for p in slides.paragraphs)
    assert slides.sections[0].orientation == WD_ORIENT.LANDSCAPE


def test_factsheet_has_the_bottom_line_and_figures(sco_documents):
    data = load_brief(SCO_BRIEF).data
    factsheet = sco_documents("factsheet")
    text = all_text(factsheet)
    assert plain(data["brief"]["bottom_line"]) in text
    for figure in data["figures"][:4]:
        assert plain(figure["value"]) in text


def test_every_output_is_a_valid_zip_with_core_dates_from_the_epoch(tmp_path):
    _, _, target = write_html(tmp_path, FIXTURE.read_text(encoding="utf-8"))
    with zipfile.ZipFile(target) as package:
        assert package.testzip() is None
        core = package.read("docProps/core.xml").decode()
    assert "2025-11-27T00:00:00Z" in core


@pytest.mark.skipif(find_pandoc() is None, reason="pandoc is not installed (make test installs it)")
def test_pandocs_reference_document_works_too(tmp_path):
    """pandoc names its styles "Heading 1" where Word's files say "heading 1"; both resolve."""
    reference = tmp_path / "pandoc-reference.docx"
    reference.write_bytes(subprocess.run([find_pandoc(), "--print-default-data-file", "reference.docx"],
                                         check=True, capture_output=True).stdout)
    document, result, _ = write_html(tmp_path, FIXTURE.read_text(encoding="utf-8"), reference_docx=reference)
    assert style_of(document, "Bottom line") == "Heading 1"
    assert style_of(document, "The bottom line") == "Bottom Line"
    assert style_of(document, "First summary") == "Body Text"
    assert result.warnings == ()


def test_build_command_writes_word_files_with_a_users_reference(tmp_path):
    reference = docx.Document(str(REFERENCE_DOCX))
    reference.styles["Body Text"].font.name = "DejaVu Serif"
    reference_path = tmp_path / "house.docx"
    reference.save(str(reference_path))
    brief = tmp_path / "minimal.yaml"
    brief.write_text((ROOT / "tests" / "cases" / "minimal" / "brief.yaml").read_text(encoding="utf-8"),
                     encoding="utf-8")
    status = main(["build", str(brief), "--out", str(tmp_path / "build"), "--format", "docx",
                   "--reference-docx", str(reference_path)])
    assert status == 0
    folder = tmp_path / "build" / "minimal"
    assert sorted(path.name for path in folder.glob("*.docx")) == ["factsheet.docx", "memo.docx", "slides.docx"]
    assert list(folder.glob("*.pdf")) == []
    memo = docx.Document(str(tmp_path / "build" / "minimal" / "memo.docx"))
    assert memo.styles["Body Text"].font.name == "DejaVu Serif"


def test_the_same_input_writes_the_same_bytes_once_normalised(tmp_path):
    """The build's zip normaliser is all it takes: nothing in the writer varies from run to run."""
    html = FIXTURE.read_text(encoding="utf-8")
    _, _, first = write_html(tmp_path / "one", html)
    _, _, second = write_html(tmp_path / "two", html)
    assert normalise_package_bytes(first.read_bytes(), EPOCH) == normalise_package_bytes(second.read_bytes(), EPOCH)


def test_a_paragraph_that_starts_in_hebrew_is_set_from_the_right(tmp_path: Path) -> None:
    brief = load_brief(ROOT / "tests" / "cases" / "rtl" / "brief.yaml")
    target = tmp_path / "memo.docx"
    docx_writer.write(render_html(brief, document_type("memo"), BuildOptions()), target, BuildOptions())
    paragraphs = {p.text: p for p in docx.Document(str(target)).paragraphs}
    right_to_left = paragraphs["מים משותפים, נתונים משותפים."]
    english = paragraphs["The article sets out the case for a shared water data agreement in the Jordan basin."]
    assert right_to_left._p.pPr.find(qn("w:bidi")) is not None
    assert english._p.pPr is None or english._p.pPr.find(qn("w:bidi")) is None
