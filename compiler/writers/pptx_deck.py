"""The planned deck as data for the PowerPoint writer: per slide its layout, title runs, body and notes."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from typing import Any

from compiler.markup import ALLOWED_SCHEMES, render_inline
from compiler.render import KIND_LABELS, LONG_FIGURE_VALUE
from compiler.text import format_date

HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
TITLE_LAYOUT = "Title Slide"
CONTENT_LAYOUT = "Title and Content"


@dataclass(frozen=True)
class Run:
    """Text with one look: its role (see pptx_styles.LOOKS), emphasis and link."""

    text: str
    role: str = ""
    bold: bool = False
    italic: bool = False
    href: str | None = None
    scale: float = 1.0  # times the role's size: a figure value at the size the planner chose


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a placeholder or table cell; indent and space before in ems of the body size."""

    runs: tuple[Run, ...]
    bullet: bool = False
    indent: float = 0.0
    space_before: float = 0.0


@dataclass(frozen=True)
class Block:
    """Paragraphs that stay together on one slide (a claim and its quote, one action)."""

    paragraphs: tuple[Paragraph, ...]
    repeats: bool = False  # shown again on each slide the body continues on (the eyebrow)


@dataclass(frozen=True)
class Table:
    """A grid in the body placeholder: column shares of its width, and each cell's paragraphs."""

    columns: tuple[float, ...]
    rows: tuple[tuple[tuple[Paragraph, ...], ...], ...]
    rules: str = "top"  # "top": an accent rule over each cell (figures); "bottom": a grey rule under each row


@dataclass(frozen=True)
class DeckSlide:
    """One slide of the PowerPoint deck."""

    kind: str                 # the planner's layout: title, bottom-line, claims, goal, figures, ...
    layout: str               # the PowerPoint layout, by name
    title: tuple[Run, ...]
    blocks: tuple[Block, ...] = ()
    table: Table | None = None
    notes: tuple[str, ...] = ()
    continued: bool = False


class _InlineRuns(HTMLParser):
    """Runs from the inline HTML of `render_inline`: only em, strong and a elements occur in it."""

    def __init__(self, role: str) -> None:
        super().__init__(convert_charrefs=True)
        self.role = role
        self.bold = 0
        self.italic = 0
        self.href: list[str | None] = []
        self.runs: list[Run] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "strong":
            self.bold += 1
        elif tag == "em":
            self.italic += 1
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.href.append(href if href.strip().lower().startswith(ALLOWED_SCHEMES) else None)

    def handle_endtag(self, tag: str) -> None:
        if tag == "strong":
            self.bold -= 1
        elif tag == "em":
            self.italic -= 1
        elif tag == "a" and self.href:
            self.href.pop()

    def handle_data(self, data: str) -> None:
        data = HTML_SPACE.sub(" ", data)  # as HTML, and so the PDF, sets it: a line break is a space
        if data:
            link = self.href[-1] if self.href else None
            self.runs.append(Run(data, self.role, self.bold > 0, self.italic > 0, link))


def inline_runs(text: object, role: str = "") -> list[Run]:
    """A text field's light markup as runs (emphasis, strong, http/https/mailto links); all else literal."""
    parser = _InlineRuns(role)
    parser.feed(str(render_inline(str(text))))
    parser.close()
    return parser.runs


def paragraph(*runs: Run | list[Run], **settings: Any) -> Paragraph:
    """A paragraph of runs (given singly or in lists), without spaces at its ends."""
    flat: list[Run] = []
    for part in runs:
        flat.extend(part if isinstance(part, list) else [part])
    if flat:
        flat[0] = replace(flat[0], text=flat[0].text.lstrip(" "))
        flat[-1] = replace(flat[-1], text=flat[-1].text.rstrip(" "))
    return Paragraph(tuple(run for run in flat if run.text), **settings)


def kind_run(kind: str) -> Run:
    return Run(KIND_LABELS[kind], f"kind-{kind}")


