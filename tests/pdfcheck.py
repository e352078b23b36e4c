"""What a reader of a built PDF would notice: words off their page or over other words, page sizes, split words.

Geometry comes from pdfplumber (word boxes, rules); the text from pdftotext in the order it was drawn
(-raw), the order a viewer's search and copy follow. (pdftotext's default re-orders by its own column
analysis and, on the memo's numbered claims, moves a claim's last line above its first.)
Run on a file for a report: `.venv/bin/python tests/pdfcheck.py build/sco-2012/slides.pdf`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

# Points a box may stick out of its page, or into another box, before it counts: rounding in the PDF's
# coordinates and the glyph boxes of adjacent letters, not a visible fault.
EDGE_TOLERANCE = 0.5
OVERLAP_TOLERANCE = 1.0
# Of two words' heights, the share that must be shared for the words to sit on top of each other (lines
# set tight can touch by a hair without any ink overlapping).
VERTICAL_SHARE = 0.2
RULE_THICKNESS = 2.5
SIXTEEN_BY_NINE = 16 / 9
# A hyphen glyph a reader's software cannot tell from a real one: U+2010 HYPHEN and U+00AD SOFT HYPHEN
# printed at the end of a line. (A U+002D at a line end may be a real compound's hyphen; see below.)
SPLIT_HYPHENS = "\u2010\u00ad"


@dataclass(frozen=True)
class Box:
    """A word (or a rule, text "") on a page, in points with the origin at the page's top left."""

    page: int
    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    def __str__(self) -> str:
        label = repr(self.text) if self.text else "rule"
        return f"page {self.page}: {label} at ({self.x0:.1f}, {self.top:.1f})–({self.x1:.1f}, {self.bottom:.1f})"


@dataclass(frozen=True)
class Page:
    """One page: its size, its words and its horizontal rules."""

    number: int
    width: float
    height: float
    words: tuple[Box, ...]
    rules: tuple[Box, ...]


@dataclass(frozen=True)
class PdfLayout:
    """Everything the checks below need from one PDF."""

    path: Path
    pages: tuple[Page, ...]
    text: str
    # The text without the page furniture (running header and footer), pages run together: where a
    # paragraph or a table cell continues over a page break, its words follow on as a reader reads them.
    body_text: str

    @property
    def page_count(self) -> int:
        return len(self.pages)


def read_layout(path: Path) -> PdfLayout:
    """The pages, word boxes and rules of a PDF (pdfplumber), and its text (pdftotext)."""
    pages = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            words = tuple(drawn_words(page.chars, number))
            pages.append(Page(number, float(page.width), float(page.height), words, read_rules(page, number)))
    return PdfLayout(path, tuple(pages), pdf_text(path), pdf_text(path, body_area(pages)))


def drawn_words(chars: list[dict], number: int) -> list[Box]:
    """Words as they were drawn: runs of glyphs, in the order of the page's content, each set just after
    the one before on the same line.

    Not pdfplumber's extract_words, which sorts glyphs into lines first: two lines printed over each
    other come out as one word of interleaved letters ("ASuoduiercnec"), and the overlap is lost.
    Glyphs of one word may overlap a little (kerning); that is inside one box, so never counted.
    """
    words: list[Box] = []
    run: list[dict] = []
    for char in chars:
        if run and not continues_word(run[-1], char):
            words.append(box_of(run, number))
            run = []
        if not char["text"].isspace():
            run.append(char)
    if run:
        words.append(box_of(run, number))
    return words


def continues_word(previous: dict, char: dict) -> bool:
    """Whether a glyph is the next letter of the word the previous glyph is in."""
    size = max(previous["size"], char["size"], 1)
    return (not char["text"].isspace() and abs(char["top"] - previous["top"]) < size * 0.2
            and -size * 0.3 < char["x0"] - previous["x1"] < size * 0.15)


def box_of(run: list[dict], number: int) -> Box:
    return Box(number, "".join(char["text"] for char in run), min(char["x0"] for char in run),
               min(char["top"] for char in run), max(char["x1"] for char in run),
               max(char["bottom"] for char in run))


def read_rules(page: pdfplumber.page.Page, number: int) -> tuple[Box, ...]:
    """Horizontal lines and thin filled bars on the page (the rules a design draws under headings)."""
    rules = []
    for shape in [*page.lines, *page.rects]:
        if shape["bottom"] - shape["top"] <= RULE_THICKNESS and shape["x1"] - shape["x0"] > RULE_THICKNESS:
            rules.append(Box(number, "", shape["x0"], shape["top"], shape["x1"], shape["bottom"]))
    return tuple(rules)


def furniture_lines(pages: list[Page]) -> list[Box]:
    """A running header or footer: the lines at a page's top or foot, in its outer eighth, that every
    page but perhaps the first repeats at the same height (digits aside, as in "Page 2 of 7"). None in
    a one-page PDF.

    Only the lines before the first other line from the edge count, so a body line that happens to
    repeat (a table's repeated head, a list's bullet, a last line of one word) never does.
    """
    lines_by_page = [page_lines(page) for page in pages]
    seen: dict[tuple[int, str], int] = {}
    for lines in lines_by_page:
        for key in lines:
            seen[key] = seen.get(key, 0) + 1
    furniture = []
    for page, lines in zip(pages, lines_by_page):
        ordered = sorted(lines.items(), key=lambda item: item[1].top)
        for edge in (ordered, ordered[::-1]):
            for key, line in edge:
                if seen[key] < max(2, len(pages) - 1) or page.height / 8 < line.top < page.height * 7 / 8:
                    break
                furniture.append(line)
    return furniture


