"""Building briefs: what is out of date and why, rendering in worker processes, writing outputs safely."""

from __future__ import annotations

import gc
import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compiler.console import Console, OrderedReport, Progress
from compiler.diagnostics import BriefError, ExpectedError, Problem, plural
from compiler.doctypes import DOCUMENT_TYPES, DocumentType
from compiler.document import BuildOptions, RenderedDocument
from compiler.manifest import (MANIFEST_NAME, Dependencies, Manifest, OutputRecord, change_reasons,
                               read_manifest, record_output, write_manifest)
from compiler.measures import Readings, read_measures, reusing, write_measures
from compiler.outputs import (check_output_folder, edited_copy_path, file_kind, folder_lock, forget_locks,
                              hash_bytes, hash_file, move_into_place, remove_temporaries, temporary_path)
from compiler.writers import default_formats, format_named, write_order, writer

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from compiler.content.model import Brief

PR_SET_PDEATHSIG = 1  # linux/prctl.h
YOUNG_COLLECTION_THRESHOLD = 10_000  # allocations between collections of the youngest objects (Python: 700)


@dataclass(frozen=True)
class BuildRequest:
    """Everything a build is asked to do, as the command line gave it."""

    briefs: list[Path]
    out: Path = Path("build")
    formats: tuple[str, ...] | None = None  # names of declared formats; None: the default ones
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
    """One brief's outputs, what each depends on, which are out of date (and why), what was written."""

    path: Path
    folder: Path
    manifest: Manifest
    outputs: list[Output]
    depends: dict[str, dict[str, str]]
    reasons: dict[str, list[str]] = field(default_factory=dict)  # only out-of-date outputs
    edited: dict[str, str] = field(default_factory=dict)         # output name -> "edited" | "unproven"
    blocked: list[Problem] = field(default_factory=list)         # outputs that cannot be written at all
    wrote: list[str] = field(default_factory=list)
    outputs_left: int = 0
    finished: list[TaskResult] = field(default_factory=list)  # held until the brief's last task is done
    measures: dict[str, dict[str, Any]] = field(default_factory=dict)  # kept for the next build, by document
    measures_changed: bool = False

    @property
    def stale(self) -> list[Output]:
        return [output for output in self.outputs if output.name in self.reasons]


@dataclass(frozen=True)
class Task:
    """Work for one process: write `outputs` of one document of one brief, rendering it unless given.

    A document is rendered once for all its formats: rendering can take a layout of its own (the
    slides are measured). The first task writes the slowest format (one that lays the document out,
    `writers.write_order`); the other formats (`later`) follow in a task of their own with the rendered
    document, which any worker can take, so they do not wait behind the slow one.
    """

    brief: Brief
    outputs: tuple[Output, ...]
    options: BuildOptions
    later: tuple[Output, ...] = ()
    document: RenderedDocument | None = None
    readings: Readings | None = None  # the planner's measurements kept from the last build

    @property
    def doctype(self) -> DocumentType:
        return self.outputs[0].doctype

    def follow_up(self, document: RenderedDocument) -> Task | None:
        """The task that writes the `later` outputs from the document this one rendered."""
        return Task(self.brief, self.later, self.options, document=document) if self.later else None


@dataclass
class TaskDone:
    """A finished task: one result per output it wrote, and the document, if another task needs it."""

    results: dict[Output, TaskResult]
    document: RenderedDocument | None = None
    measures: dict[str, Any] | None = None  # the measurements rendering used, to keep for the next build


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
    warnings: list[str | Problem] = field(default_factory=list)  # a Problem: a warning with its place
    problems: list[Problem] = field(default_factory=list)


def file_problem(path: Path, message: str) -> Problem:
    """A problem about a whole file (no line of its own)."""
    return Problem(str(path), 1, 1, "", message)


# Planning: what is out of date, and why ------------------------------------------------------------

def select_shard(paths: Iterable[Path], shard: tuple[int, int] | None) -> list[Path]:
    """The briefs of one share: chosen by a hash of each brief's name, so adding one moves no other."""
    if shard is None:
        return list(paths)
    index, count = shard
    return [path for path in paths
            if int(hashlib.sha256(path.stem.encode()).hexdigest(), 16) % count == index - 1]


def plan_outputs(folder: Path, formats: tuple[str, ...] | None) -> list[Output]:
    """Every output of one brief, in a stable order: by document type, then format (each type's own)."""
    declared = [format_named(name) for name in formats or default_formats()]
    return [Output(doctype, declaration.name, folder / f"{doctype.name}{declaration.suffix}")
            for doctype in DOCUMENT_TYPES for declaration in declared if doctype.has_format(declaration)]


