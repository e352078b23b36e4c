"""What is out of date: a second build writes nothing; a change rebuilds only what it touches, and says why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import compiler.manifest
from buildkit import OUTPUTS, Engine, run_build, snapshot, write_brief



def test_first_build_writes_every_output_and_a_manifest(tmp_path: Path, engine: Engine) -> None:
    brief = write_brief(tmp_path, "alpha")
    run = run_build([brief], tmp_path / "build")
    assert run.status == 0, run.err
    folder = tmp_path / "build" / "alpha"
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == OUTPUTS
    manifest = json.loads((folder / ".manifest.json").read_text())
    assert sorted(manifest["outputs"]) == OUTPUTS
    assert manifest["source"] == "sources/alpha.txt"
    assert (f"{folder}: wrote memo.docx, memo.pdf, slides.docx, slides.pdf, slides.pptx, factsheet.docx, "
            "factsheet.pdf") in run.out


def test_second_build_writes_nothing(tmp_path: Path, engine: Engine) -> None:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    run_build([brief], out)
    before = snapshot(out)
    engine.written.clear()

    run = run_build([brief], out, verbose=True)

    assert run.status == 0
    assert engine.written == []
    assert snapshot(out) == before  # same inodes, times and bytes, manifest included
    assert f"{out / 'alpha'}: up to date" in run.out
    assert "wrote 0 files; 1 brief up to date" in run.out


def test_changing_one_claim_rebuilds_only_that_brief(tmp_path: Path, engine: Engine) -> None:
    alpha, beta = write_brief(tmp_path, "alpha"), write_brief(tmp_path, "beta")
    out = tmp_path / "build"
    run_build([alpha, beta], out)
    beta_before = snapshot(out / "beta")
    engine.written.clear()

    write_brief(tmp_path, "alpha", claim="A changed claim.")
    run = run_build([alpha, beta], out, verbose=True)

    assert run.status == 0, run.err
    assert sorted(engine.written) == [f"alpha/{name}" for name in OUTPUTS]
    assert snapshot(out / "beta") == beta_before
    assert "A changed claim." in (out / "alpha" / "memo.pdf").read_text()
    assert f"{out / 'alpha' / 'memo.pdf'}: brief changed" in run.out


def test_changed_source_text_is_the_reason_given(tmp_path: Path, engine: Engine) -> None:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    run_build([brief], out)
    (tmp_path / "sources" / "alpha.txt").write_text("Revised source.\n")

    run = run_build([brief], out, verbose=True)

    assert f"{out / 'alpha' / 'factsheet.docx'}: source text changed" in run.out.splitlines()


@pytest.mark.parametrize("dependency, reason", [
    ("hash_templates", "templates changed"), ("hash_compiler", "compiler changed")])
def test_changed_shared_input_rebuilds_everything(tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch,
                                                  dependency: str, reason: str) -> None:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    run_build([brief], out)
    monkeypatch.setattr(compiler.manifest, dependency, lambda: "something else")

    run = run_build([brief], out, verbose=True)

    assert [line for line in run.out.splitlines() if line.endswith(reason)] == [
        f"{out / 'alpha' / name}: {reason}" for name in
        ["memo.pdf", "memo.docx", "slides.pdf", "slides.docx", "slides.pptx", "factsheet.pdf", "factsheet.docx"]]


def test_changed_options_rebuild_and_a_deleted_output_comes_back(tmp_path: Path, engine: Engine) -> None:
    from compiler.document import BuildOptions

    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    run_build([brief], out)
    (out / "alpha" / "slides.pdf").unlink()

    missing = run_build([brief], out, verbose=True)
    options = run_build([brief], out, verbose=True, options=BuildOptions(paper="letter"))

    assert f"{out / 'alpha' / 'slides.pdf'}: output missing" in missing.out
    assert "wrote slides.pdf\n" in missing.out
    assert f"{out / 'alpha' / 'memo.pdf'}: options changed" in options.out


def test_force_rebuilds_everything(tmp_path: Path, engine: Engine) -> None:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    run_build([brief], out)
    engine.written.clear()

    run = run_build([brief], out, force=True, verbose=True)

    assert sorted(engine.written) == [f"alpha/{name}" for name in OUTPUTS]
    assert f"{out / 'alpha' / 'memo.pdf'}: forced" in run.out


def test_only_the_requested_formats_are_built(tmp_path: Path, engine: Engine) -> None:
    brief = write_brief(tmp_path, "alpha")
    run = run_build([brief], tmp_path / "build", formats=("docx",))
    assert run.status == 0
    assert sorted(p.name for p in (tmp_path / "build" / "alpha").iterdir() if not p.name.startswith(".")) == [
        "factsheet.docx", "memo.docx", "slides.docx"]


def test_a_brief_with_problems_builds_nothing_and_the_others_still_build(tmp_path: Path, engine: Engine) -> None:
    good = write_brief(tmp_path, "good")
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nbrief: {title: x, date: 2026-01-01}\nsource: {text: none}\n")

    run = run_build([bad, good], tmp_path / "build")

    assert run.status == 1
    assert f"{bad}:1:1: claims: required key is missing; add at least one claim" in run.err.splitlines()
    assert (tmp_path / "build" / "good" / "memo.pdf").exists()
    assert not list((tmp_path / "build" / "bad").glob("*.pdf"))
    assert "1 brief failed" in run.out


def test_a_reference_docx_rebuilds_the_word_files_only(tmp_path: Path, engine: Engine) -> None:
    from compiler.document import BuildOptions

    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    reference = tmp_path / "house-style.docx"
    write_reference(reference, "version 1")
    run_build([brief], out)

    chosen = run_build([brief], out, verbose=True, options=BuildOptions(reference_docx=reference))
    write_reference(reference, "version 2")
    restyled = run_build([brief], out, verbose=True, options=BuildOptions(reference_docx=reference))

    assert f"{out / 'alpha'}: wrote memo.docx, slides.docx, factsheet.docx" in chosen.out
    assert f"{out / 'alpha' / 'memo.docx'}: reference docx changed, options changed" in chosen.out
    assert f"{out / 'alpha' / 'slides.docx'}: reference docx changed" in restyled.out
    assert ".pdf" not in restyled.out


def write_reference(path: Path, version: str) -> None:
    """Our reference Word file, its styles marked with a version (a real reference: the build reads it)."""
    import zipfile

    from compiler.writers.docx_reference import REFERENCE_DOCX

    with zipfile.ZipFile(REFERENCE_DOCX) as ours, zipfile.ZipFile(path, "w") as theirs:
        for name in ours.namelist():
            content = ours.read(name)
            theirs.writestr(name, content + f"<!-- {version} -->".encode() if name == "word/styles.xml" else content)
