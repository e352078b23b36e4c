"""Building briefs: what is out of date and why, rendering in worker processes, writing outputs safely."""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from compiler.diagnostics import BriefError, Problem
from compiler.doctypes import DOCUMENT_TYPES, DocumentType
from compiler.manifest import (CHANGE_REASONS, Manifest, OutputRecord, hash_compiler, hash_fonts,
                               hash_input, hash_options, hash_templates, read_manifest,
                               record_output, write_manifest)
from compiler.outputs import (edited_copy_path, folder_lock, hash_file, move_into_place,
                              remove_temporaries, temporary_path)
from compiler.writers import BuildOptions

if TYPE_CHECKING:
    from compiler.content.model import Brief

FORMATS = ("pdf", "docx")


@dataclass(frozen=True)
class BuildRequest:
    """Everything a build is asked to do, as the command line gave it."""

    briefs: list[Path]
    out: Path = Path("build")
    formats: tuple[str, ...] = FORMATS
    options: BuildOptions = BuildOptions()
    jobs: int = 1
    force: bool = False
    check: bool = False
    overwrite_edited: bool = False
    verbose: bool = False
    shard: tuple[int, int] | None = None  # (K, N): build the K-th of N shares, K from 1
    error_format: str = "plain"           # "plain" | "github"


@dataclass(frozen=True)
class Output:
    """One file a build produces: build/<brief>/<doctype>.<format>."""

    doctype: DocumentType
    format: str
    target: Path

    @property
    def name(self) -> str:
        return self.target.name


@dataclass
class Plan:
    """One brief's outputs, what each depends on, and which are out of date (with reasons)."""

    path: Path
    folder: Path
    manifest: Manifest
    outputs: list[Output]
    depends: dict[str, dict[str, str]]
    reasons: dict[str, list[str]] = field(default_factory=dict)  # only out-of-date outputs
    edited: set[str] = field(default_factory=set)                # output names changed on disk

    @property
    def stale(self) -> list[Output]:
        return [output for output in self.outputs if output.name in self.reasons]


@dataclass(frozen=True)
class Task:
    """Work for one process: render one document of one brief and write it in one format.

    One output per task (the HTML is rendered once per format, which is cheap) keeps two workers
    evenly busy: a Word file takes about half the time of its PDF.
    """

    brief: Brief
    output: Output
    options: BuildOptions


@dataclass(frozen=True)
class Written:
    """A finished temporary file, waiting to be moved into place."""

    output: Output
    temporary: Path
    sha256: str


@dataclass
class TaskResult:
    """What a task wrote, the warnings its writer gave, or the problems that stopped it."""

    written: Written | None = None
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class Console:
    """Where a build reports: result lines on stdout, problems on stderr, progress on a terminal."""

    def __init__(self, error_format: str = "plain", out: TextIO | None = None,
                 err: TextIO | None = None) -> None:
        self.error_format = error_format
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.live = self.err.isatty()
        self.progress_shown = False

    def line(self, text: str) -> None:
        self.clear_progress()
        print(text, file=self.out, flush=True)

    def problem(self, problem: Problem, level: str = "error") -> None:
        self.clear_progress()
        print(format_problem(problem, self.error_format, level), file=self.err, flush=True)

    def progress(self, done: int, total: int, label: str) -> None:
        if self.live:
            self.err.write(f"\r\x1b[K[{done}/{total}] {label}")
            self.err.flush()
            self.progress_shown = True

    def clear_progress(self) -> None:
        if self.progress_shown:
            self.err.write("\r\x1b[K")
            self.progress_shown = False


def format_problem(problem: Problem, error_format: str, level: str = "error") -> str:
    """A problem as a plain `file:line:col: path: message` line, or a GitHub Actions annotation."""
    if error_format != "github":
        if level == "error":
            return str(problem)
        where = f"{problem.file}:{problem.line}:{problem.column}"
        return f"{where}: {level}: {str(problem)[len(where) + 2:]}"
    message = f"{problem.path}: {problem.message}" if problem.path else problem.message
    return (f"::{level} file={escape_property(problem.file)},line={problem.line},"
            f"col={problem.column}::{escape_data(message)}")


def escape_data(text: str) -> str:
    """GitHub workflow-command escaping of a message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """GitHub workflow-command escaping of a property value (file names)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def file_problem(path: Path, message: str) -> Problem:
    """A problem about a whole file (no line of its own)."""
    return Problem(str(path), 1, 1, "", message)


