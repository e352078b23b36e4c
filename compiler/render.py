"""Rendering: one Jinja environment turns a brief into the HTML every writer reads."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from compiler.content.model import Brief
from compiler.diagnostics import BriefError
from compiler.doctypes import DocumentType
from compiler.fonts import check_coverage, font_face_css
from compiler.markup import plain_text, render_inline, render_paragraphs
from compiler.writers import BuildOptions, RenderedDocument

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
PAPER_SIZES = {"a4": "A4", "letter": "letter"}
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

# Slide content budget, in body lines of the slide stylesheet (23pt type on a 320 mm wide slide).
SLIDE_LINE_CHARS = 92
SLIDE_TITLE_CHARS = 58
SLIDE_BODY_LINES = 11.0
SLIDE_ITEM_GAP = 0.8
SLIDE_QUOTE_CHARS = 80  # serif italic sets wider than the sans body
SLIDE_LIST_CHARS = 76  # list items are indented
CLAIM_PREFIX = "00 ASSESSMENT "  # the claim number and kind label before its text
SLIDE_QUOTES = 1  # quotes per claim on a slide; the memo carries them all
LONG_FIGURE_VALUE = 24  # characters; a longer figure value is set smaller so that it stays a figure
TIMELINE_ROW = 5  # events per row of the drawn timeline
SLIDE_FIGURES = 6


class RenderError(Exception):
    """A document could not be produced (e.g. it overflows its page budget); names the document."""


@dataclass
class Slide:
    """One slide of the deck: its layout, assertion title, evidence and speaker notes."""

    layout: str
    title: str
    items: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    continued: bool = False
    number: int = 0
    supporting: list[dict[str, Any]] = field(default_factory=list)
    eyebrow: str = ""


@lru_cache(maxsize=1)
def create_environment() -> Environment:
    """The one Jinja environment: templates/ only, autoescaped, strict about undefined names."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        inline=render_inline, paragraphs=render_paragraphs, plain=plain_text, date=format_date)
    return environment


def format_date(value: str) -> str:
    """An ISO date of the brief ("2013", "2013-02", "2013-02-19") as a reader writes it."""
    parts = [int(part) for part in str(value).split("-")]
    if len(parts) == 3:
        day = date(*parts)
        return f"{day.day} {day:%B %Y}"
    if len(parts) == 2:
        return f"{date(parts[0], parts[1], 1):%B %Y}"
    return str(parts[0])


def resolve_paper(brief: Brief, options: BuildOptions) -> str:
    """The paper name: the command line's, else the brief's, else A4."""
    return (options.paper or brief.data["brief"].get("paper") or DEFAULT_PAPER).lower()


def resolve_page_size(doctype: DocumentType, paper: str) -> str:
    """The CSS @page size of a document type on the given paper."""
    return doctype.page_size.replace("{paper}", PAPER_SIZES[paper])


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
    data = brief.data
    claims = number_claims(data["claims"])
    figures = data.get("figures", [])
    paper = resolve_paper(brief, options)
    view = {
        "doctype": doctype,
        "page_size": resolve_page_size(doctype, paper),
        "paper": paper,
        "lang": data["brief"].get("language") or DEFAULT_LANGUAGE,
        "font_css": Markup(font_face_css()),
        "brief": data["brief"],
        "source": data["source"],
        "summary": data["summary"],
        "claims": claims,
        "claim_groups": group_claims(claims),
        "goals": link_goals(data.get("goals", []), claims),
        "figures": figures,
        "figures_shown": figures[:doctype.max_figures],
        "long_value": LONG_FIGURE_VALUE,
        "glance_columns": split_columns(claims, lambda claim: estimate_lines(claim["text"], 60) + 0.4),
        "timeline": data.get("timeline", []),
        "timeline_rows": balance(data.get("timeline", []), TIMELINE_ROW) if data.get("timeline") else [],
        "takeaways": data.get("takeaways", []),
        "quote_count": count_quotes(data),
        "quotes_checked": brief.quotes_checked,
        "kind_labels": KIND_LABELS,
        "keywords": describe_keywords(data, claims),
    }
    view["slides"] = plan_slides(view)
    view["warnings"] = describe_dropped(view)
    return view


def describe_dropped(view: dict[str, Any]) -> list[str]:
    """Warnings for content a document type leaves out by its declaration (e.g. figures beyond six)."""
    shown, total = len(view["figures_shown"]), len(view["figures"])
    if shown == total:
        return []
    return [f"shows the first {shown} of {total} figures (its limit); put the most important first, "
            "or remove some"]


