"""Quote matching: what counts as the same words, paragraphs, and the closest passage on a miss."""

from __future__ import annotations

import pytest

from compiler.content.quotes import Source, normalise, split_paragraphs

TEXT = """Title line

First paragraph with “curly” quotes,
the organization’s members and an em dash — here.

Second paragraph   with  spaces.



Third paragraph: the China–Kyrgyzstan–Uzbekistan railway and −5 degrees.
"""


@pytest.fixture
def source() -> Source:
    return Source.from_text("source.txt", TEXT)


def test_paragraphs_are_blocks_between_blank_lines() -> None:
    assert split_paragraphs(TEXT) == [
        "Title line",
        "First paragraph with “curly” quotes,\nthe organization’s members and an em dash — here.",
        "Second paragraph   with  spaces.",
        "Third paragraph: the China–Kyrgyzstan–Uzbekistan railway and −5 degrees.",
    ]


def test_blank_lines_with_spaces_and_crlf_separate_paragraphs() -> None:
    assert split_paragraphs("one\r\n  \r\ntwo\r\nstill two\r\n\r\n\r\nthree") == [
        "one", "two\nstill two", "three"]


@pytest.mark.parametrize("quote, paragraph", [
    ('with "curly" quotes, the organization\'s members', 2),  # straight for curly, across a line break
    ("an em dash - here.", 2),
    ("an em dash -- here.", None),  # two hyphens are not one dash
    ("Second paragraph with spaces.", 3),
    ("the China-Kyrgyzstan—Uzbekistan railway", 4),
    ("and -5 degrees", 4),  # minus sign
    ("second paragraph with spaces.", None),  # case counts
    ("Second paragraph with spaces!", None),  # punctuation counts
    ("paragraph with “curly” quotes", 2),
    ("aragraph with", None),  # a quote starts and ends on word boundaries
    ("Title line First paragraph", None),  # and lies within one paragraph
])
def test_what_matches(source: Source, quote: str, paragraph: int | None) -> None:
    assert source.find(quote) == ([paragraph] if paragraph else [])


def test_single_and_double_quote_marks_stay_distinct(source: Source) -> None:
    assert source.find("with 'curly' quotes") == []


def test_quote_in_several_paragraphs_is_found_in_each() -> None:
    assert Source.from_text("s", "a b c\n\nx a b c\n\nb c").find("a b c") == [1, 2]


def test_normalise_folds_white_space_quotes_and_dashes() -> None:
    assert normalise(" «Hi» –\u00a0„there‟\n\tit‘s\u00ad ok ") == '"Hi" - "there" it\'s ok'


def test_closest_passage_names_its_paragraph(source: Source) -> None:
    assert source.closest("the China-Kyrgyzstan-Uzbekistan railroad") == (
        4, "the China–Kyrgyzstan–Uzbekistan railway")
    assert source.closest("the organisation's members and an em-dash") == (
        2, "the organization’s members and an em")


def test_no_passage_when_nothing_is_close(source: Source) -> None:
    assert source.closest("zebra xylophone quartz") is None
