"""The slide planner: the deck as slides, every slide filled from heights the real layout measures."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from jinja2 import Template
from markupsafe import Markup

from compiler.content.model import Brief
from compiler.diagnostics import Problem
from compiler.markup import PARAGRAPH_BREAK, plain_text, render_inline
from compiler.measures import measured
from compiler.text import format_date

SLIDE_QUOTES = 1  # quotes per claim on a slide; the memo carries them all
MEASURE_PAGE_SLIDES = 12  # the page the planner measures on is this many slides tall
PX_PER_MM = 96 / 25.4
FIT_SLACK = 2.0  # CSS px kept free at a slide's foot, against rounding between two layouts
HALF_FULL = 0.5  # every slide but a group's last is at least this full
SENTENCE_REACH = 0.2  # of a slide's room: given up to cut a long item after a sentence, not mid-way
SENTENCE_END = re.compile(r"[.!?][”’\"')\]]*\s*$")
BRIEFING_SLIDES = 20  # about a slide a minute of a 20-minute briefing
LONG_GOAL_TITLE = "The article sets this goal"  # over a goal whose text would fill half its slide as a title
DECK_TITLE_CHARS = 90  # the title in every slide's footer, cut at a word past this

# Figures: the value's size steps down, by measured layout, to the last (the floor) before the
# figures go fewer to a row. A value may take up to FIGURE_VALUE_LINES lines, never breaking a word.
FIGURE_SIZES_PT = (46, 40, 34, 30, 26)
FIGURE_VALUE_LINES = 3
FOUR_UP_SMALLEST_PT = 34  # past eight figures, rows of four only at this size or larger
SLIDE_WIDTH_MM = 280  # the content width of a 320 mm slide less its 20 mm side margins
FIGURE_GAP_MM = 10  # between figures in a row
FIGURE_ROW_GAP_MM = 9  # between rows

# The title slide: the first step whose measured content clears the source line is used; the last
# steps leave the source line to the source slide. (title pt, top padding mm, source shown)
TITLE_STEPS = ((44, 26, True), (40, 16, True), (34, 8, True), (30, 0, True), (30, 0, False), (26, 0, False))
TITLE_SOURCE_GAP = 4 * PX_PER_MM  # kept free between the title block and the source line


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
    columns: int = 1  # figures to a row (figures slides)
    size: float = 0  # figures: the value's size (pt); title slide: the title's size (pt)
    step: int = 0  # the title slide's fitting step (index into TITLE_STEPS)

    @property
    def anchor(self) -> str:
        """The id of the slide's element in the deck's HTML."""
        return f"slide-{self.number}"

    @property
    def label(self) -> str:
        """How messages name the slide: `slide 3 “Title (continued)”`."""
        return f"slide {self.number} “{plain_text(self.title)}{' (continued)' if self.continued else ''}”"


@dataclass(frozen=True)
class Cut:
    """A place to split an item: after line `y` ends, `count` visible characters into flow field `field`."""

    y: float
    field: int
    count: int
    line: float = 0.0  # the height of that line: either part, set anew, may take one line more
    sentence: bool = False  # the line ends a sentence: the better place to cut


@dataclass
class Block:
    """One item as laid out under its slide's title (CSS px) and where it may be split."""

    top: float
    bottom: float
    cuts: list[Cut] = field(default_factory=list)


@dataclass
class Extent:
    """Where a draft's items sit when laid out one after another under the slide's title (CSS px)."""

    blocks: list[Block]
    tail: float | None  # bottom of what follows the last item on the last slide (a goal's claims line)
    room: float  # height from the first item's top to the foot of a "(continued)" slide's body
    room_first: float  # the same on the first slide, whose title may take a line less


@dataclass(frozen=True)
class Piece:
    """An item, or the part of it between two cuts (None: its start, its end), on one slide."""

    index: int
    start: Cut | None = None
    end: Cut | None = None


Fields = Callable[[Any], list[str]]
Rebuild = Callable[[Any, list[str], bool, bool], Any]


@dataclass
class Draft:
    """A slide before it is split: all its items, and how to write the notes of the slides it becomes."""

    slide: Slide
    notes_for: Callable[[list[Any]], list[str]] | None = None  # per-slide notes; None: first slide only
    splits: bool = True  # False: the items stay on one slide whatever their height
    fields: Fields | None = None  # an item's text fields that may flow over slides, in reading order
    rebuild: Rebuild | None = None  # the item with those fields cut to (fields, is first part, is last)


# Drafting -----------------------------------------------------------------------------------------

def claim_group_title(group: dict[str, Any]) -> str:
    """The assertion heading a claim group's slide."""
    count = len(group["claims"])
    titles = {
        "fact": f"The article rests on {count} checkable {'fact' if count == 1 else 'facts'}",
        "assessment": "The author offers " + ("1 judgement, not a fact" if count == 1
                                              else f"{count} judgements, not facts"),
        "proposal": f"The article proposes {count} {'course' if count == 1 else 'courses'} of action",
    }
    return titles[group["kind"]]


def claim_notes(group: dict[str, Any], claims: list[dict[str, Any]]) -> list[str]:
    """What the presenter says over some claims of a group, with each claim's kind (once per claim)."""
    notes = [f"{group['heading']}: {group['explained']}."]
    for claim in claims:
        if claim.get("continues"):
            continue
        line = f"Claim {claim['number']} ({claim['kind']}): {plain_text(claim['whole'])}"
        if claim.get("note"):
            line += f" Analyst’s note: {plain_text(claim['note'])}"
        if claim["more_quotes"]:
            line += f" ({claim['more_quotes']} more quotes in the memo.)"
        notes.append(line)
    return notes


