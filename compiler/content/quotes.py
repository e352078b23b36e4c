"""Verify quotes against the source text: the same words in the same order, in the paragraph named.

Ignored differences, as the content format says: runs of white space and line breaks; straight and
typographic quote marks (each of `'` and `"` stands for its whole family below, guillemets included;
a single mark never matches a double one); hyphens, dashes and the minus sign. Invisible characters
(soft hyphen, zero-width space, word joiner, byte-order mark) are dropped. Everything else counts,
case included. Primes (′ ″) are not quote marks and count as themselves. A quote must lie within one
paragraph and start and end on word boundaries ("operation" does not match inside "cooperation").
"""

from __future__ import annotations

import bisect
import difflib
import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from compiler.content.limits import MAX_CLOSEST_SEARCHES, QUOTE_WORK_FACTOR
from compiler.content.reader import Document, Reporter

SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b\u2039\u203a"  # ' ‘ ’ ‚ ‛ ‹ ›
DOUBLE_QUOTES = '"\u201c\u201d\u201e\u201f\u00ab\u00bb'  # " “ ” „ ‟ « »
# - ‐ ‑ ‒ – — ― − ﹘ ﹣ －: hyphens, dashes, the minus sign and their small and full-width forms
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
INVISIBLE = "\u00ad\u200b\u2060\ufeff"
DROP = str.maketrans(dict.fromkeys(INVISIBLE))
FOLD = str.maketrans({**dict.fromkeys(SINGLE_QUOTES, "'"), **dict.fromkeys(DOUBLE_QUOTES, '"'),
                      **dict.fromkeys(DASHES, "-")})
CANDIDATES = 25
"""Word windows compared character by character when looking for the closest passage."""
CLOSE_ENOUGH = 0.4
"""Below this similarity no passage is shown: it would only mislead."""
PASSAGE_WORDS = 60
"""Longest passage shown; a longer one ends with `…`."""
REFINE_STEPS = 20
"""Most one-word moves made to fit a candidate window to the quote."""
CLOSEST_WORDS = 2 * PASSAGE_WORDS
"""Words of a long quote compared when looking for its closest passage (comparing is quadratic)."""
# Quote lookup work is counted in units of about a nanosecond on our machine, so that the bound per
# brief is deterministic (the same brief passes or fails everywhere) and stands for a known time.
OCCURRENCE_COST = 400
"""Units one occurrence costs to look at (a turn of a Python loop)."""
SCAN_CHARACTERS_PER_UNIT = 3
"""Characters str.find scans per unit."""
LISTED_PARAGRAPHS = 5
"""Paragraphs named in a message about a quote found in several."""


class WorkBoundReached(Exception):
    """The quotes of one brief took more lookup work than its bound (`QuoteBudget`)."""


@dataclass
class QuoteBudget:
    """Work one brief's quote lookups may do: QUOTE_WORK_FACTOR units per character of the source (about
    two seconds for the largest source; a pass over it for each of 700 quotes), so checking stays
    linear in the source, whatever the quotes: one-letter quotes inside every word, or long ones
    against repetitive text."""

    limit: int
    spent: int = 0

    @classmethod
    def for_source(cls, source: Source) -> QuoteBudget:
        return cls(QUOTE_WORK_FACTOR * max(len(source.text), 2**18))

    def spend(self, units: int) -> None:
        self.spent += units
        if self.spent > self.limit:
            raise WorkBoundReached()


def normalise(text: str) -> str:
    """Text with white space collapsed, quote marks and dashes folded, invisible characters dropped."""
    return " ".join(text.translate(DROP).split()).translate(FOLD)