def title_runs(text: object, continued: bool, markup: bool = True) -> tuple[Run, ...]:
    runs = inline_runs(text) if markup else [Run(str(text))]
    return tuple(runs + ([Run(" (continued)", "continued")] if continued else []))


def claim_block(claim: dict[str, Any], first: bool) -> Block:
    """A claim: its number, kind and text, then the quotes a slide shows, each with its paragraph.

    A claim the planner continued from the slide before (`continues`) shows its number without its kind.
    """
    lines = []
    if claim["text"]:
        kind = [] if claim.get("continues") else [kind_run(claim["kind"]), Run("  ")]
        lines.append(paragraph(Run(str(claim["number"]), "number"), Run("  "), *kind, inline_runs(claim["text"]),
                               space_before=0.0 if first else 0.45))
    for quote in claim["quotes"]:
        runs = [Run("“", "quote"), *inline_runs(quote["text"], "quote"), Run("”", "quote")]
        if quote.get("paragraph"):
            runs.append(Run(f"  ¶\u202f{quote['paragraph']}", "paragraph-ref"))
        lines.append(paragraph(runs, indent=0.75, space_before=0.15))
    return Block(tuple(lines))


def eyebrow_block(text: str) -> Block:
    return Block((paragraph(Run(text, "eyebrow")),), repeats=True)


def item_text(item: Any) -> Any:
    """An item's text: the item itself, or its "text" when the planner gives it as an entry."""
    return item["text"] if isinstance(item, dict) else item


def bullet_blocks(items: list[Any]) -> tuple[Block, ...]:
    return tuple(Block((paragraph(inline_runs(item_text(item)), bullet=True, indent=0.75,
                                  space_before=0.0 if index == 0 else 0.25),))
                 for index, item in enumerate(items))


def goal_blocks(items: list[Any]) -> tuple[Block, ...]:
    """A goal's body: its text when too long for a title (a "statement" entry), then its actions as bullets."""
    statements = [item for item in items if isinstance(item, dict) and item.get("kind") == "statement"]
    actions = [item for item in items if item not in statements]
    return (*(Block((paragraph(inline_runs(item["text"])),)) for item in statements), *bullet_blocks(actions))


def supports_block(claims: list[dict[str, Any]]) -> Block:
    """"Rests on claims 3 Fact, 5 Assessment": the claims behind a goal."""
    runs = [Run("Rests on claim " if len(claims) == 1 else "Rests on claims ", "supports")]
    for index, claim in enumerate(claims):
        runs += [Run(str(claim["number"]), "number"), Run(" "), kind_run(claim["kind"])]
        if index < len(claims) - 1:
            runs.append(Run(", ", "supports"))
    return Block((paragraph(runs, space_before=0.6),))


def figure_columns(count: int) -> int:
    """Figures to a row, as the PDF deck: one, two for two or four, four for seven or eight, else three."""
    if count == 1:
        return 1
    if count in (2, 4):
        return 2
    return 4 if count > 6 else 3


def figure_value(value: str, columns: int, size: float) -> Paragraph:
    """A figure's value set large: at the size the planner chose (pt in the PDF deck), else by its length."""
    if size:
        runs = [replace(run, role="value-sized", scale=size / 23) for run in inline_runs(value)]
        return paragraph(runs)
    role = ("value-four" if columns == 4 else "value") + ("-long" if len(value) > LONG_FIGURE_VALUE else "")
    return paragraph(inline_runs(value, role))


def figures_table(figures: list[dict[str, Any]], columns: int = 0, size: float = 0) -> Table:
    """The key figures in a grid, each cell its value set large over its label; `columns` to a row and the
    value's `size` as the planner chose them (0: chosen here, as the PDF deck did before it chose)."""
    columns = columns or figure_columns(len(figures))
    cells = []
    for figure in figures:
        cells.append((figure_value(str(figure["value"]), columns, size),
                      paragraph(inline_runs(figure["label"], "label"), space_before=0.1)))
    rows = tuple(tuple(cells[start:start + columns]) for start in range(0, len(cells), columns))
    return Table(tuple([1 / columns] * columns), rows, rules="top")