def claim_fields(claim: dict[str, Any]) -> list[str]:
    """A claim's text, then its quote's."""
    return [claim["text"], *(quote["text"] for quote in claim["quotes"])]


def rebuild_claim(claim: dict[str, Any], parts: list[str], first: bool, last: bool) -> dict[str, Any]:
    """The part of a claim one slide shows: its text's part, its quote's part (¶ with the quote's end)."""
    quotes = [dict(quote, text=part, paragraph=quote.get("paragraph") if last else None)
              for quote, part in zip(claim["quotes"], parts[1:]) if part]
    return dict(claim, text=parts[0], quotes=quotes, continues=not first)


def draft_claim_slides(view: dict[str, Any]) -> list[Draft]:
    """One draft per claim group, each claim with the quotes a slide shows."""
    drafts = []
    for group in view["claim_groups"]:
        claims = [dict(claim, quotes=claim["quotes"][:SLIDE_QUOTES], whole=claim["text"], continues=False,
                       more_quotes=max(len(claim["quotes"]) - SLIDE_QUOTES, 0)) for claim in group["claims"]]
        slide = Slide(f"claims kind-{group['kind']}", claim_group_title(group), claims,
                      eyebrow=f"{group['heading']}: {group['explained']}")
        drafts.append(Draft(slide, lambda run, group=group: claim_notes(group, run),
                            fields=claim_fields, rebuild=rebuild_claim))
    return drafts


def text_fields(item: str) -> list[str]:
    """An item that is one text field."""
    return [item]


def rebuild_text(item: str, parts: list[str], first: bool, last: bool) -> str:
    """The part of a one-field item one slide shows."""
    return parts[0]


def draft_goal_slides(view: dict[str, Any]) -> list[Draft]:
    """One draft per goal: the goal as the assertion, its actions and supporting claims as evidence."""
    drafts = []
    for goal in view["goals"]:
        notes = [f"Goal: {plain_text(goal['text'])}"]
        notes += [f"Supported by claim {c['number']} ({c['kind']}): {plain_text(c['text'])}"
                  for c in goal["supporting"]]
        actions = [{"kind": "action", "text": action} for action in goal["actions"]]
        slide = Slide("goal", goal["text"], actions, notes, supporting=goal["supporting"],
                      eyebrow="Goal the article sets")
        drafts.append(Draft(slide, fields=entry_fields, rebuild=rebuild_entry))
    return drafts


def goal_in_body(draft: Draft) -> Draft:
    """A goal too long to be its slide's title: a short title, the goal's text first in the body."""
    slide = draft.slide
    items = [{"kind": "statement", "text": slide.title}, *slide.items]
    return replace(draft, slide=replace(slide, title=LONG_GOAL_TITLE, items=items))


def entry_fields(entry: dict[str, Any]) -> list[str]:
    """An entry's one text field, if it has one (a goal's action, a part of the title or source slide)."""
    return [entry["text"]] if entry["text"] else []


def rebuild_entry(entry: dict[str, Any], parts: list[str], first: bool, last: bool) -> dict[str, Any]:
    """The part of an entry one slide shows: `first` for its first part (the title slide prints the
    date and "For" with it), `split` once cut (a URL cut in two is no longer a link)."""
    return dict(entry, text=parts[0], first=first, split=True) if parts else entry


def figure_fields(figure: dict[str, Any]) -> list[str]:
    """A figure's value, then its label."""
    return [str(figure["value"]), figure["label"]]


def rebuild_figure(figure: dict[str, Any], parts: list[str], first: bool, last: bool) -> dict[str, Any]:
    """The part of a figure (a value or label longer than a slide) one slide shows."""
    return dict(figure, value=parts[0], label=parts[1])


def figure_notes(figures: list[dict[str, Any]]) -> list[str]:
    """What the presenter says over the figures."""
    return [f"{plain_text(str(f['value']))}: {plain_text(f['label'])}" for f in figures]


def figure_columns(count: int) -> int:
    """Figures to a row for `count` figures: 2 + 2 for four, rows of four for seven or eight, else three."""
    return {1: 1, 2: 2, 4: 2, 7: 4, 8: 4}.get(count, 3)


def figure_width_mm(columns: int) -> float:
    """The width of one figure when `columns` share a row."""
    return (SLIDE_WIDTH_MM - FIGURE_GAP_MM * (columns - 1)) / columns


def figure_probes(count: int, fallback: bool = False) -> list[tuple[int, float]]:
    """The (columns, value size) layouts measured for `count` figures: every size at the usual count
    to a row; or, when none of those kept the values whole, fewer to a row at the floor."""
    columns, floor = figure_columns(count), FIGURE_SIZES_PT[-1]
    if fallback:
        return [(fewer, floor) for fewer in (2, 1) if fewer < columns] or [(1, floor)]
    probes = [(columns, size) for size in FIGURE_SIZES_PT]
    if count > 8:  # many figures: four to a row may take fewer slides, if the values stay large
        probes += [(4, size) for size in FIGURE_SIZES_PT if size >= FOUR_UP_SMALLEST_PT]
    return probes


