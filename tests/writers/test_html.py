"""`--format html`: three self-contained pages per brief, built, rebuilt and guarded like every output."""

from __future__ import annotations

import base64
import dataclasses
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from compiler.build import plan_outputs
from compiler.cli import main
from compiler.content import load_brief
from compiler.diagnostics import ExpectedError, RenderError
from compiler.doctypes import document_type
from compiler.document import BuildOptions
from compiler.fonts import FONT_FACES
from compiler.render import render_html
from compiler.writers import html as html_writer
from tests.render.reading import CASES, ROOT
from tests.writers.html_reading import active_or_outside, read_page

DOCUMENTS = ("memo", "slides", "factsheet")
MINIMAL = CASES / "minimal" / "brief.yaml"


def build(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["build", "-j", "1", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def minimal_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal brief built as HTML; its output folder."""
    out = tmp_path_factory.mktemp("html")
    assert main(["build", "-j", "1", str(MINIMAL), "--out", str(out), "--format", "html"]) == 0
    return out / "brief"


def embedded_fonts(css: str) -> list[TTFont]:
    """The fonts a page carries as data: URIs."""
    return [TTFont(io.BytesIO(base64.b64decode(data)))
            for data in re.findall(r'url\("data:font/woff;base64,([^"]+)"\)', css)]


def test_three_pages_that_load_and_run_nothing(minimal_pages: Path) -> None:
    assert sorted(path.name for path in minimal_pages.glob("*.html")) == [
        "factsheet.html", "memo.html", "slides.html"]
    for name in DOCUMENTS:
        page = read_page(minimal_pages / f"{name}.html")
        assert active_or_outside(page) == [], name
        policy = [meta["content"] for meta in page.tags("meta") if meta.get("http-equiv") ==
                  "Content-Security-Policy"]
        assert policy and policy[0].startswith("default-src 'none';"), name
        assert "@page { size:" in page.css, name  # printing keeps the paged layout
        assert "One claim." in page.text and "One sentence." in page.text, name


def test_the_fonts_are_inside_and_draw_every_character(minimal_pages: Path) -> None:
    page = read_page(minimal_pages / "memo.html")
    fonts = embedded_fonts(page.css)
    drawn = set().union(*(font.getBestCmap() for font in fonts))
    text = {ord(char) for char in page.text if not char.isspace()}

    assert len(fonts) == 8  # serif and sans, four styles each; no fallback face this brief needs
    assert text - drawn == set()
    declared = {face.family for face in FONT_FACES}
    assert {family for family in re.findall(r'font-family: "([^"]+)"; src', page.css)} \
        <= declared


def test_html_is_written_only_when_asked_for(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert [output.format for output in plan_outputs(tmp_path, None)] == \
        ["pdf", "docx", "pdf", "docx", "pptx", "pdf", "docx"]  # the deck also as PowerPoint
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    assert "from pdf,docx,pptx,html (default: pdf,docx,pptx)" in " ".join(capsys.readouterr().out.split())


def test_two_builds_give_the_same_bytes(minimal_pages: Path, tmp_path: Path) -> None:
    # Another process, another hash seed and time zone: nothing cached in this one can hide a difference.
    environment = dict(os.environ, PYTHONHASHSEED="7", TZ="Pacific/Auckland")
    subprocess.run([sys.executable, "-m", "compiler", "build", "-j", "1", str(MINIMAL), "--out",
                    str(tmp_path), "--format", "html"], check=True, cwd=ROOT, env=environment,
                   capture_output=True)
    for name in DOCUMENTS:
        assert (tmp_path / "brief" / f"{name}.html").read_bytes() == \
            (minimal_pages / f"{name}.html").read_bytes(), name


def test_source_date_epoch_dates_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert main(["build", "-j", "1", str(MINIMAL), "--out", str(tmp_path), "--format", "html"]) == 0
    page = read_page(tmp_path / "brief" / "memo.html")
    assert {meta["content"] for meta in page.tags("meta") if meta.get("name") == "dcterms.created"} == {
        "2023-11-14T22:13:20Z"}


def test_rebuilds_checks_and_edited_pages_follow_the_manifest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    brief = tmp_path / "brief.yaml"
    shutil.copy(MINIMAL, brief)
    out = tmp_path / "out"
    folder = out / "brief"
    args = (str(brief), "--out", str(out), "--format", "html")

    assert build(capsys, *args)[1].splitlines()[-1] == "wrote 3 files"
    assert build(capsys, *args)[1].splitlines() == ["wrote 0 files; 1 brief up to date"]
    assert build(capsys, *args, "--check")[:2] == (0, "up to date: 1 brief\n")
    # The PDF variant does not change a page; the paper does (the factsheet card is the page's size).
    assert build(capsys, *args, "--check", "--pdf-variant", "pdf/a-3b")[0] == 0
    status, out_text, err = build(capsys, *args, "--check", "--paper", "letter")
    assert status == 1 and f"{folder / 'memo.html'}:1:1: out of date: options changed" in err

    (folder / "memo.html").write_text("my notes", encoding="utf-8")
    brief.write_text(brief.read_text(encoding="utf-8").replace("One claim.", "One claim, edited."),
                     encoding="utf-8")
    status, out_text, err = build(capsys, *args)
    assert status == 1
    assert f"{folder / 'memo.html'} was edited since the last build; wrote memo.new.html beside it" in err
    assert (folder / "memo.html").read_text(encoding="utf-8") == "my notes"
    assert "One claim, edited." in read_page(folder / "memo.new.html").text
    assert "One claim, edited." in read_page(folder / "slides.html").text

    assert build(capsys, *args, "--overwrite-edited")[0] == 0
    assert "One claim, edited." in read_page(folder / "memo.html").text
    assert not (folder / "memo.new.html").exists()


def minimal_document(html: str | None = None):
    """The minimal brief's memo as rendered, its HTML replaced when given."""
    document = render_html(load_brief(MINIMAL), document_type("memo"), BuildOptions())
    return dataclasses.replace(document, html=html) if html is not None else document


def test_a_stylesheet_outside_templates_is_refused(tmp_path: Path) -> None:
    html = minimal_document().html.replace('href="memo.css"', 'href="file:///etc/passwd"')

    with pytest.raises(ExpectedError, match="refused to load /etc/passwd: only files under templates/"):
        html_writer.write(minimal_document(html), tmp_path / "memo.html", BuildOptions())


def test_a_page_that_would_load_from_outside_is_not_written(tmp_path: Path) -> None:
    html = minimal_document().html.replace("<body", '<img src="https://evil.example/t.png"><body')

    with pytest.raises(RenderError, match="memo: the HTML page would load <img src='https://evil.example/"):
        html_writer.write(minimal_document(html), tmp_path / "memo.html", BuildOptions())
    assert not (tmp_path / "memo.html").exists()
