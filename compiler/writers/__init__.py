"""Output writers, one module per format; each exposes `SUFFIX` and `write(document, target, options)`."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import ModuleType

from compiler.content.model import Brief
from compiler.doctypes import DocumentType

# Imported on first use only, so that a build with nothing to do never loads WeasyPrint.
WRITER_MODULES = {"pdf": "compiler.writers.pdf", "docx": "compiler.writers.docx"}


@dataclass(frozen=True)
class BuildOptions:
    """Settings that change what a writer produces (so they are part of what a build depends on)."""

    paper: str | None = None           # "a4" | "letter"; None: the brief's setting, else A4
    pdf_variant: str | None = None     # e.g. "pdf/a-3b"; None: tagged PDF
    reference_docx: Path | None = None  # None: templates/reference.docx
    source_date_epoch: int | None = None


@dataclass(frozen=True)
class RenderedDocument:
    """One document type rendered for one brief: the HTML that every writer reads."""

    doctype: DocumentType
    brief: Brief
    html: str


@dataclass(frozen=True)
class WriteResult:
    """What a writer reports about a file it wrote: its page count if known, and any warnings."""

    pages: int | None = None
    warnings: tuple[str, ...] = ()


def writer(format_name: str) -> ModuleType:
    """The writer module for a format name ("pdf", "docx")."""
    return import_module(WRITER_MODULES[format_name])
