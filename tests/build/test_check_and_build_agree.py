"""One rule for `check` and `build`: what a build would refuse, check refuses first, in one line.

| case | outcome |
| --- | --- |
| `brief.date` 2108 or later (zip dates end in 2107) | checks and builds: Word files carry the date in their properties, zip entries 2107-12-31 |
| `SOURCE_DATE_EPOCH` huge, negative or not a number | `check` and `build`: one line, exit 2 |
| `BRIEFING_*` bounds `nan`, `inf`, `abc`, `-1`, `1e30` | `check` and `build`: one line, exit 2 |
| `--jobs 10000` | no more workers than CPUs (and than outputs to write) |
| no briefs found | `build` exits 1 with check's line |
"""

from __future__ import annotations

import concurrent.futures
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from buildkit import OUTPUTS, Engine, run_build, write_brief
from compiler.build import usable_cpus
from compiler.reproducible import date_epoch, normalise_package_bytes

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BRIEF = ROOT / "content" / "sco-2012.yaml"


def run_command(command: str, environment: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "compiler", command, *([str(BRIEF)] if cwd == ROOT else [])],
                          cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT), **environment},
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("value", ["abc", "99999999999999", "-5", "1.5"])
def test_a_bad_source_date_epoch_is_refused_by_both(tmp_path: Path, command: str, value: str) -> None:
    done = run_command(command, {"SOURCE_DATE_EPOCH": value})
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"briefing: SOURCE_DATE_EPOCH={value!r} is not a number of seconds since 1970 up to the year 9999 (e.g. "
        "315532800); set it to one, or unset it to date each brief by its brief.date"]


# Every bad value once, and each variable with two of them, through both commands.
BAD_BOUNDS = [("BRIEFING_RENDER_SECONDS", value) for value in ("nan", "inf", "abc", "-1", "1e30")] + [
    (variable, value) for variable in ("BRIEFING_MAX_HTML_MB", "BRIEFING_RENDER_MEMORY_MB") for value in ("nan", "abc")]


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize(("variable", "value"), BAD_BOUNDS)
def test_a_bad_bound_is_refused_by_both(command: str, variable: str, value: str) -> None:
    done = run_command(command, {variable: value})
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"briefing: {variable}={value!r} is not a number from 0 (no bound) to 1000000000; set one, or unset it "
        "for the default"]


def test_build_without_briefs_exits_like_check(tmp_path: Path) -> None:
    check, build = (run_command(command, {}, cwd=tmp_path) for command in ("check", "build"))
    assert (check.returncode, build.returncode) == (1, 1)
    assert check.stderr == build.stderr == "no brief files: name one, or put *.yaml files in content/\n"


def test_dates_past_2107_build_word_files() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("docProps/core.xml", "<dcterms:created>x</dcterms:created>")
    data = normalise_package_bytes(archive.getvalue(), date_epoch("2150-06-01"))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.read("docProps/core.xml") == b"<dcterms:created>2150-06-01T00:00:00Z</dcterms:created>"
        assert package.getinfo("docProps/core.xml").date_time == (2107, 12, 31, 23, 59, 58)


def test_a_brief_dated_2150_builds(tmp_path: Path, engine: Engine) -> None:
    brief = write_brief(tmp_path, "alpha")
    brief.write_text(brief.read_text().replace("date: 2026-11-27", "date: 2150-06-01"))
    run = run_build([brief], tmp_path / "build")
    assert run.status == 0, run.err


def test_jobs_are_capped_at_the_cpus(tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []

    class Recording(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, max_workers: int, **settings: object) -> None:
            started.append(max_workers)
            super().__init__(max_workers, **settings)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Recording)
    run = run_build([write_brief(tmp_path, "alpha")], tmp_path / "build", jobs=10_000)
    assert run.status == 0, run.err
    assert started == ([min(usable_cpus(), len(OUTPUTS))] if usable_cpus() > 1 else [])
