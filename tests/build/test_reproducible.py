"""Reproducible builds: the same inputs give the same bytes, whatever the time zone or process."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from datetime import timezone
from pathlib import Path

import docx
import pptx
import pytest
from pypdf import PdfReader

from buildkit import OUTPUTS, snapshot
from compiler.manifest import read_manifest
from compiler.reproducible import date_epoch, environment_epoch, normalise_package_bytes

MINIMAL = Path(__file__).resolve().parents[1] / "cases" / "minimal" / "brief.yaml"
RUNNER = Path(__file__).resolve().parent / "runner.py"
NOV_27_2026 = 1795737600  # midnight UTC of the minimal brief's date


def run_build(args: list[str], **environment: str) -> subprocess.CompletedProcess:
    """`briefing build ARGS` in a fresh process with the given environment variables."""
    env = {key: value for key, value in os.environ.items() if key not in ("SOURCE_DATE_EPOCH", "TZ")}
    return subprocess.run([sys.executable, str(RUNNER), *args], capture_output=True, text=True,
                          env={**env, **environment}, cwd=Path(__file__).resolve().parents[2])


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The minimal brief built twice: in UTC with SOURCE_DATE_EPOCH, and in Shanghai from its own date."""
    root = tmp_path_factory.mktemp("reproducible")
    brief = root / "tiny.yaml"
    brief.write_bytes(MINIMAL.read_bytes())
    utc = run_build(["--out", str(root / "utc"), "--jobs", "1", str(brief)],
                    TZ="UTC", SOURCE_DATE_EPOCH=str(NOV_27_2026))
    shanghai = run_build(["--out", str(root / "shanghai"), "--jobs", "2", str(brief)], TZ="Asia/Shanghai")
    assert (utc.returncode, shanghai.returncode) == (0, 0), utc.stderr + shanghai.stderr
    return root / "utc" / "tiny", root / "shanghai" / "tiny"


def test_two_time_zones_give_identical_pdf_and_docx(two_builds: tuple[Path, Path]) -> None:
    utc, shanghai = two_builds
    assert sorted(path.name for path in utc.iterdir() if not path.name.startswith(".")) == OUTPUTS
    for name in OUTPUTS:
        assert (utc / name).read_bytes() == (shanghai / name).read_bytes(), name


def test_word_files_carry_the_brief_date_not_the_build_time(two_builds: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(two_builds[1] / "memo.docx") as archive:
        assert {entry.date_time for entry in archive.infolist()} == {(2026, 11, 27, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert ">2026-11-27T00:00:00Z</dcterms:modified>" in core


def test_a_rebuild_with_nothing_changed_writes_nothing_and_loads_no_engine(two_builds: tuple[Path, Path]) -> None:
    folder = two_builds[1]
    before = snapshot(folder)

    noop = run_build(["--out", str(folder.parent), str(folder.parent.parent / "tiny.yaml")], TZ="Asia/Shanghai")

    assert noop.returncode == 0, noop.stderr
    assert noop.stdout.splitlines() == ["wrote 0 files; 1 brief up to date"]
    assert noop.stderr.splitlines() == ["heavy imports: none"]
    assert snapshot(folder) == before


def document_dates(folder: Path) -> dict[str, str]:
    """The creation date each output says, in UTC: PDF info and Word core properties."""
    dates = {}
    for name in OUTPUTS:
        if name.endswith(".pdf"):
            created = PdfReader(folder / name).metadata.creation_date
        elif name.endswith(".pptx"):
            created = pptx.Presentation(str(folder / name)).core_properties.created
        else:
            created = docx.Document(str(folder / name)).core_properties.created
        dates[name] = created.astimezone(timezone.utc).isoformat()
    return dates


def test_pdf_and_word_files_carry_the_same_date_by_one_rule(two_builds: tuple[Path, Path],
                                                             tmp_path: Path) -> None:
    brief_date = "2026-11-27T00:00:00+00:00"
    assert set(document_dates(two_builds[1]).values()) == {brief_date}  # no SOURCE_DATE_EPOCH
    brief = tmp_path / "tiny.yaml"
    brief.write_bytes(MINIMAL.read_bytes())
    epoch = run_build(["--out", str(tmp_path / "out"), str(brief)], SOURCE_DATE_EPOCH="1700000000")
    assert epoch.returncode == 0, epoch.stderr
    assert set(document_dates(tmp_path / "out" / "tiny").values()) == {"2023-11-14T22:13:20+00:00"}


def test_the_default_epoch_is_midnight_utc_of_the_brief_date() -> None:
    assert date_epoch("2026-11-27") == NOV_27_2026
    assert date_epoch("2026-11") == date_epoch("2026-11-01")
    assert environment_epoch({"SOURCE_DATE_EPOCH": "1700000000"}) == 1700000000
    assert environment_epoch({}) is None


def test_normalising_a_word_file_fixes_its_zip_times_and_core_dates() -> None:
    def word_file(when: tuple[int, ...], modified: str) -> bytes:
        data = io.BytesIO()
        with zipfile.ZipFile(data, "w") as archive:
            archive.writestr(zipfile.ZipInfo("[Content_Types].xml", when), "<Types/>")
            archive.writestr(zipfile.ZipInfo("docProps/core.xml", when),
                             f'<cp:coreProperties><dcterms:modified xsi:type="dcterms:W3CDTF">{modified}'
                             "</dcterms:modified></cp:coreProperties>")
        return data.getvalue()

    first = normalise_package_bytes(word_file((2024, 1, 2, 3, 4, 5), "2024-01-02T03:04:05Z"), NOV_27_2026)
    second = normalise_package_bytes(word_file((2025, 6, 7, 8, 9, 10), "2025-06-07T08:09:10Z"), NOV_27_2026)

    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert [entry.filename for entry in archive.infolist()] == ["[Content_Types].xml", "docProps/core.xml"]
        assert "2026-11-27T00:00:00Z" in archive.read("docProps/core.xml").decode()


def test_a_build_killed_mid_write_leaves_each_output_old_or_complete(two_builds: tuple[Path, Path]) -> None:
    root = two_builds[0].parent.parent
    folder = root / "killed" / "tiny"
    shutil.copytree(two_builds[0], folder)
    before = {name: (folder / name).read_bytes() for name in OUTPUTS}
    brief = root / "killed" / "tiny.yaml"
    brief.write_text(MINIMAL.read_text().replace("One claim.", "One revised claim."))
    command = [sys.executable, str(RUNNER), "--out", str(folder.parent), "--jobs", "1", str(brief)]

    build = subprocess.Popen(command, cwd=RUNNER.parents[2], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not any(path.name.endswith(".tmp") for path in folder.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.005)
    build.send_signal(signal.SIGKILL)
    assert build.wait() == -signal.SIGKILL, "the build ended before it could be killed mid-write"

    recorded = read_manifest(folder).outputs
    for name in OUTPUTS:  # each output is the old file or a complete new one the manifest knows
        data = (folder / name).read_bytes()
        assert data == before[name] or hashlib.sha256(data).hexdigest() == recorded[name].sha256, name
    rebuild = run_build(command[2:])
    check = run_build([*command[2:], "--check"])
    assert (rebuild.returncode, check.returncode) == (0, 0), rebuild.stderr + check.stderr
    assert not [path.name for path in folder.iterdir() if path.name.endswith(".tmp")]
    with zipfile.ZipFile(folder / "memo.docx") as word:
        assert "One revised claim." in word.read("word/document.xml").decode()
