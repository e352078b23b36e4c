"""Each small brief under tests/cases/check-*/ gives exactly the error lines a user would read."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.content import check_brief, load_brief
from compiler.diagnostics import BriefError

ROOT = Path(__file__).resolve().parents[2]
ALIAS = ("YAML aliases (*name) are not allowed in a brief file, because they can expand without bound; "
         "write the value out in full")


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository root, so file names in messages read `tests/cases/...`."""
    monkeypatch.chdir(ROOT)


def lines(case: str) -> list[str]:
    """The problems of tests/cases/<case>/brief.yaml, as printed."""
    brief, problems = check_brief(Path(f"tests/cases/{case}/brief.yaml"))
    assert brief is None
    return [str(problem) for problem in problems]


def test_quote_not_found_shows_closest_passage() -> None:
    assert lines("check-quote-not-found") == [
        "tests/cases/check-quote-not-found/brief.yaml:17:15: claims[0].quotes[0].text: quote not found "
        'in source.txt; closest passage in paragraph 3: "the members signed a joint declaration in '
        'Shanghai"',
    ]


def test_quote_in_wrong_paragraph_names_the_right_one() -> None:
    assert lines("check-quote-wrong-paragraph") == [
        "tests/cases/check-quote-wrong-paragraph/brief.yaml:18:20: claims[0].quotes[0].paragraph: "
        "quote found in paragraph 3, not 2; set paragraph: 3",
        "tests/cases/check-quote-wrong-paragraph/brief.yaml:23:64: figures[0].quote.paragraph: "
        "quote found in paragraph 4, not 9; set paragraph: 4",
    ]


def test_unknown_reference_suggests_a_close_id() -> None:
    assert lines("check-unknown-reference") == [
        "tests/cases/check-unknown-reference/brief.yaml:18:27: goals[0].claims[1]: no claim has the id "
        "'markt-size'; did you mean 'market-size'?",
        "tests/cases/check-unknown-reference/brief.yaml:22:12: figures[0].claim: no claim has the id "
        "'population'; use the id of one of the claims",
    ]


def test_duplicate_ids_among_claims_and_among_goals() -> None:
    # A goal may share an id with a claim: ids are unique within their own list.
    assert lines("check-duplicate-id") == [
        "tests/cases/check-duplicate-id/brief.yaml:15:9: claims[1].id: duplicate claim id 'founding' "
        "(first used at line 12); give each claim its own id",
        "tests/cases/check-duplicate-id/brief.yaml:23:9: goals[2].id: duplicate goal id 'security' "
        "(first used at line 21); give each goal its own id",
    ]


def test_duplicate_key_points_at_the_second() -> None:
    assert lines("check-duplicate-key") == [
        "tests/cases/check-duplicate-key/brief.yaml:9:3: brief.title: duplicate key 'title' "
        "(first at line 7); remove one of them",
    ]


def test_missing_required_keys() -> None:
    assert lines("check-missing-key") == [
        "tests/cases/check-missing-key/brief.yaml:1:1: required key 'summary' is missing",
        "tests/cases/check-missing-key/brief.yaml:3:3: source: required key 'publisher' is missing",
        "tests/cases/check-missing-key/brief.yaml:10:5: claims[0]: required key 'text' is missing",
    ]


def test_wrong_kind_lists_the_kinds() -> None:
    assert lines("check-wrong-kind") == [
        "tests/cases/check-wrong-kind/brief.yaml:13:11: claims[0].kind: must be one of fact, assessment, "
        "proposal, not 'facts'; did you mean 'fact'?",
        "tests/cases/check-wrong-kind/brief.yaml:16:11: claims[1].kind: must be one of fact, assessment, "
        "proposal, not 'opinion'",
    ]


def test_unterminated_string_is_reported_where_it_opens() -> None:
    # PyYAML gives up at the end of the file (line 15); the quote opens on line 7.
    assert lines("check-syntax-unterminated") == [
        "tests/cases/check-syntax-unterminated/brief.yaml:7:10: YAML syntax error: the quoted text that "
        "opens here is never closed (the parser gave up at the end of the file); add the closing quote",
    ]


def test_alias_bomb_is_refused_without_expanding() -> None:
    # 30 levels of ten aliases: expanding it would never finish, so returning at all shows it is not.
    problems = lines("check-alias-bomb")
    assert problems[1] == ("tests/cases/check-alias-bomb/brief.yaml:17:12: takeaways[1][0]: "
                           f"{ALIAS} (300 aliases in this file)")
    assert problems[0] == "tests/cases/check-alias-bomb/brief.yaml:17:5: takeaways[1]: must be text, not a list"
    assert len(problems) == 31  # the alias line, and one per takeaway that is a list


def test_non_utf8_file_names_the_first_bad_byte() -> None:
    raw = (ROOT / "tests/cases/check-non-utf8/brief.yaml").read_bytes()
    bad_line = raw.split(b"\n")[13]
    column = len(bad_line[: bad_line.index(b"\xe9")].decode()) + 1
    assert column == 52
    assert lines("check-non-utf8") == [
        "tests/cases/check-non-utf8/brief.yaml:14:52: file is not UTF-8 text: byte 0xE9 cannot be "
        "decoded; save it as UTF-8",
    ]