def recorded_source(brief_path: Path, recorded: str | None) -> Path | None:
    """The source text a brief names (as recorded: relative to the brief file), if it lies in the
    brief's folder: a manifest is no more trusted than a brief to make the build read a file elsewhere."""
    if not recorded or "\0" in recorded or Path(recorded).is_absolute():
        return None
    folder = brief_path.parent.resolve()
    source = (folder / recorded).resolve()
    return source if source.is_relative_to(folder) else None


def file_state(output: Output, record: OutputRecord | None, offered: OutputRecord | None = None) -> str:
    """What is at an output's path, judged by content (never size and time):

    `missing`; `blocked` (a folder, link, pipe or device: never opened, never replaced); `ours` (as the
    manifest records it, or its fingerprint proves it: compiler/fingerprint.py); `adopted` (the copy last offered
    beside an edited file, moved into place); `interrupted` (the file before a move that never happened);
    `edited` (recorded, and changed since); `unproven` (no record, no fingerprint: kept like an edit).
    """
    kind = file_kind(output.target)
    if kind == "missing":
        return "missing"
    if kind != "a file":
        return "blocked"
    digest = hash_file(output.target, follow_links=False)
    if record is not None and digest == record.sha256:
        return "ours"
    if offered is not None and digest == offered.sha256:
        return "adopted"
    if record is not None and digest == record.replaced:
        return "interrupted"
    fingerprint = format_named(output.format).fingerprint
    if fingerprint is not None and fingerprint.proves(output.target):
        return "ours"
    return "edited" if record is not None else "unproven"


def presumed_state(output: Output, record: OutputRecord | None, offered: OutputRecord | None = None) -> str:
    """What is at an output's path as far as a glance tells, without reading it: `missing`, `blocked`,
    or `ours` (presumed: a first look that only counts the work ahead; `file_state` judges)."""
    kind = file_kind(output.target)
    return "missing" if kind == "missing" else "ours" if kind == "a file" else "blocked"


def outdated_reasons(record: OutputRecord | None, depends: dict[str, str], state: str,
                     force: bool) -> list[str]:
    """Why an output must be rebuilt; empty when it is up to date."""
    if record is None:
        return ["not built before"]
    if state == "missing":
        return ["output missing"]
    reasons = change_reasons(record.depends, depends)
    if state == "interrupted":
        reasons.append("the last build was interrupted")
    return reasons or (["forced"] if force else [])


def plan_brief(path: Path, request: BuildRequest, dependencies: Dependencies,
               judge: Callable[..., str] = file_state) -> Plan:
    """Decide which of a brief's outputs are out of date, from its folder's manifest (no YAML read),
    judging what is at each output's path with `judge`."""
    folder = request.out / path.stem
    outputs = plan_outputs(folder, request.formats)
    try:
        check_output_folder(request.out, folder)
    except OSError as error:
        return Plan(path, folder, Manifest(), outputs, {}, blocked=[file_problem(path, describe_os_error(error))])
    manifest = read_manifest(folder)
    source = recorded_source(path, manifest.source)
    plan = Plan(path, folder, manifest, outputs, {
        output.name: dependencies.of_output(path, source, manifest, output.format) for output in outputs})
    for output in outputs:
        record = manifest.outputs.get(output.name)
        state = judge(output, record, manifest.offered.get(output.name))
        if state == "adopted":
            manifest.outputs[output.name] = record = manifest.offered.pop(output.name)
        elif state == "blocked":
            plan.blocked.append(file_problem(path, f"{output.target} is {file_kind(output.target)}, where the "
                                             f"build writes {output.name}; move it away"))
            continue
        elif state in ("edited", "unproven"):
            plan.edited[output.name] = state
        reasons = outdated_reasons(record, plan.depends[output.name], state, request.force)
        if reasons:
            plan.reasons[output.name] = reasons
    return plan


# Tasks: rendering and writing, in this process or a worker -----------------------------------------

def describe_os_error(error: OSError) -> str:
    """`build/x/memo.pdf: Read-only file system`: an operating-system error as the end of a problem line."""
    where = f"{error.filename}: " if error.filename else ""
    return f"{where}{error.strerror or error}"


def describe_failure(brief: Brief, step: str, error: Exception) -> list[Problem]:
    """Problems for an exception raised while rendering or writing `step` (never a traceback)."""
    if isinstance(error, BriefError):
        return error.problems
    if isinstance(error, ExpectedError):
        return [file_problem(brief.path, str(error))]
    if isinstance(error, OSError):
        return [file_problem(brief.path, f"{step}: cannot write: {describe_os_error(error)}")]
    return [file_problem(brief.path, f"{step}: {type(error).__name__}: {error}")]


