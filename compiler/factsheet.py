"""The factsheet planner: what its one page shows, chosen from a measured layout, never guessed.

The page is laid out once on a tall sheet with every candidate set (each claim in full, the summary,
the takeaways, each figure value on one line), and the planner reads where everything sits: which
claims fit whole on their line and where a longer one must be cut, how small a figure value must be
to stay on one line, how tall the source line is. From those heights it chooses, in order of
importance: the title band, bottom line and source line (always; a brief whose own words cannot fit
them is refused by `check`), the figures, the timeline, as many claims as fit (in brief order, or the
analyst's choice), and, on a page with room to spare, the summary, the takeaways and larger type.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from compiler.content.model import Brief
from compiler.diagnostics import BriefError, Problem, plural
from compiler.markup import plain_text, render_inline
from compiler.measures import measured

if TYPE_CHECKING:
    from jinja2 import Template

PX_PER_MM = 96 / 25.4
PX_PER_PT = 96 / 72
PAPER_NAMES = {"a4": "A4", "letter": "US Letter"}
MEASURE_PAGES = 8  # the measuring sheet is at least this many pages tall, one more per CHARS_A_PAGE
CHARS_A_PAGE = 2000  # of text measured: fewer than a page holds, so the sheet never runs onto a second
TIMELINE_EVENT_CHARS = 400  # a longer event cannot be drawn on the timeline; the factsheet leaves it out
FIGURE_LABEL_CHARS = 300  # a figure with a longer label is left out of the key figures (unless chosen)
FOOT_BELOW_MM = 8.0  # room under the source line, inside the page's bottom margin
SLACK_PX = 3.0 * PX_PER_MM  # kept free at the page's foot, against rounding between two layouts
MAX_FIGURES = 8  # two rows of four
FIGURE_FLOOR_PT = 11.0  # a figure value is never set smaller; below it, it wraps at its spaces
ROOMY_FILL = 0.55  # a page this empty (or emptier) with every claim on it is set in larger type
MIN_CLAIMS = 3  # the timeline and then figures give way before fewer claims than this are shown
MEASURED_CHARS = 600  # of a claim's text, measured: more is never shown whole (about five lines)
CLAUSE_END = re.compile(r"[,;:–—]\s")


@dataclass
class Entry:
    """One line of "claims at a glance": the claim, the text shown, and whether that is a cut."""

    claim: dict[str, Any]
    glance: Markup | str
    cut: int | None = None  # the lines the text was cut to fit, if it was cut
    short_form: Markup | None = None  # the analyst's `short`, if any

    @property
    def kind(self) -> str:
        return self.claim["kind"]

    @property
    def id(self) -> str:
        return self.claim["id"]


@dataclass
class Sheet:
    """What the factsheet's page holds, as the template reads it."""

    claims: list[Entry] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)  # each with "size": pt, or None
    columns: int = 3
    timeline: bool = False
    summary: bool = False
    takeaways: bool = False
    roomy: bool = False
    more: int = 0  # claims the memo holds that the page does not show
    foot_mm: float = 19.0


@dataclass
class Measures:
    """Heights (CSS px) read from a measuring layout, with the cuts and sizes it implies."""

    sections: dict[str, float]  # band, bottom-line, summary, figures, timeline, takeaways, foot
    glance_frame: float  # the glance section without its items and closing line
    claims: list[float]  # each claim's line(s) in full
    lines: list[list[tuple[str, float]]]  # each claim's lines in full: the text each holds, its height
    line: float  # an entry of one line
    shorts: list[float]  # the analyst's short forms, in the order of the claims that have one
    more: float  # the closing "the memo holds N more" line
    figure_sizes: list[float | None]  # pt, for values that must be smaller than the design's size
    figures_change: float | None  # how the figures' height changes at those sizes (None: unknown)


# Choosing what to show ------------------------------------------------------------------------------