def draft_figure_slides(view: dict[str, Any]) -> list[Draft]:
    """The key figures as one draft; the planner chooses their size and rows from measured layout."""
    figures = view["figures"]
    if not figures:
        return []
    slide = Slide("figures", "The numbers the article puts forward", figures, figure_notes(figures))
    return [Draft(slide, fields=figure_fields, rebuild=rebuild_figure)]


def timeline_fields(entry: dict[str, Any]) -> list[str]:
    """A timeline entry's event."""
    return [entry["event"]]


def rebuild_event(entry: dict[str, Any], parts: list[str], first: bool, last: bool) -> dict[str, Any]:
    """The part of a timeline entry one slide shows; its date with its first part."""
    return dict(entry, event=parts[0], continues=not first)


def draft_timeline_slides(view: dict[str, Any]) -> list[Draft]:
    """The timeline as one draft."""
    timeline = view["timeline"]
    if not timeline:
        return []
    notes = [f"{format_date(entry['date'])}: {plain_text(entry['event'])}" for entry in timeline]
    first, last = str(timeline[0]["date"])[:4], str(timeline[-1]["date"])[:4]
    marks = "the date the article marks" if len(timeline) == 1 else "the dates the article marks"
    title = f"From {first} to {last}: {marks}" if first != last else f"{first}: {marks}"
    entries = [dict(entry, continues=False) for entry in timeline]
    return [Draft(Slide("timeline", title, entries, notes), fields=timeline_fields, rebuild=rebuild_event)]


def draft_source_slides(view: dict[str, Any]) -> list[Draft]:
    """The source slide: title, publisher and date, author, URL, and whether the quotes were checked."""
    source = view["source"]
    entries = [{"kind": "title", "text": source["title"]},
               {"kind": "publisher", "text": f"{source['publisher']}, {format_date(source['date'])}"}]
    if source.get("author"):
        entries.append({"kind": "author", "text": source["author"]})
    if source.get("url"):
        entries.append({"kind": "url", "text": source["url"], "split": False})
    entries.append({"kind": "verification", "text": ""})
    slide = Slide("source", "Source", entries, notes=["Quotes and paragraph numbers refer to this text."])
    return [Draft(slide, fields=entry_fields, rebuild=rebuild_entry)]


def title_parts(brief: dict[str, Any]) -> list[dict[str, Any]]:
    """The title slide's parts: the title, the subtitle, the date and author, the audience."""
    parts = [{"kind": "title", "text": brief["title"], "first": True}]
    if brief.get("subtitle"):
        parts.append({"kind": "subtitle", "text": brief["subtitle"], "first": True})
    parts.append({"kind": "byline", "text": brief.get("author", ""), "first": True})
    if brief.get("audience"):
        parts.append({"kind": "audience", "text": brief["audience"], "first": True})
    return parts


def draft_slides(view: dict[str, Any]) -> list[Draft]:
    """The whole deck in order, each splittable slide still holding all its items."""
    brief = view["brief"]
    drafts = [
        Draft(Slide("title", brief["title"], title_parts(brief),
                    notes=[f"Briefing on: {plain_text(view['source']['title'])}"]),
              fields=entry_fields, rebuild=rebuild_entry),
        Draft(Slide("bottom-line", "Bottom line", [{"text": brief["bottom_line"]}],
                    notes=[plain_text(brief["bottom_line"]), *summary_notes(view["summary"])]),
              fields=entry_fields, rebuild=rebuild_entry),
        *draft_claim_slides(view),
        *draft_goal_slides(view),
        *draft_figure_slides(view),
        *draft_timeline_slides(view),
    ]
    if view["takeaways"]:
        drafts.append(Draft(Slide("takeaways", "What this means for us", view["takeaways"],
                                  [plain_text(t) for t in view["takeaways"]]),
                            fields=text_fields, rebuild=rebuild_text))
    drafts += draft_source_slides(view)
    return drafts


def summary_notes(summary: str) -> list[str]:
    """The summary's paragraphs as plain text, for the presenter."""
    return [plain_text(part) for part in PARAGRAPH_BREAK.split(summary.strip()) if part.strip()]


# Measuring ----------------------------------------------------------------------------------------

@dataclass
class Probes:
    """The slides laid out to measure a deck: what each measured slide stands for, by slide number."""

    slides: list[Slide] = field(default_factory=list)
    drafts: dict[int, int] = field(default_factory=dict)  # id(draft) -> its probe
    figures: dict[tuple[int, float], int] = field(default_factory=dict)  # (columns, size) -> probe
    figures_whole: dict[int, tuple[float, int]] = field(default_factory=dict)  # columns -> (size, probe)
    title: int | None = None  # the title slide's probe
    title_sizes: int | None = None  # its title at every step's size
    title_step: int = 0  # the step the title slide's probe is laid out at

    def add(self, slide: Slide) -> int:
        self.slides.append(replace(slide, number=len(self.slides) + 1, notes=[]))
        return len(self.slides)


def probe_slides(drafts: list[Draft], title_step: int = 0, fallback: bool = False) -> Probes:
    """The slides to measure, one after another on tall pages: each splittable draft as its
    "(continued)" slide (with its first slide's title set aside, to compare), every figure layout the
    planner may choose (its `fallback` ones, measured again when none of the others would do), the
    title slide at `title_step` with its title at every step's size."""
    probes = Probes(title_step=title_step)
    for draft in drafts:
        slide = draft.slide
        if slide.layout == "title":
            probes.title = probes.add(replace(slide, step=title_step))
            probes.title_sizes = probes.add(replace(slide, layout="title-sizes", items=[]))
        elif slide.layout == "figures":
            probe_figures(probes, slide, fallback)
        elif draft.splits and (slide.items or slide.layout == "goal"):
            probes.drafts[id(draft)] = probes.add(replace(slide, continued=True))
    return probes


