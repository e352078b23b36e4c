"""Building and reading back PDFs for the rendering tests: extracted text, pages, fonts, metadata."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pypdf import PdfReader

from compiler.content import load_brief
from compiler.content.model import Brief
from compiler.doctypes import DOCUMENT_TYPES
from compiler.document import BuildOptions, RenderedDocument
from compiler.markup import plain_text
from compiler.render import render_html
from compiler.writers import WriteResult
from compiler.writers import pdf as pdf_writer

ROOT = Path(__file__).resolve().parents[2]
SCO_BRIEF = ROOT / "content" / "sco-2012.yaml"
CASES = ROOT / "tests" / "cases"
MM_PER_PT = 25.4 / 72
SHORTEST_PART = 12  # letters: the least of a field a page must hold to count as holding part of it


@dataclass
class BuiltPdf:
    """One PDF written by the PDF writer, with what a reader sees in it."""

    path: Path
    html: str
    result: WriteResult
    document: RenderedDocument | None = None

    @property
    def reader(self) -> PdfReader:
        return PdfReader(self.path)

    @property
    def text(self) -> str:
        return pdf_text(self.path)

    @property
    def raw_text(self) -> str:
        """The text in the order it was drawn (keeps run-in numbers beside their paragraph)."""
        return pdf_text(self.path, raw=True)


def build_pdfs(brief: Brief, folder: Path, options: BuildOptions | None = None) -> dict[str, BuiltPdf]:
    """Every document type of a brief, as PDF in `folder`, by name."""
    options = options or BuildOptions()
    folder.mkdir(parents=True, exist_ok=True)
    built = {}
    for doctype in DOCUMENT_TYPES:
        document = render_html(brief, doctype, options)
        target = folder / f"{doctype.name}.pdf"
        built[doctype.name] = BuiltPdf(target, document.html, pdf_writer.write(document, target, options), document)
    return built


def write_pdf(document: RenderedDocument, target: Path, options: BuildOptions | None = None) -> BuiltPdf:
    """One rendered document written as PDF."""
    return BuiltPdf(target, document.html, pdf_writer.write(document, target, options or BuildOptions()), document)


def write_brief(folder: Path, data: dict[str, Any], name: str = "brief.yaml") -> Brief:
    """A brief file written as YAML from data and loaded as the build loads it."""
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_brief(path)


def small_brief(**changes: Any) -> dict[str, Any]:
    """A valid brief's data (one fact, no source text), with top-level keys replaced."""
    data: dict[str, Any] = {
        "format": 1,
        "source": {"title": "A source", "publisher": "A publisher", "date": "2024"},
        "brief": {"title": "A brief", "date": "2026-11-27", "bottom_line": "One sentence."},
        "summary": "One paragraph.",
        "claims": [{"id": "only", "kind": "fact", "text": "One claim."}],
    }
    return data | changes


def pdf_text(path: Path, raw: bool = False) -> str:
    """The PDF's text as pdftotext extracts it (pages separated by form feeds)."""
    command = ["pdftotext", "-enc", "UTF-8", *(["-raw"] if raw else []), str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def letters(text: str) -> str:
    """Only the letters and digits of a text: finds a phrase however lines were broken or hyphenated."""
    return re.sub(r"[\W_]+", "", text)


def contains_words(haystack: str, field: str) -> bool:
    """Whether a text field's words (markup removed) appear in the extracted text, in order."""
    return letters(plain_text(field)) in letters(haystack)


def runs_over_pages(pages: list[str], field: str) -> bool:
    """Whether a field's words appear in order on consecutive pages, each page holding the next part."""
    remaining = letters(plain_text(field))
    for page in (letters(page) for page in pages):
        low, high = 0, len(remaining)  # the longest start of what remains that this page holds
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if remaining[:middle] in page else (low, middle - 1)
        if low >= min(len(remaining), SHORTEST_PART):  # a few letters match anywhere: no part of the field
            remaining = remaining[low:]
        if not remaining:
            return True
    return False


def page_sizes_mm(path: Path) -> list[tuple[float, float]]:
    """Width and height of each page, in millimetres."""
    return [(float(page.mediabox.width) * MM_PER_PT, float(page.mediabox.height) * MM_PER_PT)
            for page in PdfReader(path).pages]


def embedded_fonts(path: Path) -> set[str]:
    """Base names of the fonts embedded in the PDF, subset prefixes (ABCDEF+) removed.

    WeasyPrint names an embedded font after its @font-face family ("Briefing-Sans-Bold").
    """
    names = set()
    for page in PdfReader(path).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            base = font["/BaseFont"] if not descendants else descendants[0].get_object()["/BaseFont"]
            names.add(str(base).split("+", 1)[-1])
    return names


def link_targets(path: Path) -> list[str]:
    """The URI of every link annotation in the PDF."""
    targets = []
    for page in PdfReader(path).pages:
        for annotation in page.get("/Annots", []) or []:
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                targets.append(str(action["/URI"]))
    return targets