def chosen_claims(view: dict[str, Any], brief: Brief) -> list[dict[str, Any]]:
    """The claims the page may show: the analyst's choice, in its order, else all in brief order."""
    by_id = {claim["id"]: claim for claim in view["claims"]}
    choice = factsheet_choice(brief).get("claims")
    if choice is not None:
        return [by_id[claim_id] for claim_id in choice]
    return [by_id[claim["id"]] for claim in brief.data["claims"]]


def chosen_figures(view: dict[str, Any], brief: Brief) -> list[dict[str, Any]]:
    """The figures the page may show: the analyst's choice (by label), else the first eight."""
    choice = factsheet_choice(brief).get("figures")
    if choice is None:
        return [figure for figure in view["figures"] if settable(figure)][:MAX_FIGURES]
    by_label = {figure["label"]: figure for figure in view["figures"]}
    return [by_label[label] for label in choice]


def settable(figure: dict[str, Any]) -> bool:
    """Whether a figure can be set as a key figure: a label a grid cell can hold."""
    return len(plain_text(figure["label"])) <= FIGURE_LABEL_CHARS


def factsheet_choice(brief: Brief) -> dict[str, Any]:
    """`brief.factsheet`: which claims and figures the analyst chose (empty when not given)."""
    return brief.data["brief"].get("factsheet") or {}


def grid_columns(count: int) -> int:
    """Figures to a row: one row up to four, then as even rows as can be (3 + 2, 3 + 3, 4 + 3, 4 + 4)."""
    return count if count <= 4 else 3 if count <= 6 else 4


def short_form(claim: dict[str, Any]) -> Markup | None:
    """The analyst's own short form of a claim (its `short` key), rendered."""
    return render_inline(claim["short"]) if claim.get("short") else None


# Measuring --------------------------------------------------------------------------------------

def measure(view: dict[str, Any], brief: Brief, template: Template, sheet: Sheet) -> Measures:
    """Lay the candidate page out on a tall sheet and read every marked box."""
    from compiler.bounds import check_html_size
    from compiler.layout import lay_out  # loads WeasyPrint: only when a factsheet is measured

    candidates = [Entry(claim, plain_text(claim["text"])[:MEASURED_CHARS], short_form=short_form(claim))
                  for claim in (entry.claim for entry in sheet.claims)]
    tall = replace(sheet, claims=candidates, more=99, summary=True, takeaways=bool(view["takeaways"]))
    page, label = view["page"], view["doctype"].name
    pages = MEASURE_PAGES + measured_chars(view, tall) // CHARS_A_PAGE

    def sheet_of(pages: int) -> str:
        html = template.render(dict(view, sheet=tall, measuring=True,
                                    page_size=f"{page.width_mm}mm {pages * page.height_mm}mm"))
        check_html_size(html, label)  # the same bound as the factsheet itself, before layout
        return html

    def read() -> Measures:
        html, count = first, pages
        while True:  # a sheet tall enough to hold every candidate on one page, so no box is split
            layout = lay_out(html, label)
            if len(layout.pages) == 1:
                return read_measures(layout, sheet)
            count *= len(layout.pages) + 1
            html = sheet_of(count)

    first = sheet_of(pages)
    return measured(first, f"factsheet {sheet.columns}", Measures, read)


def read_measures(layout: Any, sheet: Sheet) -> Measures:
    """The heights, cuts and sizes a one-page measuring layout of the candidate sheet shows."""
    marks = read_marks(layout)
    sizes = fit_figure_values(marks["figure"], marks["value"], sheet.columns)
    return Measures(
        sections={kind: height(marks[kind][0]) for kind in
                  ("band", "bottom-line", "summary", "figures", "timeline", "takeaways", "foot")
                  if marks.get(kind)},
        glance_frame=height(marks["glance"][0]) - sum(height(box) for box in marks["claim"])
        - sum(height(box) for box in marks["line"] + marks["short"] + marks["more"]),
        claims=[height(box) for box in marks["claim"]],
        lines=[read_lines(box) for box in marks["claim"]],
        line=height(marks["line"][0]),
        shorts=[height(box) for box in marks["short"]],
        more=height(marks["more"][0]),
        figure_sizes=sizes,
        figures_change=resized_height_change(marks["figure"], marks["figure-value"], marks["value"], sizes,
                                             sheet.columns),
    )