def select_shard(paths: Iterable[Path], shard: tuple[int, int] | None) -> list[Path]:
    """The briefs of one share: chosen by a hash of each brief's name, so adding one moves no other."""
    if shard is None:
        return list(paths)
    index, count = shard
    return [path for path in paths
            if int(hashlib.sha256(path.stem.encode()).hexdigest(), 16) % count == index - 1]


def plan_outputs(folder: Path, formats: tuple[str, ...]) -> list[Output]:
    """Every output of one brief, in a stable order: by document type, then format."""
    return [Output(doctype, format_name, folder / f"{doctype.name}.{format_name}")
            for doctype in DOCUMENT_TYPES for format_name in formats]


class Fingerprint:
    """The hashes every output shares (compiler, templates, fonts, options), computed once a build."""

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self.font_cache: dict[str, list] = {}
        self._fonts: str | None = None
        self._templates: str | None = None
        self._files: dict[Path, str] = {}

    def file(self, path: Path) -> str:
        if path not in self._files:
            self._files[path] = hash_input(path)
        return self._files[path]

    def templates(self) -> str:
        if self._templates is None:
            self._templates = hash_templates()
        return self._templates

    def fonts(self, manifest: Manifest) -> str:
        if self._fonts is None:
            from compiler.fonts import font_files

            self.font_cache.update(manifest.fonts)
            self._fonts = hash_fonts(list(font_files()), self.font_cache)
        return self._fonts

    def depends(self, brief_path: Path, source: Path | None, manifest: Manifest,
                output: Output) -> dict[str, str]:
        """Hash of everything `output` is made from."""
        depends = {
            "brief": self.file(brief_path),
            "source": self.file(source) if source else "none",
            "templates": self.templates(),
            "fonts": self.fonts(manifest),
            "options": hash_options(self.options),
            "compiler": hash_compiler(),
        }
        if output.format == "docx" and self.options.reference_docx:
            depends["reference_docx"] = self.file(self.options.reference_docx)
        return depends


def recorded_source(brief_path: Path, recorded: str | None) -> Path | None:
    """The source text a brief named at its last build (relative to the brief file)."""
    return brief_path.parent / recorded if recorded else None


def file_state(output: Output, record: OutputRecord | None) -> str:
    """`missing`, `ours` (as written), `interrupted` (the file before a move that never happened) or `edited`."""
    if not output.target.exists():
        return "missing"
    if record is None or record.matches_stat(output.target):
        return "ours"
    digest = hash_file(output.target)
    if digest == record.sha256:
        return "ours"
    return "interrupted" if digest == record.replaced else "edited"


def outdated_reasons(output: Output, record: OutputRecord | None, depends: dict[str, str],
                     state: str, force: bool) -> list[str]:
    """Why an output must be rebuilt; empty when it is up to date."""
    if record is None:
        return ["not built before"]
    if state == "missing":
        return ["output missing"]
    reasons = [reason for key, reason in CHANGE_REASONS.items()
               if record.depends.get(key) != depends.get(key)]
    if state == "interrupted":
        reasons.append("the last build was interrupted")
    return reasons or (["forced"] if force else [])


def plan_brief(path: Path, request: BuildRequest, fingerprint: Fingerprint) -> Plan:
    """Decide which of a brief's outputs are out of date, from its folder's manifest."""
    folder = request.out / path.stem
    manifest = read_manifest(folder)
    source = recorded_source(path, manifest.source)
    outputs = plan_outputs(folder, request.formats)
    plan = Plan(path, folder, manifest, outputs,
                {o.name: fingerprint.depends(path, source, manifest, o) for o in outputs})
    for output in outputs:
        record = manifest.outputs.get(output.name)
        state = file_state(output, record)
        if state == "edited":
            plan.edited.add(output.name)
        reasons = outdated_reasons(output, record, plan.depends[output.name], state, request.force)
        if reasons:
            plan.reasons[output.name] = reasons
    return plan


# Errors the engines raise on purpose, with a message that already says what to do.
EXPECTED_ERRORS = ("RenderError", "ResourceRefused", "FontsMissing")


def describe_failure(brief: Brief, step: str, error: Exception) -> list[Problem]:
    """Problems for an exception raised while rendering or writing `step` (never a traceback)."""
    if isinstance(error, BriefError):
        return error.problems
    if type(error).__name__ in EXPECTED_ERRORS:
        return [file_problem(brief.path, str(error))]
    return [file_problem(brief.path, f"{step}: {type(error).__name__}: {error}")]