def probe_figures(probes: Probes, slide: Slide, fallback: bool) -> None:
    """The figures whole at each column count's first size, and their values alone at every size.

    A value's size changes only the value's own height: a figure at another size is the whole
    figure, less its value at the first size, plus its value at that size. The fallback layouts,
    which may be split, are measured whole.
    """
    for columns, size in figure_probes(len(slide.items), fallback):
        if fallback or columns not in probes.figures_whole:
            whole = probes.add(replace(slide, layout="figure-probe", continued=True, columns=columns, size=size))
            probes.figures_whole[columns] = (size, whole)
        if fallback:
            probes.figures[columns, size] = probes.figures_whole[columns][1]
        else:
            probes.figures[columns, size] = probes.add(
                replace(slide, layout="figure-values", continued=True, columns=columns, size=size))


@dataclass
class Measured:
    """What one measured slide's layout says: its items as blocks, its tail and its room."""

    blocks: list[Block]
    tail: float | None
    room: float  # from the first item's top to the foot of the slide's body
    parts: dict[str, tuple[float, float]]  # (top, bottom) of marked parts that are not items, by mark

    @property
    def room_first(self) -> float:
        """The room on the first slide of the draft, whose title has no "(continued)" to wrap."""
        if "heading" not in self.parts or "heading-first" not in self.parts:
            return self.room
        return self.room + height(self.parts["heading"]) - height(self.parts["heading-first"])


def height(span: tuple[float, float]) -> float:
    """The height of a (top, bottom) span."""
    return span[1] - span[0]


def measure_slides(view: dict[str, Any], brief: Brief, template: Template, probes: Probes) -> dict[int, Measured]:
    """Lay the probe slides out on tall pages with the deck's stylesheet and read where each item sits.

    The real layout is the judge of what fits: each probe is set on a page as wide as a slide and
    many times as tall, so its items stack exactly as they would on a slide and nothing is guessed
    from character counts.
    """
    from compiler.bounds import check_html_size
    from compiler.layout import lay_out  # loads WeasyPrint: only when a deck is measured

    width, height = view["page"].width_mm, view["page"].height_mm
    tall = dict(view, slides=probes.slides, measuring=True,
                page_size=f"{width}mm {height * MEASURE_PAGE_SLIDES}mm")
    html = template.render(tall)
    label = view["doctype"].name
    check_html_size(html, label)  # the same bound as the deck itself, before layout
    extra = (MEASURE_PAGE_SLIDES - 1) * height * PX_PER_MM
    return measured(html, f"slides {extra!r}", dict[int, Measured],
                    lambda: read_layout(lay_out(html, label), extra))


@dataclass
class Reading:
    """Marks found so far on the measured slides, as the layout tree is walked page by page."""

    blocks: dict[int, list[Block]] = field(default_factory=dict)
    tails: dict[int, float] = field(default_factory=dict)
    parts: dict[int, dict[str, tuple[float, float]]] = field(default_factory=dict)
    seen: dict[int, Block] = field(default_factory=dict)  # id of a measured element -> its block
    seen_parts: set[int] = field(default_factory=set)  # ids of elements of marked parts


def read_layout(layout: Any, extra_height: float) -> dict[int, Measured]:
    """Each measured slide's blocks, cuts, tail and room, from boxes marked `data-measure`/`data-flow`.

    The probes follow one another on tall pages; a probe's room is a slide's body height less
    what stands above its first item (the page's height less the `extra_height` it was made taller).
    """
    reading = Reading()
    offset, body = 0.0, 0.0
    for page in layout.pages:
        box = page._page_box
        body = box.height - extra_height
        for slide, kind, element, found in iter_measured(box, None):
            read_mark(reading, slide, kind, element, found, offset)
        offset += box.margin_height()
    measured = {}
    for number in set(reading.blocks) | set(reading.parts):
        blocks, parts = reading.blocks.get(number, []), reading.parts.get(number, {})
        frame_top = parts["frame"][0] if "frame" in parts else 0.0
        # under the title: from the first item, else from the foot of the heading (a goal with no actions)
        first_top = blocks[0].top if blocks else parts["heading"][1] if "heading" in parts else frame_top
        room = body - (first_top - frame_top)
        measured[number] = Measured(blocks, reading.tails.get(number), room, parts)
    return measured


def read_mark(reading: Reading, slide: int, kind: str, element: int, found: Any, offset: float) -> None:
    """Record one marked box: an item (a fragment of one a page break split extends it), a tail or a part."""
    top, bottom, cuts = found[0] + offset, found[1] + offset, [replace(c, y=c.y + offset) for c in found[2]]
    if kind == "item":
        if element in reading.seen:
            block = reading.seen[element]
            block.bottom, block.cuts = bottom, block.cuts + continue_counts(block.cuts, cuts)
        else:
            reading.seen[element] = Block(top, bottom, cuts)
            reading.blocks.setdefault(slide, []).append(reading.seen[element])
    elif kind == "tail":
        reading.tails[slide] = max(reading.tails.get(slide, bottom), bottom)
    else:
        parts = reading.parts.setdefault(slide, {})
        # a fragment of a part a page break split (its element seen before) extends it
        parts[kind] = (parts[kind][0], bottom) if kind in parts and element in reading.seen_parts else (top, bottom)
        reading.seen_parts.add(element)