def measured_chars(view: dict[str, Any], sheet: Sheet) -> int:
    """About how much text a measuring layout sets: what decides how tall its sheet must be."""
    texts = [entry.glance for entry in sheet.claims] + [view["summary"], *view["takeaways"]]
    texts += [f"{figure['label']} {figure['value']}" for figure in sheet.figures]
    texts += [entry["event"] for entry in view["timeline"]] if sheet.timeline else []
    return sum(len(str(text)) for text in texts)


def paper_height_px(view: dict[str, Any]) -> float:
    """The height of the factsheet's real page (CSS px)."""
    return view["page"].height_mm * PX_PER_MM


def read_marks(layout: Any) -> dict[str, list[Any]]:
    """Every box marked `data-measure`, by its mark, in document order (the first fragment of each)."""
    marks: dict[str, list[Any]] = {kind: [] for kind in ("claim", "line", "short", "more", "figure",
                                                         "figure-value", "value")}
    seen: set[int] = set()
    for page in layout.pages:
        for box in iter_marked(page._page_box):
            if id(box.element) not in seen:
                seen.add(id(box.element))
                marks.setdefault(box.element.get("data-measure"), []).append(box)
    return marks


def iter_marked(box: Any) -> Any:
    """The boxes under `box` (itself included) whose element carries `data-measure`, in order."""
    element = getattr(box, "element", None)
    if element is not None and getattr(box, "element_tag", "") and element.get("data-measure") \
            and not hasattr(box, "text"):
        yield box
    for child in getattr(box, "children", ()):
        yield from iter_marked(child)


def height(box: Any) -> float:
    """A box's height with its margins (what it takes in the flow)."""
    return box.margin_height()


def read_lines(box: Any) -> list[tuple[str, float]]:
    """The lines WeasyPrint broke a claim into: the claim's text on each, and the line's height."""
    return [("".join(text_of(child) for child in line.children if is_glance_text(child)), line.height)
            for line in box.children if type(line).__name__ == "LineBox"]


def is_glance_text(box: Any) -> bool:
    element = getattr(box, "element", None)
    return element is not None and "glance-text" in (element.get("class") or "").split()


def text_of(box: Any) -> str:
    """The text of an inline box and everything in it."""
    if hasattr(box, "text"):
        return box.text
    return "".join(text_of(child) for child in getattr(box, "children", ()))


def fit_figure_values(cells: list[Any], probes: list[Any], columns: int) -> list[float | None]:
    """Each figure value's size (pt) so that it stays on one line in its cell; None: the design's size.

    One row shares the smallest size any of its values needs, so that the numbers of a row line up.
    """
    needed = []
    for cell, probe in zip(cells, probes):
        size = probe.style["font_size"]
        natural = probe.width
        needed.append(size if natural <= cell.width else max(size * cell.width / natural,
                                                              FIGURE_FLOOR_PT * PX_PER_PT))
    sizes: list[float | None] = []
    for start in range(0, len(needed), max(columns, 1)):
        row = needed[start:start + columns]
        designed = [probe.style["font_size"] for probe in probes[start:start + columns]]
        smallest = min(row)
        for value, design in zip(row, designed):
            sizes.append(None if smallest >= design else round_down(smallest / PX_PER_PT))
    return sizes


