"""Does text fit a placeholder? Lines broken as PowerPoint breaks them, measured with the deck's font files.

Widths are the fonts' own advance widths (fontTools, no kerning, which only narrows Latin text),
lines break at spaces (anywhere in a word longer than the line, and between CJK characters), and
every line of a paragraph is as tall as the exact line spacing the writer gives it (line_pitch). The
faces are the declared document fonts (compiler/fonts.py): Noto Sans and Noto Serif, with the same
fallbacks the PDF uses for characters they lack. A theme font we have
no file for is measured as Noto Sans, which is wider than the common sans faces (Calibri, Arial),
so a fit measured here still fits there.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from compiler.fonts import FONT_FACES, FontFace, open_font
from compiler.writers.pptx_deck import Block, Paragraph, Run, Table
from compiler.writers.pptx_styles import look

EMU_PER_PT = 12700
# Keep 1% of each line free for the viewer's own rounding of advance widths (a few tenths of a point a
# line). 2% was more than rounding needs and made lines the PDF sets whole wrap here (size-60's quotes).
WIDTH_SLACK = 0.99
SPACE = " "
LINK_BREAKS = "/-?&=#"  # a link's text may wrap after these (the writer cuts its runs there)
LINK_PIECE = re.compile(rf"[^{re.escape(LINK_BREAKS)}]*[{re.escape(LINK_BREAKS)}]*")


@dataclass(frozen=True)
class Frame:
    """A placeholder's text area and text settings, in points."""

    width: float
    height: float
    size: float          # the placeholder's first-level font size
    line_spacing: float  # line pitch in ems of a paragraph's largest text (1.24: the PDF deck's)


@dataclass(frozen=True)
class Font:
    """One face as the measurer reads it: advance widths by character, in ems."""

    widths: dict[int, float]


@lru_cache(maxsize=None)
def load_font(path: Path) -> Font:
    font = open_font(path)
    units = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    widths = {code: metrics[name][0] / units for code, name in font.getBestCmap().items() if name in metrics}
    font.close()
    return Font(widths)


def face_for(serif: bool, bold: bool, italic: bool) -> FontFace:
    family = "Briefing Serif" if serif else "Briefing Sans"
    weight, style = (700 if bold else 400), ("italic" if italic else "normal")
    for face in FONT_FACES:
        if (face.family, face.weight, face.style) == (family, weight, style):
            return face
    raise LookupError(family)


@lru_cache(maxsize=4096)
def fallback_width(code: int) -> float | None:
    """The advance width of a character the run's own face lacks, in the first declared face that has
    it (as the PDF's font stacks fall back); None if none has. Faces are read in turn as needed, so a
    deck whose own faces have all its characters reads none of the others."""
    for face in FONT_FACES:
        if face.path.exists() and code in (font := load_font(face.path)).widths:
            return font.widths[code]
    return None


@lru_cache(maxsize=None)
def run_font(serif: bool, bold: bool, italic: bool) -> Font:
    return load_font(face_for(serif, bold, italic).path)


def load_run_fonts() -> None:
    """Read the faces text is set in (serif and sans, bold and italic), before workers fork."""
    for serif, bold, italic in itertools.product((False, True), repeat=3):
        run_font(serif, bold, italic)


def char_width(char: str, font: Font) -> float:
    """Advance width of one character in ems; zero for combining marks and format characters."""
    code = ord(char)
    if code in font.widths:
        return font.widths[code]
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    width = fallback_width(code)
    return 1.0 if width is None else width  # a character no font has: a full em, never under-measured


def is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


@dataclass(frozen=True)
class Piece:
    """A unit the line breaker places whole: a word with the spaces after it, or one CJK character."""

    width: float
    trailing: float  # width of its trailing spaces (they may hang past the line's end)
    chars: tuple[float, ...]  # per-character widths, to break a word longer than a line


