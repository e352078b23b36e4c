"""The slide planner: the deck as slides, long groups split where the real layout says they must."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from jinja2 import Template

from compiler.content.model import Brief
from compiler.markup import PARAGRAPH_BREAK, plain_text
from compiler.text import balance, format_date

SLIDE_QUOTES = 1  # quotes per claim on a slide; the memo carries them all
SLIDE_FIGURES = 8  # two rows of four
MEASURE_PAGE_SLIDES = 12  # the page the planner measures on is this many slides tall
PX_PER_MM = 96 / 25.4
FIT_SLACK = 2.0  # CSS px kept free at a slide's foot, against rounding between two layouts


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

    @property
    def anchor(self) -> str:
        """The id of the slide's element in the deck's HTML."""
        return f"slide-{self.number}"

    @property
    def label(self) -> str:
        """How messages name the slide: `slide 3 “Title (continued)”`."""
        return f"slide {self.number} “{plain_text(self.title)}{' (continued)' if self.continued else ''}”"


@dataclass
class Draft:
    """A slide before it is split: all its items, and how to write the notes of the slides it becomes."""

    slide: Slide
    notes_for: Callable[[list[Any]], list[str]] | None = None  # per-slide notes; None: first slide only
    splits: bool = True  # False: the items stay on one slide whatever their height


@dataclass
class Extent:
    """Where a draft's items sit when laid out one after another under the slide's title (CSS px)."""

    tops: list[float]
    bottoms: list[float]
    tail: float | None  # bottom of what follows the last item on the last slide (a goal's claims line)
    room: float  # height from the first item's top to the foot of a "(continued)" slide's body
    room_first: float  # the same on the first slide, whose title may take a line less


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
    """What the presenter says over some claims of a group, with each claim's kind."""
    notes = [f"{group['heading']}: {group['explained']}."]
    for claim in claims:
        line = f"Claim {claim['number']} ({claim['kind']}): {plain_text(claim['text'])}"
        if claim.get("note"):
            line += f" Analyst’s note: {plain_text(claim['note'])}"
        if claim["more_quotes"]:
            line += f" ({claim['more_quotes']} more quotes in the memo.)"
        notes.append(line)
    return notes


def draft_claim_slides(view: dict[str, Any]) -> list[Draft]:
    """One draft per claim group, each claim with the quotes a slide shows."""
    drafts = []
    for group in view["claim_groups"]:
        claims = [dict(claim, quotes=claim["quotes"][:SLIDE_QUOTES],
                       more_quotes=max(len(claim["quotes"]) - SLIDE_QUOTES, 0)) for claim in group["claims"]]
        slide = Slide(f"claims kind-{group['kind']}", claim_group_title(group), claims,
                      eyebrow=f"{group['heading']}: {group['explained']}")
        drafts.append(Draft(slide, lambda run, group=group: claim_notes(group, run)))
    return drafts


def draft_goal_slides(view: dict[str, Any]) -> list[Draft]:
    """One draft per goal: the goal as the assertion, its actions and supporting claims as evidence."""
    drafts = []
    for goal in view["goals"]:
        notes = [f"Goal: {plain_text(goal['text'])}"]
        notes += [f"Supported by claim {c['number']} ({c['kind']}): {plain_text(c['text'])}"
                  for c in goal["supporting"]]
        slide = Slide("goal", goal["text"], goal["actions"], notes, supporting=goal["supporting"],
                      eyebrow="Goal the article sets")
        drafts.append(Draft(slide))
    return drafts


def draft_figure_slides(view: dict[str, Any]) -> list[Draft]:
    """The key figures, up to eight to a slide (three to a row; four for seven or eight), numbers large."""
    figures = view["figures"]
    notes = [f"{plain_text(str(f['value']))}: {plain_text(f['label'])}" for f in figures]
    title = "The numbers the article puts forward"
    return [Draft(Slide("figures", title, run, notes if index == 0 else [], continued=index > 0),
                  splits=False)
            for index, run in enumerate(balance(figures, SLIDE_FIGURES) if figures else [])]


def draft_timeline_slides(view: dict[str, Any]) -> list[Draft]:
    """The timeline as one draft."""
    timeline = view["timeline"]
    if not timeline:
        return []
    notes = [f"{format_date(entry['date'])}: {plain_text(entry['event'])}" for entry in timeline]
    first, last = str(timeline[0]["date"])[:4], str(timeline[-1]["date"])[:4]
    marks = "the date the article marks" if len(timeline) == 1 else "the dates the article marks"
    title = f"From {first} to {last}: {marks}" if first != last else f"{first}: {marks}"
    return [Draft(Slide("timeline", title, timeline, notes))]