def resized_height_change(cells: list[Any], values: list[Any], probes: list[Any],
                          sizes: list[float | None], columns: int) -> float | None:
    """How much the figures' grid shrinks with its values set at `sizes`, each on one line now.

    None when a value still wraps at the floor size: then only a second layout can say.
    """
    change = 0.0
    for start in range(0, len(cells), max(columns, 1)):
        old_row, new_row = [], []
        for cell, value, probe, size in zip(cells[start:start + columns], values[start:start + columns],
                                            probes[start:start + columns], sizes[start:start + columns]):
            lines = [line for line in value.children if type(line).__name__ == "LineBox"]
            design = value.style["font_size"]
            points = size * PX_PER_PT if size is not None else design
            if not lines or (points <= FIGURE_FLOOR_PT * PX_PER_PT and size is not None
                             and probe.width * points / design > cell.width):
                return None
            new_value = height(value) - sum(line.height for line in lines) + lines[0].height * points / design
            old_row.append(height(cell))
            new_row.append(height(cell) - height(value) + new_value)
        change += max(new_row) - max(old_row)
    return change


def round_down(points: float) -> float:
    """A size in points rounded down to a quarter point."""
    return int(points * 4) / 4


# Cutting a claim to its line --------------------------------------------------------------------------

def cut_to_lines(lines: list[tuple[str, float]], most: int) -> str | None:
    """A claim cut at a word to fit its first `most` lines, ending "…"; None when it fits them whole.

    The last word kept gives way to the ellipsis (two words, if it is too short to make room); a
    clause that ends near the cut ends the text there instead.
    """
    if len(lines) <= most:
        return None
    kept = " ".join(text.strip() for text, _ in lines[:most])
    words = kept.split(" ")
    if len(words) > 2:
        drop = 2 if len(words[-1]) < 3 else 1
        kept = " ".join(words[:-drop])
    else:  # one word fills the line (a URL, or a script written without spaces): drop a few letters
        kept = kept[:max(1, len(kept) - 3)]
    last_line = len(kept) - len(lines[most - 1][0].strip())
    clause = max((match.start() for match in CLAUSE_END.finditer(kept + " ")), default=-1)
    if clause > last_line + 0.6 * (len(kept) - last_line):
        kept = kept[:clause]
    return kept.rstrip(" ,;:–—") + "…"


def glance_entries(claims: list[dict[str, Any]], measures: Measures, limits: list[int]) -> list[Entry]:
    """The glance entries: each claim in full or cut to its limit of lines, or the analyst's short form."""
    entries = []
    for claim, lines, most in zip(claims, measures.lines, limits):
        own = short_form(claim)
        if own is not None:
            entries.append(Entry(claim, own))
            continue
        cut = cut_to_lines(lines, most)
        entries.append(Entry(claim, cut, cut=most) if cut else Entry(claim, render_inline(claim["text"])))
    return entries


def entry_height(measures: Measures, index: int, most: int) -> float:
    """The height a claim's entry takes cut to `most` lines (in full, if it has no more), as measured."""
    return measures.claims[index] - sum(line_height for _, line_height in measures.lines[index][most:])


def measured_whole(claim: dict[str, Any]) -> bool:
    """Whether the measuring layout set the claim's whole text (else its last measured line is partial)."""
    return len(plain_text(claim["text"])) <= MEASURED_CHARS


def cut_to_fit(claims: list[dict[str, Any]], measures: Measures, space: float) -> tuple[list[int], list[float]]:
    """How many lines each entry keeps, and its height: in full if all fit, else the longest cut first.

    Entries lose a line at a time, the longest first (the later of two as long, as the brief puts the
    more important first), down to one line each; an analyst's `short` is never cut.
    """
    limits = [0 if claim.get("short") else len(lines) if measured_whole(claim) else max(len(lines) - 1, 1)
              for claim, lines in zip(claims, measures.lines)]
    shorts = iter(measures.shorts)
    fixed = {index: next(shorts) for index, claim in enumerate(claims) if claim.get("short")}

    def heights() -> list[float]:
        return [fixed[index] if index in fixed else entry_height(measures, index, most)
                for index, most in enumerate(limits)]

    current = heights()
    while measures.glance_frame + sum(current) > space:
        longest = max(range(len(limits)), key=lambda index: (limits[index], index), default=None)
        if longest is None or limits[longest] <= 1:
            break
        limits[longest] -= 1
        current[longest] = entry_height(measures, longest, limits[longest])
    return limits, current


