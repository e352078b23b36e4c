"""Adding a format is one writer and one declaration: a plain-text format defined here builds end to end."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from compiler.cli import main
from compiler.doctypes import document_type
from compiler.document import BuildOptions, RenderedDocument
from compiler.writers import FORMATS, Format, WriteResult, register
from tests.render.reading import CASES

TEXT_SKIPPED = {"head", "style", "script"}


class TextReader(HTMLParser):
    """The words of an HTML document, one block a line, leaving out what the head holds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skipping += tag in TEXT_SKIPPED

    def handle_endtag(self, tag: str) -> None:
        self.skipping -= tag in TEXT_SKIPPED
        self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(" ".join(data.split()))


def write(document: RenderedDocument, target: Path, options: BuildOptions) -> WriteResult:
    """The plain-text writer: the document's words, its page size and slide count on the first line."""
    reader = TextReader()
    reader.feed(document.html)
    lines = [line.strip() for line in "".join(reader.parts).splitlines() if line.strip()]
    header = f"{document.doctype.name} {document.page.width_mm:g}x{document.page.height_mm:g}mm " \
             f"{len(document.slides)} slides"
    target.write_text("\n".join([header, *lines]) + "   \n", encoding="utf-8")
    return WriteResult(warnings=("plain text keeps no styles",))


def strip_trailing_spaces(path: Path, epoch: int) -> None:
    """The format's pass after writing (as reproducible.py's is for Word files)."""
    path.write_text(path.read_text(encoding="utf-8").rstrip() + "\n", encoding="utf-8")


@pytest.fixture
def text_format() -> Iterator[Format]:
    """The plain-text format, registered for this test only."""
    yield register(Format("txt", ".txt", module=__name__, normalise=strip_trailing_spaces))
    del FORMATS["txt"]


def test_a_format_declared_outside_the_package_builds(text_format: Format, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["build", "-j", "1", str(CASES / "minimal" / "brief.yaml"), "--out", str(tmp_path),
                   "--format", "txt"])
    captured = capsys.readouterr()

    assert status == 0, captured.err
    folder = tmp_path / "brief"
    assert sorted(path.name for path in folder.iterdir() if not path.name.startswith(".")) == [
        "factsheet.txt", "memo.txt", "slides.txt"]
    memo = (folder / "memo.txt").read_text(encoding="utf-8").splitlines()
    assert memo[0] == "memo 210x297mm 0 slides"
    assert "A brief" in memo and "One sentence." in memo and "One claim." in memo
    assert (folder / "slides.txt").read_text(encoding="utf-8").startswith("slides 320x180mm 4 slides\n")
    assert not (folder / "memo.txt").read_text(encoding="utf-8").endswith(" \n")  # normalised
    assert f"{folder}: wrote memo.txt, slides.txt, factsheet.txt" in captured.out
    assert "warning: memo.txt: plain text keeps no styles" in captured.err
    manifest = json.loads((folder / ".manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["outputs"]) == ["factsheet.txt", "memo.txt", "slides.txt"]

    again = main(["build", "-j", "1", str(CASES / "minimal" / "brief.yaml"), "--out", str(tmp_path),
                  "--format", "txt"])
    assert again == 0
    assert "wrote 0 files; 1 brief up to date" in capsys.readouterr().out


def test_the_command_line_offers_only_declared_formats(text_format: Format,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["build", "--format", "rtf"])
    assert "expected formats from pdf, docx, pptx, html, txt separated by commas, got 'rtf'" in capsys.readouterr().err


def test_a_format_for_some_document_types_only_is_written_for_those() -> None:
    deck_only = Format("deck", ".deck", module=__name__, general=False)
    slides = dataclasses.replace(document_type("slides"), formats=("deck",))

    assert slides.has_format(deck_only)
    assert not document_type("memo").has_format(deck_only)
    assert document_type("memo").has_format(FORMATS["pdf"])
