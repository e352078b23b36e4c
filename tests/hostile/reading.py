"""Reading built documents back as a reader would: PDF text, words' boxes, links, attachments; Word text."""

from __future__ import annotations

import re
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from docx import Document as open_docx
from docx.oxml.ns import qn
from pypdf import PdfReader

SAFE_LINK_SCHEMES = ("http:", "https:", "mailto:")


def pdf_text(path: Path) -> str:
    """The PDF's text as pdftotext extracts it (reading order, pages separated by form feeds)."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def docx_text(path: Path) -> str:
    """Every paragraph of a Word file (body, tables, headers, footers), one per line."""
    document = open_docx(str(path))
    parts = [document.element.body]
    for section in document.sections:
        parts += [section.header._element, section.footer._element]
    lines = []
    for part in parts:
        for paragraph in part.iter(qn("w:p")):
            lines.append("".join(node.text or "" for node in paragraph.iter(qn("w:t"))))
    return "\n".join(lines)


def docx_external_targets(path: Path) -> list[str]:
    """Every external relationship target of a Word file (hyperlinks, linked images, templates)."""
    targets = []
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if name.endswith(".rels"):
                for relation in ElementTree.fromstring(package.read(name)):
                    if relation.get("TargetMode") == "External":
                        targets.append(relation.get("Target"))
    return targets


def docx_active_parts(path: Path) -> list[str]:
    """Parts of a Word file that carry code or other files: macros, embedded objects, imported chunks."""
    with zipfile.ZipFile(path) as package:
        return [name for name in package.namelist()
                if re.search(r"vbaProject|/embeddings/|activeX|altChunk|oleObject", name, re.IGNORECASE)]


def squeeze(text: str) -> str:
    """Text without white space, for finding a phrase however lines were broken."""
    return re.sub(r"\s+", "", text)


def contains_literally(haystack: str, needle: str) -> bool:
    """Whether `needle` appears in the text, ignoring line breaks and hyphens added at them."""
    wanted = squeeze(needle)
    return wanted in squeeze(haystack) or wanted in squeeze(re.sub(r"[-\u00ad]\n", "", haystack))


@dataclass(frozen=True)
class WordBox:
    """A word pdftotext found, with its page's size and its box (points, origin top left)."""

    page: int
    page_width: float
    page_height: float
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def pdf_word_boxes(path: Path) -> list[WordBox]:
    """Every word of the PDF with its bounding box, from `pdftotext -bbox`."""
    xhtml = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"], check=True,
                           capture_output=True, text=True).stdout
    root = ElementTree.fromstring(xhtml)
    boxes = []
    for number, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), start=1):
        width, height = float(page.get("width")), float(page.get("height"))
        for word in page.iter("{http://www.w3.org/1999/xhtml}word"):
            boxes.append(WordBox(number, width, height, word.text or "",
                                 *(float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))))
    return boxes


def pdf_font_names(path: Path) -> list[str]:
    """The base names of the fonts a PDF embeds or references, subset prefixes removed (pdffonts)."""
    listing = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    rows = listing.splitlines()[2:]
    return sorted({row.split()[0].split("+", 1)[-1] for row in rows if row.strip()})


def pdf_link_targets(path: Path) -> list[str]:
    """The URI of every link annotation, and a description of every action that is not a URI or a jump."""
    found = []
    for page in PdfReader(str(path)).pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            if annotation.get("/Subtype") == "/FileAttachment":
                found.append("file attachment annotation")
            if action is None:
                continue
            action = action.get_object()
            kind = action.get("/S")
            if kind == "/URI":
                found.append(str(action.get("/URI")))
            elif kind != "/GoTo":
                found.append(f"action {kind}")
    return found


def pdf_active_content(path: Path) -> list[str]:
    """Names of document-level features that carry files or code: attachments, scripts, auto-actions."""
    reader = PdfReader(str(path))
    catalog = reader.trailer["/Root"]
    names = catalog.get("/Names")
    found = []
    if names is not None:
        found += [key for key in ("/EmbeddedFiles", "/JavaScript") if key in names.get_object()]
    found += [key for key in ("/OpenAction", "/AA", "/AcroForm") if key in catalog]
    for number, page in enumerate(reader.pages, start=1):
        if "/AA" in page:
            found.append(f"page {number} /AA")
    return found
