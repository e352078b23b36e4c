"""The output folder: nothing written or deleted through a link, nothing opened that is not a regular file.

| case | outcome |
| --- | --- |
| `build/<brief>` a link to another folder (holding a `memo.pdf` and a `*.tmp`) | refused, one line; the other folder untouched |
| `build/<brief>/.lock` a dangling link | refused, one line; its target never created |
| `build/<brief>/memo.pdf` a folder, a link, or a FIFO | refused, one line naming it; no hang; the other briefs build |
| `--out` a file, or a dangling link | refused, one line (exit 2 on the command line) |
| the output folder read-only, everything up to date | exit 0 (no lock needed where nobody can write) |
| the output folder read-only, a brief changed | one line per output, exit 1, no traceback |
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from buildkit import Engine, run_build, snapshot, write_brief

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
HANG_SECONDS = 30


def test_a_brief_folder_that_is_a_link_is_refused_and_its_target_untouched(tmp_path: Path, engine: Engine) -> None:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "memo.pdf").write_text("an unrelated memo")
    (elsewhere / ".memo.pdf.x.tmp").write_text("someone's temporary file")
    out.mkdir()
    (out / "alpha").symlink_to(elsewhere)
    before = snapshot(elsewhere)

    run = run_build([brief], out)
    check = run_build([brief], out, check=True)

    assert run.status == 1
    assert run.err.splitlines() == [
        f"{brief}:1:1: cannot use the output folder: {out / 'alpha'}: is a symbolic link, not a folder: the "
        f"build writes only into real folders inside {out}/; remove it"]
    assert check.status == 1
    assert snapshot(elsewhere) == before


def test_a_dangling_lock_link_is_refused_and_never_created(tmp_path: Path, engine: Engine) -> None:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    (out / "alpha").mkdir(parents=True)
    (out / "alpha" / ".lock").symlink_to(tmp_path / "created-outside")

    run = run_build([brief], out)

    assert run.status == 1
    assert run.err.splitlines() == [
        f"{brief}:1:1: cannot use the output folder: {out / 'alpha' / '.lock'}: is a symbolic link; remove it"]
    assert not (tmp_path / "created-outside").exists()


@pytest.mark.parametrize("kind", ["folder", "link"])
def test_an_output_path_that_is_not_a_file_is_refused(tmp_path: Path, engine: Engine, kind: str) -> None:
    briefs = [write_brief(tmp_path, name) for name in ("alpha", "beta")]
    out = tmp_path / "build"
    target = out / "alpha" / "memo.pdf"
    target.parent.mkdir(parents=True)
    target.mkdir() if kind == "folder" else target.symlink_to("/etc/passwd")

    run = run_build(briefs, out)

    what = "a folder" if kind == "folder" else "a symbolic link"
    assert run.status == 1
    assert run.err.splitlines() == [
        f"{briefs[0]}:1:1: {target} is {what}, where the build writes memo.pdf; move it away"]
    assert "wrote 7 files; 1 brief failed" in run.out  # beta built


def test_an_output_path_that_is_a_pipe_is_refused_without_hanging(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    target = out / "alpha" / "memo.pdf"
    target.parent.mkdir(parents=True)
    os.mkfifo(target)

    run = subprocess.run([sys.executable, str(HERE / "stand_in_build.py"), str(brief), "--out", str(out)],
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                         timeout=HANG_SECONDS)

    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        f"{brief}:1:1: {target} is a pipe or a device, where the build writes memo.pdf; move it away"]


@pytest.mark.parametrize("kind", ["file", "dangling link"])
def test_an_out_folder_that_is_not_a_folder_is_refused(tmp_path: Path, kind: str) -> None:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    out.write_text("a file") if kind == "file" else out.symlink_to(tmp_path / "nowhere")

    run = subprocess.run([sys.executable, str(HERE / "stand_in_build.py"), str(brief), "--out", str(out)],
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                         timeout=HANG_SECONDS)

    what = "a file" if kind == "file" else "a symbolic link"
    assert run.returncode == 2
    assert run.stderr.splitlines()[-1] == (f"briefing build: error: argument --out: {out}: is {what}, not a "
                                           "folder; choose another --out")


@pytest.fixture
def read_only(tmp_path: Path):
    """A function making a folder read-only: a read-only file system when we are root (to whom folder
    permissions mean nothing), else the folder's permissions."""
    folder = tmp_path / "build"
    folder.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs",
                                                   str(folder)], capture_output=True).returncode == 0
    if os.geteuid() == 0 and not mounted:
        pytest.skip("cannot mount a file system here, and root ignores folder permissions")

    def make_read_only(path: Path) -> None:
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        else:
            path.chmod(0o555)

    yield make_read_only
    if mounted:
        subprocess.run(["umount", str(folder)], check=True)
    else:
        for path in folder.iterdir():
            path.chmod(0o755)


def test_a_read_only_output_folder(tmp_path: Path, engine: Engine, read_only) -> None:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    run_build([brief], out)
    read_only(out / "alpha")

    up_to_date = run_build([brief], out)
    write_brief(tmp_path, "alpha", claim="A changed claim.")
    changed = run_build([brief], out)

    assert up_to_date.status == 0, up_to_date.err
    assert changed.status == 1
    lines = changed.err.splitlines()
    assert len(lines) == 7 and all(line.startswith(f"{brief}:1:1: ") and ": cannot write: " in line
                                   for line in lines), changed.err
