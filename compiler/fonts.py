"""The document fonts: declared files (never whatever this machine has), their CSS and their coverage."""

from __future__ import annotations

import ctypes
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from compiler.content.model import Brief, iter_text_fields
from compiler.diagnostics import BriefError, ExpectedError, Problem
from compiler.libraries import load_harfbuzz

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

NOTO = Path("/usr/share/fonts/truetype/noto")
DROID = Path("/usr/share/fonts/truetype/droid")
INSTALL_HINT = "install them with scripts/setup-system (Debian: fonts-noto-core fonts-droid-fallback)"


@dataclass(frozen=True)
class FontFace:
    """One font file and the CSS family, weight and style it is declared under."""

    family: str
    path: Path
    weight: int = 400
    style: str = "normal"


def _family(family: str, stem: str) -> tuple[FontFace, ...]:
    return (
        FontFace(family, NOTO / f"{stem}-Regular.ttf"),
        FontFace(family, NOTO / f"{stem}-Italic.ttf", 400, "italic"),
        FontFace(family, NOTO / f"{stem}-Bold.ttf", 700),
        FontFace(family, NOTO / f"{stem}-BoldItalic.ttf", 700, "italic"),
    )


def _upright(family: str, stem: str) -> tuple[FontFace, ...]:
    """A family with no italic (Hebrew and Arabic type has none): regular and bold."""
    return (FontFace(family, NOTO / f"{stem}-Regular.ttf"), FontFace(family, NOTO / f"{stem}-Bold.ttf", 700))


# Family names are our own, so that a font installed on the machine under the same name never stands in.
BASE_FACES: tuple[FontFace, ...] = (
    *_family("Briefing Serif", "NotoSerif"),
    *_family("Briefing Sans", "NotoSans"),
    # Mathematical signs (≈, ≤, →), arrows, shapes and dingbats the text families lack.
    FontFace("Briefing Math", NOTO / "NotoSansMath-Regular.ttf"),
    FontFace("Briefing Symbols", NOTO / "NotoSansSymbols-Regular.ttf"),
    FontFace("Briefing Symbols", NOTO / "NotoSansSymbols-Bold.ttf", 700),
    FontFace("Briefing Symbols 2", NOTO / "NotoSansSymbols2-Regular.ttf"),
    FontFace("Briefing CJK", DROID / "DroidSansFallbackFull.ttf"),
)
# Hebrew and Arabic, a serif and a sans face each (Pango orders the text by the bidi algorithm). They are
# declared only to a brief that uses them: WeasyPrint loads every declared face, and these eight files
# would add some 25 ms to every document (a fifth of a small one's time).
RIGHT_TO_LEFT_FACES: tuple[FontFace, ...] = (
    *_upright("Briefing Hebrew Serif", "NotoSerifHebrew"),
    *_upright("Briefing Hebrew Sans", "NotoSansHebrew"),
    *_upright("Briefing Arabic Naskh", "NotoNaskhArabic"),
    *_upright("Briefing Arabic Sans", "NotoSansArabic"),
)
FONT_FACES: tuple[FontFace, ...] = (*BASE_FACES, *RIGHT_TO_LEFT_FACES)
# Every character that only the right-to-left faces draw lies in these blocks (Hebrew, Arabic and their
# supplements and presentation forms); tests/build/test_right_to_left_fonts.py holds the fonts to it.
RIGHT_TO_LEFT_BLOCKS = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))

FALLBACKS = '"Briefing Math", "Briefing Symbols", "Briefing Symbols 2", "Briefing CJK"'
FONT_NAMES = ("Noto Serif, Noto Sans, Noto Sans Math, Noto Sans Symbols (1 and 2), Droid Sans Fallback, "
              "Noto Hebrew (Serif, Sans), Noto Arabic (Naskh, Sans)")

# Each stack lists every declared family, so a character any declared font covers is always found;
# Hebrew and Arabic come in the stack's own kind first (serif text: Noto Serif Hebrew, Naskh).
SERIF_STACK = ('"Briefing Serif", "Briefing Sans"', '"Briefing Hebrew Serif", "Briefing Arabic Naskh", '
               '"Briefing Hebrew Sans", "Briefing Arabic Sans"', FALLBACKS)
SANS_STACK = ('"Briefing Sans", "Briefing Serif"', '"Briefing Hebrew Sans", "Briefing Arabic Sans", '
              '"Briefing Hebrew Serif", "Briefing Arabic Naskh"', FALLBACKS)
HB_SET_VALUE_INVALID = 0xFFFFFFFF  # HarfBuzz's "no code point": where iterating a set starts
RIGHT_TO_LEFT_TEXT = re.compile(
    "[" + "".join(f"{chr(first)}-{chr(last)}" for first, last in RIGHT_TO_LEFT_BLOCKS) + "]")


class FontsMissing(ExpectedError):
    """A declared font file is not installed."""


@lru_cache(maxsize=1)
def font_files() -> frozenset[Path]:
    """Every declared font file, resolved (once per process: the sandbox asks for every file fetched)."""
    return frozenset(face.path.resolve() for face in FONT_FACES)


def check_fonts_installed() -> None:
    """Raise FontsMissing naming the declared font files that are not on this machine."""
    missing = sorted(str(path) for path in font_files() if not path.is_file())
    if missing:
        raise FontsMissing(f"document fonts not found: {', '.join(missing)}; {INSTALL_HINT}")


