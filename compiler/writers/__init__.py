"""Output formats, each declared once here beside its writer module; the CLI, build plan and manifest
read these declarations, and nothing outside writers/ names a format.

A declaration is light: its writer module (which loads WeasyPrint or python-docx) is imported only
when a file of that format is written, so a build with nothing to do loads no engine. A writer module
has one function, `write(document, target, options) -> WriteResult`.
"""

from __future__ import annotations

import argparse
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

from compiler.diagnostics import Problem
from compiler.fingerprint import PDF_IDENTIFIER, ZIP_COMMENT, Fingerprint
from compiler.outputs import read_bounded
from compiler.reproducible import normalise_package

MAX_OFFICE_BYTES = 64 * 2**20
"""Largest reference Office file read (a restyled one is tens of KB; pictures inside make MBs)."""
COMMON_OPTIONS = ("paper", "source_date_epoch")  # BuildOptions every format's bytes depend on
PDF_VARIANTS = ("pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2a", "pdf/a-3a", "pdf/a-2u", "pdf/a-3u",
                "pdf/a-4u", "pdf/ua-1", "pdf/ua-2")


@dataclass(frozen=True)
class Argument:
    """A command-line option a format adds to `briefing build`, filling the BuildOptions field `dest`."""

    flag: str
    dest: str
    help: str
    metavar: str | None = None
    choices: tuple[str, ...] | None = None
    type: Callable[[str], Any] | None = None


@dataclass(frozen=True)
class Format:
    """One output format: what the CLI offers, what the build plans and what the manifest records."""

    name: str                        # as given to --format
    suffix: str                      # the file's: build/<brief>/<doctype><suffix>
    module: str                      # the writer, imported on first write
    options: tuple[str, ...] = ()    # BuildOptions fields, besides COMMON_OPTIONS, that change its bytes
    files: tuple[str, ...] = ()      # of those, the ones naming a file whose content it is made from
    variants: tuple[str, ...] = ()   # sub-formats a writer can be asked for (PDF/A, PDF/UA)
    arguments: tuple[Argument, ...] = ()
    lays_out: bool = False           # needs the layout engine (compiler/layout.py): slow, so written first
    general: bool = True             # False: written only for document types that list it (doctypes.py)
    default: bool = True             # False: written only when --format names it
    # What the edited-file guard tells the user to do with an edited file ({path}: the file).
    edited_advice: str = "pass --overwrite-edited to replace it"
    # A pass after writing that pins what the writer cannot (dates in zip entries): (path, epoch).
    normalise: Callable[[Path, int], None] | None = field(default=None, compare=False)
    # How a file of this format carries its own hash, so the edited-file guard can tell it is ours
    # without the manifest (compiler/fingerprint.py); None: only the manifest can vouch for it.
    fingerprint: Fingerprint | None = field(default=None, compare=False)
    # Reads what the format's options name, once, before any output is written: (problem, level)
    # pairs, level "error" (the build stops, having written nothing) or "warning".
    prepare: Callable[[Any], list[tuple[Problem, str]]] | None = field(default=None, compare=False)

    @property
    def changing_options(self) -> tuple[str, ...]:
        """Every BuildOptions field this format's bytes depend on."""
        return COMMON_OPTIONS + self.options


def office_file(member: str, refusal: str) -> Callable[[str], Path]:
    """An argparse type: an existing Office file, a zip holding `member`; else `refusal` after its name."""
    def parse(text: str) -> Path:
        path = Path(text)
        try:  # read as a regular file of bounded size: a pipe or device is never opened
            with zipfile.ZipFile(io.BytesIO(read_bounded(path, MAX_OFFICE_BYTES))) as package:
                package.getinfo(member)
        except (OSError, zipfile.BadZipFile, KeyError):
            raise argparse.ArgumentTypeError(f"{text}: {refusal}") from None
        return path

    return parse


parse_reference_pptx = office_file("ppt/presentation.xml", "not a PowerPoint deck; save one from PowerPoint "
                                   "or Impress as .pptx, or copy templates/reference.pptx and restyle it")