@dataclass
class Source:
    """A source text split into paragraphs, in words as written and in folded words for matching."""

    label: str
    words: list[list[str]]
    folded: list[str]
    text: str = ""  # the folded paragraphs, one to a line: searched in one pass
    starts: list[int] = field(default_factory=list)  # where each paragraph starts in `text`

    @classmethod
    def from_text(cls, label: str, text: str) -> Source:
        words = [paragraph.translate(DROP).split() for paragraph in split_paragraphs(text)]
        folded = [" ".join(paragraph).translate(FOLD) for paragraph in words]
        starts, at = [], 0
        for paragraph in folded:
            starts.append(at)
            at += len(paragraph) + 1
        return cls(label, words, folded, "\n".join(folded), starts)

    def find(self, quote: str, budget: QuoteBudget | None = None) -> list[int]:
        """The 1-based numbers of the paragraphs that hold the quote (WorkBoundReached past `budget`)."""
        wanted = normalise(quote)
        budget = budget or QuoteBudget.for_source(self)
        found: list[int] = []
        search = Search(self.text, wanted, budget)
        offset = search.next(0)
        while offset != -1:
            found.append(bisect.bisect_right(self.starts, offset))
            # One occurrence per paragraph is enough: go on from the start of the next one.
            offset = search.next(self.starts[found[-1]]) if found[-1] < len(self.starts) else -1
        return found

    def passages(self, quote: str) -> list[tuple[int, list[tuple[int, int]]]]:
        """(paragraph number, [(start, end), ...]) of every place the quote matches, none overlapping.

        Offsets index the paragraph as `written(number)` gives it: folding changes no character count.
        """
        wanted = normalise(quote)
        found = []
        for number, text in enumerate(self.folded, 1):
            spans: list[tuple[int, int]] = []
            for start in find_matches(text, wanted) if wanted else ():
                if not spans or start >= spans[-1][1]:
                    spans.append((start, start + len(wanted)))
            if spans:
                found.append((number, spans))
        return found

    def written(self, number: int) -> str:
        """Paragraph `number` as written, its white space collapsed to single spaces."""
        return " ".join(self.words[number - 1])

    def closest(self, quote: str) -> tuple[int, str] | None:
        """The paragraph number and text of the passage most like the quote, if any is like it."""
        wanted = normalise(quote).split(" ")[:CLOSEST_WORDS]
        paragraphs: dict[int, list[str]] = {}  # each candidate's paragraph, split once

        def words_of(number: int) -> list[str]:
            if number not in paragraphs:
                paragraphs[number] = self.folded[number - 1].split(" ")
            return paragraphs[number]

        windows = [self.refine(wanted, window, words_of(window[0])) for window in self.candidates(wanted)]
        # The most similar window; of equals, the first in the source.
        best = max(windows, default=None, key=lambda w: (w[0], -w[1][0], -w[1][1]))
        if best is None or best[0][0] < CLOSE_ENOUGH:
            return None
        number, start, end = best[1]
        passage = self.words[number - 1][start: min(end, start + PASSAGE_WORDS)]
        return number, " ".join(passage) + (" …" if end - start > PASSAGE_WORDS else "")

    def refine(self, wanted: list[str], window: tuple[int, int, int], words: list[str]
               ) -> tuple[tuple[float, int], tuple[int, int, int]]:
        """The window moved or grown a word at a time while it gets more like the quote.

        It never gets shorter than the quote: the words that differ are what the reader needs to see.
        """
        number, start, size = window
        shortest = min(len(wanted), len(words))
        best = (similarity(wanted, words[start: start + size]), (number, start, start + size))
        for _ in range(REFINE_STEPS):
            _, (_, start, end) = best
            moves = [(start - 1, end), (start + 1, end), (start, end - 1), (start, end + 1),
                     (start - 1, end - 1), (start + 1, end + 1)]
            tries = [(similarity(wanted, words[a:b]), (number, a, b))
                     for a, b in moves if 0 <= a and b <= len(words) and b - a >= shortest]
            better = max(tries, default=best)
            if better[0] <= best[0]:
                break
            best = better
        return best

    def candidates(self, quote_words: list[str]) -> list[tuple[int, int, int]]:
        """(paragraph, first word, word count) of the windows sharing most words with the quote."""
        vocabulary = set(quote_words)

        def windows() -> Iterator[tuple[int, int, int, int]]:
            for number, text in enumerate(self.folded, 1):
                hits = [word in vocabulary for word in text.split(" ")]
                size = min(len(quote_words), len(hits))
                shared = sum(hits[:size])
                for start in range(len(hits) - size + 1):
                    if start:
                        shared += hits[start + size - 1] - hits[start - 1]
                    yield shared, -number, -start, size

        top = heapq.nlargest(CANDIDATES, windows())  # keeps CANDIDATES windows, never all of them
        return [(-number, -start, size) for _, number, start, size in top]


def split_paragraphs(text: str) -> list[str]:
    """Blocks of lines separated by one or more blank lines, in order."""
    paragraphs: list[list[str]] = [[]]
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return ["\n".join(lines) for lines in paragraphs if lines]


def contains(text: str, wanted: str) -> bool:
    """Whether `wanted` occurs in `text` without starting or ending inside a word."""
    return next(find_matches(text, wanted), None) is not None


def find_matches(text: str, wanted: str) -> Iterator[int]:
    """Where each occurrence of `wanted` in `text` starts that neither starts nor ends inside a word
    (for one phrase a user looks up: unbounded)."""
    if not wanted:
        return
    search = Search(text, wanted, QuoteBudget(2**62))
    at = search.next(0)
    while at != -1:
        yield at
        at = search.next(at + 1)