def font_face_css(brief: Brief) -> str:
    """@font-face rules for the faces the brief needs, with explicit file URLs, plus the family stacks."""
    right_to_left = uses_right_to_left(brief)
    rules = [font_face_rule(face) for face in (FONT_FACES if right_to_left else BASE_FACES)]
    serif, sans = (join_stack(stack, right_to_left) for stack in (SERIF_STACK, SANS_STACK))
    rules.append(f":root {{ --serif: {serif}; --sans: {sans}; }}")
    return "\n".join(rules)


def font_face_rule(face: FontFace) -> str:
    """The @font-face rule declaring one face, its file by explicit URL."""
    return (f'@font-face {{ font-family: "{face.family}"; src: url("{face.path.resolve().as_uri()}"); '
            f"font-weight: {face.weight}; font-style: {face.style}; }}")


def join_stack(stack: tuple[str, str, str], right_to_left: bool) -> str:
    """A CSS font-family list: text families, right-to-left ones when declared, then the fallbacks."""
    text, right_to_left_families, fallbacks = stack
    return ", ".join((text, right_to_left_families, fallbacks) if right_to_left else (text, fallbacks))


def uses_right_to_left(brief: Brief) -> bool:
    """Whether any text of the brief has a character from the right-to-left faces' blocks."""
    return any(RIGHT_TO_LEFT_TEXT.search(text) for _, text in iter_text_fields(brief.data))


def covered_characters() -> frozenset[int]:
    """Every code point that at least one declared font has a glyph for."""
    return code_points(declared_coverage())


def font_code_points(path: Path) -> frozenset[int]:
    """The code points one font file maps to a glyph."""
    coverage = harfbuzz().hb_set_create()
    try:
        add_coverage(coverage, path)
        return code_points(coverage)
    finally:
        harfbuzz().hb_set_destroy(coverage)


@lru_cache(maxsize=1)
def declared_coverage() -> int:
    """A HarfBuzz set of the code points the declared fonts draw (read once per process; kept for its life).

    HarfBuzz reads each font's character map as it does when it shapes the text WeasyPrint lays out,
    straight from the file and in a few milliseconds for all of them, so nothing is cached between runs.
    """
    check_fonts_installed()
    coverage = harfbuzz().hb_set_create()
    try:
        for path in sorted({face.path for face in FONT_FACES}):
            add_coverage(coverage, path)
    except BaseException:  # not kept (the next check reads the fonts again): let HarfBuzz free it
        harfbuzz().hb_set_destroy(coverage)
        raise
    return coverage


def add_coverage(coverage: int, path: Path) -> None:
    """Add the code points one font file maps to a glyph to a HarfBuzz set."""
    library = harfbuzz()
    blob = library.hb_blob_create_from_file(os.fsencode(path))
    face = library.hb_face_create(blob, 0)
    font = library.hb_set_create()
    try:
        if not library.hb_face_get_glyph_count(face):  # HarfBuzz's empty face: unreadable, or not a font
            raise FontsMissing(f"document font {path} cannot be read as a font; {INSTALL_HINT}")
        library.hb_face_collect_unicodes(face, font)
        library.hb_set_union(coverage, font)
    finally:
        library.hb_set_destroy(font)
        library.hb_face_destroy(face)
        library.hb_blob_destroy(blob)


def code_points(coverage: int) -> frozenset[int]:
    """The code points in a HarfBuzz set."""
    return frozenset(code for first, last in code_point_runs(coverage) for code in range(first, last + 1))


def code_point_runs(coverage: int) -> Iterator[tuple[int, int]]:
    """A HarfBuzz set's (first, last) runs of consecutive code points, in order."""
    first, last = ctypes.c_uint32(), ctypes.c_uint32(HB_SET_VALUE_INVALID)
    while harfbuzz().hb_set_next_range(coverage, ctypes.byref(first), ctypes.byref(last)):
        yield first.value, last.value


def harfbuzz() -> ctypes.CDLL:
    try:
        return load_harfbuzz()
    except OSError as error:
        raise FontsMissing(f"{error}; it comes with WeasyPrint's system libraries "
                           "(Debian: libharfbuzz0b), which scripts/setup-system installs") from None


def open_font(path: Path) -> TTFont:
    """A font file opened for reading its tables, its glyphs named by number.

    fontTools would otherwise name every glyph from the font's `post` table before reading its
    character map or metrics: two thirds of the time, for names nothing here reads.
    """
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    font.setGlyphOrder([f"glyph{index}" for index in range(font["maxp"].numGlyphs)])
    return font


def name_character(char: str) -> str:
    """`U+1F600 (GRINNING FACE)`."""
    name = unicodedata.name(char, "unnamed character")
    return f"U+{ord(char):04X} ({name})"


def check_coverage(brief: Brief) -> list[Problem]:
    """One problem per text field and character that no declared font can draw."""
    coverage, has = declared_coverage(), harfbuzz().hb_set_has
    problems = []
    for path, text in iter_text_fields(brief.data):
        # Line breaks and tabs are layout, not glyphs; every other character must be drawable.
        uncovered = dict.fromkeys(c for c in text if c not in "\n\r\t" and not has(coverage, ord(c)))
        for char in uncovered:
            line, column = brief.location(path)
            problems.append(Problem(
                str(brief.path), line, column, path,
                f"character {name_character(char)} is not covered by the document fonts "
                f"({FONT_NAMES}); remove it or replace it with a character they cover"))
    return problems


def require_glyphs(brief: Brief) -> None:
    """The one glyph check of `check`, `build` and rendering: BriefError naming each field with a
    character no declared font can draw (FontsMissing when the fonts are not installed)."""
    problems = check_coverage(brief)
    if problems:
        raise BriefError(problems)
