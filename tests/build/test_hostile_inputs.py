"""Inputs that turn hostile after a good build, and the terminal the build prints to.

| case | outcome |
| --- | --- |
| the source text replaced by a FIFO, or by a link to /dev/zero | `build` and `build --check`: one line, exit 1, no hang (never opened) |
| the source text a hard link to a file outside the brief's folder | refused like a symbolic link leading out |
| the brief or source unreadable (as a user without permission) | one line, exit 1, no traceback |
| a brief named with a newline, `::error file=...::`, ESC and OSC sequences | every printed name escaped: no workflow command, no terminal sequence |
| stdout `/dev/full`, or a pipe closed before the build prints | one line on stderr (none for the pipe), exit 1, no traceback |
| the disk full while saving the manifest | one line per output, the last good outputs kept, no temporary file left |
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from buildkit import Engine, run_build, snapshot, write_brief

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
HANG_SECONDS = 30
CASE = ROOT / "tests" / "hostile" / "source-escapes"  # a brief with a source text beside it


def stand_in(*arguments: str) -> subprocess.CompletedProcess[str]:
    """A build with the stand-in renderer and writers, and the real brief loader, in a child process."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "STAND_IN_REAL_LOADER": "1"}
    return subprocess.run([sys.executable, str(HERE / "stand_in_build.py"), *arguments], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=HANG_SECONDS)


def good_build(tmp_path: Path) -> tuple[Path, Path]:
    """The source-escapes case copied and built (it checks: its one quote is not found, so made found)."""
    folder = tmp_path / "case"
    shutil.copytree(CASE, folder)
    brief = folder / "brief.yaml"
    source = (folder / "source.txt").read_text()
    brief.write_text(brief.read_text().replace("The members signed RED a declarations", source.split()[0]))
    out = tmp_path / "build"
    done = stand_in(str(brief), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return brief, out


@pytest.mark.parametrize("replacement", ["fifo", "link to /dev/zero"])
def test_a_source_replaced_after_a_good_build_is_never_opened(tmp_path: Path, replacement: str) -> None:
    brief, out = good_build(tmp_path)
    source = brief.parent / "source.txt"
    source.unlink()
    os.mkfifo(source) if replacement == "fifo" else source.symlink_to("/dev/zero")

    built = stand_in(str(brief), "--out", str(out))
    checked = stand_in(str(brief), "--out", str(out), "--check")

    why = ("is not a regular file; name a plain text file" if replacement == "fifo" else
           f"is outside the brief's folder; put it in {brief.parent}/ or a folder below it")
    assert built.returncode == 1
    assert built.stderr.splitlines() == [f"{brief}:7:9: source.text: source text source.txt {why}"]
    assert checked.returncode == 1
    assert checked.stderr.splitlines()[0] == f"{out / 'brief' / 'memo.pdf'}:1:1: out of date: source text changed"


def test_a_hard_link_out_of_the_brief_folder_is_refused(tmp_path: Path) -> None:
    from compiler.content import check_brief

    folder = tmp_path / "case"
    shutil.copytree(CASE, folder)
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the brief's folder")
    (folder / "source.txt").unlink()
    os.link(secret, folder / "source.txt")

    _, problems = check_brief(folder / "brief.yaml")

    assert [str(problem) for problem in problems] == [
        f"{folder / 'brief.yaml'}:7:9: source.text: source text source.txt has other hard links, which may lead "
        "outside the brief's folder; make it a file of its own (copy it)"]


# Root reads any file whatever its mode: the build runs as root without the two capabilities that let
# it (setpriv), so that the checkout it runs from, readable by its owner only, stays readable.
WITHOUT_READ_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
                         "--inh-caps=-dac_override,-dac_read_search"]