def describe_keywords(data: dict[str, Any], claims: list[dict[str, Any]]) -> str:
    """PDF keywords: the brief's own, else its classification, the publisher and the kinds of claim."""
    if data["brief"].get("keywords"):
        return ", ".join(plain_text(keyword) for keyword in data["brief"]["keywords"])
    kinds = sorted({claim["kind"] for claim in claims}, key=KINDS.index)
    words = [data["brief"].get("classification", ""), data["source"]["publisher"], "briefing", *kinds]
    return ", ".join(plain_text(word) for word in words if word)


def render_html(brief: Brief, doctype: DocumentType, options: BuildOptions) -> RenderedDocument:
    """The HTML of one document type for one brief; BriefError if a character has no glyph in our fonts."""
    problems = check_coverage(brief)
    if problems:
        raise BriefError(problems)
    template = create_environment().get_template(doctype.template)
    html = template.render(build_view(brief, doctype, options))
    return RenderedDocument(doctype=doctype, brief=brief, html=html)


# Slides ---------------------------------------------------------------------------------------------

def estimate_lines(text: str, line_chars: float = SLIDE_LINE_CHARS) -> int:
    """Lines a text takes on a slide body; wide (CJK) characters count double."""
    width = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in plain_text(text))
    return max(1, math.ceil(width / line_chars))


def body_budget(title: str) -> float:
    """Body lines left on a slide under a title of this length."""
    return SLIDE_BODY_LINES - 1.2 * (estimate_lines(title, SLIDE_TITLE_CHARS) - 1)


def claim_cost(claim: dict[str, Any]) -> float:
    """Body lines a claim takes on a slide: its text and the quotes shown with their citations."""
    quotes = sum(estimate_lines(f"“{q['text']}” ¶ 99", SLIDE_QUOTE_CHARS) + 0.25
                 for q in claim["quotes"][:SLIDE_QUOTES])
    return estimate_lines(CLAIM_PREFIX + claim["text"]) + quotes + SLIDE_ITEM_GAP


def pack(items: list[Any], cost: Callable[[Any], float], budget: float) -> list[list[Any]]:
    """Items split into consecutive runs, each within the budget (an oversized item stands alone)."""
    runs: list[list[Any]] = [[]]
    used = 0.0
    for item in items:
        spend = cost(item)
        if runs[-1] and used + spend > budget:
            runs.append([])
            used = 0.0
        runs[-1].append(item)
        used += spend
    return [run for run in runs if run]


def split_columns(items: list[Any], cost: Callable[[Any], float]) -> list[list[Any]]:
    """Items in reading order as two columns of about equal height, the first never the shorter."""
    total = sum(map(cost, items))
    used, split = 0.0, len(items)
    for index, item in enumerate(items):
        if used >= total / 2:
            split = index
            break
        used += cost(item)
    return [items[:split], items[split:]]


def balance(items: list[Any], most: int) -> list[list[Any]]:
    """Items in as few runs of at most `most` as possible, the runs as even as possible (4 + 3, not 6 + 1)."""
    count = math.ceil(len(items) / most)
    size, extra = divmod(len(items), count)
    runs, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        runs.append(items[start:end])
        start = end
    return runs


def split_slides(layout: str, title: str, runs: list[list[Any]], notes: list[str]) -> list[Slide]:
    """One slide per run; the second and later marked "(continued)"."""
    return [Slide(layout, title, run, notes if index == 0 else [], continued=index > 0)
            for index, run in enumerate(runs)]


def claim_group_title(group: dict[str, Any]) -> str:
    """The assertion heading a claim group's slide."""
    count = len(group["claims"])
    titles = {
        "fact": f"The article rests on {count} checkable {'fact' if count == 1 else 'facts'}",
        "assessment": f"The author offers {count} {'judgement' if count == 1 else 'judgements'}"
                      ", not checkable facts",
        "proposal": f"The article proposes {count} {'course' if count == 1 else 'courses'} of action",
    }
    return titles[group["kind"]]


def claim_notes(group: dict[str, Any], claims: list[dict[str, Any]]) -> list[str]:
    """What the presenter says over some claims of a group, with each claim's kind."""
    notes = [f"{group['heading']}: {group['explained']}."]
    for claim in claims:
        line = f"Claim {claim['number']} ({claim['kind']}): {plain_text(claim['text'])}"
        if claim.get("note"):
            line += f" Analyst’s note: {plain_text(claim['note'])}"
        if len(claim["quotes"]) > SLIDE_QUOTES:
            line += f" ({len(claim['quotes']) - SLIDE_QUOTES} more quotes in the memo.)"
        notes.append(line)
    return notes


