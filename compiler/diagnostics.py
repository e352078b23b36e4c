"""Problems found in a brief file, each pointing at a file, line, column and key path."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a brief file; prints as `file:line:col: key.path: message`."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        line = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return escape_controls(line)


# Control characters, line separators and bidi controls: a message quoting a hostile file must not clear
# the screen, retitle the terminal, break the one-line-per-problem format or reorder what follows.
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """Text safe to print on a terminal: control characters shown as `\\u001b` escapes."""
    return CONTROLS.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


@dataclass
class BriefError(Exception):
    """Raised when a brief file has problems; carries all of them, sorted."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.problems = sorted(self.problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class ExpectedError(Exception):
    """An error raised on purpose, whose message already says what to do: printed as it is, never
    as a traceback (missing fonts, a refused resource, a document over its budget, a bound passed)."""


class RenderError(ExpectedError):
    """A document could not be produced (e.g. it overflows its page budget); names the document."""


def suggest(word: str, choices: Iterable[str]) -> str:
    """`; did you mean 'x'?` when a choice is close to `word`, else an empty string."""
    folded = {choice.casefold(): choice for choice in choices}
    close = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=0.6)
    return f"; did you mean '{folded[close[0]]}'?" if close else ""


def shorten(text: str, limit: int = 60) -> str:
    """Text made safe to echo in a message: control characters escaped, long text cut with `…`."""
    shown = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text[: limit + 1])
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def plural(count: int, noun: str) -> str:
    """`1 brief`, `2 briefs`: counts in summary lines."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