def draft_slides(view: dict[str, Any]) -> list[Draft]:
    """The whole deck in order, each splittable slide still holding all its items."""
    brief = view["brief"]
    drafts = [
        Draft(Slide("title", brief["title"], notes=[f"Briefing on: {plain_text(view['source']['title'])}"]),
              splits=False),
        Draft(Slide("bottom-line", "Bottom line",
                    notes=[plain_text(brief["bottom_line"]), *summary_notes(view["summary"])]), splits=False),
        *draft_claim_slides(view),
        *draft_goal_slides(view),
        *draft_figure_slides(view),
        *draft_timeline_slides(view),
    ]
    if view["takeaways"]:
        drafts.append(Draft(Slide("takeaways", "What this means for us", view["takeaways"],
                                  [plain_text(t) for t in view["takeaways"]])))
    drafts.append(Draft(Slide("source", "Source", notes=["Quotes and paragraph numbers refer to this text."]),
                        splits=False))
    return drafts


def summary_notes(summary: str) -> list[str]:
    """The summary's paragraphs as plain text, for the presenter."""
    return [plain_text(part) for part in PARAGRAPH_BREAK.split(summary.strip()) if part.strip()]


def measure_drafts(view: dict[str, Any], brief: Brief, template: Template,
                   drafts: list[Draft]) -> list[Extent]:
    """Lay the drafts out on tall pages with the deck's stylesheet and read where each item sits.

    The real layout is the judge of what fits: each draft is set as its "(continued)" slide on a
    page as wide as a slide and many times as tall, so its items stack exactly as they would on a
    slide and nothing is guessed from character counts; then its first item alone under the first
    slide's title, which may be a line shorter.
    """
    from compiler.bounds import check_html_size
    from compiler.layout import lay_out  # loads WeasyPrint: only when a deck is measured

    width, height = view["page"].width_mm, view["page"].height_mm
    numbered = []
    for draft in drafts:
        numbered.append(replace(draft.slide, continued=True, number=len(numbered) + 1, notes=[]))
        numbered.append(replace(draft.slide, items=draft.slide.items[:1], supporting=[],
                                number=len(numbered) + 1, notes=[]))
    tall = dict(view, slides=numbered, measuring=True,
                page_size=f"{width}mm {height * MEASURE_PAGE_SLIDES}mm")
    html = template.render(tall)
    label = view["doctype"].name
    check_html_size(html, label)  # the same bound as the deck itself, before layout
    layout = lay_out(html, label)
    extents = read_extents(layout, len(numbered), (MEASURE_PAGE_SLIDES - 1) * height * PX_PER_MM)
    return [replace(whole, room_first=first.room) for whole, first in zip(extents[::2], extents[1::2])]


def read_extents(layout: Any, count: int, extra_height: float) -> list[Extent]:
    """The extents of the `count` measured slides, from boxes marked `data-measure`."""
    marks: dict[int, dict[str, list[tuple[float, float]]]] = {n: {"item": [], "tail": []}
                                                             for n in range(1, count + 1)}
    room: dict[int, float] = {}
    seen: dict[int, int] = {}  # id of a measured element -> its index in its slide's spans
    offset = 0.0
    for page in layout.pages:
        box = page._page_box
        for slide_number, kind, element, top, bottom in iter_measured(box, None):
            spans = marks[slide_number][kind]
            if element in seen:  # a fragment of an item a page break split: it ends further down
                spans[seen[element]] = (spans[seen[element]][0], bottom + offset)
            else:
                seen[element] = len(spans)
                spans.append((top + offset, bottom + offset))
        content_bottom = box.content_box_y() + box.height - extra_height
        for slide_number, spans in marks.items():
            if slide_number not in room and spans["item"]:
                room[slide_number] = content_bottom + offset - spans["item"][0][0]
        offset += box.margin_height()
    return [Extent([top for top, _ in marks[n]["item"]], [bottom for _, bottom in marks[n]["item"]],
                   max((bottom for _, bottom in marks[n]["tail"]), default=None), room.get(n, 0.0),
                   room.get(n, 0.0))
            for n in range(1, count + 1)]


