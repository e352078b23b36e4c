"""Word files laid out by LibreOffice: the text is there, the factsheet is one page, fonts follow the reference."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import docx
import pytest
from docx.shared import Pt

from compiler.content.loader import load_brief
from compiler.doctypes import DOCUMENT_TYPES, document_type
from compiler.document import BuildOptions
from compiler.render import render_html
from compiler.writers import docx as docx_writer
from compiler.writers.docx_package import REFERENCE_DOCX
from tests.writers.references import LIBREOFFICE, convert_to_pdf

ROOT = Path(__file__).resolve().parents[2]
SCO_BRIEF = ROOT / "content" / "sco-2012.yaml"
CASES = ROOT / "tests" / "cases"

pytestmark = pytest.mark.skipif(
    LIBREOFFICE is None, reason="libreoffice is not installed (make test installs libreoffice-writer)")


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pdf_page_size(pdf: Path) -> str:
    """The first page's size in whole points, as pdfinfo gives it ("612 x 792")."""
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    width, height = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M).groups()
    return f"{round(float(width))} x {round(float(height))}"


def pdf_text(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return re.sub(r"\s+", " ", text.replace("-\n", ""))


def pdf_fonts(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout


def write_docx(folder: Path, name: str, brief: Path = SCO_BRIEF, **options) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    build_options = BuildOptions(source_date_epoch=0, **options)
    target = folder / f"{name}.docx"
    docx_writer.write(render_html(load_brief(brief), document_type(name), build_options), target,
                      build_options)
    return target


@pytest.mark.parametrize("name", [doctype.name for doctype in DOCUMENT_TYPES])
def test_libreoffice_lays_out_every_document_with_its_words(tmp_path, name):
    pdf = convert_to_pdf(write_docx(tmp_path, name))
    text = pdf_text(pdf)
    data = load_brief(SCO_BRIEF).data
    assert data["brief"]["title"] in text
    assert "Page 1 of" in text
    assert data["brief"]["classification"] in text
    fonts = pdf_fonts(pdf)
    assert "NotoSans" in fonts and "NotoSerif" in fonts or name == "factsheet" and "NotoSans" in fonts


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("brief", [SCO_BRIEF, CASES / "elsewhere-large" / "brief.yaml",
                                   CASES / "multilingual" / "brief.yaml", CASES / "dense-35" / "brief.yaml",
                                   CASES / "factsheet-overflow" / "brief.yaml"], ids=lambda path: path.parent.name)
def test_factsheet_fits_one_page_in_libreoffice(tmp_path, brief, paper):
    # Letter is 17.6 mm shorter than A4: seven figures four to a row must still leave room for the source.
    pdf = convert_to_pdf(write_docx(tmp_path, "factsheet", brief, paper=paper))
    assert pdf_page_size(pdf) == {"a4": "595 x 842", "letter": "612 x 792"}[paper]
    assert pdf_pages(pdf) == 1


def test_memo_quotes_every_claim_in_libreoffice(tmp_path):
    text = pdf_text(convert_to_pdf(write_docx(tmp_path, "memo")))
    for claim in load_brief(SCO_BRIEF).data["claims"]:
        words = re.sub(r"\*+|\[|\]\([^)]*\)", "", claim["text"]).split()
        assert " ".join(words[:8]) in text, claim["id"]


def test_another_reference_document_changes_the_fonts(tmp_path):
    reference = docx.Document(str(REFERENCE_DOCX))
    reference.styles["Body Text"].font.name = "DejaVu Sans"
    reference.styles["Body Text"].font.size = Pt(11)
    house_style = tmp_path / "house-style.docx"
    reference.save(str(house_style))
    ours = pdf_fonts(convert_to_pdf(write_docx(tmp_path / "ours", "memo")))
    theirs = pdf_fonts(convert_to_pdf(write_docx(tmp_path / "theirs", "memo", reference_docx=house_style)))
    assert "NotoSerif-Regular" in ours and "DejaVuSans-Oblique" not in ours
    assert "NotoSerif" not in theirs  # the text, its lists and quotes follow Body Text
    assert "DejaVuSans-Oblique" in theirs
