"""Batches that stream: briefs are loaded as the workers need work, each finished as soon as its last
document is written, and the build says how far it is.

| what | expected |
|---|---|
| 30 briefs, one job (in this process) | never more than 2 briefs alive in the build at once; each brief's files are committed before the next brief is loaded |
| 30 briefs, two workers | never more than 4 tasks in flight, nor more than 6 briefs alive in the build; the first brief is committed before the 8th is loaded |
| workers worn out every 10 tasks, 10 briefs | 6 pools of fresh workers in turn; every brief built |
| a worker's task that leaves garbage in cycles (as a laid-out document does) | collected before the worker takes the next |
| 30 briefs, one job or two workers, at each brief's load | the build holds no more plans, nor output folders locked, than briefs alive (1; 6); none at the end |
| a brief the first look finds up to date, but interrupted | progress counts it once planned: `1/1 briefs` |
| a brief another build builds before this one reaches it | progress stops counting it: `0/2 briefs`, then `1/1 briefs` |
| a brief whose folder's lock file is a dangling link | the same, and the brief fails |
| a terminal (a pty) | `0/3 briefs`, then `1/3 briefs · about 5 s left`... redrawn in place, cleared at the end |
| a log (not a terminal), or CI=true on a terminal | a plain `progress: 4/20 briefs, about 50 s left` line, at most every 10 s and each tenth of the build |
"""

from __future__ import annotations

import gc
import io
import os
import pty
import re
import weakref
from pathlib import Path

import pytest

import compiler.build
import compiler.content
from buildkit import Engine, fake_load_brief, run_build, write_brief
from compiler.build import Builder, BuildRequest, FolderLocks, Plan, Workers, build
from compiler.console import Console, describe_duration
from compiler.content.model import Brief
from compiler.manifest import read_manifest, write_manifest
from compiler.outputs import LOCK_NAME, hash_bytes, hash_file


def alive_briefs() -> int:
    """How many briefs this process holds (loaded, or copies carried back in rendered documents)."""
    gc.collect()
    return len({item.path for item in gc.get_objects() if isinstance(item, Brief)})


class Events:
    """What the build did, in order: `load name`, `commit name`; and the most briefs alive at a load."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.log: list[str] = []
        self.most_alive = 0
        self.most_in_flight = 0
        start, commit_all = Workers.start, Builder.commit_all

        def load(path: Path) -> Brief:
            self.most_alive = max(self.most_alive, alive_briefs() + 1)
            self.log.append(f"load {path.stem}")
            return fake_load_brief(path)

        def start_task(workers: Workers, task: compiler.build.Task) -> None:
            start(workers, task)
            self.most_in_flight = max(self.most_in_flight, workers.in_flight)

        def commit(builder: Builder, plan: compiler.build.Plan) -> None:
            commit_all(builder, plan)
            self.log.append(f"commit {plan.path.stem}")

        monkeypatch.setattr(compiler.content, "load_brief", load)
        monkeypatch.setattr(Workers, "start", start_task)
        monkeypatch.setattr(Builder, "commit_all", commit)

    def position(self, event: str) -> int:
        return self.log.index(event)


def many_briefs(folder: Path, count: int) -> list[Path]:
    return [write_brief(folder, f"brief-{number:02}") for number in range(1, count + 1)]


def build_with(console: Console, briefs: list[Path], out: Path, jobs: int = 1) -> int:
    return build(BuildRequest(briefs=briefs, out=out, jobs=jobs), console)


def test_one_job_holds_one_brief_at_a_time(tmp_path: Path, engine: Engine,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    events = Events(monkeypatch)
    briefs = many_briefs(tmp_path, 30)

    assert build_with(Console(out=io.StringIO(), err=io.StringIO()), briefs, tmp_path / "build") == 0

    assert events.log == [f"{step} {path.stem}" for path in briefs for step in ("load", "commit")]
    assert 1 <= events.most_alive <= 2
    assert events.most_in_flight == 1


def test_two_workers_keep_a_small_window_and_finish_briefs_early(tmp_path: Path, engine: Engine,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compiler.build, "usable_cpus", lambda: 2)
    events = Events(monkeypatch)
    briefs = many_briefs(tmp_path, 30)

    assert build_with(Console(out=io.StringIO(), err=io.StringIO()), briefs, tmp_path / "build", jobs=2) == 0

    assert sorted(event for event in events.log if event.startswith("commit")) == [
        f"commit {path.stem}" for path in briefs]
    assert events.most_in_flight == 4  # two a worker, and no more
    assert events.most_alive <= 6
    assert events.position("commit brief-01") < events.position("load brief-08")
    assert all((tmp_path / "build" / path.stem / "memo.docx").is_file() for path in briefs)


def test_worn_workers_are_replaced_and_every_brief_still_builds(tmp_path: Path, engine: Engine,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compiler.build, "usable_cpus", lambda: 2)
    monkeypatch.setattr(Workers, "RECYCLE_AFTER", 10)
    pools: list[object] = []
    start_pool = Workers.start_pool
    monkeypatch.setattr(Workers, "start_pool", lambda workers: pools.append(start_pool(workers)) or pools[-1])
    briefs = many_briefs(tmp_path, 10)
    garbage = cyclic_garbage()  # frozen with the first pool's inheritance, garbage all along
    try:
        run = build_with(Console(out=io.StringIO(), err=io.StringIO()), briefs, tmp_path / "build", jobs=2)
    finally:
        gc.enable()

    assert run == 0
    assert len(pools) == 6  # 10 briefs of 6 tasks, 10 tasks a pool
    assert garbage() is None  # collected before the next pool's inheritance was frozen
    assert all(sorted(path.name for path in (tmp_path / "build" / brief.stem).glob("*.*x"))
               == ["factsheet.docx", "memo.docx", "slides.docx", "slides.pptx"] for brief in briefs)


def live_plans() -> int:
    """How many briefs' plans this process holds."""
    gc.collect()
    return sum(1 for item in gc.get_objects() if isinstance(item, Plan))