def plan_claim_slides(view: dict[str, Any]) -> list[Slide]:
    """One slide per claim group, split over several when the group exceeds the body budget."""
    slides = []
    for group in view["claim_groups"]:
        title = claim_group_title(group)
        runs = pack(group["claims"], claim_cost, body_budget(title + " (continued)"))
        group_slides = split_slides(f"claims kind-{group['kind']}", title, runs, [])
        for slide in group_slides:
            slide.notes = claim_notes(group, slide.items)
            slide.items = [dict(claim, quotes=claim["quotes"][:SLIDE_QUOTES]) for claim in slide.items]
            slide.eyebrow = f"{group['heading']}: {group['explained']}"
        slides += group_slides
    return slides


def plan_goal_slides(view: dict[str, Any]) -> list[Slide]:
    """One slide per goal: the goal as the assertion, its actions and supporting claims as evidence."""
    slides = []
    for goal in view["goals"]:
        notes = [f"Goal: {plain_text(goal['text'])}"]
        notes += [f"Supported by claim {c['number']} ({c['kind']}): {plain_text(c['text'])}"
                  for c in goal["supporting"]]
        # The supporting claims take one line (their numbers and kinds) on the goal's last slide.
        budget = body_budget(goal["text"] + " (continued)") - (2 if goal["supporting"] else 0) - 0.8
        cost = lambda action: estimate_lines(action, SLIDE_LIST_CHARS) + SLIDE_ITEM_GAP / 2  # noqa: E731
        runs = pack(goal["actions"], cost, budget) or [[]]
        goal_slides = split_slides("goal", goal["text"], runs, notes)
        for slide in goal_slides:
            slide.eyebrow = "Goal the article sets"
        goal_slides[-1].supporting = goal["supporting"]
        slides += goal_slides
    return slides


def plan_figure_slides(view: dict[str, Any]) -> list[Slide]:
    """The key figures, six to a slide, numbers large."""
    figures = view["figures"]
    if not figures:
        return []
    runs = balance(figures, SLIDE_FIGURES)
    notes = [f"{plain_text(str(f['value']))}: {plain_text(f['label'])}" for f in figures]
    return split_slides("figures", "The numbers the article puts forward", runs, notes)


def plan_timeline_slides(view: dict[str, Any]) -> list[Slide]:
    """The timeline, a few entries to a slide."""
    timeline = view["timeline"]
    if not timeline:
        return []
    runs = pack(timeline, lambda entry: estimate_lines(entry["event"], 52) + 0.45, SLIDE_BODY_LINES - 0.5)
    notes = [f"{format_date(entry['date'])}: {plain_text(entry['event'])}" for entry in timeline]
    first, last = str(timeline[0]["date"])[:4], str(timeline[-1]["date"])[:4]
    marks = "the date the article marks" if len(timeline) == 1 else "the dates the article marks"
    title = f"From {first} to {last}: {marks}" if first != last else f"{first}: {marks}"
    return split_slides("timeline", title, runs, notes)


def plan_slides(view: dict[str, Any]) -> list[Slide]:
    """The whole deck, in order, numbered."""
    brief = view["brief"]
    slides = [
        Slide("title", brief["title"], notes=[f"Briefing on: {plain_text(view['source']['title'])}"]),
        Slide("bottom-line", "Bottom line",
              notes=[plain_text(brief["bottom_line"]), *map(plain_text, render_paragraphs(view["summary"]))]),
        *plan_claim_slides(view),
        *plan_goal_slides(view),
        *plan_figure_slides(view),
        *plan_timeline_slides(view),
    ]
    if view["takeaways"]:
        title = "What this means for us"
        runs = pack(view["takeaways"], lambda t: estimate_lines(t, SLIDE_LIST_CHARS) + SLIDE_ITEM_GAP / 2,
                    body_budget(title))
        slides += split_slides("takeaways", title, runs,
                               [plain_text(t) for t in view["takeaways"]])
    slides.append(Slide("source", "Source", notes=["Quotes and paragraph numbers refer to this text."]))
    for number, slide in enumerate(slides, start=1):
        slide.number = number
    return slides
