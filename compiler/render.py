"""Rendering: one Jinja environment turns a brief into the document every writer reads."""

from __future__ import annotations

import hashlib
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from compiler.content.coverage import measure_coverage
from compiler.content.model import Brief
from compiler.diagnostics import BriefError, Problem
from compiler.doctypes import DOCUMENT_TYPES, DocumentType
from compiler.document import PAPERS, BuildOptions, Page, RenderedDocument
from compiler.factsheet import plan_factsheet
from compiler.fonts import font_face_css, require_glyphs
from compiler.locations import PACKAGE_DIR, TEMPLATES_DIR
from compiler.markers import keyed
from compiler.markup import plain_text, render_inline, render_paragraphs
from compiler.reproducible import document_date
from compiler.slides import deck_view, describe_length, plan_slides
from compiler.text import balance, format_date

DEFAULT_PAPER = "a4"
DEFAULT_LANGUAGE = "en"

KINDS = ("fact", "assessment", "proposal")
KIND_LABELS = {"fact": "Fact", "assessment": "Assessment", "proposal": "Proposal"}
KIND_HEADINGS = {"fact": "Facts", "assessment": "Assessments", "proposal": "Proposals"}
KIND_EXPLAINED = {
    "fact": "checkable statements of fact",
    "assessment": "the author’s judgements",
    "proposal": "what the author says should be done",
}

LONG_FIGURE_VALUE = 24  # characters; a longer figure value is set smaller so that it stays a figure
# Characters of a figure value (about four lines of the memo table's value column) past which the memo
# sets its figures as a list, each value across the page over its label: a table cell that long would
# run down the narrow column for pages, and read across a page break interleaved with its label.
MEMO_TABLE_VALUE = 90
TIMELINE_ROW = 5  # events per row of the drawn timeline


SETTINGS = {"autoescape": True, "undefined": StrictUndefined, "trim_blocks": True, "lstrip_blocks": True,
            "keep_trailing_newline": True}


@lru_cache(maxsize=1)
def create_environment() -> Environment:
    """The one Jinja environment: templates/ only, autoescaped, strict about undefined names."""
    return make_environment(TEMPLATES_DIR, compiled_templates())


def make_environment(templates: Path, cache: BytecodeCache | None) -> Environment:
    """A Jinja environment with our settings and filters over `templates`."""
    environment = Environment(loader=FileSystemLoader(templates), bytecode_cache=cache, **SETTINGS)
    environment.filters.update(
        inline=render_inline, paragraphs=render_paragraphs, plain=plain_text, date=format_date,
        direction=text_direction)
    return environment


class CompiledTemplates(FileSystemBytecodeCache):
    """Compiled templates kept beside the compiler's own compiled modules (its __pycache__), as trusted
    as they are (never the user's cache folder, which anything may write), in a folder of this Jinja
    version and these settings; Jinja checks each against its template's source before using it.

    Like Python's own bytecode, nothing is written when Python is told to write none
    (PYTHONDONTWRITEBYTECODE) unless asked (`scripts/compile`, which `make` runs, as `compileall`).
    """

    def __init__(self, folder: Path, write: bool) -> None:
        settings = repr((jinja2.__version__, sorted((key, repr(value)) for key, value in SETTINGS.items())))
        self.folder = folder / f"templates-{hashlib.sha256(settings.encode()).hexdigest()[:16]}"
        self.write = write
        super().__init__(str(self.folder))

    def dump_bytecode(self, bucket: Any) -> None:
        if not self.write:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:  # a read-only install: compiled again next time
            pass


def compiled_templates(write: bool | None = None) -> BytecodeCache:
    """The compiled-template cache; `write` None: as Python writes its own bytecode."""
    return CompiledTemplates(PACKAGE_DIR / "__pycache__", not sys.dont_write_bytecode if write is None else write)


def compile_templates(write: bool | None = None) -> None:
    """Compile every template now, before workers fork: each would otherwise compile the same ones.
    `write`: keep them compiled for later processes (see CompiledTemplates)."""
    environment = create_environment()
    if write is not None:
        environment.bytecode_cache = compiled_templates(write)
    for name in environment.list_templates(extensions=["j2"]):
        environment.get_template(name)


def text_direction(value: str) -> str:
    """The text's direction: "rtl" when its first strong character is Hebrew or Arabic, else "ltr".

    This is HTML's dir="auto" rule, which WeasyPrint does not apply itself; an "rtl" paragraph is
    set from the right, with its closing punctuation at its left end.
    """
    text = value.striptags() if isinstance(value, Markup) else plain_text(value)
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def resolve_paper(brief: Brief, options: BuildOptions) -> str:
    """The paper name: the command line's, else the brief's, else A4."""
    return (options.paper or brief.data["brief"].get("paper") or DEFAULT_PAPER).lower()


def resolve_page(doctype: DocumentType, paper: str) -> Page:
    """A document type's page on `paper`, from its declared size ("{paper} portrait", "320mm 180mm")."""
    words = doctype.page_size.split()
    if words[0] == "{paper}":
        name, width, height = PAPERS[paper]
        if words[1:] == ["landscape"]:
            width, height = height, width
        return Page(doctype.page_size.replace("{paper}", name), width, height)
    width, height = (float(word.removesuffix("mm")) for word in words)
    return Page(doctype.page_size, width, height)