def pieces(runs: tuple[Run, ...], size: float) -> list[Piece]:
    """The paragraph's text cut where lines may break, each piece measured in its run's face and size."""
    found: list[Piece] = []
    word: list[float] = []
    spaces = 0.0

    def close() -> None:
        nonlocal word, spaces
        if word or spaces:
            found.append(Piece(sum(word), spaces, tuple(word)))
        word, spaces = [], 0.0

    previous = ""
    for run in runs:
        style = look(run.role)
        font = run_font(style.serif, run.bold or style.bold, run.italic or style.italic)
        points = size * style.scale * run.scale
        for char in run.text.upper() if style.caps else run.text:
            width = char_width(char, font) * points
            if char in (SPACE, "\t"):
                spaces += width
                continue
            if spaces:
                close()
            if is_wide(char):
                close()
                found.append(Piece(width, 0.0, (width,)))
                continue
            if run.href and word and word_breaks_before(char, previous):
                close()
            word.append(width)
            previous = char
    close()
    return found


def word_breaks_before(char: str, previous: str) -> bool:
    """Whether a link may wrap before `char`: after a run of break characters (as link_pieces cuts)."""
    return previous in LINK_BREAKS and previous != "" and char not in LINK_BREAKS


def count_lines(found: list[Piece], width: float) -> int:
    """How many lines the pieces fill, greedily, as PowerPoint and Impress fill them."""
    lines, used = 1, 0.0
    for piece in found:
        if used and used + piece.width > width:
            lines, used = lines + 1, 0.0
        if piece.width > width:  # a word longer than a line breaks between its characters
            for char in piece.chars:
                if used and used + char > width:
                    lines, used = lines + 1, 0.0
                used += char
            used += piece.trailing
        else:
            used += piece.width + piece.trailing
    return lines


def line_pitch(para: Paragraph, size: float, line_spacing: float) -> float:
    """The paragraph's exact line spacing (pt): its largest run's size times its line factor.

    Exact spacing (not a share of the font's height) makes PowerPoint and Impress, which read font
    heights differently, set the same lines the same distance apart, so the measure holds in both.
    """
    pitches = [size * look(run.role).scale * run.scale * (look(run.role).line or line_spacing) for run in para.runs]
    return max(pitches, default=size * line_spacing)


def paragraph_height(para: Paragraph, frame: Frame, scale: float) -> float:
    """Points one paragraph takes at `scale` times the placeholder's size, its space before included."""
    size = frame.size * scale
    width = (frame.width - para.indent * size) * WIDTH_SLACK
    lines = count_lines(pieces(para.runs, size), width)
    return lines * line_pitch(para, size, frame.line_spacing) + para.space_before * size


def blocks_height(blocks: tuple[Block, ...], frame: Frame, scale: float) -> float:
    heights = [paragraph_height(para, frame, scale) for block in blocks for para in block.paragraphs]
    if heights:  # the first paragraph of a placeholder has no space before it
        first = next(para for block in blocks for para in block.paragraphs)
        heights[0] -= first.space_before * frame.size * scale
    return sum(heights)


CELL_MARGIN_X = 91440 / EMU_PER_PT  # PowerPoint's default cell margins: 0.1 in left and right
CELL_MARGIN_Y = 45720 / EMU_PER_PT  # and 0.05 in top and bottom


def row_heights(table: Table, frame: Frame, scale: float) -> list[float]:
    """Each row's height: its tallest cell, margins included."""
    heights = []
    for row in table.rows:
        tallest = 0.0
        for share, cell in zip(table.columns, row):
            cell_frame = Frame(frame.width * share - 2 * CELL_MARGIN_X, 0.0, frame.size, frame.line_spacing)
            tallest = max(tallest, blocks_height((Block(cell),), cell_frame, scale))
        heights.append(tallest + 2 * CELL_MARGIN_Y)
    return heights


def table_height(table: Table, frame: Frame, scale: float) -> float:
    return sum(row_heights(table, frame, scale))