# Fitting ---------------------------------------------------------------------------------------------

def room(view: dict[str, Any], measures: Measures, sheet: Sheet) -> float:
    """Height left for the glance section once the chosen sections are placed (CSS px)."""
    used = sum(measures.sections.get(kind, 0.0) for kind, shown in (
        ("band", True), ("bottom-line", True), ("figures", bool(sheet.figures)),
        ("timeline", sheet.timeline), ("summary", sheet.summary), ("takeaways", sheet.takeaways)) if shown)
    return paper_height_px(view) - foot_margin_px(measures) - used - SLACK_PX


def foot_margin_px(measures: Measures) -> float:
    """The page's bottom margin: the source line and the room under it."""
    return measures.sections["foot"] + FOOT_BELOW_MM * PX_PER_MM


def count_fitting(heights: list[float], frame: float, more: float, space: float, closing: bool) -> int:
    """How many glance entries fit `space`, with the closing line when some are left out (or `closing`)."""
    if frame + sum(heights) + (more if closing else 0.0) <= space:
        return len(heights)
    used, count = frame + more, 0
    for line in heights:
        if used + line > space:
            break
        used, count = used + line, count + 1
    return count


def plan_factsheet(view: dict[str, Any], brief: Brief, template: Template) -> tuple[Sheet, list[Problem]]:
    """The page the factsheet shows, and the build warnings for what it left out."""
    claims = chosen_claims(view, brief)
    figures = chosen_figures(view, brief)
    sheet = Sheet(claims=[Entry(claim, "") for claim in claims], figures=figures,
                  columns=grid_columns(len(figures)), timeline=drawable(view["timeline"]))
    # Chosen claims must all fit; else a few at least, before the timeline and figures give way.
    wanted = len(claims) if "claims" in factsheet_choice(brief) else min(len(claims), MIN_CLAIMS)
    measures = measure_sized(view, brief, template, sheet)
    fitted = fit_claims(view, measures, sheet, claims)
    for smaller, remeasure in give_way(sheet, brief):
        if len(fitted.claims) >= wanted:
            break
        sheet = smaller
        if remeasure:
            measures = measure_sized(view, brief, template, sheet)
        fitted = fit_claims(view, measures, sheet, claims)
    check_fits(view, brief, measures, fitted, claims)
    fitted = try_roomy(view, brief, template, fitted, measures, claims)
    return fitted, describe_left_out(view, brief, fitted, claims)


def drawable(timeline: list[dict[str, Any]]) -> bool:
    """Whether the timeline can be drawn: it has events, none longer than the drawing holds."""
    return bool(timeline) and all(len(plain_text(entry["event"])) <= TIMELINE_EVENT_CHARS for entry in timeline)


def measure_sized(view: dict[str, Any], brief: Brief, template: Template, sheet: Sheet) -> Measures:
    """The measures of a page whose figures are set at the sizes they need.

    The layout sets every value at the design's size, which wraps a long one; set smaller, on one
    line, it takes the height of that line at its new size. A value that still wraps at the floor
    size takes a second layout to measure.
    """
    measures = measure(view, brief, template, sheet)
    if measures.figures_change is not None:
        measures.sections["figures"] = measures.sections.get("figures", 0.0) + measures.figures_change
    elif any(measures.figure_sizes):
        sized = replace(sheet, figures=[dict(figure, size=size)
                                        for figure, size in zip(sheet.figures, measures.figure_sizes)])
        measures = replace(measure(view, brief, template, sized), figure_sizes=measures.figure_sizes)
    return measures


def give_way(sheet: Sheet, brief: Brief) -> Iterator[tuple[Sheet, bool]]:
    """Smaller pages that make room for claims, and whether each needs measuring again: without the
    timeline; then (unless chosen) with one row of figures, then none."""
    if sheet.timeline:
        sheet = replace(sheet, timeline=False)
        yield sheet, False  # its height is measured: the room it leaves is known
    if sheet.figures and "figures" not in factsheet_choice(brief):
        if len(sheet.figures) > 4:
            sheet = replace(sheet, figures=sheet.figures[:4], columns=4)
            yield sheet, True
        yield replace(sheet, figures=[], columns=0), False


