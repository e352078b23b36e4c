"""PDF pages as PNG images and text, for the preview page; made on request and kept while the file is unchanged."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from pathlib import Path

SCALE = 1.5
"""Pixels per PDF point: 108 dpi, sharp at the size the page shows them."""
KEPT = 64
"""Page images kept in memory (a deck's pages, a memo's and a factsheet's, twice over)."""


@dataclass(frozen=True)
class PageInfo:
    """What the page needs to show one PDF page before its image arrives."""

    stamp: str
    """Changes whenever the file does, so the browser fetches a page image again only then."""
    text: str
    width: int
    height: int


class PageImages:
    """Reads PDFs with PDFium, one call at a time (it is not thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.infos: dict[tuple[Path, str], list[PageInfo]] = {}
        self.images: dict[tuple[Path, str, int], bytes] = {}

    def describe(self, pdf: Path) -> list[PageInfo]:
        """Each page's stamp, text and size in pixels."""
        stamp = file_stamp(pdf)
        with self.lock:
            if (pdf, stamp) not in self.infos:
                self.infos = {key: value for key, value in self.infos.items() if key[0] != pdf}
                self.infos[(pdf, stamp)] = read_pages(pdf, stamp)
            return self.infos[(pdf, stamp)]

    def png(self, pdf: Path, index: int) -> bytes | None:
        """Page `index` (from 0) as PNG, or None if the PDF has no such page."""
        key = (pdf, file_stamp(pdf), index)
        with self.lock:
            if key not in self.images:
                image = render_page(pdf, index)
                if image is None:
                    return None
                if len(self.images) >= KEPT:
                    self.images.pop(next(iter(self.images)))
                self.images[key] = image
            return self.images[key]


def load_page_reader() -> None:
    """Import PDFium and Pillow now, in the calling thread."""
    import PIL.PngImagePlugin  # noqa: F401
    import pypdfium2  # noqa: F401


def file_stamp(path: Path) -> str:
    """Size and modification time: a build moves a new file into place, which changes both or the time."""
    status = path.stat()
    return f"{status.st_mtime_ns:x}-{status.st_size:x}"


def read_pages(pdf: Path, stamp: str) -> list[PageInfo]:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            width, height = page.get_size()
            text = page.get_textpage().get_text_range()
            pages.append(PageInfo(stamp, " ".join(text.split()), round(width * SCALE), round(height * SCALE)))
        return pages
    finally:
        document.close()


def render_page(pdf: Path, index: int) -> bytes | None:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        if not 0 <= index < len(document):
            return None
        image = document[index].render(scale=SCALE).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=False)
        return buffer.getvalue()
    finally:
        document.close()
