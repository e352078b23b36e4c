"""What a build prints: result lines, problems (plain or as GitHub annotations), progress, in a stable order."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Hashable
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
    """Result lines on stdout, problems on stderr, and a progress line, updated in place when stderr
    is a terminal (and not a CI job's log, which keeps every character written)."""

    def __init__(self, error_format: str = "plain", out: TextIO | None = None,
                 err: TextIO | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.error_format = error_format
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.live = self.err.isatty() and os.environ.get("CI", "").lower() in ("", "0", "false")
        self.clock = clock
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

    def progress(self, text: str) -> None:
        """Show a progress line in place of the last one (on a terminal only)."""
        if self.live:
            self.err.write(f"\r\x1b[K{escape_controls(text)}")
            self.err.flush()
            self.progress_shown = True

    def clear_progress(self) -> None:
        if self.progress_shown:
            self.err.write("\r\x1b[K")
            self.err.flush()
            self.progress_shown = False


class Progress:
    """Briefs done out of those to build, with an estimate of the time left: on a terminal a line
    redrawn at each change; elsewhere (a CI log, a file) a plain line now and then, never more often
    than every PLAIN_EVERY seconds, and then only at each tenth of the build or once a minute."""

    PLAIN_EVERY = 10.0

    def __init__(self, console: Console, total: int) -> None:
        self.console = console
        self.total = total
        self.done = 0
        self.started = console.clock()
        self.said_at = self.started
        self.said_tenth = 0

    def recount(self, change: int) -> None:
        """Correct the total by `change` briefs (a first estimate that planning proved wrong)."""
        self.total += change

    def start(self) -> None:
        if self.total:
            self.console.progress(f"0/{self.total} briefs")

    def brief_done(self) -> None:
        """One more brief finished (built, failed or held back)."""
        self.done += 1
        now = self.console.clock()
        left = self.seconds_left(now)
        if self.console.live:
            self.console.progress(f"{self.done}/{self.total} briefs · {left}" if left else
                                  f"{self.done}/{self.total} briefs")
        elif left and self.time_to_say(now):
            self.console.note(f"progress: {self.done}/{self.total} briefs, {left}")
            self.said_at, self.said_tenth = now, self.tenth()

    def seconds_left(self, now: float) -> str | None:
        """`about 1 min 40 s left`, from the pace so far; None once all are done."""
        if not self.done or self.done >= self.total:
            return None
        return f"about {describe_duration((now - self.started) / self.done * (self.total - self.done))} left"

    def tenth(self) -> int:
        return self.done * 10 // self.total

    def time_to_say(self, now: float) -> bool:
        waited = now - self.said_at
        return waited >= self.PLAIN_EVERY and (self.tenth() > self.said_tenth or waited >= 60)


def describe_duration(seconds: float) -> str:
    """A rough span for people: `5 s`, `40 s`, `1 min 40 s`, `12 min`."""
    if seconds < 60:
        return f"{max(round(seconds / 5) * 5, 5)} s"
    minutes, rest = divmod(round(seconds / 10) * 10, 60)
    if minutes >= 10 or not rest:
        return f"{round(seconds / 60)} min"
    return f"{minutes} min {rest} s"


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
        self.pending: dict[Hashable, Messages] = {}  # only items with something held
        self.closing: dict[Hashable, str | None] = {}  # finished items not yet printed
        self.printed = 0

    def line(self, key: Hashable, text: str) -> None:
        self.pending.setdefault(key, Messages()).lines.append(text)

    def problem(self, key: Hashable, problem: Problem, level: str = "error", rank: int = 0) -> None:
        """Hold a problem; an item's problems print errors first, then by rank (e.g. document order)."""
        self.pending.setdefault(key, Messages()).problems.append((level != "error", rank, problem))

    def finish(self, key: Hashable, closing: str | None = None) -> None:
        """Mark an item finished, with an optional last line, and print whatever is now in order."""
        self.closing[key] = closing
        while self.printed < len(self.order) and self.order[self.printed] in self.closing:
            self.print_item(self.order[self.printed])
            self.printed += 1

    def print_item(self, key: Hashable) -> None:
        messages = self.pending.pop(key, Messages())
        closing = self.closing.pop(key)
        for text in messages.lines:
            self.console.line(text)
        printed = set()
        for is_warning, _, problem in sorted(messages.problems):
            # Outputs that share a failure (a document's PDF and Word file) report it once.
            if (is_warning, problem) not in printed:
                printed.add((is_warning, problem))
                self.console.problem(problem, "warning" if is_warning else "error")
        if closing:
            self.console.line(closing)
