"""Every piece of brief text in the Word files carries a hidden bookmark naming its key path, and the
bookmarks outlive LibreOffice: what `briefing pull` reads back."""

from __future__ import annotations

import pickle
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from compiler.content.loader import load_brief
from compiler.doctypes import document_type
from compiler.document import BuildOptions
from compiler.markers import EDITABLE_FIELDS, Keyed, decode, encode, read_bookmark, walk
from compiler.markup import plain_text, split_paragraphs
from compiler.pull.handout import read_handout
from compiler.render import render_html
from compiler.writers import docx as docx_writer
from tests.writers.references import LIBREOFFICE, round_trip

ROOT = Path(__file__).resolve().parents[2]
SCO_BRIEF = ROOT / "content" / "sco-2012.yaml"


@pytest.fixture(scope="module")
def handouts(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("handouts")
    brief = load_brief(SCO_BRIEF)
    options = BuildOptions(source_date_epoch=0)
    written = {}
    for name in ("memo", "slides", "factsheet"):
        written[name] = folder / f"{name}.docx"
        docx_writer.write(render_html(brief, document_type(name), options), written[name], options)
    return written


def every_field(data) -> dict[str, str]:
    """Each editable text of a brief by key path, summary paragraphs one by one."""
    fields = {}
    for pattern in EDITABLE_FIELDS:
        for path, value, _, _ in walk(data, pattern):
            if path == "summary":
                fields.update({f"summary[{i}]": part for i, part in enumerate(split_paragraphs(value))})
            else:
                fields[path] = value
    return fields


def bookmark_names(target: Path) -> list[str]:
    with zipfile.ZipFile(target) as package:
        return re.findall(r'<w:bookmarkStart [^>]*w:name="([^"]+)"', package.read("word/document.xml").decode())


def test_the_memo_marks_every_field_it_shows_with_its_words(handouts):
    data = load_brief(SCO_BRIEF).data
    fields = every_field(data)
    handout = read_handout(handouts["memo"])
    shown = {key for key in fields if not key.startswith("timeline")}  # the memo has no timeline

    assert set(handout.marks) == shown
    for key, mark in handout.marks.items():
        assert " ".join("".join(p.text for p in mark.pieces).split()) == " ".join(plain_text(fields[key]).split())


@pytest.mark.parametrize("name, expected", [
    # The factsheet marks a claim it shows whole; one it cuts to fit its page is not the field, so unmarked.
    ("factsheet", ("brief.bottom_line", "figures[6].value", "figures[6].label", "timeline[0].event",
                   "claims[0].text")),
    ("slides", ("brief.bottom_line", "goals[0].text", "goals[0].actions[0]", "figures[0].value",
                "timeline[3].event", "takeaways[3]", "claims[0].quotes[0].text")),
])
def test_the_factsheet_and_deck_mark_what_they_show(handouts, name, expected):
    handout = read_handout(handouts[name])
    assert set(expected) <= set(handout.marks)
    assert handout.doctype == name and handout.brief_name == "sco-2012.yaml"


@pytest.mark.parametrize("name", ["memo", "slides", "factsheet"])
def test_markers_are_hidden_bookmarks_with_unique_names_word_accepts(handouts, name):
    names = bookmark_names(handouts[name])
    assert names and len(names) == len(set(names))
    for found in names:
        assert re.fullmatch(r"_[A-Za-z0-9_]{1,39}", found), found  # "_": hidden in Word's Bookmark dialog
        assert read_bookmark(found) is not None


def test_the_marker_list_names_each_marked_key_once(handouts):
    handout = read_handout(handouts["slides"])
    assert sorted(handout.built_keys) == sorted(handout.marks)


@pytest.mark.skipif(LIBREOFFICE is None, reason="libreoffice is not installed (make test installs it)")
@pytest.mark.parametrize("name", ["memo", "slides", "factsheet"])
def test_bookmarks_and_properties_outlive_a_libreoffice_round_trip(handouts, tmp_path, name):
    saved = round_trip(handouts[name], tmp_path)
    assert sorted(bookmark_names(saved)) == sorted(bookmark_names(handouts[name]))
    before, after = read_handout(handouts[name]), read_handout(saved)
    assert (after.brief_name, after.doctype, after.content_digest, after.built_keys) == \
        (before.brief_name, before.doctype, before.content_digest, before.built_keys)


@pytest.mark.parametrize("path", ["brief.bottom_line", "summary[2]", "claims[12].quotes[1].text",
                                  "goals[3].actions[10]", "figures[0].label", "timeline[4].event", "takeaways[0]"])
def test_a_key_path_survives_its_short_code(path):
    assert decode(encode(path)) == path


def test_codes_that_are_not_ours_are_refused():
    assert decode("zz9") is None
    assert read_bookmark("_GoBack") is None and read_bookmark("_Bc3t_nothex!!") is None


def test_a_keyed_text_is_a_string_that_keeps_its_key_through_pickling():
    text = Keyed("A claim.", "claims[0].text")
    copied = pickle.loads(pickle.dumps(text))
    assert (copied, copied.key) == ("A claim.", "claims[0].text")


def test_no_marker_shows_in_the_words(handouts):
    word = docx.Document(str(handouts["memo"]))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "_B" not in text and "data-key" not in text
    assert word.element.body.find(f".//{qn('w:sdt')}") is None