def timeline_table(entries: list[dict[str, Any]]) -> Table:
    """Date and event, a row each; an event continued from the slide before goes without its date."""
    rows = tuple((() if entry.get("continues") else (paragraph(Run(format_date(entry["date"]), "date")),),
                  (paragraph(inline_runs(entry["event"])),)) for entry in entries)
    return Table((0.27, 0.73), rows, rules="bottom")


def source_entry_blocks(entries: list[dict[str, Any]], view: dict[str, Any]) -> tuple[Block, ...]:
    """The source slide from the planner's entries: title, publisher and date, author, URL, verification."""
    blocks = []
    for entry in entries:
        if entry["kind"] == "verification":
            runs = [Run(verification(view), "verification")]
        elif entry["kind"] == "url":
            whole = not entry.get("split") and entry["text"].lower().startswith(("http://", "https://"))
            runs = [Run(entry["text"], "url", href=entry["text"] if whole else None)]
        else:
            runs = [replace(run, italic=run.italic or entry["kind"] == "title") for run in inline_runs(entry["text"])]
        blocks.append(Block((paragraph(runs, space_before=0.0 if not blocks else 0.3),)))
    return tuple(blocks)


def source_blocks(view: dict[str, Any]) -> tuple[Block, ...]:
    blocks = [Block((paragraph(citation_runs(view["source"])),))]
    url = view["source"].get("url")
    if url:
        link = url if url.lower().startswith(("http://", "https://")) else None
        blocks.append(Block((paragraph(Run(url, "url", href=link), space_before=0.4),)))
    blocks.append(Block((paragraph(Run(verification(view), "verification"), space_before=0.4),)))
    return tuple(blocks)


def citation_runs(source: dict[str, Any], role: str = "") -> list[Run]:
    """Title. Publisher, date. Author. (the source citation of every document)"""
    runs = [replace(run, italic=True) for run in inline_runs(source["title"], role)]
    runs += [Run(". ", role), *inline_runs(source["publisher"], role), Run(f", {format_date(source['date'])}.", role)]
    if source.get("author"):
        runs += [Run(" ", role), *inline_runs(source["author"], role), Run(".", role)]
    return runs


def verification(view: dict[str, Any]) -> str:
    if not view["quotes_checked"]:
        return "Quotes were not checked: no source text given."
    if view["quote_count"] == 1:
        return "The one quote was verified against the source text."
    return f"All {view['quote_count']} quotes were verified against the source text."


def title_part_blocks(slide: Any, view: dict[str, Any], shows_source: bool) -> tuple[Block, ...]:
    """The title slide's body from the planner's parts: subtitle, date and author, audience, then the source."""
    brief = view["brief"]
    blocks = []
    for part in slide.items:
        if part["kind"] == "subtitle":
            blocks.append(Block((paragraph(inline_runs(part["text"])),)))
        elif part["kind"] == "byline":
            runs = [Run(format_date(brief["date"]), "meta")] if part.get("first") else []
            if part["text"]:
                runs += ([Run(" · ", "meta")] if runs else []) + inline_runs(part["text"], "meta")
            blocks.append(Block((paragraph(runs, space_before=0.5),)))
        elif part["kind"] == "audience":
            lead = [Run("For ", "meta")] if part.get("first") else []
            blocks.append(Block((paragraph(*lead, inline_runs(part["text"], "meta")),)))
    if shows_source:
        blocks.append(Block((paragraph(Run("On ", "title-source"), citation_runs(view["source"], "title-source"),
                                       space_before=1.2),)))
    return tuple(blocks)