def continue_counts(before: list[Cut], after: list[Cut]) -> list[Cut]:
    """The cuts of an item's next fragment, counted on from where its earlier fragments' fields ended
    (each fragment's lines are counted from zero)."""
    counted: dict[int, int] = {}
    for cut in before:
        counted[cut.field] = cut.count
    return [replace(cut, count=cut.count + counted.get(cut.field, 0)) for cut in after]


def iter_measured(box: Any, slide: int | None, within: Any = None) -> Iterator[tuple[int, str, int, tuple]]:
    """(slide number, mark, element id, (top, bottom, cuts)) of each marked box under `box`, in order.

    An item's own marks are not looked for inside it; other marked parts may hold marked parts. The
    boxes inside a marked box made for the same element (its lines) are not marks of their own.
    """
    attributes = element_attributes(box) if box.element is not within else {}
    if box.element_tag == "section" and attributes.get("id", "").startswith("slide-"):
        slide = int(attributes["id"].removeprefix("slide-"))
    mark = attributes.get("data-measure")
    if slide is not None and mark and not hasattr(box, "text"):
        top = box.position_y + box.margin_top
        bottom = box.position_y + box.margin_height() - box.margin_bottom
        yield slide, mark, id(box.element), (top, bottom, read_cuts(box) if mark == "item" else [])
        if mark == "item":
            return
        within = box.element
    for child in getattr(box, "children", ()):
        yield from iter_measured(child, slide, within)


def element_attributes(box: Any) -> dict[str, str]:
    """The HTML attributes of the element a box was made for (none for anonymous boxes)."""
    element = getattr(box, "element", None)
    return element.attrib if element is not None and getattr(box, "element_tag", "") else {}


def read_cuts(box: Any) -> list[Cut]:
    """The cuts of an item: after each of its lines that shows flow text, how far into which field."""
    counts: dict[int, int] = {}
    cuts = []
    for line in iter_line_boxes(box):
        texts: list[str] = []
        touched = count_flow_text(line, None, counts, texts)
        if touched is not None:
            ends = bool(SENTENCE_END.search("".join(texts)))
            cuts.append(Cut(line.position_y + line.height, touched, counts[touched], line.height, ends))
    return cuts


def iter_line_boxes(box: Any) -> Iterator[Any]:
    """The line boxes under `box`, in order."""
    if type(box).__name__ == "LineBox":
        yield box
        return
    for child in getattr(box, "children", ()):
        yield from iter_line_boxes(child)


def count_flow_text(box: Any, flow: int | None, counts: dict[int, int], texts: list[str]) -> int | None:
    """Add the visible characters of flow text under `box` to `counts` and its text to `texts`; the
    last field touched."""
    marked = element_attributes(box).get("data-flow")
    flow = int(marked) if marked is not None and box.element_tag == "span" else flow
    text = getattr(box, "text", None)
    if text is not None:
        if flow is None:
            return None
        counts[flow] = counts.get(flow, 0) + visible_length(text)
        texts.append(text)
        return flow
    touched = None
    for child in getattr(box, "children", ()):
        found = count_flow_text(child, flow, counts, texts)
        touched = found if found is not None else touched
    return touched


def visible_length(text: str) -> int:
    """Characters that are not white space (white space collapses and breaks differently per layout)."""
    return sum(1 for char in text if not char.isspace())


# Planning -----------------------------------------------------------------------------------------

def extent_of(measured: Measured) -> Extent:
    """The extent of a draft from its probe."""
    return Extent(measured.blocks, measured.tail, measured.room, measured.room_first)


def end_of(extent: Extent, index: int) -> float:
    """The bottom of item `index`, with the tail when it is the last."""
    bottom = extent.blocks[index].bottom
    if index == len(extent.blocks) - 1 and extent.tail is not None:
        bottom = max(bottom, extent.tail)
    return bottom


def top_of(extent: Extent, piece: Piece) -> float:
    """Where a piece starts: its item's top, or the line its start cut follows."""
    return piece.start.y if piece.start is not None else extent.blocks[piece.index].top


def pack(extent: Extent, share: float = 1.0, cutting: bool = True) -> list[list[Piece]]:
    """Items onto slides front first, each slide filled to `share` of its room.

    An item that does not fit is split at its last line that does when it cannot fit any slide
    alone, or when leaving it whole would leave the slide less than half full; one that cannot be
    split stands alone.
    """
    slides: list[list[Piece]] = []
    count = len(extent.blocks)
    index, start = 0, None
    while index < count:
        room = extent.room_first if not slides else extent.room
        top = start.y if start is not None else extent.blocks[index].top
        limit = top + room * share - FIT_SLACK - (start.line if start is not None else 0.0)
        pieces = [Piece(index, start)] if end_of(extent, index) <= limit else []
        following = index + 1 if pieces else index
        while following < count and end_of(extent, following) <= limit:
            pieces.append(Piece(following))
            following += 1
        bottom = end_of(extent, following - 1) if pieces else top
        cut = None
        if cutting and following < count and (bottom - top) < room * HALF_FULL:
            cut = last_cut(extent.blocks[following], limit, start if following == index else None, top, room)
        if cut is not None:
            pieces.append(Piece(following, start if following == index else None, cut))
            index, start = following, cut
        elif not pieces:  # it fits no slide and cannot be split: it stands alone
            pieces, index, start = [Piece(index, start)], index + 1, None
        else:
            index, start = following, None
        slides.append(pieces)
    return slides