def check_glyphs(brief: Brief) -> None:
    """BriefError naming each field with a character the document fonts cannot draw (before rendering)."""
    from compiler.fonts import check_coverage

    problems = check_coverage(brief)
    if problems:
        raise BriefError(problems)


def write_output(document: object, output: Output, options: BuildOptions) -> tuple[Written, list[str]]:
    """Write one format to a temporary file beside the target; remove it if writing fails."""
    from compiler.reproducible import normalise
    from compiler.writers import writer

    temporary = temporary_path(output.target)
    try:
        result = writer(output.format).write(document, temporary, options)
        normalise(temporary, output.format, options.source_date_epoch)
        written = Written(output, temporary, hash_file(temporary))
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return written, list(getattr(result, "warnings", ()) or ())


def run_task(task: Task) -> TaskResult:
    """Render one document and write each of its formats (runs in a worker process)."""
    from compiler.render import render_html

    output = task.output
    try:
        document = render_html(task.brief, output.doctype, task.options)
        written, warnings = write_output(document, output, task.options)
    except Exception as error:  # reported as a problem of the brief; the other briefs still build
        return TaskResult(problems=describe_failure(task.brief, output.name, error))
    return TaskResult(written, [f"{output.name}: {warning}" for warning in warnings])


def preload_engines(formats: tuple[str, ...]) -> None:
    """Import the renderer and writers once, before forking, so that no worker imports them again."""
    import compiler.render  # noqa: F401
    from compiler.writers import writer

    for format_name in formats:
        writer(format_name)


def run_tasks(tasks: list[Task], jobs: int, on_done: Callable[[Task, TaskResult], None]) -> None:
    """Run tasks in-process (one job) or in forked workers, calling `on_done` as each finishes."""
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            on_done(task, run_task(task))
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    preload_engines(tuple(sorted({task.output.format for task in tasks})))
    with ProcessPoolExecutor(min(jobs, len(tasks)), mp_context=multiprocessing.get_context("fork")) as pool:
        futures = {pool.submit(run_task, task): task for task in tasks}
        for future in as_completed(futures):
            task = futures[future]
            try:
                result = future.result()
            except Exception as error:  # a worker died (killed, out of memory)
                result = TaskResult(problems=[file_problem(task.brief.path, f"{task.output.name}: "
                                                           f"worker process failed: {error}")])
            on_done(task, result)