def title_slide(slide: Any, view: dict[str, Any]) -> DeckSlide:
    """The title slide: from the planner's parts when it gives them (it may continue the slide), else the brief."""
    notes = tuple(slide.notes)
    if not slide.items:
        return DeckSlide("title", TITLE_LAYOUT, title_runs(view["brief"]["title"], False),
                         title_slide_blocks(view), notes=notes)
    titles = [run for part in slide.items if part["kind"] == "title" for run in inline_runs(part["text"])]
    from compiler import slides as planner  # the planner's title steps say whether the source line shows

    steps = getattr(planner, "TITLE_STEPS", ())
    shows_source = not slide.continued and (not steps or steps[getattr(slide, "step", 0)][2])
    return DeckSlide("title", TITLE_LAYOUT, tuple(titles), title_part_blocks(slide, view, shows_source),
                     notes=notes, continued=slide.continued)


def title_slide_blocks(view: dict[str, Any]) -> tuple[Block, ...]:
    brief = view["brief"]
    blocks = []
    if brief.get("subtitle"):
        blocks.append(Block((paragraph(inline_runs(brief["subtitle"])),)))
    meta = [Run(format_date(brief["date"]), "meta")]
    if brief.get("author"):
        meta += [Run(" · ", "meta"), *inline_runs(brief["author"], "meta")]
    blocks.append(Block((paragraph(meta, space_before=0.5),)))
    if brief.get("audience"):
        blocks.append(Block((paragraph(Run("For ", "meta"), inline_runs(brief["audience"], "meta")),)))
    blocks.append(Block((paragraph(Run("On ", "title-source"), citation_runs(view["source"], "title-source"),
                                   space_before=1.2),)))
    return tuple(blocks)


def deck_slide(slide: Any, view: dict[str, Any]) -> DeckSlide:
    """One planned slide (compiler.slides.Slide) as the PowerPoint deck shows it."""
    kind = slide.layout.split()[0]
    notes = tuple(slide.notes)
    content = dict(kind=kind, layout=CONTENT_LAYOUT, notes=notes, continued=slide.continued)
    if kind == "title":
        return title_slide(slide, view)
    if kind == "bottom-line":
        statements = [item_text(item) for item in slide.items] or [view["brief"]["bottom_line"]]
        blocks = tuple(Block((paragraph(inline_runs(text, "statement")),)) for text in statements)
        return DeckSlide(title=title_runs(slide.title, slide.continued, markup=False), blocks=blocks, **content)
    if kind == "claims":
        blocks = [eyebrow_block(slide.eyebrow)] if slide.eyebrow else []
        blocks += [claim_block(claim, index == 0) for index, claim in enumerate(slide.items)]
        return DeckSlide(title=title_runs(slide.title, slide.continued, markup=False), blocks=tuple(blocks),
                         **content)
    if kind == "goal":
        blocks = [eyebrow_block(slide.eyebrow)] if slide.eyebrow else []
        blocks += goal_blocks(slide.items)
        if slide.supporting:
            blocks.append(supports_block(slide.supporting))
        return DeckSlide(title=title_runs(slide.title, slide.continued), blocks=tuple(blocks), **content)
    if kind == "figures":
        table = figures_table(slide.items, getattr(slide, "columns", 0), getattr(slide, "size", 0))
        return DeckSlide(title=title_runs(slide.title, slide.continued, markup=False), table=table, **content)
    if kind == "timeline":
        return DeckSlide(title=title_runs(slide.title, slide.continued, markup=False),
                         table=timeline_table(slide.items), **content)
    if kind == "takeaways":
        return DeckSlide(title=title_runs(slide.title, slide.continued, markup=False),
                         blocks=bullet_blocks(slide.items), **content)
    if kind == "source":
        blocks = source_entry_blocks(slide.items, view) if slide.items else source_blocks(view)
        return DeckSlide(title=title_runs(slide.title, slide.continued, markup=False), blocks=blocks, **content)
    raise ValueError(f"the PowerPoint writer has no slide for the planner's layout {slide.layout!r}")


def plan_deck(slides: list[Any], view: dict[str, Any]) -> list[DeckSlide]:
    """The planned slides, in order, as the PowerPoint deck's slides."""
    return [deck_slide(slide, view) for slide in slides]
