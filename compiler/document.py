"""What rendering hands to the writers: the document (HTML and what rendering decided), the build options."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from compiler.content.model import Brief
    from compiler.diagnostics import Problem
    from compiler.doctypes import DocumentType


# Paper by the name a brief or --paper gives: its CSS name, and its portrait width and height in mm.
PAPERS = {"a4": ("A4", 210, 297), "letter": ("letter", 215.9, 279.4)}


@dataclass(frozen=True)
class Page:
    """A document's page, parsed once: the CSS @page size the templates write, and its size in mm."""

    css: str
    width_mm: float
    height_mm: float


@dataclass(frozen=True)
class BuildOptions:
    """Settings that change what a writer produces; each format declares which of them it reads
    (compiler/writers/__init__.py), and only those are part of what its outputs depend on."""

    paper: str | None = None           # "a4" | "letter"; None: the brief's setting, else A4
    pdf_variant: str | None = None     # e.g. "pdf/a-3b"; None: tagged PDF
    reference_docx: Path | None = None  # None: templates/reference.docx
    reference_pptx: Path | None = None  # None: templates/reference.pptx
    source_date_epoch: int | None = None


@dataclass(frozen=True)
class RenderedDocument:
    """One document type rendered for one brief: its HTML and the structure rendering decided.

    `slides` are the planned slides of a deck (compiler/slides.py `Slide`, in order; empty for other
    documents); `warnings` say what the document leaves out (e.g. figures past its limit), and reach
    the console whichever formats are written.
    """

    doctype: DocumentType
    brief: Brief
    html: str
    page: Page
    slides: tuple[Any, ...] = ()
    warnings: tuple[str | Problem, ...] = ()  # a Problem: a warning located at its key in the brief