def fit_claims(view: dict[str, Any], measures: Measures, sheet: Sheet,
               claims: list[dict[str, Any]]) -> Sheet:
    """The sheet with as many glance entries as fit, each as whole as the room allows."""
    sized = [dict(figure, size=size) for figure, size in zip(sheet.figures, measures.figure_sizes)]
    space = room(view, measures, sheet)
    limits, heights = cut_to_fit(claims, measures, space)
    total = len(view["claims"])
    count = count_fitting(heights, measures.glance_frame, measures.more, space, len(claims) < total)
    entries = glance_entries(claims, measures, limits)[:count]
    fitted = replace(sheet, claims=entries, figures=sized, more=total - count,
                     foot_mm=round(foot_margin_px(measures) / PX_PER_MM, 2))
    if count < len(claims):
        return fitted
    spare = space - measures.glance_frame - sum(heights) - (measures.more if fitted.more else 0.0)
    return add_extras(measures, fitted, spare)


def add_extras(measures: Measures, sheet: Sheet, spare: float) -> Sheet:
    """The summary, then the takeaways, on a page that shows all its claims and has room for them."""
    for kind in ("summary", "takeaways"):
        needed = measures.sections.get(kind)
        if needed is not None and needed <= spare:
            sheet = replace(sheet, **{kind: True})
            spare -= needed
    return sheet


def try_roomy(view: dict[str, Any], brief: Brief, template: Template, sheet: Sheet, measures: Measures,
              claims: list[dict[str, Any]]) -> Sheet:
    """A sparse page in larger type, if everything it shows still fits that way."""
    used = paper_height_px(view) - foot_margin_px(measures) - room(view, measures, sheet)
    used += measures.glance_frame + sum(cut_to_fit(claims, measures, float("inf"))[1])
    if len(sheet.claims) < len(claims) or used > ROOMY_FILL * paper_height_px(view):
        return sheet
    larger = replace(sheet, roomy=True, summary=False, takeaways=False)
    roomy_measures = measure_sized(view, brief, template, larger)
    fitted = fit_claims(view, roomy_measures, larger, claims)
    if len(fitted.claims) < len(claims) or any(entry.cut for entry in fitted.claims):
        return sheet
    return fitted


# What cannot fit, and what was left out ---------------------------------------------------------------

def check_fits(view: dict[str, Any], brief: Brief, measures: Measures, sheet: Sheet,
               claims: list[dict[str, Any]]) -> None:
    """BriefError at the brief's own words when the page cannot hold what it must (or was told to)."""
    space = room(view, measures, replace(sheet, figures=[], timeline=False, summary=False, takeaways=False))
    if space < measures.glance_frame:
        raise BriefError([too_long(view, brief, measures)])
    choice = factsheet_choice(brief)
    if "figures" in choice and room(view, measures, replace(sheet, timeline=False)) < measures.glance_frame:
        raise BriefError([problem_at(brief, "brief.factsheet.figures", (
            f"the factsheet's page ({PAPER_NAMES[view['paper']]}) cannot hold these "
            f"{plural(len(choice['figures']), 'figure')} with its title, bottom line and source line; "
            "choose fewer figures or shorten their labels"))])
    if "claims" in choice and len(sheet.claims) < len(claims):
        shown = len(sheet.claims)
        raise BriefError([problem_at(brief, "brief.factsheet.claims", (
            f"the factsheet's page ({PAPER_NAMES[view['paper']]}) has room for {shown} of the "
            f"{len(claims)} claims chosen here (with the figures it shows); choose at most {shown}, or "
            "give long ones a shorter `short`"))])


