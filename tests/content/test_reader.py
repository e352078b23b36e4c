"""Reading hostile and malformed brief files: every problem is one clear line, never a crash."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.content import check_brief, load_brief
from compiler.content.limits import MAX_BRIEF_BYTES, MAX_DEPTH, MAX_ITEMS, MAX_TEXT_CHARS

VALID = """format: 1
source:
  title: Example article
  publisher: Example Journal
  date: 2013-02-19
brief:
  title: Example brief
  date: 2026-11-27
  bottom_line: The bottom line.
summary: A summary.
claims:
  - id: founding
    kind: fact
    text: The SCO was founded in 2001.
"""


def problems(tmp_path: Path, content: str | bytes, name: str = "brief.yaml") -> list[str]:
    """The problem lines of a brief file with `content`, file names relative to `tmp_path`."""
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    brief, found = check_brief(path)
    assert brief is None
    return [str(problem).replace(f"{tmp_path}/", "") for problem in found]


def test_valid_brief_loads(tmp_path: Path) -> None:
    path = tmp_path / "brief.yaml"
    path.write_text(VALID)
    brief = load_brief(path)
    assert brief.data["claims"] == [{"id": "founding", "kind": "fact", "text": "The SCO was founded in 2001."}]
    assert brief.location("claims[0].kind") == (13, 11)


def test_byte_order_mark_and_crlf_keep_line_numbers(tmp_path: Path) -> None:
    content = ("\ufeff" + VALID.replace("kind: fact", "kind: fakt")).replace("\n", "\r\n")
    assert problems(tmp_path, content) == [
        "brief.yaml:13:11: claims[0].kind: must be one of fact, assessment, proposal, not 'fakt'; "
        "did you mean 'fact'?"]


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert [str(p) for p in check_brief(tmp_path / "none.yaml")[1]] == [
        f"{tmp_path}/none.yaml:1:1: file not found; check the path"]
    assert [str(p) for p in check_brief(tmp_path)[1]] == [
        f"{tmp_path}:1:1: is a folder, not a brief file; name a .yaml file"]


def test_empty_file(tmp_path: Path) -> None:
    assert problems(tmp_path, "# nothing yet\n") == [
        "brief.yaml:1:1: the brief file is empty; start with 'format: 1'"]


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    assert problems(tmp_path, "- one\n- two\n") == ["brief.yaml:1:1: must be a mapping of keys, not a list"]


def test_file_larger_than_the_limit(tmp_path: Path) -> None:
    content = VALID + "# " + "x" * MAX_BRIEF_BYTES + "\n"
    assert problems(tmp_path, content) == [
        "brief.yaml:1:1: file is larger than 1 MiB, the limit for a brief file; shorten it"]


def test_string_longer_than_the_limit(tmp_path: Path) -> None:
    content = VALID.replace("The SCO was founded in 2001.", "a" * (MAX_TEXT_CHARS + 1))
    assert problems(tmp_path, content) == [
        f"brief.yaml:14:11: claims[0].text: text is {MAX_TEXT_CHARS + 1} characters long, more than the "
        f"limit of {MAX_TEXT_CHARS}; shorten it"]


def test_list_longer_than_the_limit(tmp_path: Path) -> None:
    content = VALID + "takeaways:\n" + "  - A takeaway.\n" * (MAX_ITEMS + 1)
    assert problems(tmp_path, content) == [
        f"brief.yaml:{16 + MAX_ITEMS}:5: takeaways: more than {MAX_ITEMS} items; shorten the list"]


def test_nesting_deeper_than_the_limit(tmp_path: Path) -> None:
    content = VALID + "takeaways: " + "[" * 30 + "]" * 30 + "\n"
    assert problems(tmp_path, content) == [
        f"brief.yaml:15:{12 + MAX_DEPTH - 1}: nesting is deeper than {MAX_DEPTH} levels; "
        "a brief needs no more than 6"]


def test_nesting_that_would_exhaust_the_stack(tmp_path: Path) -> None:
    # libyaml stops at its own limit of 1000 levels, before composing begins.
    content = VALID + "takeaways: " + "[" * 100_000 + "]" * 100_000 + "\n"
    assert problems(tmp_path, content) == [
        f"brief.yaml:15:1011: nesting is deeper than {MAX_DEPTH} levels; a brief needs no more than 6"]


def test_tab_indentation(tmp_path: Path) -> None:
    content = VALID.replace("  publisher:", "\tpublisher:")
    assert problems(tmp_path, content) == [
        "brief.yaml:4:1: YAML syntax error: a tab character here; indent with spaces"]


def test_syntax_error_names_where_the_parser_stopped_and_what_it_was_in(tmp_path: Path) -> None:
    content = VALID.replace("  date: 2026-11-27", "  date: [2026, 11")
    assert problems(tmp_path, content) == [
        "brief.yaml:9:14: YAML syntax error: did not find expected ',' or ']' "
        "(while parsing a flow sequence from line 8)"]


def test_second_document_is_an_error(tmp_path: Path) -> None:
    assert problems(tmp_path, VALID + "---\nformat: 1\n") == [
        "brief.yaml:15:1: YAML syntax error: but found another document "
        "(expected a single document in the stream from line 1)"]


def test_python_tags_are_refused(tmp_path: Path) -> None:
    content = VALID.replace("The SCO was founded in 2001.", "!!python/object/apply:os.system [ls]")
    assert problems(tmp_path, content) == [
        "brief.yaml:14:11: claims[0].text: the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' "
        "is not allowed in a brief file; remove it",
    ]


def test_keys_must_be_names(tmp_path: Path) -> None:
    assert problems(tmp_path, VALID + "? [a, b]\n: value\n") == [
        "brief.yaml:15:3: a key must be a plain name, not a list or mapping"]


def test_numbers_and_words_yaml_would_convert_stay_as_written(tmp_path: Path) -> None:
    path = tmp_path / "brief.yaml"
    path.write_text(VALID.replace("Example article", "1984").replace("The bottom line.", "no")
                    + "figures:\n  - {label: Rate, value: 2.50}\n")
    brief = load_brief(path)
    assert brief.data["source"]["title"] == "1984"
    assert brief.data["brief"]["bottom_line"] == "no"
    assert brief.data["figures"][0]["value"] == "2.50"


def test_escaped_surrogates_are_refused(tmp_path: Path) -> None:
    content = VALID.replace("The SCO was founded in 2001.", '"Smile \\ud83d\\ude00"')
    assert problems(tmp_path, content) == [
        "brief.yaml:14:20: YAML syntax error: this \\u escape is not a character (halves of UTF-16 "
        "pairs are not allowed); write the character itself"]


def test_escaped_control_characters_are_refused(tmp_path: Path) -> None:
    content = VALID.replace("The SCO was founded in 2001.", '"Tab\\tis fine, \\x1b and \\0 are not"')
    assert problems(tmp_path, content) == [
        "brief.yaml:14:11: claims[0].text: contains the control character U+0000, which documents "
        "cannot hold; remove it",
        "brief.yaml:14:11: claims[0].text: contains the control character U+001B, which documents "
        "cannot hold; remove it",
    ]


def test_extra_keys_the_compiler_accepts(tmp_path: Path) -> None:
    path = tmp_path / "brief.yaml"
    path.write_text(VALID.replace("  bottom_line:", "  paper: letter\n  language: zh-CN\n"
                                  "  keywords: [SCO, Central Asia]\n  bottom_line:"))
    assert load_brief(path).data["brief"]["keywords"] == ["SCO", "Central Asia"]


def test_extra_keys_are_checked(tmp_path: Path) -> None:
    content = VALID.replace("  bottom_line:", "  paper: A4\n  language: english\n  keywords: SCO\n"
                            "  bottom_line:")
    assert problems(tmp_path, content) == [
        "brief.yaml:9:10: brief.paper: must be one of a4, letter, not 'A4'; did you mean 'a4'?",
        "brief.yaml:10:13: brief.language: must be a language tag such as 'en' or 'zh-CN', not 'english'",
        "brief.yaml:11:13: brief.keywords: must be a list, not 'SCO'",
    ]


def test_url_must_be_http(tmp_path: Path) -> None:
    content = VALID.replace("  date: 2013-02-19", "  date: 2013-02-19\n  url: javascript:alert(1)")
    assert problems(tmp_path, content) == [
        "brief.yaml:6:8: source.url: must be a web address starting with http:// or https://, "
        "not 'javascript:alert(1)'"]


def test_format_must_be_1(tmp_path: Path) -> None:
    assert problems(tmp_path, VALID.replace("format: 1", "format: 2")) == [
        "brief.yaml:1:9: format: must be 1, the content format this compiler reads, not the number 2"]


def test_claims_must_not_be_empty(tmp_path: Path) -> None:
    content = VALID.split("claims:")[0] + "claims: []\n"
    assert problems(tmp_path, content) == ["brief.yaml:11:9: claims: must list at least 1 item"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300), st.integers(0, len(VALID)))
def test_any_text_gives_problems_not_exceptions(tmp_path: Path, noise: str, at: int) -> None:
    path = tmp_path / "brief.yaml"
    path.write_bytes((VALID[:at] + noise + VALID[at:]).encode("utf-8", "surrogatepass"))
    brief, found = check_brief(path)
    assert (brief is None) == bool(found)
    assert all(problem.line >= 1 and problem.column >= 1 and problem.message for problem in found)


def test_quote_left_open_until_a_later_quote_is_reported_where_it_opens(tmp_path: Path) -> None:
    content = VALID.replace("kind: fact", 'kind: "fact') + 'timeline:\n  - date: "2012"\n    event: x\n'
    assert problems(tmp_path, content) == [
        "brief.yaml:13:11: YAML syntax error: the quoted text that opens here runs on to line 16, and "
        "the file cannot be read after it (did not find expected key at line 16); "
        "is its closing quote missing?"]


def test_colon_in_plain_text(tmp_path: Path) -> None:
    content = VALID.replace("summary: A summary.", "summary: In short: it works.")
    assert problems(tmp_path, content) == [
        "brief.yaml:10:18: YAML syntax error: ': ' is not allowed here; put text that contains ': ' in "
        "quotes, or check the indentation"]
