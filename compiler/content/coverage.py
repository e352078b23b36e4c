"""Source coverage: which paragraphs of a brief's source text its quotes cite, and which none does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from compiler.content.model import Brief
from compiler.content.quotes import Source, quote_entries

LONGEST_SHOWN = 3
"""Uncited stretches called out, longest first."""
OPENING_WORDS = 8
"""Words of a paragraph shown so a reader recognises it..."""
OPENING_CHARS = 80
"""...and at most this many characters of them."""
ENTRY = re.compile(r"^(claims|figures)\[(\d+)\]")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the source: its number, length, first words and who cites it."""

    number: int
    words: int
    opening: str
    cited_by: tuple[str, ...]
    """Claim ids, and `figures[i]` for a figure's own quote, in the brief's order, each once."""


@dataclass(frozen=True)
class Stretch:
    """A run of consecutive paragraphs no quote cites."""

    first: int
    last: int
    words: int
    opening: str

    @property
    def paragraphs(self) -> int:
        return self.last - self.first + 1

    @property
    def span(self) -> str:
        """`17-20`, or `8` for a single paragraph."""
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


@dataclass(frozen=True)
class Coverage:
    """The quotes of one brief laid over the paragraphs of its source text."""

    source: str
    paragraphs: tuple[Paragraph, ...]

    @property
    def cited(self) -> list[Paragraph]:
        return [paragraph for paragraph in self.paragraphs if paragraph.cited_by]

    @property
    def words(self) -> int:
        return sum(paragraph.words for paragraph in self.paragraphs)

    @property
    def cited_words(self) -> int:
        return sum(paragraph.words for paragraph in self.cited)

    def uncited(self) -> list[Stretch]:
        """Every run of uncited paragraphs, in source order."""
        runs: list[list[Paragraph]] = []
        for paragraph in self.paragraphs:
            if paragraph.cited_by:
                continue
            if runs and runs[-1][-1].number == paragraph.number - 1:
                runs[-1].append(paragraph)
            else:
                runs.append([paragraph])
        return [Stretch(run[0].number, run[-1].number, sum(p.words for p in run), run[0].opening)
                for run in runs]

    def longest_uncited(self, count: int = LONGEST_SHOWN) -> list[Stretch]:
        """The `count` uncited stretches with the most words; of equals, the first in the source."""
        return sorted(self.uncited(), key=lambda stretch: (-stretch.words, stretch.first))[:count]


def measure_coverage(brief: Brief) -> Coverage | None:
    """The brief's coverage of its source text, or None when it names no source text."""
    if brief.source_text is None:
        return None
    source = Source.from_text(brief.data["source"]["text"], brief.source_text)
    citers: dict[int, dict[str, None]] = {}
    for path, quote in quote_entries(brief.data):
        number = cited_paragraph(source, quote)
        if number is not None:
            citers.setdefault(number, {})[citer(brief.data, path)] = None
    paragraphs = tuple(
        Paragraph(number, len(words), opening(words), tuple(citers.get(number, ())))
        for number, words in enumerate(source.words, 1))
    return Coverage(source.label, paragraphs)


def cited_paragraph(source: Source, quote: dict[str, Any]) -> int | None:
    """The paragraph a quote cites: the one it names, else the first that holds it."""
    if isinstance(quote.get("paragraph"), int):
        return quote["paragraph"]
    found = source.find(quote["text"])
    return found[0] if found else None


def citer(data: dict[str, Any], path: str) -> str:
    """Who a quote at `path` speaks for: its claim's id, or `figures[i]`."""
    match = ENTRY.match(path)
    if match[1] == "claims":
        return data["claims"][int(match[2])]["id"]
    return match[0]


def opening(words: list[str]) -> str:
    """The paragraph's first words, with `…` when there are more (a word too long is cut too)."""
    shown = " ".join(words[:OPENING_WORDS])
    if len(shown) > OPENING_CHARS:
        return shown[:OPENING_CHARS - 1] + "…"
    return shown + (" …" if len(words) > OPENING_WORDS else "")