def last_cut(block: Block, limit: float, after: Cut | None, top: float, room: float) -> Cut | None:
    """The block's last cut above `limit` (and below the cut it starts from), if any; the last that
    ends a sentence instead, if that still fills the slide from `top` to half and gives up at most
    SENTENCE_REACH of its room."""
    found = sentence = None
    for cut in block.cuts[:-1]:  # after its last line nothing of the item is left to continue
        if cut.y + cut.line <= limit and (after is None or cut.y > after.y) and cut != after:
            found = cut
            sentence = cut if cut.sentence else sentence
    if found is not None and sentence is not None and sentence.y - top >= room * HALF_FULL \
            and found.y - sentence.y <= room * SENTENCE_REACH:
        return sentence
    return found


def fill_of(extent: Extent, pieces: list[Piece], first: bool) -> float:
    """How full a slide's pieces make it (1.0: exactly full)."""
    last = pieces[-1]
    bottom = last.end.y if last.end is not None else end_of(extent, last.index)
    room = extent.room_first if first else extent.room
    return (bottom - top_of(extent, pieces[0])) / max(room - FIT_SLACK, 1.0)


def plan_runs(extent: Extent) -> list[list[Piece]]:
    """The fewest slides the items fill, as evenly as that allows without leaving a slide half empty.

    Front-first packing finds the count; when it cut nothing, the smallest share of each slide that
    keeps that count spreads the items evenly (earlier slides the fuller), unless that leaves a
    slide other than the last less than half full. Each try is linear, so this is n log n.
    """
    greedy = pack(extent)
    if any(piece.start or piece.end for run in greedy for piece in run) or len(greedy) < 2:
        return greedy
    low, high = 0.0, 1.0
    for _ in range(20):
        middle = (low + high) / 2
        if len(pack(extent, middle, cutting=False)) <= len(greedy):
            high = middle
        else:
            low = middle
    even = pack(extent, high, cutting=False)
    if len(even) == len(greedy) and all(fill_of(extent, run, index == 0) >= HALF_FULL
                                        for index, run in enumerate(even[:-1])):
        return even
    return greedy


def cut_markup(text: str, start: int | None, end: int | None) -> str:
    """The part of a text field between two visible-character counts (None: its start or end).

    The field is rendered to HTML first and cut there, closing the tags open at the cut and opening
    them again after it, so emphasis and links survive the split.
    """
    html = str(render_inline(str(text)))  # without its key: a part is not the field `briefing pull` reads back
    head, _ = split_html(html, end) if end is not None else (html, "")
    if start is None:
        return Markup(head.strip()) if end is not None else text
    _, tail = split_html(head, start)
    return Markup(tail.strip())


TAG = re.compile(r"(<[^>]*>)")
CHARACTER = re.compile(r"&[#a-zA-Z0-9]+;|.", re.S)


def split_html(html: str, count: int) -> tuple[str, str]:
    """Inline HTML split after `count` visible characters, tags balanced on both sides."""
    open_tags: list[str] = []
    seen = 0
    for position, token in token_positions(html):
        if token.startswith("<"):
            if token.startswith("</"):
                open_tags.pop()
            else:
                open_tags.append(token)
            continue
        for match in CHARACTER.finditer(token):
            if seen >= count and not match.group().isspace():
                cut = position + match.start()
                closing = "".join(f"</{tag[1:].split()[0].rstrip('>')}>" for tag in reversed(open_tags))
                return html[:cut] + closing, "".join(open_tags) + html[cut:]
            if not match.group().isspace():
                seen += 1
    return html, ""


def token_positions(html: str) -> Iterator[tuple[int, str]]:
    """(offset, token) of each tag and text run of inline HTML."""
    position = 0
    for token in TAG.split(html):
        if token:
            yield position, token
        position += len(token)


def materialise(draft: Draft, piece: Piece) -> Any:
    """The item, or its part between the piece's cuts, as the slide shows it."""
    item = draft.slide.items[piece.index]
    if (piece.start is None and piece.end is None) or draft.fields is None or draft.rebuild is None:
        return item
    parts = []
    for number, text in enumerate(draft.fields(item)):
        begins = piece.start is not None and number < piece.start.field
        ends = piece.end is not None and number > piece.end.field
        if begins or ends:
            parts.append("")
            continue
        start = piece.start.count if piece.start is not None and number == piece.start.field else None
        end = piece.end.count if piece.end is not None and number == piece.end.field else None
        parts.append(cut_markup(text, start, end))
    return draft.rebuild(item, parts, piece.start is None, piece.end is None)


def split_draft(draft: Draft, extent: Extent | None) -> list[Slide]:
    """The slides a draft becomes: one, or as few as its measured items fill, marked "(continued)"."""
    items = draft.slide.items
    if extent is None or not items:
        runs = [[Piece(index) for index in range(len(items))]]
    elif len(extent.blocks) != len(items):  # not every item was found in the layout: one to a slide
        runs = [[Piece(index)] for index in range(len(items))]
    else:
        runs = plan_runs(extent)
    slides = []
    for index, run in enumerate(runs):
        shown = [materialise(draft, piece) for piece in run]
        notes = draft.notes_for(shown) if draft.notes_for else draft.slide.notes if index == 0 else []
        supporting = draft.slide.supporting if index == len(runs) - 1 else []
        slides.append(replace(draft.slide, items=shown, notes=notes, supporting=supporting,
                              continued=draft.slide.continued or index > 0))
    return slides


