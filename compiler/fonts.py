"""The document fonts: declared files (never whatever this machine has), their CSS and their coverage."""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from compiler.content.model import Brief
from compiler.diagnostics import Problem

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


# Family names are our own, so that a font installed on the machine under the same name never stands in.
FONT_FACES: tuple[FontFace, ...] = (
    *_family("Briefing Serif", "NotoSerif"),
    *_family("Briefing Sans", "NotoSans"),
    # Mathematical signs (≈, ≤, →), arrows, shapes and dingbats the text families lack.
    FontFace("Briefing Math", NOTO / "NotoSansMath-Regular.ttf"),
    FontFace("Briefing Symbols", NOTO / "NotoSansSymbols-Regular.ttf"),
    FontFace("Briefing Symbols", NOTO / "NotoSansSymbols-Bold.ttf", 700),
    FontFace("Briefing Symbols 2", NOTO / "NotoSansSymbols2-Regular.ttf"),
    FontFace("Briefing CJK", DROID / "DroidSansFallbackFull.ttf"),
)
FALLBACKS = '"Briefing Math", "Briefing Symbols", "Briefing Symbols 2", "Briefing CJK"'
FONT_NAMES = "Noto Serif, Noto Sans, Noto Sans Math, Noto Sans Symbols (1 and 2), Droid Sans Fallback"

# Each stack lists every family, so a character any declared font covers is always found.
SERIF_STACK = f'"Briefing Serif", "Briefing Sans", {FALLBACKS}'
SANS_STACK = f'"Briefing Sans", "Briefing Serif", {FALLBACKS}'


# Part of each coverage cache key: a change to how coverage is read or stored makes old entries unused.
COVERAGE_FORMAT = 1


class FontsMissing(Exception):
    """A declared font file is not installed."""


def font_files() -> frozenset[Path]:
    """Every declared font file, resolved."""
    return frozenset(face.path.resolve() for face in FONT_FACES)


def check_fonts_installed() -> None:
    """Raise FontsMissing naming the declared font files that are not on this machine."""
    missing = sorted(str(path) for path in font_files() if not path.is_file())
    if missing:
        raise FontsMissing(f"document fonts not found: {', '.join(missing)}; {INSTALL_HINT}")


def font_face_css() -> str:
    """@font-face rules for every declared face, with explicit file URLs, plus the family stacks."""
    rules = [
        f'@font-face {{ font-family: "{face.family}"; src: url("{face.path.resolve().as_uri()}"); '
        f"font-weight: {face.weight}; font-style: {face.style}; }}"
        for face in FONT_FACES
    ]
    rules.append(f":root {{ --serif: {SERIF_STACK}; --sans: {SANS_STACK}; }}")
    return "\n".join(rules)


@lru_cache(maxsize=1)
def covered_characters() -> frozenset[int]:
    """Code points that at least one declared font has a glyph for (once per process).

    Reading the fonts' character maps takes a fifth of a second, so each font's coverage is kept
    in a cache file keyed by a hash of the font's content; hashing all of them takes a hundredth.
    """
    from compiler.outputs import hash_file

    check_fonts_installed()
    cache_file = coverage_cache_file()
    cache = read_coverage_cache(cache_file)
    covered: set[int] = set()
    missed = False
    for path in sorted({face.path for face in FONT_FACES}):
        key = f"{COVERAGE_FORMAT}:{hash_file(path)}"
        if key not in cache:
            cache[key] = code_point_ranges(read_character_map(path))
            missed = True
        covered.update(expand_ranges(cache[key]))
    if missed:
        write_coverage_cache(cache_file, cache)
    return frozenset(covered)


def read_character_map(path: Path) -> Iterable[int]:
    """The code points a font file maps to a glyph."""
    from fontTools.ttLib import TTFont

    return TTFont(path, lazy=True).getBestCmap().keys()


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
    """The cached coverage by font key; empty when the file is missing or unreadable (then re-read)."""
    try:
        cache = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return cache if isinstance(cache, dict) else {}


def write_coverage_cache(path: Path, cache: dict[str, list[list[int]]]) -> None:
    """Save the coverage cache atomically; a folder we cannot write to only costs the next run time."""
    from compiler.outputs import write_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(cache, sort_keys=True).encode("utf-8"))
    except OSError:
        pass


def iter_text_fields(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in the brief's data, with its key path (`claims[2].quotes[0].text`)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_text_fields(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from iter_text_fields(item, f"{path}[{index}]")


def describe_character(char: str) -> str:
    """`U+1F600 (GRINNING FACE)`."""
    name = unicodedata.name(char, "unnamed character")
    return f"U+{ord(char):04X} ({name})"


def check_coverage(brief: Brief) -> list[Problem]:
    """One problem per text field and character that no declared font can draw."""
    covered = covered_characters()
    problems = []
    for path, text in iter_text_fields(brief.data):
        # Line breaks and tabs are layout, not glyphs; every other character must be drawable.
        uncovered = dict.fromkeys(c for c in text if ord(c) not in covered and c not in "\n\r\t")
        for char in uncovered:
            line, column = brief.location(path)
            problems.append(Problem(
                str(brief.path), line, column, path,
                f"character {describe_character(char)} is not covered by the document fonts "
                f"({FONT_NAMES}); remove it or replace it with a character they cover"))
    return problems