def write_output(document: RenderedDocument, output: Output,
                 options: BuildOptions) -> tuple[Written, list[str]]:
    """Write one format to a temporary file beside the target; remove it if writing fails."""
    declaration = format_named(output.format)
    temporary = temporary_path(output.target)
    try:
        result = writer(output.format).write(document, temporary, options)
        if declaration.normalise is not None:
            declaration.normalise(temporary, options.source_date_epoch)
        if declaration.fingerprint is not None:
            declaration.fingerprint.stamp(temporary)
        written = Written(output, temporary, hash_file(temporary))
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return written, list(result.warnings)


def run_task(task: Task) -> TaskDone:
    """Render one document (unless the task has it) and write the task's outputs (in a worker).

    A document planned from measurements kept from an earlier build that then fails is planned
    again from a fresh layout: a kept reading saves work, it never decides that a brief fails.
    """
    kept = task.readings or Readings("")
    readings = replace(kept, used={}, measured=0)
    done = render_and_write(task, readings)
    if readings.reused and any(result.problems for result in done.results.values()):
        done = render_and_write(task, Readings(kept.salt))
    return done


def render_and_write(task: Task, readings: Readings) -> TaskDone:
    """Render the task's document (unless it has it), planning it with `readings`, and write its outputs."""
    from compiler.bounds import check_html_size, render_bounds
    from compiler.render import render_html

    document = task.document
    rendered_here = document is None
    if document is None:
        try:
            with render_bounds(task.doctype.name), reusing(readings):
                document = render_html(task.brief, task.doctype, task.options)
                check_html_size(document.html, task.doctype.name)
        except Exception as error:  # reported as a problem of the brief; the other briefs still build
            return TaskDone({output: TaskResult(problems=describe_failure(task.brief, output.name, error))
                             for output in (*task.outputs, *task.later)})
    results = {output: write_result(document, output, task.options) for output in task.outputs}
    if rendered_here:  # what the document leaves out is said once, whichever formats are written
        results[task.outputs[0]].warnings[:0] = document.warnings
    return TaskDone(results, document if task.later else None, readings.used if rendered_here else None)


def write_result(document: RenderedDocument, output: Output, options: BuildOptions) -> TaskResult:
    """Write one output of a rendered document: what was written, or the problems that stopped it."""
    from compiler.bounds import render_bounds

    try:
        with render_bounds(output.name):
            written, warnings = write_output(document, output, options)
    except Exception as error:
        return TaskResult(problems=describe_failure(document.brief, output.name, error))
    return TaskResult(written, [warning if isinstance(warning, Problem) else f"{output.name}: {warning}"
                                for warning in warnings])


def longest_first(tasks: list[Task]) -> list[Task]:
    """Tasks in the order to start them: documents with the most pages allowed first (no bound: first)."""
    def pages(task: Task) -> float:
        budget = task.doctype.max_pages
        return float("inf") if budget is None else budget

    return sorted(tasks, key=pages, reverse=True)


def preload_engines(formats: Iterable[str]) -> None:
    """Before forking the workers: import the renderer, layout engine and writers, and set up once here
    what each worker would set up again for itself (fonts, templates; a writer module's `warm_up`)."""
    from compiler import layout, render

    layout.load_font_faces()  # the slide planner lays out with them, whatever the formats
    render.compile_templates()
    for format_name in sorted(formats):
        warm_up = getattr(writer(format_name), "warm_up", None)
        if warm_up is not None:
            warm_up()
    # What the workers inherit is never garbage: left out of their collections, which would otherwise
    # walk all of it (a tenth of a document's time) and copy the pages it touches. What was frozen for
    # earlier workers (a worn pool, a preview's last build) may be garbage by now: collected first. Left
    # frozen when the build ends: a process about to exit would only pay for walking it once more.
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    gc.freeze()