def open_lock_files() -> int:
    """How many output folders' lock files this process has open."""
    opened = 0
    for descriptor in Path("/proc/self/fd").iterdir():
        try:
            opened += os.readlink(descriptor).endswith(f"/{LOCK_NAME}")
        except OSError:  # the descriptor listing the folder itself, closed meanwhile
            pass
    return opened


@pytest.mark.parametrize(("jobs", "most"), [(1, 1), (2, 6)])
def test_each_brief_is_planned_and_locked_only_once_the_build_reaches_it(
        tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch, jobs: int, most: int) -> None:
    monkeypatch.setattr(compiler.build, "usable_cpus", lambda: 2)
    held: list[tuple[int, int]] = []  # (plans, locks) as each brief is loaded

    def load(path: Path) -> Brief:
        held.append((live_plans(), open_lock_files()))
        return fake_load_brief(path)

    monkeypatch.setattr(compiler.content, "load_brief", load)
    briefs = many_briefs(tmp_path, 30)

    assert build_with(Console(out=io.StringIO(), err=io.StringIO()), briefs, tmp_path / "build", jobs=jobs) == 0

    assert len(held) == 30
    assert max(plans for plans, _ in held) <= most
    assert max(locks for _, locks in held) <= most
    assert (live_plans(), open_lock_files()) == (0, 0)


