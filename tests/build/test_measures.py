"""Measurements kept between builds: a rebuild lays each document out once, and a kept reading never
changes an output or fails a build.

| case | outcome |
| --- | --- |
| first build of the SCO brief | 5 layouts (3 documents + the deck's and the factsheet's measuring ones) |
| `--force` rebuild | 3 layouts, one per document; every output byte-identical |
| the brief changed | the deck and factsheet are measured again; the file holds only this build's readings |
| `.measures.json` garbage, of another shape, a folder, a FIFO | measured again, same bytes, no hang |
| readings forged to plan too much on a slide | the deck is planned again from a fresh layout, same bytes |
| templates changed (the salt) | nothing kept is found: measured again |
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import weasyprint

from buildkit import run_build
from compiler.measures import MEASURES_NAME

ROOT = Path(__file__).resolve().parents[2]
SCO = ROOT / "content" / "sco-2012.yaml"
DOCUMENTS = 3


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The page size of every layout WeasyPrint makes in this process (the build runs in-process)."""
    made: list[str] = []
    render = weasyprint.HTML.render

    def counted(self: weasyprint.HTML, *args: object, **kwargs: object) -> object:
        document = render(self, *args, **kwargs)
        made.append(f"{document.pages[0].width:.0f}x{document.pages[0].height:.0f}")
        return document

    monkeypatch.setattr(weasyprint.HTML, "render", counted)
    return made


@pytest.fixture
def brief(tmp_path: Path) -> Path:
    """A copy of the SCO brief with its source text, free to edit."""
    shutil.copytree(SCO.parent / "sources", tmp_path / "sources")
    copy = tmp_path / SCO.name
    copy.write_bytes(SCO.read_bytes())
    return copy


def outputs(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if not path.name.startswith(".")}


def build_once(brief: Path, out: Path, layouts: list[str]) -> int:
    """Build with --force in this process; the number of layouts it made."""
    layouts.clear()
    run = run_build([brief], out, force=True, formats=("pdf",))
    assert run.status == 0, run.err
    return len(layouts)


def test_a_rebuild_lays_each_document_out_once(brief: Path, tmp_path: Path, layouts: list[str]) -> None:
    out = tmp_path / "build"
    first = build_once(brief, out, layouts)
    built = outputs(out / brief.stem)
    again = build_once(brief, out, layouts)

    assert first == DOCUMENTS + 2
    assert again == DOCUMENTS
    assert outputs(out / brief.stem) == built


def test_a_changed_brief_is_measured_again_and_only_its_readings_are_kept(
        brief: Path, tmp_path: Path, layouts: list[str]) -> None:
    out = tmp_path / "build"
    build_once(brief, out, layouts)
    kept = json.loads((out / brief.stem / MEASURES_NAME).read_text())
    brief.write_text(brief.read_text().replace("bottom_line: >\n", "bottom_line: >\n    Changed.\n", 1))
    changed = build_once(brief, out, layouts)
    now = json.loads((out / brief.stem / MEASURES_NAME).read_text())

    assert changed == DOCUMENTS + 2
    assert {name: len(entries) for name, entries in now["documents"].items()} == \
        {name: len(entries) for name, entries in kept["documents"].items()}
    assert not set(now["documents"]["slides"]) & set(kept["documents"]["slides"])


@pytest.mark.parametrize("spoil", ["garbage", "shape", "folder", "fifo"])
def test_a_spoilt_readings_file_costs_a_layout_and_changes_nothing(
        brief: Path, tmp_path: Path, layouts: list[str], spoil: str) -> None:
    out = tmp_path / "build"
    build_once(brief, out, layouts)
    built = outputs(out / brief.stem)
    path = out / brief.stem / MEASURES_NAME
    path.unlink()
    if spoil == "garbage":
        path.write_bytes(b"\xff{not json")
    elif spoil == "shape":
        path.write_text(json.dumps({"format": 1, "documents": {"slides": {"0" * 64: [1, 2, 3]}}}))
    elif spoil == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)

    assert build_once(brief, out, layouts) == DOCUMENTS + 2
    assert outputs(out / brief.stem) == built


def test_forged_readings_never_make_a_slide_overflow(brief: Path, tmp_path: Path, layouts: list[str]) -> None:
    out = tmp_path / "build"
    build_once(brief, out, layouts)
    built = outputs(out / brief.stem)
    path = out / brief.stem / MEASURES_NAME
    data = json.loads(path.read_text())
    for reading in data["documents"]["slides"].values():  # every item a tenth of its height
        for slide in reading.values():
            for block in slide["blocks"]:
                block["bottom"] = block["top"] + (block["bottom"] - block["top"]) / 10
    path.write_text(json.dumps(data))

    made = build_once(brief, out, layouts)

    assert made > DOCUMENTS  # the forged plan was drawn, found to overflow, and planned again
    assert outputs(out / brief.stem) == built


def test_readings_made_with_other_templates_are_not_found(
        brief: Path, tmp_path: Path, layouts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import compiler.manifest

    out = tmp_path / "build"
    build_once(brief, out, layouts)
    monkeypatch.setattr(compiler.manifest, "hash_templates", lambda: "0" * 64)

    assert build_once(brief, out, layouts) == DOCUMENTS + 2
