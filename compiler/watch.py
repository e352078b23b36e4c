"""Rebuilding on save: watch the briefs, their sources, the templates and stylesheets; rebuild from here.

Every rebuild runs in the one process that watches (or in workers forked from it), so the engines
(WeasyPrint, the fonts, the Jinja environment) load once and stay loaded; the build itself decides,
by content hash, what is out of date, so a saved brief rebuilds its own documents and a saved
stylesheet every brief's.
"""

from __future__ import annotations

import io
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from compiler.build import BuildRequest, build
from compiler.console import Console, format_problem
from compiler.diagnostics import Problem, plural
from compiler.locations import TEMPLATES_DIR

WATCHED_SUFFIXES = (".yaml", ".yml", ".txt", ".j2", ".css", ".docx")
"""Briefs, source texts, templates, stylesheets and the reference Word file."""
QUIET_MS = 50
"""A save is taken as finished once no file has changed for this long..."""
GROUP_MS = 400
"""...or once this long has passed since the first change, if an editor keeps writing."""
IDLE_MS = 200
"""How often the watcher wakes when nothing changes (to see whether it was asked to stop)."""
WROTE = re.compile(r"wrote (\d+) files?\b")
"""The start of a build's last line."""
INTERRUPTED = 130
"""The status `build` returns when Ctrl-C stopped it."""


@dataclass(frozen=True)
class Report:
    """A problem a rebuild reported, at its level ("error" or "warning")."""

    problem: Problem
    level: str

    def __str__(self) -> str:
        return format_problem(self.problem, level=self.level)


@dataclass
class Rebuild:
    """One build: what set it off, what it said, and how it ended."""

    changed: list[Path]
    status: int = 0
    lines: list[str] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    seconds: float = 0.0
    finished: str = ""
    """Wall-clock time the build ended, HH:MM:SS."""

    def wrote_files(self) -> bool:
        """Whether the build wrote any file (its last line says `wrote N files`)."""
        written = WROTE.match(self.lines[-1]) if self.lines else None
        return bool(written and int(written[1]))

    def summary(self) -> str:
        """The one line a rebuild prints: what changed, what the build did, how long it took."""
        cause = describe_changes(self.changed) if self.changed else "first build"
        result = self.lines[-1] if self.lines else "nothing to build"
        errors = sum(report.level == "error" for report in self.reports)
        if errors:
            result += f" ({plural(errors, 'error')}; the last good files stay)"
        return f"[{self.finished}] {cause}: {result} in {self.seconds:.1f} s"


class RecordingConsole(Console):
    """A console that keeps what a build says instead of printing it."""

    def __init__(self, rebuild: Rebuild) -> None:
        super().__init__(out=io.StringIO(), err=io.StringIO())
        self.rebuild = rebuild

    def line(self, text: str) -> None:
        self.rebuild.lines.append(text)

    def problem(self, problem: Problem, level: str = "error") -> None:
        self.rebuild.reports.append(Report(problem, level))


def describe_changes(paths: list[Path]) -> str:
    """`content/a.yaml changed`, or `content/a.yaml and 2 more changed`."""
    first = relative(paths[0])
    return f"{first} changed" if len(paths) == 1 else f"{first} and {len(paths) - 1} more changed"


def relative(path: Path) -> Path:
    """The path from the working folder when it is inside it (as a user typed it), else as it is."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


class Watcher:
    """Builds what `request_for()` asks for now, then again after each save of a file it depends on."""

    def __init__(self, request_for: Callable[[], BuildRequest], folders: list[Path],
                 starting: Callable[[list[Path]], None] = lambda changed: None) -> None:
        self.request_for = request_for
        self.folders = list(dict.fromkeys(folder.resolve() for folder in [*folders, TEMPLATES_DIR]))  # briefs' first
        self.starting = starting
        """Called with the changed files as each rebuild starts (the preview says so at once)."""
        self.stop = threading.Event()
        self.warm = False

    def rebuild(self, changed: list[Path]) -> Rebuild:
        """Run one build, recording what it says; Ctrl-C during it stops the watch."""
        rebuild = Rebuild(changed)
        self.starting(changed)
        request = self.request_for()
        if not self.warm:
            # Until a build has rendered something, build here, not in workers, so that what it loads
            # and caches (fonts, stylesheets) stays in this process and every worker forked later
            # starts with it.
            request = replace(request, jobs=1)
        started = time.perf_counter()
        rebuild.status = build(request, RecordingConsole(rebuild))
        rebuild.seconds = time.perf_counter() - started
        rebuild.finished = time.strftime("%H:%M:%S")
        self.warm = self.warm or rebuild.wrote_files()
        if rebuild.status == INTERRUPTED:  # Ctrl-C landed in the build, which stopped cleanly
            raise KeyboardInterrupt
        return rebuild

    def rebuilds(self) -> Iterator[Rebuild]:
        """The first build, then one per save, until `stop` is set or Ctrl-C."""
        from watchfiles import DefaultFilter, watch

        out = self.request_for().out.resolve()
        ignored = DefaultFilter()  # version control, caches, editors' swap and backup files
        saves = watch(*self.folders, stop_event=self.stop, debounce=GROUP_MS, step=QUIET_MS,
                      rust_timeout=IDLE_MS, yield_on_timeout=True,
                      watch_filter=lambda change, name: ignored(change, name) and wanted(Path(name), out))
        # The watcher starts on the first step and yields (empty-handed) within IDLE_MS: from then on no
        # save is missed, even one made during the first build.
        next(saves, None)
        yield self.rebuild([])
        for changes in saves:
            if changes:
                yield self.rebuild(sorted({Path(name) for _, name in changes}))


def wanted(path: Path, out: Path) -> bool:
    """Whether a changed file is one a build reads (not an output, not an editor's scratch file)."""
    if path.suffix.lower() not in WATCHED_SUFFIXES or path.name.startswith((".", "~$")):
        return False
    return not path.resolve().is_relative_to(out)
