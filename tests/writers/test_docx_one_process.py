"""Word files written one after another in one process (as a worker writes them): each made ready
reference is shared, yet every file carries its own reference's styles, its own language, and only
the styles its own HTML asked for."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.shared import Pt

from compiler.content.model import Brief
from compiler.doctypes import document_type
from compiler.document import BuildOptions, RenderedDocument
from compiler.render import resolve_page
from compiler.writers import docx as docx_writer
from compiler.writers.docx_package import REFERENCE_DOCX

FIXTURE = Path(__file__).parent / "fixtures" / "contract.html"
EPOCH = 1764201600  # 2025-11-27T00:00:00Z
INTENSE = '<p data-style="Intense Quote">Words set intensely.</p>\n'


def write(folder: Path, html: str, reference: Path | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "memo.docx"
    brief = Brief(path=folder / "fixture.yaml", data={"brief": {}})
    memo = RenderedDocument(document_type("memo"), brief, html, resolve_page(document_type("memo"), "a4"))
    docx_writer.write(memo, target, BuildOptions(source_date_epoch=EPOCH, reference_docx=reference))
    return target


def restyled(target: Path, font: str, size: int, without: str | None = None) -> Path:
    """Our reference with Body Text set in `font` at `size` pt (and the style `without` removed)."""
    reference = docx.Document(str(REFERENCE_DOCX))
    reference.styles["Body Text"].font.name = font
    reference.styles["Body Text"].font.size = Pt(size)
    if without:
        style = reference.styles[without].element
        style.getparent().remove(style)
    reference.save(str(target))
    return target


def body_text_font(target: Path) -> tuple[str | None, int | None]:
    font = docx.Document(str(target)).styles["Body Text"].font
    return font.name, font.size


def style_names(target: Path) -> set[str]:
    return {style.name for style in docx.Document(str(target)).styles}


def languages(target: Path) -> set[str]:
    """Every Latin-text language the styles part names (document defaults and styles)."""
    with zipfile.ZipFile(target) as package:
        return set(re.findall(r'<w:lang [^>]*w:val="([^"]+)"', package.read("word/styles.xml").decode("utf-8")))


def test_each_file_has_its_own_references_styles(tmp_path):
    html = FIXTURE.read_text(encoding="utf-8")
    mono = restyled(tmp_path / "mono.docx", "DejaVu Sans Mono", 13)
    serif = restyled(tmp_path / "serif.docx", "DejaVu Serif", 9)
    ours = docx.Document(str(REFERENCE_DOCX)).styles["Body Text"].font
    written = [write(tmp_path / name, html, reference) for name, reference in
               [("mono", mono), ("serif", serif), ("ours", None), ("mono-again", mono)]]
    assert [body_text_font(target) for target in written] == [
        ("DejaVu Sans Mono", Pt(13)), ("DejaVu Serif", Pt(9)), (ours.name, ours.size), ("DejaVu Sans Mono", Pt(13))]


def test_each_file_speaks_its_own_language(tmp_path):
    html = FIXTURE.read_text(encoding="utf-8")
    german, french, english = (write(tmp_path / language, html.replace('lang="en-GB"', f'lang="{language}"'))
                               for language in ("de-DE", "fr-FR", "en-GB"))
    assert (languages(german), languages(french), languages(english)) == ({"de-DE"}, {"fr-FR"}, {"en-GB"})
    normal = docx.Document(str(french)).styles["Normal"].element.rPr.find(qn("w:lang"))
    assert normal.get(qn("w:val")) == "fr-FR"


def test_a_style_copied_in_for_one_file_is_in_no_other(tmp_path):
    """A reference lacking Intense Quote gets ours in the file whose HTML names it, and only there."""
    html = FIXTURE.read_text(encoding="utf-8")
    lacking = restyled(tmp_path / "lacking.docx", "DejaVu Sans Mono", 13, without="Intense Quote")
    before = write(tmp_path / "before", html, lacking)
    intense = write(tmp_path / "intense", html.replace("<body>\n", "<body>\n" + INTENSE, 1), lacking)
    after = write(tmp_path / "after", html, lacking)
    paragraph = next(p for p in docx.Document(str(intense)).paragraphs if p.text == "Words set intensely.")
    assert paragraph.style.name == "Intense Quote"
    assert "Intense Quote" in style_names(intense)
    assert "Intense Quote" not in style_names(before) | style_names(after)
    assert languages(intense) == languages(after) == {"en-GB"}
    assert body_text_font(intense) == body_text_font(after) == ("DejaVu Sans Mono", Pt(13))


def test_our_reference_saved_meanwhile_styles_the_next_file(tmp_path, monkeypatch):
    """`briefing watch` rebuilds when templates/reference.docx is saved: the next file takes the new styles."""
    from compiler.writers import docx_package

    html = FIXTURE.read_text(encoding="utf-8")
    ours = restyled(tmp_path / "reference.docx", "DejaVu Serif", 9)
    monkeypatch.setattr(docx_package, "REFERENCE_DOCX", ours)
    before = write(tmp_path / "before", html)
    restyled(ours, "DejaVu Sans Mono", 13)
    after = write(tmp_path / "after", html)
    assert (body_text_font(before), body_text_font(after)) == (
        ("DejaVu Serif", Pt(9)), ("DejaVu Sans Mono", Pt(13)))