def iter_measured(box: Any, slide: int | None) -> Iterator[tuple[int, str, int, float, float]]:
    """(slide number, "item" or "tail", element id, top, bottom) of each marked box under `box`, in order."""
    element = getattr(box, "element", None)
    attributes = element.attrib if element is not None and getattr(box, "element_tag", "") else {}
    if box.element_tag == "section" and attributes.get("id", "").startswith("slide-"):
        slide = int(attributes["id"].removeprefix("slide-"))
    if slide is not None and attributes.get("data-measure") and not hasattr(box, "text"):
        top = box.position_y + box.margin_top
        bottom = box.position_y + box.margin_height() - box.margin_bottom
        yield slide, attributes["data-measure"], id(element), top, bottom
        return
    for child in getattr(box, "children", ()):
        yield from iter_measured(child, slide)


def run_height(extent: Extent, first: int, last: int) -> float:
    """Height of items first..last (inclusive) on one slide, with the tail when `last` is the last item."""
    bottom = extent.bottoms[last]
    if last == len(extent.bottoms) - 1 and extent.tail is not None:
        bottom = max(bottom, extent.tail)
    return bottom - extent.tops[first]


def fill(extent: Extent, first: int, last: int) -> float:
    """How full items first..last make their slide (1.0: exactly full)."""
    room = extent.room_first if first == 0 else extent.room
    return run_height(extent, first, last) / max(room - FIT_SLACK, 1.0)


def count_slides(extent: Extent) -> int:
    """The fewest slides the items fill, packing greedily (an item too tall for any slide stands alone)."""
    count, first = 1, 0
    for last in range(len(extent.tops)):
        if last > first and fill(extent, first, last) > 1:
            count, first = count + 1, last
    return count


def split_evenly(extent: Extent, count: int) -> list[tuple[int, int]]:
    """Item ranges [first, end) over `count` slides, the fullest slide as empty as it can be.

    Among equally good splits the earlier slides are the fuller: a sparse slide reads as the end of a
    group, not its start.
    """
    size = len(extent.tops)
    best: dict[tuple[int, int], tuple[tuple[float, ...], list[tuple[int, int]]]] = {}

    def rank(fills: list[float]) -> tuple[float, ...]:
        return (max(fills), *(-value for value in fills))

    def plan(start: int, slides: int) -> tuple[tuple[float, ...], list[tuple[int, int]]]:
        if (start, slides) not in best:
            if slides == 1:
                best[start, slides] = ((fill(extent, start, size - 1),), [(start, size)])
            else:
                options = []
                for end in range(start + 1, size - slides + 2):
                    fills, ranges = plan(end, slides - 1)
                    options.append(((fill(extent, start, end - 1), *fills), [(start, end), *ranges]))
                best[start, slides] = min(options, key=lambda option: rank(list(option[0])))
        return best[start, slides]

    return plan(0, min(count, size))[1]


def split_draft(draft: Draft, extent: Extent | None) -> list[Slide]:
    """The slides a draft becomes: one, or as few as its measured items fill, evenly, marked "(continued)"."""
    items = draft.slide.items
    if extent is None or len(items) < 2:
        ranges = [(0, len(items))]
    elif len(extent.tops) != len(items):  # not every item was found in the layout: one to a slide
        ranges = [(index, index + 1) for index in range(len(items))]
    else:
        ranges = split_evenly(extent, count_slides(extent))
    slides = []
    for index, (first, end) in enumerate(ranges):
        run = items[first:end]
        notes = draft.notes_for(run) if draft.notes_for else draft.slide.notes if index == 0 else []
        supporting = draft.slide.supporting if index == len(ranges) - 1 else []
        slides.append(replace(draft.slide, items=run, notes=notes, supporting=supporting,
                              continued=draft.slide.continued or index > 0))
    return slides


def plan_slides(view: dict[str, Any], brief: Brief, template: Template) -> list[Slide]:
    """The whole deck, in order, numbered; long groups split where the real layout says they must."""
    drafts = draft_slides(view)
    splitting = [draft for draft in drafts if draft.splits and len(draft.slide.items) > 1]
    extents = dict(zip(map(id, splitting), measure_drafts(view, brief, template, splitting))) if splitting else {}
    slides = [slide for draft in drafts for slide in split_draft(draft, extents.get(id(draft)))]
    for number, slide in enumerate(slides, start=1):
        slide.number = number
    return slides