class Workers:
    """Where tasks run, a few at a time: in this process (one job), or in forked worker processes.

    At most `window` tasks are in flight (two a worker: one running, one waiting, so no worker idles
    while the build hands it the next), so the build loads a brief only when the workers need work,
    and holds no more briefs and documents than are being worked on, however many briefs there are.
    Workers are replaced by fresh forks after RECYCLE_AFTER tasks: what a long-lived worker's memory
    grows by (the libraries' own allocations, fragmentation) then never adds up with the number of briefs.
    """

    # Tasks a pool of workers runs before fresh forks replace it: about 200 small briefs. Collected after
    # each task (`run_in_worker`), a worker grew 2 MiB over 1,500 tasks; renewing costs the forks and a
    # moment while the worn pool's last tasks finish (forking waits for its threads): renewed every 60
    # tasks, 500 briefs took 13 % longer to build than with no renewal at all.
    RECYCLE_AFTER = 1200

    def __init__(self, jobs: int, formats: Iterable[str] | None) -> None:
        self.jobs = jobs
        self.window = 2 * jobs if jobs > 1 else 1
        self.formats = set(formats or default_formats())
        self.pool: ProcessPoolExecutor | None = None
        self.pool_tasks = 0  # tasks given to the current pool
        self.running: dict[Future, Task] = {}
        self.queued: list[Task] = []  # in this process: the task to run next

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type | None, *exception: object) -> None:
        if self.pool is None:
            return
        if kind is not None:  # interrupted or terminated: the workers' results would go nowhere
            self.stop_workers()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def stop_workers(self) -> None:
        """Kill the worker processes now (what Python 3.14's `terminate_workers` does)."""
        for process in list((getattr(self.pool, "_processes", None) or {}).values()):
            process.kill()

    @property
    def in_flight(self) -> int:
        return len(self.running) + len(self.queued)

    def has_room(self) -> bool:
        """Whether to hand over another task now; not while a worn pool finishes its last tasks."""
        return self.in_flight < self.window and not (self.worn() and self.running)

    def worn(self) -> bool:
        return self.pool is not None and self.pool_tasks >= self.RECYCLE_AFTER

    def start(self, task: Task) -> None:
        """Hand a task over (when `has_room`)."""
        if self.jobs <= 1:
            self.queued.append(task)
            return
        from concurrent.futures.process import BrokenProcessPool

        if self.pool is None or self.worn():
            self.renew_pool()
        try:
            future = self.pool.submit(run_in_worker, task)
        except BrokenProcessPool:  # a worker died (killed, out of memory): its tasks failed, the rest go on
            self.renew_pool()
            future = self.pool.submit(run_in_worker, task)
        self.pool_tasks += 1
        self.running[future] = task

    def renew_pool(self) -> None:
        """Fresh workers, forked now, in place of the pool there was (after its last tasks are done)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        self.pool, self.pool_tasks = self.start_pool(), 0

    def start_pool(self) -> ProcessPoolExecutor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        preload_engines(self.formats)
        return ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"),
                                   initializer=start_worker, initargs=(os.getpid(),))

    def next_done(self) -> tuple[Task, TaskDone]:
        """Wait for a task to finish (in this process: run it) and return it with what it did."""
        if not self.running:
            task = self.queued.pop(0)
            return task, run_task(task)
        from concurrent.futures import FIRST_COMPLETED, wait

        finished, _ = wait(self.running, return_when=FIRST_COMPLETED)
        future = next(iter(finished))
        task = self.running.pop(future)
        return task, finished_task(task, future)


def run_in_worker(task: Task) -> TaskDone:
    """Run a task in a worker, then collect the garbage it left: a laid-out document is thousands of
    objects in cycles, which the collector's own schedule would let pile up over several tasks (a
    worker's peak then depends on when its full collections fall, 90 to 117 MiB; collected after each
    task it stays near 90). Cheap here: what the worker inherited is frozen, so it walks only its own."""
    try:
        return run_task(task)
    finally:
        gc.collect()


def start_worker(build_process: int) -> None:
    """In a new worker: die with the build (even one killed with SIGKILL), hold none of its locks."""
    die_with_parent()
    if os.getppid() != build_process:  # the build died before we could ask
        os._exit(1)
    forget_locks()


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (prctl PR_SET_PDEATHSIG); elsewhere, nothing."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def finished_task(task: Task, future: Future) -> TaskDone:
    """What a worker's task came back with; problems for each of its outputs if the worker died."""
    try:
        return future.result()
    except Exception as error:  # the worker died (killed, out of memory)
        return TaskDone({output: TaskResult(problems=[file_problem(
            task.brief.path, f"{output.name}: worker process failed: {error}")])
            for output in (*task.outputs, *task.later)})


# The build ------------------------------------------------------------------------------------------

@dataclass
class Outlook:
    """What a first look at the briefs expects a build to do: which briefs have work, how many outputs."""

    briefs: set[Path]
    outputs: int