def too_long(view: dict[str, Any], brief: Brief, measures: Measures) -> Problem:
    """The problem for a title, bottom line or source too long for the page: at the tallest of them."""
    parts = {"brief.bottom_line": measures.sections["bottom-line"], "brief.title": measures.sections["band"],
             "source.title": measures.sections["foot"]}
    key = max(parts, key=parts.get)
    page_mm = view["page"].height_mm
    needed_mm = (sum(parts.values()) + measures.glance_frame + FOOT_BELOW_MM * PX_PER_MM) / PX_PER_MM
    return problem_at(brief, key, (
        f"too long for the factsheet's one page: with the title, bottom line and source line it needs "
        f"{needed_mm:.0f} mm of the page's {page_mm:.0f} mm ({PAPER_NAMES[view['paper']]}); cut it by about "
        f"{min(95, round(100 * (needed_mm - page_mm) / max(parts[key] / PX_PER_MM, 1) + 5))} per cent"))


def problem_at(brief: Brief, key: str, message: str) -> Problem:
    line, column = brief.location(key)
    return Problem(str(brief.path), line, column, key, message)


def describe_left_out(view: dict[str, Any], brief: Brief, sheet: Sheet,
                      claims: list[dict[str, Any]]) -> list[Problem]:
    """Build warnings naming the claims and figures the page leaves out, at those lists in the brief."""
    name = view["doctype"].name
    warnings = []
    if sheet.more and "claims" not in factsheet_choice(brief):
        shown = {entry.id for entry in sheet.claims}
        left = [claim["id"] for claim in claims if claim["id"] not in shown]
        warnings.append(problem_at(brief, "claims", (
            f"{name} shows {len(sheet.claims)} of {plural(len(claims), 'claim')} (as many as fit its page; "
            f"the memo has them all); left out: {', '.join(left)}; to choose which, list their ids in "
            "brief.factsheet.claims")))
    figures = [figure for figure in view["figures"] if settable(figure)]
    if len(figures) < len(view["figures"]) and "figures" not in factsheet_choice(brief):
        warnings.append(problem_at(brief, "figures", (
            f"{name} leaves out {plural(len(view['figures']) - len(figures), 'figure')} whose label is longer "
            f"than {FIGURE_LABEL_CHARS} characters; shorten the label to show it")))
    if "figures" not in factsheet_choice(brief) and len(sheet.figures) < len(figures):
        shown = len(sheet.figures)
        limit = "its limit" if shown == MAX_FIGURES else "as many as fit its page"
        warnings.append(problem_at(brief, "figures", (
            f"{name} shows the first {shown} of {len(figures)} figures ({limit}); put the most important "
            "first, or choose them in brief.factsheet.figures")))
    timeline = view["timeline"]
    if timeline and not sheet.timeline:
        reason = ("no room for it" if drawable(timeline) else
                  f"an event longer than {TIMELINE_EVENT_CHARS} characters cannot be drawn")
        warnings.append(problem_at(brief, "timeline", (
            f"{name} leaves the timeline out ({reason}); the slides show it")))
    return warnings


# Widths (in characters, wide ones counting two) under which the title band, bottom line and source
# line are sure to fit the page with room to spare, even set all in capital Ws (a third of a Letter page
# is left; tests/render/test_factsheet.py holds that):
# `check` lays a brief's factsheet out only when it goes past one of them, or chooses what it shows.
SURE_TO_FIT = {"brief.title": 120, "brief.bottom_line": 600, "brief.author": 80, "brief.classification": 40,
               "source.publisher": 80, "source.title": 160, "source.author": 80, "source.url": 120}


def may_not_fit(brief: Brief) -> bool:
    """Whether only a layout can tell that the factsheet's page holds what it must."""
    data = brief.data
    if data["brief"].get("factsheet"):
        return True
    for key, most in SURE_TO_FIT.items():
        section, name = key.split(".")
        if display_width(str(data[section].get(name) or "")) > most:
            return True
    return False


def display_width(text: str) -> int:
    """Characters in a text, a wide (CJK) one counting two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in plain_text(text))