def scales(frame: Frame, floor: float) -> list[float]:
    """The sizes to try, as shares of the placeholder's: its own, then down in 4% steps to the floor."""
    lowest = min(1.0, floor / frame.size)
    steps = [1.0]
    while steps[-1] - 0.04 > lowest:
        steps.append(round(steps[-1] - 0.04, 4))
    if steps[-1] > lowest:
        steps.append(lowest)
    return steps


def fit_blocks(blocks: tuple[Block, ...], frame: Frame, floor: float) -> float | None:
    """The largest scale at which the blocks fit the frame, or None if they do not fit at the floor."""
    for scale in scales(frame, floor):
        if blocks_height(blocks, frame, scale) <= frame.height:
            return scale
    return None


def fit_table(table: Table, frame: Frame, floor: float) -> float | None:
    for scale in scales(frame, floor):
        if table_height(table, frame, scale) <= frame.height:
            return scale
    return None



# Cutting what is taller than a slide: a block between its paragraphs, a paragraph between its words

WORD = re.compile(r"\S+\s*|\s+")


def units(para: Paragraph, by_character: bool) -> list[tuple[int, str]]:
    """The paragraph as (run index, text) pieces it may be cut between: words, or characters."""
    found = []
    for index, run in enumerate(para.runs):
        parts = list(run.text) if by_character else WORD.findall(run.text)
        found.extend((index, part) for part in parts)
    return found


def rejoin(para: Paragraph, chosen: list[tuple[int, str]], first: bool) -> Paragraph:
    """A paragraph of some of `para`'s pieces, in their runs; a tail part has no space before it."""
    runs: list[tuple[int, Run]] = []
    for index, text in chosen:
        if runs and runs[-1][0] == index:
            runs[-1] = (index, replace(runs[-1][1], text=runs[-1][1].text + text))
        else:
            runs.append((index, replace(para.runs[index], text=text)))
    return replace(para, runs=tuple(run for _, run in runs), space_before=para.space_before if first else 0.0)


def text_height(para: Paragraph, frame: Frame, scale: float) -> float:
    """A paragraph's height without the space before it."""
    return paragraph_height(para, frame, scale) - para.space_before * frame.size * scale


def most_that_fit(para: Paragraph, chosen: list[tuple[int, str]], frame: Frame, scale: float, room: float) -> int:
    """How many of the pieces, from the first, fit `room` as one paragraph (found by halving); never all."""
    low, high = 0, len(chosen) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if text_height(rejoin(para, chosen[:middle], True), frame, scale) <= room:
            low = middle
        else:
            high = middle - 1
    return low


def cut_paragraph(para: Paragraph, frame: Frame, scale: float, room: float) -> list[Paragraph]:
    """The paragraph in consecutive parts, each as tall as `room` at most: cut after the last word that
    fits (within a word only when one word alone is taller than the room)."""
    parts: list[Paragraph] = []
    while text_height(para, frame, scale) > room:
        count, chosen = 0, []
        for by_character in (False, True):
            chosen = units(para, by_character)
            count = most_that_fit(para, chosen, frame, scale, room)
            if count:
                break
        if not count:  # not one character fits: the part stays whole, and fitting reports its slide
            break
        parts.append(rejoin(para, chosen[:count], not parts))
        para = rejoin(para, chosen[count:], False)
    parts.append(para)
    return parts


def cut_blocks(blocks: tuple[Block, ...], frame: Frame, scale: float, room: float) -> list[Block]:
    """The blocks, each taller than `room` cut into blocks of single paragraphs or parts of one."""
    cut: list[Block] = []
    for block in blocks:
        if blocks_height((block,), frame, scale) <= room:
            cut.append(block)
            continue
        for para in block.paragraphs:
            cut.extend(Block((part,)) for part in cut_paragraph(para, frame, scale, room))
    return cut


def stacked_height(block: Block, frame: Frame, scale: float) -> float:
    """A block's height below another: its first paragraph's space before included."""
    return sum(paragraph_height(para, frame, scale) for para in block.paragraphs)
