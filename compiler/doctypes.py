"""The document types the compiler produces, declared once; writers loop over these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DocumentType:
    """One document: its template, stylesheet, page geometry and how many pages it may take."""

    name: str             # output file stem: build/<brief>/<name>.pdf
    title: str            # human name, for messages
    template: str         # Jinja template under templates/
    stylesheet: str       # CSS under templates/
    page_size: str        # CSS @page size; "{paper}" is replaced by the brief's paper setting
    min_pages: int
    max_pages: int | None  # None: no upper bound
    over_budget_fails: bool = False  # True: more pages than max_pages is an error; False: a warning
    overflow_hint: str = "shorten the brief's text"  # what to do when the document runs long
    chooses_content: bool = False  # True: what the page shows is chosen to fit it (compiler/factsheet.py)
    slide_deck: bool = False  # True: the content is planned into slides (compiler/slides.py) first
    formats: tuple[str, ...] = ()  # formats written for this type only (declared `general=False`)

    def has_format(self, declaration: Any) -> bool:
        """Whether this type is written in a format (a compiler.writers.Format)."""
        return declaration.general or declaration.name in self.formats


DOCUMENT_TYPES: tuple[DocumentType, ...] = (
    DocumentType("memo", "briefing memo", "memo.html.j2", "memo.css", "{paper} portrait", 1, 4,
                 overflow_hint="shorten the summary, claims or notes"),
    # 16:9; the planner fits every slide to its page from measured layout, splitting what must be
    # split, and the writer checks each did, so the deck has no page budget.
    DocumentType("slides", "slide deck", "slides.html.j2", "slides.css", "320mm 180mm", 1, None,
                 slide_deck=True, formats=("pptx",),
                 overflow_hint="the planner should have continued it on the next slide: shorten the "
                 "longest text on it, and please report this with the brief file"),
    DocumentType("factsheet", "factsheet", "factsheet.html.j2", "factsheet.css", "{paper} portrait",
                 1, 1, over_budget_fails=True, chooses_content=True,
                 overflow_hint="please report it: the factsheet chooses what fits its page, so this "
                 "is a bug"),
)


def document_type(name: str) -> DocumentType:
    """The declared document type called `name`."""
    for doctype in DOCUMENT_TYPES:
        if doctype.name == name:
            return doctype
    raise KeyError(name)