class Builder:
    """One build: plans every brief, renders what is out of date, commits outputs and manifests."""

    def __init__(self, request: BuildRequest, console: Console) -> None:
        self.request = request
        self.console = console
        self.fingerprint = Fingerprint(request.options)
        self.written = 0
        self.failed: set[Path] = set()
        self.conflicts = 0

    def run(self) -> int:
        # Sorted by output folder: locks are taken in that order, so concurrent builds never deadlock.
        ordered = sorted(set(self.request.briefs), key=lambda path: (path.stem, path))
        briefs = select_shard(self.refuse_clashes(ordered), self.request.shard)
        if self.request.check:
            return self.report_check([plan_brief(p, self.request, self.fingerprint) for p in briefs])
        with ExitStack() as locks:
            plans = []
            for path in briefs:
                locks.enter_context(folder_lock(self.request.out / path.stem))
                remove_temporaries(self.request.out / path.stem)
                plans.append(plan_brief(path, self.request, self.fingerprint))
            self.build(plans)
        return self.report_summary(plans)

    def refuse_clashes(self, paths: list[Path]) -> list[Path]:
        """The briefs to build: a later brief with the same name as another (same output folder) fails."""
        kept: dict[str, Path] = {}
        for path in paths:
            if path.stem not in kept:
                kept[path.stem] = path
                continue
            self.failed.add(path)
            self.console.problem(file_problem(path, f"writes to the same folder as {kept[path.stem]} "
                                              f"({self.request.out / path.stem}/); rename one of them"))
        return list(kept.values())

    def build(self, plans: list[Plan]) -> None:
        """Load the out-of-date briefs, render their documents and commit them, reporting in brief order."""
        reporter = OrderedReporter(self, plans)
        tasks: list[Task] = []
        for plan in plans:
            tasks += self.prepare(plan, reporter)
        pending = {plan.path: sum(1 for t in tasks if t.brief.path == plan.path) for plan in plans}
        for plan in plans:
            if not pending[plan.path]:
                reporter.finish(plan)
        done = 0

        def on_done(task: Task, result: TaskResult) -> None:
            nonlocal done
            done += 1
            plan = next(p for p in plans if p.path == task.brief.path)
            reporter.add(plan, self.commit(plan, result))
            self.console.progress(done, len(tasks), f"{plan.path.stem}/{task.output.name}")
            pending[plan.path] -= 1
            if not pending[plan.path]:
                reporter.finish(plan)

        if tasks:
            self.console.progress(0, len(tasks), "starting")
        run_tasks(tasks, self.request.jobs, on_done)
        self.console.clear_progress()

    def prepare(self, plan: Plan, reporter: OrderedReporter) -> list[Task]:
        """Load an out-of-date brief and make its tasks; a brief with problems gets none."""
        if not plan.reasons:
            return []
        from compiler.content import load_brief
        from compiler.reproducible import date_epoch

        try:
            brief = load_brief(plan.path)
            check_glyphs(brief)
        except BriefError as error:
            self.failed.add(plan.path)
            reporter.add(plan, [("problem", p) for p in error.problems])
            return []
        except OSError as error:
            self.failed.add(plan.path)
            reporter.add(plan, [("problem", file_problem(plan.path, f"cannot read: {error.strerror}"))])
            return []
        self.refresh_depends(plan, brief)
        options = self.request.options
        if options.source_date_epoch is None:
            options = replace(options, source_date_epoch=date_epoch(brief.data["brief"]["date"]))
        reporter.add(plan, self.describe_reasons(plan))
        # PDFs first: the longest tasks start first, so the workers finish together.
        return [Task(brief, output, options) for output in sorted(plan.stale, key=lambda o: o.format != "pdf")]

    def refresh_depends(self, plan: Plan, brief: Brief) -> None:
        """Re-hash the source text the brief names now (it may differ from the one recorded)."""
        source = (brief.data.get("source") or {}).get("text")
        plan.manifest.brief = plan.path.as_posix()
        plan.manifest.source = source
        for output in plan.outputs:
            plan.depends[output.name] = self.fingerprint.depends(
                plan.path, recorded_source(plan.path, source), plan.manifest, output)

    def describe_reasons(self, plan: Plan) -> list[tuple[str, object]]:
        """`-v` lines: why each output is rebuilt."""
        if not self.request.verbose:
            return []
        return [("line", f"{output.target}: {', '.join(plan.reasons[output.name])}")
                for output in plan.stale]

    def commit(self, plan: Plan, result: TaskResult) -> list[tuple[str, object]]:
        """Move a written file into place (or beside the output, if the user edited that one)."""
        events: list[tuple[str, object]] = [
            ("warning", file_problem(plan.path, warning)) for warning in result.warnings]
        events += [("problem", problem) for problem in result.problems]
        if result.problems:
            self.failed.add(plan.path)
        if result.written is None:
            return events
        output = result.written.output
        if output.name in plan.edited and not self.request.overwrite_edited:
            target = edited_copy_path(output.target)
            events.append(("problem", self.conflict(output)))
        else:
            target = output.target
            self.record(plan, result.written)
            # A copy offered beside an edited file is out of date once the output itself is replaced.
            edited_copy_path(target).unlink(missing_ok=True)
        move_into_place(result.written.temporary, target)
        self.written += 1
        events.append(("wrote", target.name))
        return events

    def record(self, plan: Plan, written: Written) -> None:
        """Enter a file about to be moved into place in its folder's manifest, and save that."""
        name = written.output.name
        previous = plan.manifest.outputs.get(name)
        record = record_output(written.temporary, plan.depends[name], written.sha256)
        record.replaced = previous.sha256 if previous else None
        plan.manifest.outputs[name] = record
        plan.manifest.fonts = dict(self.fingerprint.font_cache)
        # Manifest first: if the build dies before the move, the next one sees the old file as
        # "interrupted" (it matches `replaced`), never as a file the user edited.
        write_manifest(plan.folder, plan.manifest)

    def conflict(self, output: Output) -> Problem:
        """The problem reported for an output the user edited since the last build."""
        self.conflicts += 1
        copy = edited_copy_path(output.target)
        return file_problem(output.target, f"{output.target} was edited since the last build; wrote "
                            f"{copy.name} beside it; pass --overwrite-edited to replace it")

    def report_check(self, plans: list[Plan]) -> int:
        """`--check`: list what is out of date and why; write nothing."""
        stale = 0
        for plan in plans:
            for output in plan.stale:
                stale += 1
                reasons = ", ".join(plan.reasons[output.name])
                if output.name in plan.edited:
                    reasons += f"; edited since the last build (a build would write " \
                               f"{edited_copy_path(output.target).name})"
                self.console.problem(file_problem(output.target, f"out of date: {reasons}"))
        if stale:
            self.console.line(f"{stale} of {sum(len(p.outputs) for p in plans)} outputs out of date")
            return 1
        self.console.line(f"up to date: {len(plans)} brief{'s' if len(plans) != 1 else ''}")
        return 0

    def report_summary(self, plans: list[Plan]) -> int:
        """The last line of a build, and its exit status."""
        current = sum(1 for plan in plans if not plan.reasons)
        parts = [f"wrote {self.written} file{'s' if self.written != 1 else ''}"]
        if current:
            parts.append(f"{current} brief{'s' if current != 1 else ''} up to date")
        if self.failed:
            parts.append(f"{len(self.failed)} brief{'s' if len(self.failed) != 1 else ''} failed")
        if self.conflicts:
            parts.append(f"{self.conflicts} edited file{'s' if self.conflicts != 1 else ''} kept")
        self.console.line("; ".join(parts))
        return 1 if self.failed or self.conflicts else 0