def number_claims(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Claims in reading order (facts, assessments, proposals), numbered from 1 for reference."""
    ordered = [claim for kind in KINDS for claim in claims if claim["kind"] == kind]
    return [dict(claim, number=index, quotes=claim.get("quotes", []))
            for index, claim in enumerate(ordered, start=1)]


def group_claims(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Numbered claims grouped by kind, empty groups left out."""
    groups = []
    for kind in KINDS:
        members = [claim for claim in claims if claim["kind"] == kind]
        if members:
            groups.append({"kind": kind, "label": KIND_LABELS[kind], "heading": KIND_HEADINGS[kind],
                           "explained": KIND_EXPLAINED[kind], "claims": members})
    return groups


def link_goals(goals: list[dict[str, Any]], claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Goals with the numbered claims that support them in place of their ids."""
    by_id = {claim["id"]: claim for claim in claims}
    return [dict(goal, actions=goal.get("actions", []),
                 supporting=[by_id[claim_id] for claim_id in goal.get("claims", [])])
            for goal in goals]


def count_quotes(data: dict[str, Any]) -> int:
    """Every quote in the brief: claims' and figures'."""
    claim_quotes = sum(len(claim.get("quotes", [])) for claim in data["claims"])
    return claim_quotes + sum(1 for figure in data.get("figures", []) if figure.get("quote"))


def build_view(brief: Brief, doctype: DocumentType, options: BuildOptions) -> dict[str, Any]:
    """Everything the templates may show, as plain data (content is passed as data, never as source)."""
    data = keyed(brief.data)  # brief texts carry their key paths into the Word files' markers
    claims = number_claims(data["claims"])
    figures = data.get("figures", [])
    paper = resolve_paper(brief, options)
    page = resolve_page(doctype, paper)
    view = {
        "doctype": doctype,
        "page": page,
        "page_size": page.css,
        "paper": paper,
        "lang": data["brief"].get("language") or DEFAULT_LANGUAGE,
        "font_css": Markup(font_face_css(brief)),
        "brief": data["brief"],
        "source": data["source"],
        "summary": data["summary"],
        "claims": claims,
        "claim_groups": group_claims(claims),
        "goals": link_goals(data.get("goals", []), claims),
        "figures": figures,
        "long_value": LONG_FIGURE_VALUE,
        "figures_as_list": any(len(figure["value"]) > MEMO_TABLE_VALUE for figure in figures),
        "timeline": data.get("timeline", []),
        "timeline_rows": balance(data.get("timeline", []), TIMELINE_ROW) if data.get("timeline") else [],
        "takeaways": data.get("takeaways", []),
        "coverage": measure_coverage(brief) if "coverage" in data["brief"].get("appendices", []) else None,
        "quote_count": count_quotes(data),
        "quotes_checked": brief.quotes_checked,
        "kind_labels": KIND_LABELS,
        "keywords": describe_keywords(data, claims),
        "document_date": document_date(data["brief"]["date"], options.source_date_epoch),
    }
    view["measuring"] = False
    view["warnings"] = []
    # Only the deck shows slides, and planning them lays the deck out once more; the factsheet's
    # page is chosen from a layout of its own the same way.
    view["slides"] = []
    view["sheet"] = None
    template = create_environment().get_template(doctype.template)
    if doctype.slide_deck:
        view.update(deck_view(view))
        view["slides"] = plan_slides(view, brief, template)
    if doctype.chooses_content:
        view["sheet"], view["warnings"] = plan_factsheet(view, brief, template)
    return view


def describe_keywords(data: dict[str, Any], claims: list[dict[str, Any]]) -> str:
    """PDF keywords: the brief's own, else its classification, the publisher and the kinds of claim."""
    if data["brief"].get("keywords"):
        return ", ".join(plain_text(keyword) for keyword in data["brief"]["keywords"])
    kinds = sorted({claim["kind"] for claim in claims}, key=KINDS.index)
    words = [data["brief"].get("classification", ""), data["source"]["publisher"], "briefing", *kinds]
    return ", ".join(plain_text(word) for word in words if word)


def check_layout(brief: Brief, options: BuildOptions) -> list[Problem]:
    """The problems a document that chooses what its page shows would stop the build with (for `check`)."""
    problems: list[Problem] = []
    for doctype in DOCUMENT_TYPES:
        if doctype.chooses_content:
            try:
                build_view(brief, doctype, options)
            except BriefError as error:
                problems.extend(error.problems)
    return problems


def render_html(brief: Brief, doctype: DocumentType, options: BuildOptions) -> RenderedDocument:
    """One document type for one brief; BriefError if a character has no glyph in our fonts."""
    require_glyphs(brief)
    template = create_environment().get_template(doctype.template)
    view = build_view(brief, doctype, options)
    return RenderedDocument(doctype=doctype, brief=brief, html=template.render(view), page=view["page"],
                            slides=tuple(view["slides"]),
                            warnings=tuple(view["warnings"]) + describe_length(view["slides"], brief))
