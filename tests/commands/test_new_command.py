"""`briefing new`: a brief started from an article, placeholders that check reports, nothing overwritten."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import yaml

from compiler.content.schema import SCHEMA_PATH
from tests.commands.running import briefing

ARTICLE = """\
Cooperation in the Region: A Model for the Century

From: Example Journal Updated: 2013-02-19 10:42
text size: T | T

The organisation officially came into being on 15 June 2001 in Shanghai.

Its members meet every year.
"""


def write_article(folder: Path, name: str = "Region Article 2013.txt", text: str = ARTICLE) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_new_writes_a_brief_and_copies_the_source(tmp_path: Path) -> None:
    article = write_article(tmp_path)
    run = briefing(tmp_path, "new", article.name)
    assert run.status == 0, run.err
    assert run.out == [
        "content/region-article-2013.yaml: written, with 5 placeholders to replace; "
        "`briefing check content/region-article-2013.yaml` lists those left",
        "content/sources/region-article-2013.txt: copied from Region Article 2013.txt (4 paragraphs); "
        "`briefing source content/sources/region-article-2013.txt` numbers them",
    ]
    assert (tmp_path / "content/sources/region-article-2013.txt").read_bytes() == article.read_bytes()
    brief = tmp_path / "content/region-article-2013.yaml"
    first_line, *lines = brief.read_text(encoding="utf-8").splitlines()
    assert first_line.startswith("# yaml-language-server: $schema=")
    schema = Path(first_line.split("$schema=", 1)[1])
    assert (brief.parent / schema).resolve() == SCHEMA_PATH.resolve()
    data = yaml.safe_load(brief.read_text(encoding="utf-8"))
    assert data["source"] == {"title": "Cooperation in the Region: A Model for the Century",
                              "publisher": "Example Journal", "date": datetime.date(2013, 2, 19),
                              "text": "sources/region-article-2013.txt"}
    assert '  publisher: "Example Journal"  # from paragraph 2 of the source; check it' in lines


def test_check_reports_each_placeholder_at_its_line_and_build_refuses(tmp_path: Path) -> None:
    briefing(tmp_path, "new", write_article(tmp_path).name, "--name", "region")
    check = briefing(tmp_path, "check")
    assert check.status == 1
    assert check.out == ["content/region.yaml: 5 errors"]
    assert check.err == [
        "content/region.yaml:13:10: brief.title: still a placeholder: write the brief's title",
        "content/region.yaml:15:16: brief.bottom_line: still a placeholder: write the bottom line",
        "content/region.yaml:17:10: summary: still a placeholder: write the summary",
        "content/region.yaml:21:11: claims[0].kind: still a placeholder: choose the claim's kind: "
        "fact, assessment or proposal",
        "content/region.yaml:22:11: claims[0].text: still a placeholder: write the claim, in your words, "
        "attributed to the article",
    ]
    build = briefing(tmp_path, "build", "-j", "1", "--format", "pdf")
    assert build.status == 1
    assert "content/region.yaml:17:10: summary: still a placeholder: write the summary" in build.err
    assert not list((tmp_path / "build").rglob("*.pdf"))


def test_a_filled_in_scaffold_checks_clean(tmp_path: Path) -> None:
    briefing(tmp_path, "new", write_article(tmp_path).name, "--name", "region")
    brief = tmp_path / "content/region.yaml"
    text = brief.read_text(encoding="utf-8")
    for placeholder, value in [
        ("[[write the brief's title]]", "The region, as the journal sees it"),
        ("[[write the bottom line]]", "The journal presents the organisation as a success."),
        ("[[write the summary]]", "A short article on the organisation's founding."),
        ("[[choose the claim's kind: fact, assessment or proposal]]", "fact"),
        ("[[write the claim, in your words, attributed to the article]]",
         "According to the article, the organisation was founded in 2001."),
    ]:
        text = text.replace(placeholder, value)
    text = text.replace('    # quotes:', '    quotes:\n      - text: "officially came into being"\n'
                        '        paragraph: 3\n    # more quotes:')
    brief.write_text(text, encoding="utf-8")
    check = briefing(tmp_path, "check")
    assert (check.status, check.err) == (0, [])
    assert check.out == ["content/region.yaml: ok: 1 claim, 1 quote verified against sources/region.txt"]


def test_what_the_text_does_not_give_stays_a_placeholder(tmp_path: Path) -> None:
    article = write_article(tmp_path, "long.txt", "A first paragraph that is the article itself. " * 8
                            + "\n\nAnother paragraph.\n")
    assert briefing(tmp_path, "new", article.name).status == 0
    data = yaml.safe_load((tmp_path / "content/long.yaml").read_text(encoding="utf-8"))
    assert data["source"] == {"title": "[[write the article's title]]", "publisher": "[[give the publisher]]",
                              "date": "[[give the article's date, YYYY-MM-DD]]", "text": "sources/long.txt"}
    check = briefing(tmp_path, "check")
    # The placeholder date gets its own message, and no second one saying it is not a date.
    assert check.err[:3] == [
        "content/long.yaml:7:10: source.title: still a placeholder: write the article's title",
        "content/long.yaml:8:14: source.publisher: still a placeholder: give the publisher",
        "content/long.yaml:9:9: source.date: still a placeholder: give the article's date, YYYY-MM-DD",
    ]
    assert check.out == ["content/long.yaml: 8 errors"]


def test_publisher_author_date_and_address_in_other_words(tmp_path: Path) -> None:
    article = write_article(tmp_path, "speech.txt", "A Speech on Trade\n\nBy Jane Smith\n"
                            "Published by The Weekly Review on 3 March 2021\nhttps://example.org/speech\n\n"
                            "The text of the speech.\n")
    assert briefing(tmp_path, "new", article.name).status == 0
    data = yaml.safe_load((tmp_path / "content/speech.yaml").read_text(encoding="utf-8"))
    assert data["source"] == {"title": "A Speech on Trade", "publisher": "The Weekly Review",
                              "date": datetime.date(2021, 3, 3), "author": "Jane Smith",
                              "url": "https://example.org/speech", "text": "sources/speech.txt"}
    assert data["brief"]["date"] in {datetime.date.today(), datetime.date.today() - datetime.timedelta(1)}


def test_new_never_overwrites(tmp_path: Path) -> None:
    article = write_article(tmp_path)
    (tmp_path / "content/sources").mkdir(parents=True)
    (tmp_path / "content/mine.yaml").write_text("format: 1\n", encoding="utf-8")
    (tmp_path / "content/sources/other.txt").write_text("Another article.\n", encoding="utf-8")
    taken = briefing(tmp_path, "new", article.name, "--name", "mine")
    assert (taken.status, taken.out) == (1, [])
    assert taken.err == ["content/mine.yaml: already exists; nothing was written. Edit it, or choose "
                         "another name with --name"]
    assert (tmp_path / "content/mine.yaml").read_text(encoding="utf-8") == "format: 1\n"
    clash = briefing(tmp_path, "new", article.name, "--name", "other")
    assert clash.err == ["content/sources/other.txt: already exists with another text; nothing was "
                         "written. Choose another name with --name"]
    assert not (tmp_path / "content/other.yaml").exists()
    assert (tmp_path / "content/sources/other.txt").read_text(encoding="utf-8") == "Another article.\n"


def test_a_source_already_in_place_is_used_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "content/sources").mkdir(parents=True)
    article = write_article(tmp_path / "content/sources", "region.txt")
    run = briefing(tmp_path, "new", os.path.relpath(article, tmp_path))
    assert run.status == 0, run.err
    assert run.out[1] == ("content/sources/region.txt: already there (4 paragraphs); "
                          "`briefing source content/sources/region.txt` numbers them")


def test_a_source_that_is_no_text_is_refused(tmp_path: Path) -> None:
    (tmp_path / "scan.txt").write_bytes(b"Title\n\n\xff\xfe binary\n")
    run = briefing(tmp_path, "new", "scan.txt")
    assert run.status == 1
    assert run.err == ["scan.txt:3:1: the source text is not UTF-8 text: byte 0xFF cannot be decoded; "
                       "save it as UTF-8"]
    assert not (tmp_path / "content").exists()
    missing = briefing(tmp_path, "new", "nowhere.txt")
    assert missing.err == ["nowhere.txt: cannot read the source text: No such file or directory"]


def test_a_name_that_is_no_file_name(tmp_path: Path) -> None:
    article = write_article(tmp_path, "___.txt")
    unnamed = briefing(tmp_path, "new", article.name)
    assert (unnamed.status, unnamed.out) == (1, [])
    assert unnamed.err == ["___.txt: cannot make a brief name from this file name; give one with --name, "
                           "e.g. --name sco-2012"]
    outside = briefing(tmp_path, "new", article.name, "--name", "../elsewhere")
    assert outside.err == ["--name ../elsewhere: a brief name is letters, digits, '.', '_' and '-', starting "
                           "with a letter or digit, e.g. sco-2012"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["___.txt"]