# Figures ------------------------------------------------------------------------------------------

def fits_figures(measured: Measured, values: list[str], columns: int) -> bool:
    """True when every value keeps its words whole within FIGURE_VALUE_LINES lines and each row fits."""
    for block, value in zip(measured.blocks, values):
        value_cuts = [cut for cut in block.cuts if cut.field == 0]
        if len(value_cuts) > FIGURE_VALUE_LINES or any(breaks_word(value, cut.count) for cut in value_cuts):
            return False
    rows = figure_rows(measured.blocks, columns)
    return all(bottom - top <= measured.room - FIT_SLACK for top, bottom in rows)


def breaks_word(text: str, count: int) -> bool:
    """True when a line ending `count` visible characters into `text` ends inside a word."""
    plain = plain_text(text)
    seen = 0
    for position, char in enumerate(plain):
        if not char.isspace():
            seen += 1
            if seen == count:
                following = plain[position + 1:position + 2]
                return bool(following) and not following.isspace() and char not in "-‐–—/"
    return False


def figure_rows(blocks: list[Block], columns: int) -> list[tuple[float, float]]:
    """(top, bottom) of each row when figures of these heights stand `columns` to a row, rows stacked."""
    gap = FIGURE_ROW_GAP_MM * PX_PER_MM
    rows, top = [], blocks[0].top if blocks else 0.0
    for start in range(0, len(blocks), columns):
        height = max(block.bottom - block.top for block in blocks[start:start + columns])
        rows.append((top, top + height))
        top += height + gap
    return rows


def plan_figures(draft: Draft, measured: dict[int, Measured], probes: Probes) -> list[Slide]:
    """The figures slides: of the measured layouts whose values stay whole, the one taking the fewest
    slides, the values at their largest; else one figure to a row at the floor, split where need be."""
    plans = figure_plans(draft, measured, probes)
    if plans:
        return min(plans, key=lambda slides: (len(slides), -slides[0].size))
    size = FIGURE_SIZES_PT[-1]
    probe = measured.get(probes.figures.get((1, size), 0))
    extent = Extent(probe.blocks, None, probe.room, probe.room) if probe else None
    return [replace(slide, columns=1, size=size) for slide in split_draft(draft, extent)]


def figure_plans(draft: Draft, measured: dict[int, Measured], probes: Probes) -> list[list[Slide]]:
    """The figures slides each measured layout that keeps every value whole would make."""
    figures = draft.slide.items
    values = [str(figure["value"]) for figure in figures]
    plans = []
    for columns, size in probes.figures:
        probe = figures_at(measured, probes, columns, size)
        if probe is not None and len(probe.blocks) == len(figures) and fits_figures(probe, values, columns):
            plans.append(plan_figure_rows(draft, probe, columns, size))
    return plans


def figures_at(measured: dict[int, Measured], probes: Probes, columns: int, size: float) -> Measured | None:
    """The figures as measured `columns` to a row at `size`: whole, or from their values at that size."""
    first_size, number = probes.figures_whole.get(columns, (size, 0))
    whole, values = measured.get(number), measured.get(probes.figures.get((columns, size), 0))
    if whole is None or values is None or values is whole:
        return values
    first = measured.get(probes.figures.get((columns, first_size), 0))
    if first is None or not len(whole.blocks) == len(first.blocks) == len(values.blocks):
        return None
    blocks = [Block(figure.top, figure.top + height((figure.top, figure.bottom)) - height((at_first.top, at_first.bottom))
                    + height((value.top, value.bottom)), value.cuts)
              for figure, at_first, value in zip(whole.blocks, first.blocks, values.blocks)]
    return Measured(blocks, None, whole.room, {})


def plan_figure_rows(draft: Draft, probe: Measured, columns: int, size: float) -> list[Slide]:
    """The figures `columns` to a row at `size`, their rows flowed over as many slides as they fill."""
    figures = draft.slide.items
    extent = Extent([Block(top, bottom) for top, bottom in figure_rows(probe.blocks, columns)], None,
                    probe.room, probe.room)
    rows = replace(draft, fields=None, rebuild=None, slide=replace(draft.slide, items=batch(figures, columns)))
    return [replace(slide, items=[figure for row in slide.items for figure in row], columns=columns, size=size)
            for slide in split_draft(rows, extent)]


def batch(items: list[Any], size: int) -> list[list[Any]]:
    """Items in rows of `size`."""
    return [items[start:start + size] for start in range(0, len(items), size)]


# The title slide ----------------------------------------------------------------------------------

def choose_title_step(probe: Measured, sizes: Measured) -> int | None:
    """The first title-slide step whose parts clear the source line (or the slide's foot), if any.

    The probe is laid out at step 0, and the title alone at every step's size: a step's parts are
    step 0's with that title, below that step's top padding.
    """
    parts = dict(probe.parts, **{mark: span for mark, span in sizes.parts.items() if mark.startswith("title-h1-")})
    if not probe.blocks or not {"frame", "title-source", "title-h1-0"} <= set(parts):
        return None
    tallest = probe.blocks[-1].bottom - probe.blocks[0].top - height(parts["title-h1-0"])
    first_padding = TITLE_STEPS[0][1] * PX_PER_MM
    for step, (_, padding, with_source) in enumerate(TITLE_STEPS):
        if f"title-h1-{step}" not in parts:
            continue
        source = height(parts["title-source"]) + TITLE_SOURCE_GAP if with_source else 0.0
        room = height(parts["frame"]) - first_padding - (padding - TITLE_STEPS[0][1]) * PX_PER_MM - source
        if tallest + height(parts[f"title-h1-{step}"]) <= room - FIT_SLACK:
            return step
    return None


