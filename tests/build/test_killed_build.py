"""A killed build: its workers die with it, and the next build neither hangs nor waits in silence.

| case | outcome |
| --- | --- |
| `kill -9` of the build while two workers render | the workers die at once; the next build runs, exit 0 |
| SIGTERM (`timeout`, a cancelled CI job) of the build while two workers render | the same; the build exits 143 |
| another build holds the folder | the waiting build says which process it waits for, on stderr, then runs |
| another build holds the second brief's folder | the first brief is built meanwhile; the second waits, then builds |
| the lock is held by a stray process that outlived its build | the waiting build says so, naming the ended build |
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from buildkit import write_brief
from compiler.outputs import folder_lock, is_temporary

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
STAND_IN = HERE / "stand_in_build.py"
# Far longer than any of these steps takes; past it the build has hung.
HANG_SECONDS = 30


def start_build(briefs: Path | list[Path], out: Path, delay: float = 0, jobs: int = 2) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "STAND_IN_DELAY": str(delay)}
    paths = [str(path) for path in (briefs if isinstance(briefs, list) else [briefs])]
    return subprocess.Popen([sys.executable, str(STAND_IN), *paths, "--out", str(out), "-j", str(jobs)],
                            cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's reaper may be slow to collect it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + HANG_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what} after {HANG_SECONDS} s"
        time.sleep(0.05)


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_a_killed_build_and_the_next_build_runs(tmp_path: Path, signum: int) -> None:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    build = start_build(brief, out, delay=HANG_SECONDS * 2)
    wait_for(lambda: len(children(build.pid)) >= 2, "two workers")
    workers = children(build.pid)
    time.sleep(0.5)  # into the render

    os.kill(build.pid, signum)
    status = build.wait(HANG_SECONDS)

    wait_for(lambda: not any(running(pid) for pid in workers), "the workers to die")
    assert status == (-signal.SIGKILL if signum == signal.SIGKILL else 143)
    assert not list((out / "alpha").glob("*.pdf"))
    after = start_build(brief, out)
    stdout, stderr = after.communicate(timeout=HANG_SECONDS)
    assert after.returncode == 0, stderr
    assert stdout.splitlines()[-1] == "wrote 7 files"


def test_a_build_stopped_after_writing_some_files_leaves_none_of_them_behind(tmp_path: Path) -> None:
    """SIGTERM once two of a brief's documents are written (into temporaries, moved in with the third):
    no outputs, and no temporary files left in the folder either."""
    brief = write_brief(tmp_path, "alpha")
    folder = tmp_path / "build" / "alpha"
    build = start_build(brief, tmp_path / "build", delay=HANG_SECONDS / 6)
    wait_for(lambda: folder.is_dir() and any(is_temporary(path) for path in folder.iterdir()), "a written file")

    os.kill(build.pid, signal.SIGTERM)

    assert build.wait(HANG_SECONDS) == 143
    assert [path.name for path in folder.iterdir() if not path.name.startswith(".")] == []
    assert [path.name for path in folder.iterdir() if is_temporary(path)] == []


def test_a_build_waiting_for_the_folder_says_for_whom(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    with folder_lock(out / "alpha"):
        build = start_build(brief, out, jobs=1)
        line = build.stderr.readline()
    stdout, _ = build.communicate(timeout=HANG_SECONDS)

    assert line == (f"{out / 'alpha'}: waiting for another build (process {os.getpid()}) to finish with "
                    "this folder\n")
    assert build.returncode == 0
    assert stdout.splitlines()[-1] == "wrote 7 files"


def test_a_build_waits_only_for_the_folder_another_build_holds(tmp_path: Path) -> None:
    briefs = [write_brief(tmp_path, name) for name in ("alpha", "beta")]
    out = tmp_path / "build"
    with folder_lock(out / "beta"):
        build = start_build(briefs, out, jobs=1)
        line = build.stderr.readline()
        built_meanwhile = sorted(path.name for path in (out / "alpha").glob("*.pdf"))
        waited = not (out / "beta" / "memo.pdf").exists()
    stdout, _ = build.communicate(timeout=HANG_SECONDS)

    assert line == f"{out / 'beta'}: waiting for another build (process {os.getpid()}) to finish with this folder\n"
    assert (built_meanwhile, waited) == (["factsheet.pdf", "memo.pdf", "slides.pdf"], True)
    assert build.returncode == 0
    assert stdout.splitlines()[-1] == "wrote 14 files"


def test_a_lock_kept_by_a_process_that_outlived_its_build_is_named_as_such(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    (out / "alpha").mkdir(parents=True)
    read_end, write_end = os.pipe()
    holder = os.fork()
    if holder == 0:  # as an old build would: take the lock, start a worker that inherits it, then die
        handle = os.open(out / "alpha" / ".lock", os.O_RDWR | os.O_CREAT)
        fcntl.flock(handle, fcntl.LOCK_EX)
        if os.fork() == 0:
            os.write(write_end, f"{os.getpid()}\n".encode())
            time.sleep(HANG_SECONDS)
        os._exit(0)
    os.waitpid(holder, 0)
    stray = int(os.read(read_end, 32))
    try:
        build = start_build(brief, out, jobs=1)
        line = build.stderr.readline()
    finally:
        os.kill(stray, signal.SIGKILL)
    build.communicate(timeout=HANG_SECONDS)

    assert line == (f"{out / 'alpha'}: waiting for a process left over from build {holder}, which has "
                    "ended (stop it, or wait) to finish with this folder\n")
    assert build.returncode == 0