@pytest.mark.parametrize("unreadable", ["brief.yaml", "source.txt"])
def test_an_unreadable_brief_or_source_is_one_line(tmp_path: Path, unreadable: str) -> None:
    shutil.copytree(CASE, tmp_path / "case")
    (tmp_path / "case" / unreadable).chmod(0)
    as_owner_only = WITHOUT_READ_OVERRIDE if os.geteuid() == 0 else []
    if as_owner_only and not shutil.which("setpriv"):
        pytest.skip("root reads anything, and setpriv is not here to take that away")
    brief = tmp_path / "case" / "brief.yaml"

    done = subprocess.run([*as_owner_only, sys.executable, "-m", "compiler", "build", str(brief), "--out",
                           str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True, timeout=HANG_SECONDS)

    expected = (f"{brief}:1:1: cannot read the file: Permission denied" if unreadable == "brief.yaml" else
                f"{brief}:7:9: source.text: cannot read the source text source.txt: Permission denied")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [expected]


HOSTILE_NAME = "memo\n::error file=x.yaml,line=1::injected\x1b]0;pwned\x07\x1b[2J"


def test_every_printed_name_is_escaped(tmp_path: Path, engine: Engine) -> None:
    brief = write_brief(tmp_path, "alpha").rename(tmp_path / f"{HOSTILE_NAME}.yaml")

    run = run_build([brief], tmp_path / "build", verbose=True)
    github = run_build([brief], tmp_path / "build", force=True, error_format="github", verbose=True)

    for printed in (run.out, run.err, github.out, github.err):
        assert "\x1b" not in printed and "\x07" not in printed
        assert not any(line.startswith("::error file=x.yaml") for line in printed.splitlines())
    escaped = "memo\\u000a::error file=x.yaml,line=1::injected\\u001b]0;pwned\\u0007\\u001b[2J"
    assert f"{tmp_path / 'build' / escaped}: wrote memo.docx" in run.out
    assert f"{tmp_path / 'build' / escaped / 'memo.pdf'}: not built before" in run.out


def test_check_escapes_the_names_it_prints(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    shutil.copytree(CASE, folder)
    brief = folder / f"{HOSTILE_NAME}.yaml"
    (folder / "brief.yaml").rename(brief)

    done = subprocess.run([sys.executable, "-m", "compiler", "check", str(brief)], cwd=ROOT, capture_output=True,
                          text=True, timeout=HANG_SECONDS)

    assert "\x1b" not in done.stdout + done.stderr
    assert all(not line.startswith("::") for line in (done.stdout + done.stderr).splitlines())
    assert len(done.stdout.splitlines()) == 1


def test_a_full_stdout_is_one_line(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, "alpha")
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, str(HERE / "stand_in_build.py"), str(brief), "--out",
                               str(tmp_path / "build")], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=HANG_SECONDS)
    assert done.returncode == 1
    assert done.stderr.splitlines() == ["briefing: cannot write to standard output: No space left on device"]


def test_a_closed_stdout_is_no_traceback(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, "alpha")
    read_end, write_end = os.pipe()
    os.close(read_end)
    done = subprocess.run([sys.executable, str(HERE / "stand_in_build.py"), str(brief), "--out", str(tmp_path / "b")],
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=write_end,
                          stderr=subprocess.PIPE, text=True, timeout=HANG_SECONDS)
    os.close(write_end)
    assert done.returncode == 1
    assert done.stderr == ""


def test_a_full_disk_while_saving_the_manifest_is_one_line_and_keeps_the_outputs(
        tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    import compiler.build

    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    run_build([brief], out)
    before = snapshot(out)

    def disk_full(folder: Path, manifest: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(folder / ".manifest.json"))

    monkeypatch.setattr(compiler.build, "write_manifest", disk_full)
    write_brief(tmp_path, "alpha", claim="A changed claim.")
    run = run_build([brief], out)

    assert run.status == 1
    assert sorted(run.err.splitlines()) == sorted(
        f"{brief}:1:1: {name}: cannot write: {out / 'alpha' / '.manifest.json'}: No space left on device"
        for name in ("memo.pdf", "memo.docx", "slides.pdf", "slides.docx", "slides.pptx", "factsheet.pdf",
                     "factsheet.docx"))
    assert snapshot(out) == before
