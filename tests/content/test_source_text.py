"""The source text a brief names: found next to the brief, read safely, its paragraphs counted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from compiler.content import check_brief, load_brief

BRIEF = """format: 1
source:
  title: Example article
  publisher: Example Journal
  date: 2013-02-19
  text: {text}
brief:
  title: Example brief
  date: 2026-11-27
  bottom_line: The bottom line.
summary: A summary.
claims:
  - id: founding
    kind: fact
    text: The SCO was founded in 2001.
    quotes:
      - text: "officially came into being"
        paragraph: {paragraph}
"""
SOURCE = "Title\n\nThe SCO officially came into being\non June 15, 2001.\n"


def write(folder: Path, text: str = "sources/article.txt", paragraph: int = 2,
          source: bytes | None = SOURCE.encode()) -> Path:
    brief = folder / "brief.yaml"
    brief.write_text(BRIEF.format(text=text, paragraph=paragraph))
    if source is not None:
        (folder / "sources").mkdir()
        (folder / "sources" / "article.txt").write_bytes(source)
    return brief


def lines(brief: Path) -> list[str]:
    found, problems = check_brief(brief)
    assert found is None
    return [str(problem).removeprefix(f"{brief.parent}/") for problem in problems]


def test_source_relative_to_the_brief(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    brief = write(tmp_path)
    monkeypatch.chdir("/")
    loaded = load_brief(brief)
    assert loaded.quotes_checked is True
    assert loaded.source_text == SOURCE


def test_missing_source_is_reported_at_source_text(tmp_path: Path) -> None:
    brief = write(tmp_path, source=None)
    assert lines(brief) == [
        f"brief.yaml:6:9: source.text: source text file not found: {tmp_path}/sources/article.txt; "
        "the path is relative to the brief file"]


def test_source_outside_the_brief_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "inner").mkdir()
    (tmp_path / "secret.txt").write_text(SOURCE)
    os.symlink(tmp_path / "secret.txt", tmp_path / "inner" / "link.txt")
    for name in ("../secret.txt", "link.txt"):
        brief = write(tmp_path / "inner", text=name, source=None)
        assert lines(brief) == [
            f"brief.yaml:6:9: source.text: source text {name} is outside the brief's folder; put it in "
            f"{tmp_path}/inner/ or a folder below it"]


def test_absolute_source_path_is_refused(tmp_path: Path) -> None:
    brief = write(tmp_path, text="/etc/hostname", source=None)
    assert lines(brief) == [
        "brief.yaml:6:9: source.text: must be a path relative to the brief file, like sources/article.txt"]


def test_pipe_as_source_is_refused_without_blocking(tmp_path: Path) -> None:
    brief = write(tmp_path, text="pipe.txt", source=None)
    os.mkfifo(tmp_path / "pipe.txt")
    assert lines(brief) == [
        "brief.yaml:6:9: source.text: source text pipe.txt is not a regular file; name a plain text file"]


def test_source_not_utf8(tmp_path: Path) -> None:
    brief = write(tmp_path, source=b"Title\n\nThe SCO officially came into \xff being\n")
    assert lines(brief) == [
        "brief.yaml:6:9: source.text: source text sources/article.txt is not UTF-8 text: byte 0xFF at "
        "line 3, column 30 cannot be decoded; save it as UTF-8"]


def test_paragraph_past_the_end(tmp_path: Path) -> None:
    brief = write(tmp_path, paragraph=7)
    assert lines(brief) == [
        "brief.yaml:18:20: claims[0].quotes[0].paragraph: quote found in paragraph 2, not 7; "
        "set paragraph: 2"]


def test_quote_missing_and_paragraph_past_the_end(tmp_path: Path) -> None:
    brief = write(tmp_path, paragraph=7, source=b"Title\n\nThe SCO came into being\non June 15, 2001.\n")
    assert lines(brief) == [
        "brief.yaml:17:15: claims[0].quotes[0].text: quote not found in sources/article.txt (which has "
        '2 paragraphs, so no paragraph 7); closest passage in paragraph 2: "SCO came into being"']


def test_source_names_the_system_cannot_open(tmp_path: Path) -> None:
    brief = write(tmp_path, text='"a\\0b.txt"', source=None)
    assert lines(brief) == [
        "brief.yaml:6:9: source.text: cannot read the source text a\\u0000b.txt: embedded null byte",
        "brief.yaml:6:9: source.text: contains the control character U+0000, which documents cannot "
        "hold; remove it",
    ]
    brief = write(tmp_path, text="x" * 300 + ".txt", source=None)
    assert lines(brief) == ["brief.yaml:6:9: source.text: cannot read the source text "
                            f"{'x' * 59}…: File name too long"]