def test_a_brief_the_first_look_took_for_up_to_date_is_counted_once_planned(
        tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    briefs = many_briefs(tmp_path, 2)
    out = tmp_path / "build"
    run_build(briefs, out)
    folder = out / briefs[0].stem
    manifest = read_manifest(folder)
    # As a build killed between writing the manifest and moving the new memo.pdf into place leaves it.
    record = manifest.outputs["memo.pdf"]
    record.replaced, record.sha256 = hash_file(folder / "memo.pdf"), hash_bytes(b"the new memo")
    write_manifest(folder, manifest)

    status, shown = run_on_terminal(tmp_path, briefs)

    assert status == 0
    # No `0/0 briefs` to start with (the first look found nothing to do), and never `1/0`.
    assert progress_shown(shown) == ["1/1 briefs"]


def test_a_brief_another_build_finished_first_is_no_longer_counted(
        tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    briefs = many_briefs(tmp_path, 2)
    take = FolderLocks.take
    others: list[int] = []

    def take_after_another_build(locks: FolderLocks, folder: Path) -> None:
        if folder.name == briefs[0].stem and not others:  # another build gets there first (once)
            others.append(-1)
            others[0] = run_build(briefs[:1], folder.parent).status
        take(locks, folder)

    monkeypatch.setattr(FolderLocks, "take", take_after_another_build)

    status, shown = run_on_terminal(tmp_path, briefs)

    assert (status, others) == (0, [0])
    assert progress_shown(shown) == ["0/2 briefs", "1/1 briefs"]


def test_a_brief_whose_folder_cannot_be_used_is_no_longer_counted(
        tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    briefs = many_briefs(tmp_path, 2)
    folder = tmp_path / "build" / briefs[0].stem
    folder.mkdir(parents=True)
    (folder / LOCK_NAME).symlink_to(tmp_path / "nowhere")

    status, shown = run_on_terminal(tmp_path, briefs)

    assert status == 1
    assert f"{briefs[0]}:1:1: cannot use the output folder: {folder / LOCK_NAME}: is a symbolic link" in shown
    assert progress_shown(shown) == ["0/2 briefs", "1/1 briefs"]


def progress_shown(received: str) -> list[str]:
    """The progress lines a terminal was shown, in order."""
    return re.findall(r"\r\x1b\[K(\d+/\d+ briefs[^\r\n]*)", received)


class Cycle:
    """An object that refers to itself: only the garbage collector frees it."""


def cyclic_garbage() -> weakref.ref:
    """A weak reference to garbage that only a collection frees (automatic collection paused meanwhile)."""
    gc.collect()
    gc.disable()
    cycle = Cycle()
    cycle.itself = cycle
    return weakref.ref(cycle)


def test_a_worker_collects_the_garbage_each_task_leaves(monkeypatch: pytest.MonkeyPatch) -> None:
    left: list[weakref.ref] = []

    def leave_garbage(task: compiler.build.Task) -> compiler.build.TaskDone:
        left.append(cyclic_garbage())
        return compiler.build.TaskDone({})

    monkeypatch.setattr(compiler.build, "run_task", leave_garbage)
    try:
        compiler.build.run_in_worker(None)
    finally:
        gc.enable()

    assert left[0]() is None


class Clock:
    """A clock that moves `step` seconds each time it is read."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_a_log_gets_a_progress_line_now_and_then(tmp_path: Path, engine: Engine,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    stdout, stderr = io.StringIO(), io.StringIO()

    status = build_with(Console(out=stdout, err=stderr, clock=Clock(3)), many_briefs(tmp_path, 20),
                        tmp_path / "build")

    assert status == 0
    # 3 s a brief: a line once 10 s have passed and a further tenth of the briefs is done.
    assert stderr.getvalue().splitlines() == [
        "progress: 4/20 briefs, about 50 s left",
        "progress: 8/20 briefs, about 35 s left",
        "progress: 12/20 briefs, about 25 s left",
        "progress: 16/20 briefs, about 10 s left",
    ]
    assert len(stdout.getvalue().splitlines()) == 21  # a line for each brief, and the summary


def run_on_terminal(tmp_path: Path, briefs: list[Path]) -> tuple[int, str]:
    """Build with stderr on a pseudo-terminal; what the terminal received."""
    leader, follower = pty.openpty()
    terminal = os.fdopen(follower, "w", encoding="utf-8")
    try:
        status = build_with(Console(out=io.StringIO(), err=terminal, clock=Clock(5)), briefs,
                            tmp_path / "build")
    finally:
        terminal.close()
    received = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the terminal's other end is closed and everything is read
            break
        if not chunk:
            break
        received += chunk
    os.close(leader)
    return status, received.decode()


def test_a_terminal_shows_briefs_done_and_time_left_in_place(tmp_path: Path, engine: Engine,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)

    status, shown = run_on_terminal(tmp_path, many_briefs(tmp_path, 3))

    assert status == 0
    # Cleared before each result line (on stdout, which may be the same terminal), then drawn again.
    assert [text for text in re.findall(r"\r\x1b\[K([^\r]*)", shown) if text] == [
        "0/3 briefs", "1/3 briefs · about 10 s left", "2/3 briefs · about 5 s left", "3/3 briefs"]
    assert shown.endswith("3/3 briefs\r\x1b[K")
    assert "\n" not in shown


def test_ci_on_a_terminal_gets_plain_lines(tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")

    status, shown = run_on_terminal(tmp_path, many_briefs(tmp_path, 3))

    assert status == 0
    assert "\x1b" not in shown
    assert shown.splitlines() == ["progress: 2/3 briefs, about 5 s left"]


@pytest.mark.parametrize(("seconds", "said"), [
    (0.4, "5 s"), (42, "40 s"), (60, "1 min"), (100, "1 min 40 s"), (599, "10 min"), (725, "12 min")])
def test_durations_are_said_roughly(seconds: float, said: str) -> None:
    assert describe_duration(seconds) == said