def page_lines(page: Page) -> dict[tuple[int, str], Box]:
    """The page's lines of words, each keyed by its height (to a point) and its text with digits folded."""
    rows: dict[int, list[Box]] = {}
    for word in page.words:
        rows.setdefault(round(word.top), []).append(word)
    return {(top, re.sub(r"\d+", "#", " ".join(word.text for word in row))):
            Box(page.number, "", min(w.x0 for w in row), min(w.top for w in row),
                max(w.x1 for w in row), max(w.bottom for w in row)) for top, row in rows.items()}


def body_area(pages: list[Page]) -> tuple[float, float] | None:
    """The band of the pages between the running header and footer (top and bottom, in points), if any."""
    furniture = furniture_lines(pages)
    if not furniture:
        return None
    height = min(page.height for page in pages)
    top = max((line.bottom for line in furniture if line.top < height / 2), default=0.0)
    bottom = min((line.top for line in furniture if line.top > height / 2), default=height)
    return top + EDGE_TOLERANCE, bottom - EDGE_TOLERANCE


def pdf_text(path: Path, band: tuple[float, float] | None = None) -> str:
    """The PDF's text as pdftotext gives it in drawing order; pages separated by form feeds, or, given a
    band (top and bottom in points), only the text inside it, pages run together."""
    crop = [] if band is None else ["-nopgbrk", "-x", "0", "-y", f"{band[0]:.0f}", "-W", "100000",
                                    "-H", f"{band[1] - band[0]:.0f}"]
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", *crop, str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def words_outside_page(page: Page) -> list[Box]:
    """Words whose box reaches past an edge of their page."""
    return [word for word in page.words
            if word.x0 < -EDGE_TOLERANCE or word.top < -EDGE_TOLERANCE
            or word.x1 > page.width + EDGE_TOLERANCE or word.bottom > page.height + EDGE_TOLERANCE]


def overlap(first: Box, second: Box) -> tuple[float, float]:
    """How far two boxes overlap across and down (negative: apart)."""
    return (min(first.x1, second.x1) - max(first.x0, second.x0),
            min(first.bottom, second.bottom) - max(first.top, second.top))


def boxes_collide(first: Box, second: Box) -> bool:
    """Whether two word boxes share more than the tolerance both ways: one is printed over the other."""
    across, down = overlap(first, second)
    shortest = min(first.bottom - first.top, second.bottom - second.top)
    return across > OVERLAP_TOLERANCE and down > max(OVERLAP_TOLERANCE, VERTICAL_SHARE * shortest)


def overlapping_words(page: Page) -> list[tuple[Box, Box]]:
    """Pairs of words on the page printed over each other."""
    words = sorted(page.words, key=lambda word: word.top)
    pairs = []
    for index, first in enumerate(words):
        for second in words[index + 1:]:
            if second.top >= first.bottom:
                break
            if boxes_collide(first, second):
                pairs.append((first, second))
    return pairs


def words_struck_by_rules(page: Page) -> list[tuple[Box, Box]]:
    """Words a rule runs through: the rule crosses the middle half of the word's height.

    An underline sits below that band, so links and underlined headings do not count.
    """
    struck = []
    for word in page.words:
        height = word.bottom - word.top
        band_top, band_bottom = word.top + height / 4, word.bottom - height / 4
        for rule in page.rules:
            across = min(word.x1, rule.x1) - max(word.x0, rule.x0)
            if across > OVERLAP_TOLERANCE and rule.bottom > band_top and rule.top < band_bottom:
                struck.append((word, rule))
    return struck


def is_sixteen_by_nine(page: Page) -> bool:
    """Whether the page is a 16:9 landscape slide (to a hundredth)."""
    return abs(page.width / page.height - SIXTEEN_BY_NINE) < 0.01


def hyphen_splits(text: str, whole_words: set[str] | None = None) -> list[str]:
    """Words the text layer breaks at a line end with a hyphen, joined as "declara‐|tion".

    U+2010 and U+00AD at a line end are always a split. A plain '-' at a line end is counted only when
    `whole_words` is given and the two halves joined without it are one of those words (a real compound
    such as "long-term" broken at its hyphen is not a split).
    """
    found = [f"{match[1]}{match[2]}|{match[3]}" for match in
             re.finditer(rf"(\w*)([{SPLIT_HYPHENS}])[ \t]*\n\s*(\w*)", text)]
    if whole_words:
        for match in re.finditer(r"(\w+)-[ \t]*\n\s*([a-z]\w*)", text):
            if (match[1] + match[2]).lower() in whole_words:
                found.append(f"{match[1]}-|{match[2]}")
    return found


def layout_problems(layout: PdfLayout, slides: bool = False) -> list[str]:
    """Every fault a reader would see, one line each; empty when the PDF is clean."""
    problems = []
    for page in layout.pages:
        if slides and not is_sixteen_by_nine(page):
            problems.append(f"page {page.number}: {page.width:.1f} x {page.height:.1f} pt is not 16:9")
        problems += [f"outside its page: {word}" for word in words_outside_page(page)]
        problems += [f"overlap: {first} / {second}" for first, second in overlapping_words(page)]
        problems += [f"rule through text: {word} / {rule}" for word, rule in words_struck_by_rules(page)]
    problems += [f"word split by a hyphen glyph: {split}" for split in hyphen_splits(layout.text)]
    return problems


def main(paths: list[str]) -> int:
    """Print each PDF's page count, page sizes and faults; 1 if any PDF has a fault."""
    status = 0
    for name in paths:
        layout = read_layout(Path(name))
        sizes = sorted({(round(page.width, 1), round(page.height, 1)) for page in layout.pages})
        print(f"{name}: {layout.page_count} pages, sizes {sizes}")
        for problem in layout_problems(layout, slides=all(map(is_sixteen_by_nine, layout.pages))):
            print(f"  {problem}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