class FolderLocks:
    """The output folders a build holds: each locked as the build reaches its brief, let go once that
    brief is done, and all let go when the build ends however it ends."""

    def __init__(self, on_wait: Callable[[str], None]) -> None:
        self.on_wait = on_wait
        self.held: dict[Path, ExitStack] = {}

    def __enter__(self) -> FolderLocks:
        return self

    def __exit__(self, kind: type | None, *exception: object) -> None:
        for folder in list(self.held):
            if kind is not None:  # interrupted, its workers stopped: what they wrote is never moved in
                with suppress(OSError):  # else the next build removes them
                    remove_temporaries(folder)
            self.release(folder)

    def take(self, folder: Path) -> None:
        """Lock a folder, waiting (and saying for whom) while another build holds it."""
        held = ExitStack()
        held.enter_context(folder_lock(folder, self.on_wait))
        self.held[folder] = held

    def release(self, folder: Path) -> None:
        held = self.held.pop(folder, None)
        if held is not None:
            held.close()


class Builder:
    """One build: plans each brief as it reaches it, renders what is out of date, commits outputs and
    manifests, and keeps of a finished brief only what the last line counts."""

    def __init__(self, request: BuildRequest, console: Console) -> None:
        self.request = request
        self.console = console
        self.dependencies = Dependencies(request.options)
        self.failed: set[Path] = set()
        self.conflicts = 0
        self.files_written = 0
        self.up_to_date = 0
        self.report = OrderedReport(console, [])
        self.locks = FolderLocks(console.note)
        self.live: dict[Path, Plan] = {}  # briefs loaded and not yet finished

    def run(self) -> int:
        # Sorted by output folder: locks are taken in that order, so concurrent builds never deadlock.
        ordered = sorted(set(self.request.briefs), key=lambda path: (path.stem, path))
        briefs = select_shard(self.refuse_clashes(ordered), self.request.shard)
        if not self.prepare_formats():
            return 1
        if self.request.check:
            return self.report_check([plan_brief(p, self.request, self.dependencies) for p in briefs])
        with self.locks:
            self.build(briefs)
        return self.report_summary()

    def prepare_formats(self) -> bool:
        """Let each format read what its options name (the reference Word file), once, before anything
        is written: False, having said why once, if that cannot be used."""
        ready = True
        for name in self.request.formats or default_formats():
            prepare = format_named(name).prepare
            for problem, level in prepare(self.request.options) if prepare else []:
                self.console.problem(problem, level)
                ready = ready and level != "error"
        return ready

    def lock_and_plan(self, path: Path) -> Plan | None:
        """Lock a brief's output folder (saying so if another build holds it) and plan it; None if the
        folder cannot be used (a link, a file, unwritable), which fails the brief with one line."""
        folder = self.request.out / path.stem
        try:
            check_output_folder(self.request.out, folder)
            self.locks.take(folder)
            remove_temporaries(folder)
        except OSError as error:
            self.locks.release(folder)
            self.failed.add(path)
            why = f"cannot use the output folder: {describe_os_error(error)}"
            self.report.problem(path, file_problem(path, why))
            self.report.finish(path)
            return None
        return plan_brief(path, self.request, self.dependencies)

    def refuse_clashes(self, paths: list[Path]) -> list[Path]:
        """The briefs to build: one whose name makes no folder, or repeats another's (one folder), fails."""
        kept: dict[str, Path] = {}
        for path in paths:
            if path.stem in (".", ".."):  # "...yaml": out/.. would write beside the output folder
                self.failed.add(path)
                self.console.problem(file_problem(path, f"its name gives no output folder of its own "
                                                  f"({self.request.out / path.stem} is not inside "
                                                  f"{self.request.out}/); rename the file"))
                continue
            if path.stem not in kept:
                kept[path.stem] = path
                continue
            self.failed.add(path)
            self.console.problem(file_problem(path, f"writes to the same folder as {kept[path.stem]} "
                                              f"({self.request.out / path.stem}/); rename one of them"))
        return list(kept.values())

    def build(self, briefs: list[Path]) -> None:
        """Lock, plan and load the briefs in turn as the workers need work, render their documents and
        commit each brief's files when its last task is done, reporting in brief order."""
        self.report = OrderedReport(self.console, briefs)
        outlook = self.look_ahead(briefs)
        self.progress = Progress(self.console, len(outlook.briefs))
        # More workers than outputs to write, or than CPUs to run them, would only cost memory.
        jobs = min(self.request.jobs, usable_cpus(), outlook.outputs)
        self.progress.start()
        with Workers(jobs, self.request.formats) as workers:
            self.stream(self.plan_in_turn(briefs, outlook), workers)
        self.console.clear_progress()

    def look_ahead(self, briefs: list[Path]) -> Outlook:
        """A first look at every brief, for the progress total and the number of workers, each plan
        dropped as soon as it is counted: planned without the lock, each output judged by a glance
        (`presumed_state`). It differs from the plan made under the lock only for a file an interrupted
        build left, an offered copy moved into place, or a brief another build has built meanwhile;
        `plan_in_turn` corrects the total for those."""
        with_work, outputs = set(), 0
        for path in briefs:
            plan = plan_brief(path, self.request, self.dependencies, judge=presumed_state)
            outputs += len(plan.reasons)
            if has_work(plan):
                with_work.add(path)
        return Outlook(with_work, outputs)

    def plan_in_turn(self, briefs: list[Path], outlook: Outlook) -> Iterator[Plan]:
        """Each brief's plan, made under its folder's lock once the build reaches it (in brief order);
        the progress total corrected where the first look was wrong (or the folder cannot be used)."""
        for path in briefs:
            plan = self.lock_and_plan(path)
            found = plan is not None and has_work(plan)
            self.progress.recount(found - (path in outlook.briefs))
            if plan is not None:
                yield plan

    def stream(self, plans: Iterator[Plan], workers: Workers) -> None:
        """Keep the workers' window full: a document's later formats first (they finish a brief and
        free its rendered document), then the loaded briefs' other documents, then the next brief."""
        ready: deque[Task] = deque()
        while True:
            while workers.has_room() and (ready or self.load_next(plans, ready)):
                workers.start(ready.popleft())
            if not workers.in_flight:
                return
            task, done = workers.next_done()
            self.take_done(self.live[task.brief.path], task, done)
            follow_up = task.follow_up(done.document) if done.document else None
            if follow_up is not None:
                ready.appendleft(follow_up)

    def load_next(self, plans: Iterator[Plan], ready: deque[Task]) -> bool:
        """Load the next brief that has work and queue its tasks, longest document first; False when
        none is left. Briefs with nothing to do (up to date, or refused) are finished on the way."""
        for plan in plans:
            tasks = longest_first(self.prepare(plan))
            plan.outputs_left = sum(len(task.outputs) + len(task.later) for task in tasks)
            if tasks:
                self.live[plan.path] = plan
                ready.extend(tasks)
                return True
            self.close(plan)
        return False

    def take_done(self, plan: Plan, task: Task, done: TaskDone) -> None:
        """Report a finished task's outputs; commit the brief's files once its last output is done."""
        keep_measures(plan, task, done)
        for output, result in done.results.items():
            self.report_result(plan, output, result)
            plan.finished.append(result)
            plan.outputs_left -= 1
        if not plan.outputs_left:
            self.commit_all(plan)
            self.close(plan)

    def close(self, plan: Plan) -> None:
        """A brief is done: say so, count it, let go of its folder's lock and of its plan."""
        self.finish(plan)
        if has_work(plan):
            self.progress.brief_done()
        self.files_written += len(plan.wrote)
        self.up_to_date += not plan.reasons
        self.live.pop(plan.path, None)
        self.locks.release(plan.folder)

    def prepare(self, plan: Plan) -> list[Task]:
        """Load an out-of-date brief and make its tasks; a brief with problems gets none."""
        if plan.manifest.warning:
            self.report.problem(plan.path, file_problem(plan.folder / MANIFEST_NAME, plan.manifest.warning),
                                "warning")
        if plan.blocked:
            self.fail(plan, plan.blocked)
            return []
        if not plan.reasons:
            return []
        from compiler.content import load_brief
        from compiler.fonts import require_glyphs
        from compiler.reproducible import date_epoch

        try:
            brief = load_brief(plan.path)
            require_glyphs(brief)
        except BriefError as error:
            self.fail(plan, error.problems)
            return []
        except ExpectedError as error:  # the document fonts are missing
            self.fail(plan, [file_problem(plan.path, str(error))])
            return []
        except OSError as error:
            self.fail(plan, [file_problem(plan.path, f"cannot read: {error.strerror}")])
            return []
        self.refresh_depends(plan, brief)
        options = self.request.options
        if options.source_date_epoch is None:
            options = replace(options, source_date_epoch=date_epoch(brief.data["brief"]["date"]))
        if self.request.verbose:
            for output in plan.stale:
                self.report.line(plan.path, f"{output.target}: {', '.join(plan.reasons[output.name])}")
        # A document's slowest stale output starts its task; the others follow it.
        stale = sorted(plan.stale, key=lambda output: write_order(output.format))
        salt, plan.measures = measures_salt(plan), read_measures(plan.folder)
        return [Task(brief, outputs[:1], options, later=outputs[1:],
                     readings=Readings(salt, plan.measures.get(doctype.name, {}))) for doctype in DOCUMENT_TYPES
                if (outputs := tuple(output for output in stale if output.doctype == doctype))]

    def refresh_depends(self, plan: Plan, brief: Brief) -> None:
        """Re-hash the source text the brief names now (it may differ from the one recorded)."""
        source = (brief.data.get("source") or {}).get("text")
        plan.manifest.brief = plan.path.as_posix()
        plan.manifest.source = source
        for output in plan.outputs:
            plan.depends[output.name] = self.dependencies.of_output(
                plan.path, recorded_source(plan.path, source), plan.manifest, output.format)

    def fail(self, plan: Plan, problems: list[Problem], rank: int = 0) -> None:
        self.failed.add(plan.path)
        for problem in problems:
            self.report.problem(plan.path, problem, rank=rank)

    def report_result(self, plan: Plan, output: Output, result: TaskResult) -> None:
        """Report a finished output's warnings and problems, in document order whatever finished first."""
        rank = plan.outputs.index(output)
        for warning in result.warnings:
            located = warning if isinstance(warning, Problem) else file_problem(plan.path, warning)
            self.report.problem(plan.path, located, "warning", rank)
        if result.problems:
            self.fail(plan, result.problems, rank)

    def commit_all(self, plan: Plan) -> None:
        """A brief's files change together: all of them once every task succeeded, else none.

        A brief that failed anywhere (one document that would not lay out, one writer that broke)
        keeps its last good set as it was, so its folder never mixes old and new documents.
        """
        written = sorted((result.written for result in plan.finished if result.written is not None),
                         key=lambda file: plan.outputs.index(file.output))
        if plan.path in self.failed:
            for file in written:
                file.temporary.unlink(missing_ok=True)
            return
        for file in written:
            self.commit(plan, file)
        if plan.measures_changed:
            save_measures(plan)
        plan.measures = {}

    def commit(self, plan: Plan, written: Written) -> None:
        """Move a written file into place (or beside the output, if the user edited that one)."""
        output = written.output
        rank = plan.outputs.index(output)
        kept = output.name in plan.edited and not self.request.overwrite_edited
        target = edited_copy_path(output.target) if kept else output.target
        try:
            self.record(plan, written, kept)
            move_into_place(written.temporary, target)
            if not kept:
                # A copy offered beside an edited file is out of date once the output itself is replaced.
                edited_copy_path(target).unlink(missing_ok=True)
        except OSError as error:  # disk full, read-only: this output stays as it was
            written.temporary.unlink(missing_ok=True)
            self.fail(plan, [file_problem(plan.path, f"{output.name}: cannot write: {describe_os_error(error)}")],
                      rank)
            return
        if kept:
            self.report.problem(plan.path, self.conflict(output, plan.edited[output.name]), rank=rank)
        plan.wrote.append(target.name)

    def record(self, plan: Plan, written: Written, offered: bool) -> None:
        """Enter a file about to be moved into place (or offered beside an edited one) in its folder's
        manifest, and save that."""
        name = written.output.name
        record = record_output(plan.depends[name], written.sha256)
        if offered:
            plan.manifest.offered[name] = record
        else:
            previous = plan.manifest.outputs.get(name)
            record.replaced = previous.sha256 if previous else None
            plan.manifest.outputs[name] = record
            plan.manifest.offered.pop(name, None)
        plan.manifest.fonts = dict(self.dependencies.font_cache)
        # Manifest first: if the build dies before the move, the next one sees the old file as
        # "interrupted" (it matches `replaced`), never as a file the user edited.
        write_manifest(plan.folder, plan.manifest)

    def conflict(self, output: Output, state: str) -> Problem:
        """The problem reported for an output the user edited since the last build (or that no record
        shows the compiler wrote)."""
        self.conflicts += 1
        copy = edited_copy_path(output.target)
        fix = format_named(output.format).edited_advice.format(path=output.target)
        why = ("was edited since the last build" if state == "edited" else
               "is not a file the last recorded build wrote (no manifest entry, no fingerprint)")
        return file_problem(output.target, f"{output.target} {why}; wrote {copy.name} beside it; {fix}")

    def finish(self, plan: Plan) -> None:
        """A brief is done: its last line says what was written, that nothing was, or (with -v) that it was up to date."""
        if plan.wrote:
            closing = f"{plan.folder}: wrote {', '.join(order_outputs(plan.wrote))}"
        elif plan.path in self.failed and plan.finished:  # its documents were made, then all held back
            kept = "; its files from the last good build are unchanged" if plan.manifest.outputs else ""
            closing = f"{plan.folder}: wrote nothing{kept}"
        elif self.request.verbose and not plan.reasons:
            closing = f"{plan.folder}: up to date"
        else:
            closing = None
        self.report.finish(plan.path, closing)

    def report_check(self, plans: list[Plan]) -> int:
        """`--check`: list what is out of date and why; write nothing."""
        stale = 0
        for plan in plans:
            if plan.manifest.warning:
                self.console.problem(file_problem(plan.folder / MANIFEST_NAME, plan.manifest.warning), "warning")
            for problem in plan.blocked:
                stale += 1
                self.console.problem(problem)
            for output in plan.stale:
                stale += 1
                reasons = ", ".join(plan.reasons[output.name])
                if output.name in plan.edited:
                    reasons += (f"; {'edited since' if plan.edited[output.name] == 'edited' else 'not written by'}"
                                f" the last build (a build would write "
                                f"{edited_copy_path(output.target).name})")
                self.console.problem(file_problem(output.target, f"out of date: {reasons}"))
        if stale:
            self.console.line(f"{stale} of {plural(sum(len(p.outputs) for p in plans), 'output')} out of date")
            return 1
        self.console.line(f"up to date: {plural(len(plans), 'brief')}")
        return 0

    def report_summary(self) -> int:
        """The last line of a build, and its exit status."""
        parts = [f"wrote {plural(self.files_written, 'file')}"]
        if self.up_to_date:
            parts.append(f"{plural(self.up_to_date, 'brief')} up to date")
        if self.failed:
            parts.append(f"{plural(len(self.failed), 'brief')} failed")
        if self.conflicts:
            parts.append(f"{plural(self.conflicts, 'edited file')} kept")
        self.console.line("; ".join(parts))
        return 1 if self.failed or self.conflicts else 0


