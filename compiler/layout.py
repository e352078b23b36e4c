"""The layout engine: WeasyPrint lays a document's HTML out into pages, reading only sandboxed files.

Both the slide planner (which measures drafts of the deck) and the PDF writer lay documents out;
neither owns the engine, so it lives here.
"""

from __future__ import annotations

import atexit
import mimetypes
import os
import shutil
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from compiler.libraries import load_weasyprint

load_weasyprint()  # before any other WeasyPrint module: it loads the system libraries once

from weasyprint import HTML  # noqa: E402
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.text.ffi import ffi
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from compiler import html_parser  # noqa: F401 - WeasyPrint parses with its pattern cache mended
from compiler.c_types import make_arrays_without_parsing
from compiler.diagnostics import ExpectedError, RenderError
from compiler.fonts import FONT_FACES, check_fonts_installed, font_face_rule, font_files
from compiler.locations import TEMPLATES_DIR


make_arrays_without_parsing(ffi)


class ResourceRefused(ExpectedError):
    """A template or stylesheet asked for something outside templates/ and the declared fonts."""


class SandboxFetcher(URLFetcher):
    """WeasyPrint 70 URL fetcher that serves only files under templates/ and the declared font files."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file",), fail_on_errors=True)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        path = resolve_allowed(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


def resolve_allowed(url: str) -> Path:
    """The local file a URL names, if the sandbox allows it; else ResourceRefused."""
    parts = urlsplit(url)
    if parts.scheme != "file":
        raise ResourceRefused(f"refused to load {url!r}: only files under templates/ may be used")
    path = Path(unquote(parts.path)).resolve()
    if path in font_files() or path.is_relative_to(TEMPLATES_DIR):
        return path
    raise ResourceRefused(f"refused to load {path}: only files under templates/ and the document "
                          "fonts may be used")


@lru_cache(maxsize=1)
def font_configuration() -> FontConfiguration:
    """One font configuration per process, so @font-face files are loaded once."""
    return FontConfiguration()


@lru_cache(maxsize=1)
def load_font_faces() -> None:
    """Load every declared face into this process's font configuration, before workers fork from it.

    WeasyPrint loads a face by copying its file into a folder of the configuration's own and having
    fontconfig scan it, the first time a document declares it. Done here, once, each worker starts with
    all of them (a document's @font-face rules then find their faces loaded) and none writes a face of
    its own: the workers share this process's folder, which it removes when it ends, where each used to
    leave a copy of the fonts behind (a forked worker ends without running finalisers). The
    right-to-left faces are loaded too, though only some briefs declare them: loading them later would
    have two workers write the same file into the shared folder at once.
    """
    from weasyprint import CSS

    configuration = font_configuration()
    # A missing file is left to the first layout, which names it (check_fonts_installed).
    rules = "\n".join(font_face_rule(face) for face in FONT_FACES if face.path.is_file())
    CSS(string=rules, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=SandboxFetcher(),
        font_config=configuration)
    # The configuration's finaliser removes its folder, but need not run at exit (what workers inherit
    # is frozen out of garbage collection): this process removes it itself.
    if configuration._folder is not None:
        atexit.register(remove_folder, configuration._folder, os.getpid())


def remove_folder(folder: Path, owner: int) -> None:
    """Remove the font folder, if this is the process that made it (never a worker's inherited copy)."""
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)


def lay_out(html: str, label: str) -> Document:
    """WeasyPrint's page layout of `html`, resources limited to the sandbox; errors name `label`."""
    check_fonts_installed()
    document = HTML(string=html, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=SandboxFetcher())
    try:
        return document.render(font_config=font_configuration())
    except FatalURLFetchingError as error:
        raise RenderError(f"{label}: {error.__cause__ or error}") from None