def plan_title(draft: Draft, probe: Measured | None, step: int) -> list[Slide]:
    """The title slide at `step`; when its probe (laid out at the last step) says its parts do not
    fit even so, they continue on the next slide, split where they must be."""
    slide = replace(draft.slide, step=step, size=TITLE_STEPS[step][0])
    if probe is None or step != len(TITLE_STEPS) - 1 or "frame" not in probe.parts or not probe.blocks:
        return [slide]
    room = probe.parts["frame"][1] - probe.blocks[0].top
    return split_draft(replace(draft, slide=slide), Extent(probe.blocks, None, room, room))


# The deck -----------------------------------------------------------------------------------------

def plan_slides(view: dict[str, Any], brief: Brief, template: Template) -> list[Slide]:
    """The whole deck, in order, numbered; every group placed from the heights the real layout gives.

    Some slides are measured again, alone, in the rare briefs that need it: a title slide that does
    not fit at any step (laid out at the last, to split it), figures whose values break at every size
    (fewer to a row), and a goal whose text, as its slide's title, leaves less than half the room a
    one-line title does (moved into the body).
    """
    drafts = draft_slides(view)
    probes = probe_slides(drafts)
    measured = measure_slides(view, brief, template, probes)
    title_step = (choose_title_step(measured[probes.title], measured[probes.title_sizes])
                  if probes.title in measured and probes.title_sizes in measured else 0)
    reference = first_room(drafts[-1], measured, probes)  # the source slide: a one-line title
    again = {id(draft): goal_in_body(draft) for draft in drafts if draft.slide.layout == "goal"
             and title_too_long(draft, measured, probes, reference)}
    if title_step is None:
        again[id(drafts[0])] = drafts[0]
    again.update({id(draft): draft for draft in drafts
                  if draft.slide.layout == "figures" and not figure_plans(draft, measured, probes)})
    if again:
        probes_again = probe_slides(list(again.values()), title_step=len(TITLE_STEPS) - 1, fallback=True)
        measured_again = measure_slides(view, brief, template, probes_again)
    slides = []
    for draft in drafts:
        if draft.slide.layout == "title":
            title_probe = measured_again.get(probes_again.title) if title_step is None else None
            slides += plan_title(draft, title_probe, len(TITLE_STEPS) - 1 if title_step is None else title_step)
        elif id(draft) in again:
            slides += plan_draft(again[id(draft)], measured_again, probes_again)
        else:
            slides += plan_draft(draft, measured, probes)
    for number, slide in enumerate(slides, start=1):
        slide.number = number
    return slides


def title_too_long(draft: Draft, measured: dict[int, Measured], probes: Probes, reference: float) -> bool:
    """Whether a goal's text, as its slide's title, leaves less than half the room a one-line title
    does, or (with no actions to continue on the next slide) no room for its supporting claims."""
    room = first_room(draft, measured, probes)
    probe = measured.get(probes.drafts.get(id(draft), 0))
    if probe is not None and not probe.blocks and probe.tail is not None and "heading" in probe.parts:
        room -= probe.tail - probe.parts["heading"][1]
    return room < reference * HALF_FULL


def first_room(draft: Draft, measured: dict[int, Measured], probes: Probes) -> float:
    """The room under a draft's first slide's title (infinite when the draft was not measured)."""
    number = probes.drafts.get(id(draft))
    return measured[number].room_first if number in measured else float("inf")


def plan_draft(draft: Draft, measured: dict[int, Measured], probes: Probes) -> list[Slide]:
    """The slides one draft becomes."""
    if draft.slide.layout == "figures":
        return plan_figures(draft, measured, probes)
    number = probes.drafts.get(id(draft))
    return split_draft(draft, extent_of(measured[number]) if number in measured else None)


def deck_view(view: dict[str, Any]) -> dict[str, Any]:
    """What the deck's template needs besides the brief: the fitting steps, figure widths, footer title."""
    return {"title_steps": TITLE_STEPS, "figure_width": figure_width_mm,
            "deck_title": shorten_words(plain_text(view["brief"]["title"]), DECK_TITLE_CHARS)}


def shorten_words(text: str, most: int) -> str:
    """`text`, cut at a word to at most `most` characters with an ellipsis if it is longer."""
    if len(text) <= most:
        return text
    head = text[:most - 1]
    return (head.rsplit(" ", 1)[0] if " " in head else head).rstrip(" ,;:.") + "…"


def describe_length(slides: list[Slide], brief: Brief) -> tuple[Problem, ...]:
    """A warning, at the brief's claims, when the deck is longer than a briefing takes at a slide a minute."""
    if len(slides) <= BRIEFING_SLIDES:
        return ()
    line, column = brief.location("claims")
    return (Problem(str(brief.path), line, column, "claims",
                    f"slides runs to {len(slides)} slides, more than a 20-minute briefing takes at about a "
                    "slide a minute; present the bottom line, the claims that matter most and the figures, "
                    "and leave the rest to the memo"),)
