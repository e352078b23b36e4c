"""Edits spliced into a brief file's text: only the edited values change, each in its own style."""

from __future__ import annotations

import pytest
import yaml

from compiler.pull.changes import Edit
from compiler.pull.splice import SpliceError, apply_edits, comparable, expected_data

BRIEF = """\
# A comment at the top
brief:
  bottom_line: >
    The first line of a folded bottom line stays as it was,
    and so does the last one.
summary: |
  One paragraph.

  Another paragraph.
claims:
  - id: a
    text: plain text   # a comment after a value
  - id: b
    text: 'single quoted'
  - id: c
    text: "double quoted"
takeaways:
  - First.
  - "Second."
goals:
  - id: g
    text: A goal.
    actions: [one, two]
"""


def spliced(*edits: Edit) -> str:
    text = apply_edits(BRIEF, list(edits))
    assert comparable(yaml.safe_load(text)) == expected_data(yaml.safe_load(BRIEF), list(edits))
    return text


def changed(text: str) -> list[tuple[str, str]]:
    return [(old, new) for old, new in zip(BRIEF.splitlines(), text.splitlines()) if old != new]


@pytest.mark.parametrize("path, value, line", [
    ("claims[0].text", "new plain text", "    text: new plain text   # a comment after a value"),
    ("claims[0].text", "needs: quoting", '    text: "needs: quoting"   # a comment after a value'),
    ("claims[1].text", "it's single", "    text: 'it''s single'"),
    ("claims[2].text", 'say "double"', '    text: "say \\"double\\""'),
])
def test_a_changed_value_keeps_its_quoting_and_its_comment(path, value, line):
    text = spliced(Edit("change", path, value))
    assert [new for _, new in changed(text)] == [line]


def test_a_folded_text_keeps_the_lines_whose_words_did_not_change():
    text = spliced(Edit("change", "brief.bottom_line", "The first line of a folded bottom line stays as it was, "
                        "and so, certainly, does the last one."))
    assert text.splitlines()[3] == "    The first line of a folded bottom line stays as it was,"
    assert text.splitlines()[4] == "    and so, certainly, does the last one."
    assert len(changed(text)) == 1


def test_summary_paragraphs_are_changed_added_and_removed_one_by_one():
    text = spliced(Edit("change", "summary[1]", "Another, longer paragraph."),
                   Edit("insert", "summary", "A new first paragraph.", 0))
    assert yaml.safe_load(text)["summary"] == ("A new first paragraph.\n\nOne paragraph.\n\n"
                                               "Another, longer paragraph.\n")


def test_items_are_added_and_removed_in_the_style_of_their_neighbours():
    text = spliced(Edit("insert", "takeaways", "Between.", 1), Edit("remove", "takeaways[1]"),
                   Edit("insert", "takeaways", "Last: quoted.", 2))
    assert yaml.safe_load(text)["takeaways"] == ["First.", "Between.", "Last: quoted."]
    assert '  - "Last: quoted."\n' in text and "  - Between.\n" in text
    assert text.startswith("# A comment at the top\n")


def test_a_list_on_one_line_is_refused_with_what_to_do():
    with pytest.raises(SpliceError, match=r"^goals\[0\]\.actions: a list written \[a, b\] on one line; write it "
                                          r"one item per line \(- a\) and pull again$"):
        apply_edits(BRIEF, [Edit("insert", "goals[0].actions", "three", 2)])


def test_a_list_left_without_items_is_written_empty_not_null():
    text = spliced(Edit("remove", "takeaways[0]"), Edit("remove", "takeaways[1]"))
    assert "takeaways: []\ngoals:\n" in text
    assert yaml.safe_load(text)["takeaways"] == []