def test_unknown_keys_with_and_without_suggestion() -> None:
    assert lines("check-unknown-key") == [
        "tests/cases/check-unknown-key/brief.yaml:10:3: brief.colour: unknown key 'colour'; keys allowed "
        "here: title, subtitle, date, author, audience, classification, bottom_line, paper, language, "
        "keywords, appendices, factsheet",
        "tests/cases/check-unknown-key/brief.yaml:16:5: claims[0].qoutes: unknown key 'qoutes'; did you "
        "mean 'quotes'?",
    ]


def test_bad_dates() -> None:
    assert lines("check-bad-date") == [
        "tests/cases/check-bad-date/brief.yaml:5:9: source.date: '2013-02-30' is not a real date: "
        "February 2013 has 28 days; write YYYY, YYYY-MM or YYYY-MM-DD",
        "tests/cases/check-bad-date/brief.yaml:8:9: brief.date: '2026-13' is not a real date: there is "
        "no month 13; write YYYY, YYYY-MM or YYYY-MM-DD",
        "tests/cases/check-bad-date/brief.yaml:16:11: timeline[0].date: must be a date written YYYY, "
        "YYYY-MM or YYYY-MM-DD, not '19-02-2013'",
        "tests/cases/check-bad-date/brief.yaml:18:11: timeline[1].date: must be a date written YYYY, "
        "YYYY-MM or YYYY-MM-DD, not '2012-06-06 10:00:00'",
    ]


def test_control_characters_raw_and_escaped() -> None:
    assert lines("check-control-character") == [
        "tests/cases/check-control-character/brief.yaml:14:11: claims[0].text: contains the control "
        "character U+0007, which documents cannot hold; remove it",
        "tests/cases/check-control-character/brief.yaml:15:24: claims[0].note: contains the control "
        "character U+0007, which documents cannot hold; remove it",
        "tests/cases/check-control-character/brief.yaml:17:5: takeaways[0]: contains the non-character "
        "U+FFFE, which documents cannot hold; remove it",
    ]


def test_empty_and_blank_text() -> None:
    assert lines("check-empty-text") == [
        "tests/cases/check-empty-text/brief.yaml:4:14: source.publisher: must not be empty or only "
        "white space; write the text",
        "tests/cases/check-empty-text/brief.yaml:9:16: brief.bottom_line: must not be empty or only "
        "white space; write the text",
        "tests/cases/check-empty-text/brief.yaml:10:9: summary: is empty; write text here",
    ]


def test_load_brief_raises_with_every_problem_sorted() -> None:
    with pytest.raises(BriefError) as raised:
        load_brief(Path("tests/cases/check-bad-date/brief.yaml"))
    assert [p.line for p in raised.value.problems] == [5, 8, 16, 18]
    assert str(raised.value).splitlines() == lines("check-bad-date")


def test_all_three_date_forms_load_as_iso_strings() -> None:
    brief = load_brief(Path("tests/cases/check-dates-ok/brief.yaml"))
    assert brief.data["format"] == 1
    assert brief.data["source"]["date"] == "2013"
    assert brief.data["brief"]["date"] == "2026-11"
    assert [event["date"] for event in brief.data["timeline"]] == ["2001-06-15", "2012", "2012-06",
                                                                  "2024-02-29"]


def test_brief_without_source_text_loads_unchecked() -> None:
    brief = load_brief(Path("tests/cases/check-unchecked/brief.yaml"))
    assert brief.quotes_checked is False
    assert brief.source_text is None
    assert brief.data["claims"][0]["quotes"][0] == {"text": "words that no source text will check",
                                                     "paragraph": 3}
    assert brief.data["figures"][0]["value"] == "6"  # a number is printed as written


def test_quotes_match_across_quote_marks_dashes_and_line_breaks() -> None:
    brief = load_brief(Path("tests/cases/check-quote-normalisation/brief.yaml"))
    assert brief.quotes_checked is True
    assert brief.source_text.startswith("The Example Article Title\n")


def test_locations_are_one_based_with_parent_fallback() -> None:
    brief = load_brief(Path("tests/cases/check-quote-normalisation/brief.yaml"))
    assert brief.location("claims[0].text") == (15, 11)
    assert brief.location("claims[0].quotes[1].text") == (19, 15)
    assert brief.location("claims[0].quotes[1].nothing") == (19, 9)  # the quote's mapping
    assert brief.location("goals[4].text") == (1, 1)
    assert brief.name == "brief"


def test_a_goal_citing_one_claim_twice() -> None:
    assert lines("check-repeated-reference") == [
        "tests/cases/check-repeated-reference/brief.yaml:18:13: goals[0].claims: names the same id more "
        "than once; list each id once",
    ]


def test_a_goal_citing_more_claims_than_its_slide_lists() -> None:
    assert lines("check-goal-cites-too-many") == [
        "tests/cases/check-goal-cites-too-many/brief.yaml:57:13: goals[0].claims: cites 41 claims; a goal's "
        "slide lists at most 40 beneath it: keep the claims that support it most directly",
    ]


def test_a_classification_longer_than_a_page_margin_holds() -> None:
    assert lines("check-long-classification") == [
        "tests/cases/check-long-classification/brief.yaml:11:19: brief.classification: is 119 characters; "
        "it prints in every page's margin, where 100 fit: give the marking alone (e.g. OFFICIAL-SENSITIVE)",
    ]
