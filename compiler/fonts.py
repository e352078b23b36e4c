"""The document fonts: declared files (never whatever this machine has), their CSS and their coverage."""

from __future__ import annotations

import bisect
import json
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
RIGHT_TO_LEFT_TEXT = re.compile(
    "[" + "".join(f"{chr(first)}-{chr(last)}" for first, last in RIGHT_TO_LEFT_BLOCKS) + "]")


MAX_CODE_POINT = 0x10FFFF
MAX_CACHE_BYTES = 16 * 2**20
"""Largest coverage cache read (ours is about 100 KB)."""
# Part of each coverage cache key: a change to how coverage is read or stored makes old entries unused.
COVERAGE_FORMAT = 1


class FontsMissing(ExpectedError):
    """A declared font file is not installed."""


def font_files() -> frozenset[Path]:
    """Every declared font file, resolved."""
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


@lru_cache(maxsize=1)
def covered_characters() -> frozenset[int]:
    """Code points that at least one declared font has a glyph for, as the coverage cache says (once
    per process; `check_coverage` confirms the characters a brief uses against the fonts themselves)."""
    return frozenset(code for ranges in cached_coverage().values() for code in expand_ranges(ranges))


@lru_cache(maxsize=1)
def cached_coverage(trust_cache: bool = True) -> dict[Path, list[list[int]]]:
    """Each declared font's coverage as runs of code points, from the cache where it has the font.

    Reading the fonts' character maps takes a fifth of a second, so each font's coverage is kept
    in a cache file keyed by a hash of the font's content; hashing all of them takes a hundredth.
    """
    from compiler.outputs import hash_file

    check_fonts_installed()
    cache_file = coverage_cache_file()
    cache = read_coverage_cache(cache_file) if trust_cache else {}
    coverage = {}
    missed = False
    for path in sorted({face.path for face in FONT_FACES}):
        key = f"{COVERAGE_FORMAT}:{hash_file(path)}"
        if key not in cache:
            cache[key] = code_point_ranges(character_map(path))
            missed = True
        coverage[path] = cache[key]
    if missed:
        write_coverage_cache(cache_file, cache)
    return coverage


@lru_cache(maxsize=None)
def character_map(path: Path) -> frozenset[int]:
    """The code points a font file maps to a glyph, read from the font (once per process)."""
    return frozenset(read_character_map(path))


def in_ranges(ranges: list[list[int]], code: int) -> bool:
    index = bisect.bisect_right(ranges, [code, MAX_CODE_POINT + 1]) - 1
    return index >= 0 and ranges[index][0] <= code <= ranges[index][1]


def cache_holds_true(codes: Iterable[int]) -> bool:
    """Whether each code point the cache says a font covers is in that font's own character map.

    The cache lives in the user's folder, where anything could have written it: a cache claiming
    an emoji for Noto Serif would let the emoji through to a system fallback font. Checking the
    claims a brief relies on costs reading one small character map (the CJK font's, a fifth of a
    second, only for CJK text).
    """
    coverage = cached_coverage()
    for code in codes:
        claimant = next((path for path, ranges in coverage.items() if in_ranges(ranges, code)), None)
        if claimant is not None and code not in character_map(claimant):
            return False
    return True


def read_character_map(path: Path) -> Iterable[int]:
    """The code points a font file maps to a glyph."""
    return open_font(path).getBestCmap().keys()


def open_font(path: Path) -> TTFont:
    """A font file opened for reading its tables, its glyphs named by number.

    fontTools would otherwise name every glyph from the font's `post` table before reading its
    character map or metrics: two thirds of the time, for names nothing here reads.
    """
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    font.setGlyphOrder([f"glyph{index}" for index in range(font["maxp"].numGlyphs)])
    return font


def code_point_ranges(code_points: Iterable[int]) -> list[list[int]]:
    """[[first, last], ...] runs of consecutive code points (a CJK font's map is a few hundred runs)."""
    ranges: list[list[int]] = []
    for code in sorted(code_points):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return ranges


def expand_ranges(ranges: list[list[int]]) -> Iterator[int]:
    for first, last in ranges:
        yield from range(first, last + 1)


def coverage_cache_file() -> Path:
    """Where font coverage is cached: the user's cache folder (XDG), shared by every checkout."""
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "briefing" / "font-coverage.json"


def read_coverage_cache(path: Path) -> dict[str, list[list[int]]]:
    """The cached coverage by font key; empty when the file is missing, unreadable, too large or not of
    the shape this module writes (then the fonts are read again)."""
    from compiler.outputs import read_bounded

    try:
        cache = json.loads(read_bounded(path, MAX_CACHE_BYTES).decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(cache, dict):
        return {}
    return {key: ranges for key, ranges in cache.items() if isinstance(key, str) and valid_ranges(ranges)}


def valid_ranges(ranges: object) -> bool:
    """Whether a cache entry is sorted, disjoint [first, last] runs of code points."""
    if not isinstance(ranges, list):
        return False
    previous = -1
    for run in ranges:
        if not (isinstance(run, list) and len(run) == 2 and all(type(code) is int for code in run)
                and previous < run[0] <= run[1] <= MAX_CODE_POINT):
            return False
        previous = run[1]
    return True


def write_coverage_cache(path: Path, cache: dict[str, list[list[int]]]) -> None:
    """Save the coverage cache atomically; a folder we cannot write to only costs the next run time."""
    from compiler.outputs import write_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(cache, sort_keys=True).encode("utf-8"))
    except OSError:
        pass


def confirmed_coverage(brief: Brief) -> frozenset[int]:
    """The covered code points, with the cache's claims for the brief's characters confirmed by the
    fonts; if any claim is false, every font's coverage is read again and the cache rewritten."""
    used = {ord(char) for _, text in iter_text_fields(brief.data) for char in text}
    covered = covered_characters()
    if cache_holds_true(used & covered):
        return covered
    cached_coverage.cache_clear()
    covered_characters.cache_clear()
    cached_coverage(trust_cache=False)
    return covered_characters()


def name_character(char: str) -> str:
    """`U+1F600 (GRINNING FACE)`."""
    name = unicodedata.name(char, "unnamed character")
    return f"U+{ord(char):04X} ({name})"


def check_coverage(brief: Brief) -> list[Problem]:
    """One problem per text field and character that no declared font can draw."""
    covered = confirmed_coverage(brief)
    problems = []
    for path, text in iter_text_fields(brief.data):
        # Line breaks and tabs are layout, not glyphs; every other character must be drawable.
        uncovered = dict.fromkeys(c for c in text if ord(c) not in covered and c not in "\n\r\t")
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
