"""What a build prints: result lines, problems (plain or as GitHub annotations), progress, in a stable order."""

from __future__ import annotations

import sys
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import TextIO

from compiler.diagnostics import Problem, escape_controls


def format_problem(problem: Problem, error_format: str = "plain", level: str = "error") -> str:
    """A problem as a `file:line:col: path: message` line, or as a GitHub Actions annotation."""
    if error_format == "github":
        message = escape_controls(f"{problem.path}: {problem.message}" if problem.path else problem.message)
        return (f"::{level} file={escape_property(escape_controls(problem.file))},line={problem.line},"
                f"col={problem.column}::{escape_data(message)}")
    if level == "error":
        return str(problem)
    where = f"{problem.file}:{problem.line}:{problem.column}"
    return f"{where}: {level}: {str(problem)[len(where) + 2:]}"


def escape_data(text: str) -> str:
    """GitHub workflow-command escaping of a message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """GitHub workflow-command escaping of a property value (file names)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class Console:
    """Result lines on stdout, problems on stderr, and a progress line when stderr is a terminal."""

    def __init__(self, error_format: str = "plain", out: TextIO | None = None,
                 err: TextIO | None = None) -> None:
        self.error_format = error_format
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.live = self.err.isatty()
        self.progress_shown = False

    def line(self, text: str) -> None:
        """A result line on stdout; names in it are escaped as in problem lines (a file name must not
        reach the terminal or a CI log as control sequences or a line of its own)."""
        self.clear_progress()
        print(escape_controls(text), file=self.out, flush=True)

    def note(self, text: str) -> None:
        """A line on stderr about the build itself (e.g. waiting for another build's lock)."""
        self.clear_progress()
        print(escape_controls(text), file=self.err, flush=True)

    def problem(self, problem: Problem, level: str = "error") -> None:
        self.clear_progress()
        print(format_problem(problem, self.error_format, level), file=self.err, flush=True)

    def progress(self, done: int, total: int, label: str) -> None:
        if self.live:
            self.err.write(f"\r\x1b[K[{done}/{total}] {escape_controls(label)}")
            self.err.flush()
            self.progress_shown = True

    def clear_progress(self) -> None:
        if self.progress_shown:
            self.err.write("\r\x1b[K")
            self.err.flush()
            self.progress_shown = False


@dataclass
class Messages:
    """What one item (a brief) has to say, held until it is printed."""

    lines: list[str] = field(default_factory=list)
    problems: list[tuple[bool, int, Problem]] = field(default_factory=list)  # (warning?, rank, problem)


class OrderedReport:
    """Prints each item's messages once it and every item before it are finished.

    Workers finish in any order; printing items in their given order, with problems sorted, makes
    a build's output the same on every run.
    """

    def __init__(self, console: Console, keys: list[Hashable]) -> None:
        self.console = console
        self.order = keys
        self.pending = {key: Messages() for key in keys}
        self.closing: dict[Hashable, str | None] = {}
        self.printed = 0

    def line(self, key: Hashable, text: str) -> None:
        self.pending[key].lines.append(text)

    def problem(self, key: Hashable, problem: Problem, level: str = "error", rank: int = 0) -> None:
        """Hold a problem; an item's problems print errors first, then by rank (e.g. document order)."""
        self.pending[key].problems.append((level != "error", rank, problem))

    def finish(self, key: Hashable, closing: str | None = None) -> None:
        """Mark an item finished, with an optional last line, and print whatever is now in order."""
        self.closing[key] = closing
        while self.printed < len(self.order) and self.order[self.printed] in self.closing:
            self.print_item(self.order[self.printed])
            self.printed += 1

    def print_item(self, key: Hashable) -> None:
        messages = self.pending.pop(key)
        for text in messages.lines:
            self.console.line(text)
        printed = set()
        for is_warning, _, problem in sorted(messages.problems):
            # Outputs that share a failure (a document's PDF and Word file) report it once.
            if (is_warning, problem) not in printed:
                printed.add((is_warning, problem))
                self.console.problem(problem, "warning" if is_warning else "error")
        if self.closing[key]:
            self.console.line(self.closing[key])
