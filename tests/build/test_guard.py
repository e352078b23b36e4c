"""The edited-file guard without a manifest to trust: content and fingerprints decide, never size and time.

| case | outcome |
| --- | --- |
| manifest deleted, truncated or of the wrong shape, a Word file edited | edit kept, `memo.new.docx` written, exit 1; a warning names the manifest |
| manifest deleted, nothing edited | every output proves itself: all rebuilt in place, exit 0 |
| an edit that keeps the file's size and time | noticed (content hash), edit kept |
| `mv memo.new.docx memo.docx` (or `.pdf`) after a kept edit | accepted as ours: up to date, `--check` passes |
| manifest `[]`, `null`, `42`, `outputs: []`, 100 000 levels deep, not UTF-8 | warning, build as without one, no traceback |
| manifest a link to /dev/zero, or 2 MiB long | warning, never read (in a child process: no hang) |
| manifest `source`: `/etc/shadow`, `../../etc/passwd` | never opened |
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from buildkit import OUTPUTS, Engine, run_build, write_brief
from compiler.manifest import MANIFEST_NAME, read_manifest
from compiler.writers import format_named

WRONG_SHAPES = {
    "list": "[]", "null": "null", "number": "42", "outputs-list": '{"format": 1, "outputs": []}',
    "record-list": '{"format": 1, "outputs": {"memo.pdf": []}}',
    "bad-hash": '{"format": 1, "outputs": {"memo.pdf": {"depends": {}, "sha256": 7}}}',
    "deep": "[" * 100_000 + "]" * 100_000, "truncated": '{"format": 1, "outp', "not-utf8": '{"\udcff": 1}',
}


def built(tmp_path: Path) -> tuple[Path, Path]:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    assert run_build([brief], out).status == 0
    return brief, out / "alpha"


def kept_message(folder: Path, name: str, why: str) -> str:
    target = folder / name
    copy = target.with_name(f"{target.stem}.new{target.suffix}")
    advice = format_named(target.suffix[1:]).edited_advice.format(path=target)
    return f"{target}:1:1: {target} {why}; wrote {copy.name} beside it; {advice}"


def text_of(output: Path) -> str:
    """What the stand-in writers put in an output (a Word file's is zipped)."""
    if output.suffix == ".docx":
        with zipfile.ZipFile(output) as word:
            return word.read("word/document.xml").decode()
    return output.read_text()


UNPROVEN = "is not a file the last recorded build wrote (no manifest entry, no fingerprint)"
EDITED = "was edited since the last build"


@pytest.mark.parametrize("damage", ["deleted", "truncated"])
def test_an_edit_survives_a_lost_manifest(tmp_path: Path, engine: Engine, damage: str) -> None:
    brief, folder = built(tmp_path)
    memo = folder / "memo.docx"
    memo.write_bytes(b"my annotated copy")
    manifest = folder / MANIFEST_NAME
    manifest.unlink() if damage == "deleted" else manifest.write_text(manifest.read_text()[:40])

    run = run_build([brief], folder.parent)

    assert run.status == 1
    assert memo.read_bytes() == b"my annotated copy"
    assert (folder / "memo.new.docx").exists()
    assert kept_message(folder, "memo.docx", UNPROVEN) in run.err.splitlines()
    # Everything else proved itself and was rebuilt in place.
    assert "wrote 7 files; 1 edited file kept" in run.out


def test_without_a_manifest_untouched_outputs_prove_themselves(tmp_path: Path, engine: Engine) -> None:
    brief, folder = built(tmp_path)
    (folder / MANIFEST_NAME).unlink()

    run = run_build([brief], folder.parent)

    assert run.status == 0, run.err
    assert not list(folder.glob("*.new.*"))
    assert sorted(read_manifest(folder).outputs) == OUTPUTS


def test_an_edit_keeping_size_and_time_is_noticed(tmp_path: Path, engine: Engine) -> None:
    brief, folder = built(tmp_path)
    memo = folder / "memo.pdf"
    status = memo.stat()
    data = memo.read_bytes()
    memo.write_bytes(data.replace(b"One claim.", b"One CLAIM."))
    os.utime(memo, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert (memo.stat().st_size, memo.stat().st_mtime_ns) == (status.st_size, status.st_mtime_ns)
    write_brief(tmp_path, "alpha", claim="A changed claim.")

    run = run_build([brief], folder.parent)

    assert run.status == 1
    assert b"One CLAIM." in memo.read_bytes()
    assert kept_message(folder, "memo.pdf", EDITED) in run.err.splitlines()


@pytest.mark.parametrize("name", ["memo.docx", "memo.pdf"])
def test_accepting_the_offered_copy_by_moving_it_into_place_is_accepted(
        tmp_path: Path, engine: Engine, name: str) -> None:
    brief, folder = built(tmp_path)
    target = folder / name
    target.write_bytes(b"my annotated copy")
    write_brief(tmp_path, "alpha", claim="A changed claim.")
    assert run_build([brief], folder.parent).status == 1
    offered = target.with_name(f"{target.stem}.new{target.suffix}")
    offered.rename(target)
    engine.written.clear()

    check = run_build([brief], folder.parent, check=True)
    run = run_build([brief], folder.parent)

    assert check.status == 0, check.err
    assert run.status == 0, run.err
    assert engine.written == []
    assert not list(folder.glob("*.new.*"))
    assert "A changed claim." in text_of(target)


@pytest.mark.parametrize("shape", WRONG_SHAPES)
def test_a_manifest_of_the_wrong_shape_reads_as_absent_with_a_warning(
        tmp_path: Path, engine: Engine, shape: str) -> None:
    brief, folder = built(tmp_path)
    (folder / "memo.docx").write_bytes(b"my annotated copy")
    (folder / MANIFEST_NAME).write_bytes(WRONG_SHAPES[shape].encode("utf-8", "surrogateescape"))

    first = run_build([brief], folder.parent)
    second = run_build([brief], folder.parent)

    manifest = folder / MANIFEST_NAME
    warning = [line for line in first.err.splitlines() if line.startswith(f"{manifest}:1:1: warning: ")]
    assert len(warning) == 1, first.err
    assert warning[0].endswith("treating it as absent")
    assert "Traceback" not in first.err + second.err
    assert (first.status, second.status) == (1, 1)  # the edit is kept, every time, until resolved
    assert (folder / "memo.docx").read_bytes() == b"my annotated copy"
    assert read_manifest(folder).warning is None  # the build wrote a good one


def test_a_manifest_that_is_a_link_or_huge_is_never_read(tmp_path: Path, engine: Engine) -> None:
    brief, folder = built(tmp_path)
    manifest = folder / MANIFEST_NAME
    manifest.unlink()
    manifest.symlink_to("/dev/zero")
    assert "symbolic link" in read_manifest(folder).warning
    manifest.unlink()
    manifest.write_bytes(b" " * (2 * 2**20))
    assert "larger than 1 MiB" in read_manifest(folder).warning


@pytest.mark.parametrize("source", ["/etc/shadow", "../../etc/passwd", "sources/../../../etc/passwd"])
def test_a_manifest_cannot_make_the_build_read_a_file_elsewhere(
        tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch, source: str) -> None:
    import compiler.manifest

    brief, folder = built(tmp_path)
    manifest = folder / MANIFEST_NAME
    data = json.loads(manifest.read_text())
    data["source"] = source
    manifest.write_text(json.dumps(data))
    opened: list[Path] = []
    hash_file = compiler.manifest.hash_file
    monkeypatch.setattr(compiler.manifest, "hash_file", lambda path: opened.append(path) or hash_file(path))

    run_build([brief], folder.parent, check=True)

    assert not [path for path in opened if "etc" in Path(path).parts]