def has_work(plan: Plan) -> bool:
    """Whether a brief has outputs to build (one that cannot be written at all has none)."""
    return bool(plan.reasons) and not plan.blocked


def measures_salt(plan: Plan) -> str:
    """What besides its HTML decides a measuring layout: the templates, fonts and compiler (with WeasyPrint)."""
    depends = plan.depends[plan.outputs[0].name]
    return hash_bytes("\0".join(depends[key] for key in ("templates", "fonts", "compiler")).encode())


def keep_measures(plan: Plan, task: Task, done: TaskDone) -> None:
    """Hold the measurements a task's document was planned from, to save with the brief's files."""
    if done.measures is None or plan.measures.get(task.doctype.name, {}) == done.measures:
        return
    plan.measures_changed = True
    if done.measures:
        plan.measures[task.doctype.name] = done.measures
    else:
        plan.measures.pop(task.doctype.name, None)


def save_measures(plan: Plan) -> None:
    """Keep the measurements for the next build; failing to is only a cost, never a failed build."""
    try:
        write_measures(plan.folder, plan.measures)
    except OSError:
        pass


def order_outputs(names: list[str]) -> list[str]:
    """Output names in document-type order (memo, slides, factsheet), then by name."""
    rank = {doctype.name: index for index, doctype in enumerate(DOCUMENT_TYPES)}
    return sorted(names, key=lambda name: (rank.get(name.split(".")[0], len(rank)), name))


def usable_cpus() -> int:
    """The CPUs this process may run on (a CI container may have fewer than the machine)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class Terminated(BaseException):
    """SIGTERM (sent by `timeout`, or a cancelled CI job): stop like Ctrl-C, workers included."""


def raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


def build(request: BuildRequest, console: Console | None = None) -> int:
    """Run a build (or a `--check`) and return its exit status: 0 all good, 1 something failed."""
    import signal
    import threading

    console = console or Console(request.error_format)
    threshold = gc.get_threshold()
    # WeasyPrint makes millions of short-lived objects, few of them in cycles: collecting the youngest
    # generation every 10,000 allocations rather than 700 saves a twentieth of a build's CPU (workers
    # inherit it), for a few MiB more between collections.
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *threshold[1:])
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, raise_terminated) if in_main_thread else None
    try:
        return Builder(request, console).run()
    except (KeyboardInterrupt, Terminated) as stop:
        console.clear_progress()
        console.line("interrupted: every output is either as before or completely rebuilt")
        return 143 if isinstance(stop, Terminated) else 130
    finally:
        gc.set_threshold(*threshold)
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
