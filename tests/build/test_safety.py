"""Nothing lost: failed builds keep the last good outputs, edited handouts survive, concurrent builds take turns."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

from buildkit import OUTPUTS, Engine, run_build, snapshot, write_brief
from compiler.build import Output, file_state
from compiler.doctypes import document_type
from compiler.manifest import read_manifest


def outputs_of(out: Path) -> dict[str, bytes]:
    """The content of every output file under `out` (the manifest and lock left out)."""
    return {name: data for name, (_, _, data) in snapshot(out).items()
            if not name.endswith((".manifest.json", ".lock"))}


def test_failure_mid_write_keeps_all_six_previous_outputs_and_leaves_no_temporary_files(
        tmp_path: Path, engine: Engine) -> None:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    run_build([brief], out)
    before = outputs_of(out)
    assert sorted(before) == [f"alpha/{name}" for name in OUTPUTS]

    write_brief(tmp_path, "alpha", claim="A changed claim.")
    engine.fail_on = ("slides.pdf",)
    run = run_build([brief], out)

    assert run.status == 1
    assert f"{brief}:1:1: slides.pdf: RuntimeError: disk on fire" in run.err.splitlines()
    # The five documents that did build are not written either: the folder keeps its last good set.
    assert outputs_of(out) == before
    assert not [name for name in snapshot(out) if name.endswith(".tmp")]
    assert "wrote 0 files; 1 brief failed" in run.out
    # Nothing was committed, so the whole set is still out of date, and the next build replaces it all.
    engine.fail_on = ()
    engine.written.clear()
    run = run_build([brief], out)
    assert run.status == 0
    assert sorted(engine.written) == [f"alpha/{name}" for name in OUTPUTS]
    assert all(data != before[name] for name, data in outputs_of(out).items())


def test_a_document_that_fails_to_render_leaves_the_last_good_set_as_it_was(
        tmp_path: Path, engine: Engine) -> None:
    briefs = [write_brief(tmp_path, "alpha"), write_brief(tmp_path, "beta")]
    out = tmp_path / "build"
    run_build(briefs, out)
    before = outputs_of(out)

    for brief in briefs:
        write_brief(tmp_path, brief.stem, claim="A changed claim.")
    engine.fail_render = ("factsheet",)
    engine.written.clear()
    run = run_build(briefs[:1], out)
    written = sorted(engine.written)
    engine.fail_render = ()
    other = run_build(briefs[1:], out)

    assert run.status == 1
    assert run.err.splitlines() == [f"{briefs[0]}:1:1: factsheet: cannot be laid out"]
    assert written == [f"alpha/{name}" for name in OUTPUTS if not name.startswith("factsheet")]
    after = outputs_of(out)
    assert {name: data for name, data in after.items() if name.startswith("alpha/")} == {
        name: data for name, data in before.items() if name.startswith("alpha/")}
    assert other.status == 0
    assert all(data != before[name] for name, data in after.items() if name.startswith("beta/"))


def test_an_edited_handout_survives_a_rebuild(tmp_path: Path, engine: Engine) -> None:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    run_build([brief], out)
    memo = out / "alpha" / "memo.docx"
    memo.write_bytes(b"my annotated copy")

    write_brief(tmp_path, "alpha", claim="A changed claim.")
    run = run_build([brief], out)

    assert run.status == 1
    assert memo.read_bytes() == b"my annotated copy"
    assert (out / "alpha" / "memo.new.docx").exists()
    assert (f"{memo}:1:1: {memo} was edited since the last build; wrote memo.new.docx beside it; "
            f"`briefing pull {memo}` takes the edits into the brief; `--overwrite-edited` discards them"
            ) in run.err.splitlines()
    assert "1 edited file kept" in run.out

    replaced = run_build([brief], out, overwrite_edited=True)

    assert replaced.status == 0, replaced.err
    with zipfile.ZipFile(memo) as word:
        assert "A changed claim." in word.read("word/document.xml").decode()
    assert not (out / "alpha" / "memo.new.docx").exists()


def test_an_edited_output_is_left_alone_when_nothing_changed(tmp_path: Path, engine: Engine) -> None:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    run_build([brief], out)
    (out / "alpha" / "memo.docx").write_bytes(b"my annotated copy")

    run = run_build([brief], out)

    assert run.status == 0
    assert (out / "alpha" / "memo.docx").read_bytes() == b"my annotated copy"


def test_a_move_that_never_happened_reads_as_interrupted_not_edited(tmp_path: Path, engine: Engine) -> None:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    run_build([brief], out)
    target = out / "alpha" / "memo.pdf"
    old = target.read_bytes()
    write_brief(tmp_path, "alpha", claim="A changed claim.")
    run_build([brief], out)
    target.write_bytes(old)  # as if killed after the manifest was written, before the file moved

    record = read_manifest(out / "alpha").outputs["memo.pdf"]
    assert file_state(Output(document_type("memo"), "pdf", target), record) == "interrupted"
    run = run_build([brief], out, verbose=True)
    assert run.status == 0, run.err
    assert f"{target}: the last build was interrupted" in run.out
    assert b"A changed claim." in target.read_bytes()


def test_two_builds_at_once_take_turns(tmp_path: Path, engine: Engine) -> None:
    briefs = [write_brief(tmp_path, name) for name in ("alpha", "beta")]
    out = tmp_path / "build"
    engine.delay = 0.05
    runs: list = []
    threads = [threading.Thread(target=lambda: runs.append(run_build(briefs, out))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [run.status for run in runs] == [0, 0]
    # Each document rendered once: the second build waited for the lock, then found all up to date.
    assert sorted(engine.written) == [f"{brief}/{name}" for brief in ("alpha", "beta") for name in OUTPUTS]
    assert sorted(read_manifest(out / "alpha").outputs) == OUTPUTS


def test_leftover_temporary_files_of_a_killed_build_are_removed(tmp_path: Path, engine: Engine) -> None:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    run_build([brief], out)
    leftover = out / "alpha" / ".memo.pdf.abc123.tmp"
    leftover.write_bytes(b"half a fi")

    run_build([brief], out)

    assert not leftover.exists()


def test_a_parallel_build_reports_in_brief_then_document_order(tmp_path: Path, engine: Engine) -> None:
    briefs = [write_brief(tmp_path, name) for name in ("charlie", "alpha", "beta")]
    engine.fail_on = ("factsheet.pdf", "memo.docx")  # PDFs start first, so factsheet.pdf fails first

    run = run_build(briefs, tmp_path / "build", jobs=2)

    assert run.status == 1
    assert run.err.splitlines() == [
        f"{tmp_path / name}.yaml:1:1: {output}: RuntimeError: disk on fire"
        for name in ("alpha", "beta", "charlie") for output in ("memo.docx", "factsheet.pdf")]
    assert [line.split(":")[0] for line in run.out.splitlines()[:-1]] == [
        str(tmp_path / "build" / name) for name in ("alpha", "beta", "charlie")]
