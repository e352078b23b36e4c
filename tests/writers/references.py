"""Reference documents made as colleagues make them: pandoc's default one and one saved by LibreOffice."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
# What LibreOffice makes of a page with a heading, text and a table: its own styles, "Table Heading"
# among them, and its own language in Normal.
LIBREOFFICE_SPECIMEN = ("<html><body><h1>House style</h1><p>Body text.</p>"
                        "<table><tr><th>Heading</th></tr><tr><td>Cell</td></tr></table></body></html>")


def find_pandoc() -> str | None:
    """pandoc on the PATH, else the one the pypandoc-binary wheel carries."""
    found = shutil.which("pandoc")
    if found:
        return found
    try:
        import pypandoc
    except ImportError:
        return None
    try:
        return pypandoc.get_pandoc_path()
    except OSError:
        return None


def pandoc_reference(folder: Path) -> Path:
    """pandoc's default reference.docx (`pandoc --print-default-data-file reference.docx`)."""
    target = folder / "pandoc-reference.docx"
    target.write_bytes(subprocess.run([find_pandoc(), "--print-default-data-file", "reference.docx"],
                                      check=True, capture_output=True, timeout=60).stdout)
    return target


def libreoffice(folder: Path, *arguments: str) -> None:
    """Run LibreOffice headless with a profile of its own in `folder`, so runs never collide."""
    profile = folder / "lo-profile"
    subprocess.run([LIBREOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", *arguments],
                   check=True, capture_output=True, timeout=180)


def libreoffice_reference(folder: Path) -> Path:
    """A reference document saved by LibreOffice from a page of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "house-style.html"
    page.write_text(LIBREOFFICE_SPECIMEN, encoding="utf-8")
    libreoffice(folder, "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(folder), str(page))
    return page.with_suffix(".docx")


def round_trip(source: Path, folder: Path) -> Path:
    """`source` opened and saved again as .docx by LibreOffice, as a colleague using it would."""
    folder.mkdir(parents=True, exist_ok=True)
    libreoffice(folder, "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(folder), str(source))
    return folder / source.name


def convert_to_pdf(source: Path) -> Path:
    """LibreOffice's own layout of a Word file, as PDF beside it."""
    libreoffice(source.parent, "--convert-to", "pdf", "--outdir", str(source.parent), str(source))
    return source.with_suffix(".pdf")


def pdf_pages_text(pdf: Path) -> list[str]:
    """The words of each page of a PDF, white space collapsed."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return [re.sub(r"\s+", " ", page).strip() for page in text.split("\f") if page.strip()]