class Search:
    """Finds `wanted` in `text` without it starting or ending inside a word, charging `budget`.

    str.find is linear in the text; each occurrence that cuts a word ("a" inside "banana", a long quote
    against a repetitive text) is charged what looking at it costs, so no quote can make the search
    of a brief quadratic: past the budget the search stops.
    """

    def __init__(self, text: str, wanted: str, budget: QuoteBudget) -> None:
        self.text, self.wanted, self.budget = text, wanted, budget
        # Confirming a long match costs about a unit per few characters of it.
        self.occurrence_cost = OCCURRENCE_COST + 3 * len(wanted)

    def next(self, start: int) -> int:
        """The first good occurrence at or after `start`, or -1."""
        text, wanted = self.text, self.wanted
        at = text.find(wanted, start)
        while at != -1 and cuts_word(text, at, at + len(wanted), wanted):
            self.budget.spend(self.occurrence_cost + (at - start) // SCAN_CHARACTERS_PER_UNIT)
            start, at = at + 1, text.find(wanted, at + 1)
        self.budget.spend(self.occurrence_cost + ((at if at != -1 else len(text)) - start) // SCAN_CHARACTERS_PER_UNIT)
        return at


def cuts_word(text: str, start: int, end: int, wanted: str) -> bool:
    """Whether a match starts or ends inside a word (str.isalnum decides, as the content format says)."""
    return (start > 0 and text[start - 1].isalnum() and wanted[0].isalnum()) or \
        (end < len(text) and text[end].isalnum() and wanted[-1].isalnum())


def similarity(a: list[str], b: list[str]) -> tuple[float, int]:
    """How alike two runs of words are: from 0 to 1 by words (fast for long quotes), then, to
    break ties, how many words stand in the same place (so the passage lines up with the quote)."""
    ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    return ratio, sum(x == y for x, y in zip(a, b))


def quote_entries(data: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(key path, quote) for every quote of every claim and figure."""
    if not isinstance(data, dict):
        return
    for i, claim in enumerate(data.get("claims") or []):
        quotes = claim.get("quotes") if isinstance(claim, dict) else None
        for j, quote in enumerate(quotes if isinstance(quotes, list) else []):
            if isinstance(quote, dict):
                yield f"claims[{i}].quotes[{j}]", quote
    for i, figure in enumerate(data.get("figures") or []):
        if isinstance(figure, dict) and isinstance(figure.get("quote"), dict):
            yield f"figures[{i}].quote", figure["quote"]


def check_quotes(doc: Document, report: Reporter, source: Source) -> None:
    """Report every quote not found in the source, or found in another paragraph than it says."""
    searches = 0  # each closest-passage search reads the whole source: a flood of them must not hang
    budget = QuoteBudget.for_source(source)
    entries = list(quote_entries(doc.data))
    for index, (path, quote) in enumerate(entries):
        text, paragraph = quote.get("text"), quote.get("paragraph")
        if not isinstance(text, str) or not text.strip() or f"{path}.text" in doc.refused:
            continue  # the schema, or the placeholder check, reports it
        try:
            found = source.find(text, budget)
        except WorkBoundReached:
            report.add(doc.locate(f"{path}.text"), f"{path}.text", unchecked(source, len(entries) - index - 1))
            return
        if not isinstance(paragraph, int) or isinstance(paragraph, bool) or paragraph < 1:
            paragraph = None
        if found and paragraph is not None and paragraph not in found:
            where = f"{path}.paragraph"
            report.add(doc.locate(where), where, f"quote found in {paragraph_list(found)}, not "
                       f"{paragraph}; set paragraph: {found[0]}")
        elif not found:
            search = searches < MAX_CLOSEST_SEARCHES
            searches += search
            report.add(doc.locate(f"{path}.text"), f"{path}.text",
                       not_found(source, text, paragraph, search))


def unchecked(source: Source, left: int) -> str:
    """The message for the quote at which a brief's lookups reached their bound."""
    rest = f" and the {left} after it" if left else ""
    return (f"quote not checked: looking up this brief's quotes in {source.label} took more than its bound "
            f"(for a source text this long), so this quote{rest} went unchecked; quote "
            "longer passages (a quote of a word or two matches all over a text)")


def paragraph_list(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"paragraph {numbers[0]}"
    if len(numbers) > LISTED_PARAGRAPHS:
        shown = ", ".join(map(str, numbers[:LISTED_PARAGRAPHS]))
        return f"paragraphs {shown} and {len(numbers) - LISTED_PARAGRAPHS} more"
    return f"paragraphs {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"


def not_found(source: Source, text: str, paragraph: int | None, search: bool = True) -> str:
    """The message for a quote that is nowhere in the source, with the closest passage if searched."""
    message = f"quote not found in {source.label}"
    if paragraph is not None and paragraph > len(source.words):
        message += f" (which has {len(source.words)} paragraphs, so no paragraph {paragraph})"
    if not search:
        return (message + f"; copy the words exactly from the source (the closest passage is shown "
                f"for the first {MAX_CLOSEST_SEARCHES} quotes not found)")
    closest = source.closest(text)
    if closest is None:
        return message + "; no passage comes close: copy the words exactly from the source"
    number, passage = closest
    return f'{message}; closest passage in paragraph {number}: "{passage}"'