def parse_reference_docx(text: str) -> Path:
    """An argparse type: a Word file or template whose styles can be taken (read once, here, so that a
    bad one is refused before anything is built; a pipe or device is never opened)."""
    from compiler.diagnostics import escape_controls
    from compiler.writers.docx_reference import ReferenceRefused, take_reference

    path = Path(text)
    try:
        take_reference(path)
    except ReferenceRefused as error:
        raise argparse.ArgumentTypeError(f"{escape_controls(text)}: {error}") from None
    return path


def prepare_reference_docx(options: Any) -> list[tuple[Problem, str]]:
    """The reference Word file, read once: why it cannot be used, or what was dropped from it."""
    path = options.reference_docx
    if path is None:
        return []
    from compiler.writers.docx_reference import ReferenceRefused, take_reference

    try:
        notice = take_reference(path).notice
    except ReferenceRefused as error:
        return [(Problem(str(path), 1, 1, "", str(error)), "error")]
    return [(Problem(str(path), 1, 1, "", notice), "warning")] if notice else []


FORMATS: dict[str, Format] = {}


def register(declaration: Format) -> Format:
    """Add a format; a test or a plugin can add its own the same way."""
    FORMATS[declaration.name] = declaration
    return declaration


register(Format(
    "pdf", ".pdf", "compiler.writers.pdf", options=("pdf_variant",), variants=PDF_VARIANTS,
    lays_out=True, fingerprint=PDF_IDENTIFIER,
    arguments=(Argument("--pdf-variant", "pdf_variant", metavar="V", choices=PDF_VARIANTS, type=str.lower,
                        help="write PDF/A or PDF/UA, e.g. pdf/a-3b (default: a tagged PDF); one of "
                        + ", ".join(PDF_VARIANTS)),)))
register(Format(
    "docx", ".docx", "compiler.writers.docx", options=("reference_docx",), files=("reference_docx",),
    fingerprint=ZIP_COMMENT, prepare=prepare_reference_docx,  # written with its dates pinned: no normalise
    edited_advice="`briefing pull {path}` takes the edits into the brief; `--overwrite-edited` discards them",
    arguments=(Argument("--reference-docx", "reference_docx", metavar="FILE", type=parse_reference_docx,
                        help="a Word file or template (.docx, .dotx) whose styles (fonts, colours, spacing, "
                        "numbering, theme) every .docx takes, like pandoc's --reference-doc; page size and "
                        "margins stay ours, nothing else is taken (default: templates/reference.docx)"),)))
register(Format(
    "pptx", ".pptx", "compiler.writers.pptx", options=("reference_pptx",), files=("reference_pptx",),
    normalise=normalise_package, general=False, fingerprint=ZIP_COMMENT,
    arguments=(Argument("--reference-pptx", "reference_pptx", metavar="FILE", type=parse_reference_pptx,
                        help="a PowerPoint deck or template whose layouts (by name: Title Slide, Title and "
                        "Content), theme and placeholders the slide deck's .pptx takes (default: "
                        "templates/reference.pptx)"),)))
# A preview for the screen (and what the live preview serves), so only on request: the handouts are PDF+Word.
register(Format("html", ".html", "compiler.writers.html", default=False))


@dataclass(frozen=True)
class WriteResult:
    """What a writer reports about a file it wrote: warnings, each a sentence saying what to do."""

    warnings: tuple[str | Problem, ...] = ()  # a Problem: a warning located at its key in the brief


def format_named(name: str) -> Format:
    """The declared format called `name` ("pdf", "docx", ...)."""
    return FORMATS[name]


def default_formats() -> tuple[str, ...]:
    """The formats a build writes when --format does not name them."""
    return tuple(name for name, declaration in FORMATS.items() if declaration.default)


def write_order(format_name: str) -> tuple[bool, int]:
    """Sort key: formats that lay the document out (the slowest) first, then in declaration order."""
    return not FORMATS[format_name].lays_out, list(FORMATS).index(format_name)


def writer(format_name: str) -> ModuleType:
    """The writer module of a declared format (imported now, if not yet)."""
    return import_module(FORMATS[format_name].module)