class OrderedReporter:
    """Prints each brief's lines once it and every brief before it are finished: a stable order."""

    def __init__(self, builder: Builder, plans: list[Plan]) -> None:
        self.builder = builder
        self.order = [plan.path for plan in plans]
        self.events: dict[Path, list[tuple[str, object]]] = {path: [] for path in self.order}
        self.finished: set[Path] = set()
        self.next = 0

    def add(self, plan: Plan, events: list[tuple[str, object]]) -> None:
        self.events[plan.path] += events

    def finish(self, plan: Plan) -> None:
        self.finished.add(plan.path)
        while self.next < len(self.order) and self.order[self.next] in self.finished:
            self.flush(self.order[self.next])
            self.next += 1

    def flush(self, path: Path) -> None:
        console = self.builder.console
        events = self.events.pop(path)
        wrote = [name for kind, name in events if kind == "wrote"]
        for kind, payload in events:
            if kind == "line":
                console.line(payload)
        # Tasks finish in any order; problems print sorted, so the output is the same every run.
        for level in ("problem", "warning"):
            for problem in sorted(payload for kind, payload in events if kind == level):
                console.problem(problem, "error" if level == "problem" else "warning")
        if wrote:
            folder = self.builder.request.out / path.stem
            console.line(f"{folder}: wrote {', '.join(order_outputs(wrote))}")
        elif self.builder.request.verbose and path not in self.builder.failed and not events:
            console.line(f"{self.builder.request.out / path.stem}: up to date")


def order_outputs(names: list[str]) -> list[str]:
    """Output names in document-type order (memo, slides, factsheet), then by format."""
    rank = {doctype.name: index for index, doctype in enumerate(DOCUMENT_TYPES)}
    return sorted(names, key=lambda name: (rank.get(name.split(".")[0], len(rank)), name))


def request_from_args(args: argparse.Namespace) -> BuildRequest:
    """The build the `briefing build` command line asks for."""
    from compiler.cli import find_briefs
    from compiler.reproducible import environment_epoch

    formats = getattr(args, "format", None) or FORMATS
    options = BuildOptions(
        paper=getattr(args, "paper", None),
        pdf_variant=getattr(args, "pdf_variant", None),
        reference_docx=getattr(args, "reference_docx", None),
        source_date_epoch=environment_epoch(),
    )
    return BuildRequest(
        briefs=find_briefs(args.briefs), out=args.out,
        formats=tuple(formats.split(",")) if isinstance(formats, str) else tuple(formats),
        options=options, jobs=args.jobs or default_jobs(), force=args.force, check=args.check,
        overwrite_edited=args.overwrite_edited, verbose=args.verbose, shard=args.shard,
        error_format=args.error_format)


def build(request: BuildRequest, console: Console | None = None) -> int:
    """Run a build (or a `--check`) and return its exit status: 0 all good, 1 something failed."""
    return Builder(request, console or Console(request.error_format)).run()


def default_jobs() -> int:
    """One worker per CPU."""
    return os.cpu_count() or 1
