"""`briefing build`: checks each brief, writes its PDFs, reports one line per brief, fails only the bad ones."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from compiler.cli import main
from compiler.content import load_brief
from tests.render.reading import CASES, SCO_BRIEF, page_sizes_mm, pdf_text, small_brief

DOCUMENTS = ("memo", "slides", "factsheet")


def build(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["build", "-j", "1", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sco_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, str, Path]:
    out = tmp_path_factory.mktemp("build")
    folder = tmp_path_factory.mktemp("briefs")
    broken = write_yaml(folder / "broken.yaml", small_brief(claims=[{"id": "Bad Id", "kind": "fact", "text": "x"}]))
    # A module-scoped fixture cannot use capsys; capture by hand.
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = main(["build", "-j", "1", str(SCO_BRIEF), str(broken), "--out", str(out)])
    return status, stdout.getvalue(), stderr.getvalue(), out


def test_a_good_brief_builds_its_three_pdfs(sco_build: tuple[int, str, str, Path]) -> None:
    _, out_text, _, out = sco_build
    for name in DOCUMENTS:
        path = out / "sco-2012" / f"{name}.pdf"
        assert path.is_file() and PdfReader(path).pages
    assert re.search(r"sco-2012: wrote .*memo\.pdf.*slides\.pdf.*factsheet\.pdf", out_text)


def test_a_brief_with_errors_builds_nothing_and_fails_the_build(sco_build: tuple[int, str, str, Path]) -> None:
    status, _, err_text, out = sco_build
    assert status == 1
    assert re.search(r"broken\.yaml:\d+:\d+: claims\[0\]\.id: ", err_text)
    assert not list((out / "broken").glob("*.pdf"))


def test_paper_and_pdf_variant_options(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = build(capsys, str(CASES / "minimal" / "brief.yaml"), "--out", str(tmp_path),
                           "--paper", "letter", "--pdf-variant", "pdf/a-3b")
    assert status == 0, err
    memo = tmp_path / "brief" / "memo.pdf"
    assert page_sizes_mm(memo)[0] == pytest.approx((215.9, 279.4), abs=0.5)
    assert b"pdfaid" in PdfReader(memo).xmp_metadata.stream.get_data()


@pytest.mark.parametrize("formats", ["docx", "pdf", "pdf,docx"])
def test_what_a_document_leaves_out_is_said_once_whichever_formats_are_built(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, formats: str) -> None:
    brief = CASES / "elsewhere-large" / "brief.yaml"
    status, _, err = build(capsys, str(brief), "--out", str(tmp_path), "--format", formats)

    assert status == 0
    line, column = load_brief(brief).location("figures")
    warning = (f"{brief}:{line}:{column}: warning: figures: factsheet shows the first 8 of 10 figures (its "
               "limit); put the most important first, or choose them in brief.factsheet.figures")
    assert err.splitlines().count(warning) == 1


def test_unknown_paper_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["build", "--paper", "a5"])
    assert exit_.value.code == 2 and "invalid choice: 'a5'" in capsys.readouterr().err


def test_an_uncovered_character_fails_before_anything_is_written(capsys: pytest.CaptureFixture[str],
                                                                 tmp_path: Path) -> None:
    brief = write_yaml(tmp_path / "grin.yaml", small_brief(summary="Fine text \U0001F600."))
    status, _, err = build(capsys, str(brief), "--out", str(tmp_path / "out"))
    assert status == 1
    assert re.search(r"grin\.yaml:\d+:\d+: summary: character U\+1F600 \(GRINNING FACE\) is not covered by "
                     r"the document fonts", err)
    assert err.count("U+1F600") == 1
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_a_brief_that_fails_in_one_document_keeps_all_six_last_good_files(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from compiler.diagnostics import RenderError
    from compiler.writers import docx as docx_writer

    brief = write_yaml(tmp_path / "keep.yaml", small_brief())
    out = tmp_path / "out"
    assert build(capsys, str(brief), "--out", str(out))[0] == 0
    names = sorted(f"{doc}.{suffix}" for doc in DOCUMENTS for suffix in ("pdf", "docx"))
    good = {name: (out / "keep" / name).read_bytes() for name in names}
    write_yaml(brief, small_brief(claims=[{"id": "changed", "kind": "fact", "text": "A changed claim."}]))
    real_write = docx_writer.write

    def break_the_slides(document, target, options):  # the one document whose Word file cannot be made
        if document.doctype.name == "slides":
            raise RenderError("slides: the Word outline could not be written")
        return real_write(document, target, options)

    monkeypatch.setattr(docx_writer, "write", break_the_slides)
    status, out_text, err = build(capsys, str(brief), "--out", str(out))

    assert status == 1
    assert f"{brief}:1:1: slides: the Word outline could not be written" in err.splitlines()
    assert {name: (out / "keep" / name).read_bytes() for name in names} == good
    assert "A changed claim" not in pdf_text(out / "keep" / "memo.pdf")
    assert f"{out / 'keep'}: wrote nothing; its files from the last good build are unchanged" in out_text
    assert not [p for p in (out / "keep").iterdir() if p.name.endswith(".tmp")]

    monkeypatch.setattr(docx_writer, "write", real_write)
    assert build(capsys, str(brief), "--out", str(out))[0] == 0
    assert all((out / "keep" / name).read_bytes() != good[name] for name in names)
    assert "A changed claim" in pdf_text(out / "keep" / "memo.pdf")
