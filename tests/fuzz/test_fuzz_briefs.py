"""Generated brief files, valid and broken: checking never crashes or hangs, and what builds says what it was given.

Runs a fixed, bounded set of examples in `make test`. A longer, randomised run:
    HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/fuzz
"""

from __future__ import annotations

import datetime
import os
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from compiler.content import check_brief, load_brief
from compiler.diagnostics import BriefError
from compiler.doctypes import DOCUMENT_TYPES, document_type
from compiler.document import BuildOptions
from compiler.fonts import covered_characters
from compiler.render import render_html
from compiler.writers import writer
from tests.hostile.reading import contains_literally, docx_text, pdf_text

# A generous bound per example: checking a small brief takes milliseconds, so only a hang reaches it.
HANG_BOUND = datetime.timedelta(seconds=20)
settings.register_profile("fuzz", max_examples=150, derandomize=True, deadline=HANG_BOUND, database=None,
                          suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.register_profile("long", max_examples=3000, derandomize=False, deadline=HANG_BOUND, database=None,
                          suppress_health_check=[HealthCheck.too_slow], print_blob=True)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz"))
# The fixed run's share per test: most examples go to the check, a few to loading, fewer to building.
SCALE = PROFILE.max_examples / 150
LOAD_EXAMPLES, RENDER_EXAMPLES, BUILD_EXAMPLES = (max(1, round(n * SCALE)) for n in (40, 15, 4))

# Text a reader can find again in the PDF: characters the fonts cover, no markup (*, [ ]) and no hyphen
# (a hyphen at a line break is indistinguishable from one that hyphenation added).
READABLE_CATEGORIES = {"Lu", "Ll", "Nd", "Po", "Ps", "Pe", "Sm", "Sc", "Zs"}
UNREADABLE = set("*[]_-\u00ad\u2010\u2011\u2012\u2013\u2014\u2212")
READABLE = st.sampled_from(sorted(
    {chr(code) for code in range(0x20, 0x0500) if unicodedata.category(chr(code)) in READABLE_CATEGORIES}
    .union("<>{}%#&\"'/\\|=+~^`“”‘’€¶§°中文字")
    .intersection(chr(code) for code in covered_characters()) - UNREADABLE))
# Text check accepts and the fonts cover, that stresses the rest: markup and template characters,
# combining marks, invisible characters, any covered script (CJK, Greek, math, symbols).
COVERED = st.sampled_from(sorted(
    chr(code) for code in covered_characters()
    if unicodedata.category(chr(code)) not in ("Cc", "Cs", "Co", "Cn", "Zl", "Zp")
    and not 0x202A <= code <= 0x202E and not 0x2066 <= code <= 0x2069))
TRICKY = st.one_of(READABLE, st.sampled_from("*_[]()<>{}%#&!:\\`~|\u0301\u00ad\u200b\u00a0"), COVERED)
# Anything at all, control characters and markup included: for the check, never for the build.
ANY_CHAR = st.characters(codec="utf-8") | st.sampled_from("*_[]()<>{}%#&!:\t\n\u202e\u0301\ufeff")

ids = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,6})?", fullmatch=True)
dates = st.dates()  # years 1 to 9999
# Every form a date may take, and the edges: year 0, month 13, day 31 of a short month.
any_dates = st.one_of(dates, st.integers(0, 9999).map("{:04d}".format),
                      st.tuples(st.integers(0, 9999), st.integers(0, 13)).map("{0[0]:04d}-{0[1]:02d}".format),
                      st.tuples(st.integers(0, 9999), st.integers(1, 12), st.integers(28, 32))
                      .map("{0[0]:04d}-{0[1]:02d}-{0[2]:02d}".format))


def words(alphabet: st.SearchStrategy[str], max_words: int = 8) -> st.SearchStrategy[str]:
    """A few space-separated words of the given characters, never blank."""
    word = st.text(alphabet, min_size=1, max_size=12).map(str.strip).filter(bool)
    return st.lists(word, min_size=1, max_size=max_words).map(" ".join)


@st.composite
def briefs(draw: st.DrawFn, alphabet: st.SearchStrategy[str] = READABLE,
           dates: st.SearchStrategy[Any] = dates) -> dict[str, Any]:
    """A valid brief (as Python data): every required key, some optional ones, consistent ids."""
    text = words(alphabet)
    claim_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    claims = [{"id": claim_id, "kind": draw(st.sampled_from(["fact", "assessment", "proposal"])),
               "text": draw(text)} for claim_id in claim_ids]
    for claim in claims:
        if draw(st.booleans()):
            claim["quotes"] = [{"text": draw(text)}]
        if draw(st.booleans()):
            claim["note"] = draw(text)
    data: dict[str, Any] = {
        "format": 1,
        "source": {"title": draw(text), "publisher": draw(text), "date": draw(dates)},
        "brief": {"title": draw(text), "date": draw(dates), "bottom_line": draw(text)},
        "summary": "\n\n".join(draw(st.lists(text, min_size=1, max_size=3))),
        "claims": claims,
    }
    if draw(st.booleans()):
        data["brief"]["subtitle"] = draw(text)
    if draw(st.booleans()):
        data["goals"] = [{"id": goal_id, "text": draw(text), "claims": [claim_ids[0]]}
                         for goal_id in draw(st.lists(ids, min_size=1, max_size=2, unique=True))]
    if draw(st.booleans()):
        data["figures"] = [{"label": draw(text), "value": draw(words(alphabet, 2))}]
    if draw(st.booleans()):
        data["timeline"] = [{"date": draw(dates), "event": draw(text)}]
    if draw(st.booleans()):
        data["takeaways"] = draw(st.lists(text, min_size=1, max_size=3))
    return data


def dump(data: Any) -> str:
    """A brief's data as the YAML an analyst might write."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)


JUNK_VALUES = st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.booleans(),
                        st.text(ANY_CHAR, max_size=20), st.lists(st.integers(), max_size=3),
                        st.dictionaries(st.text(max_size=5), st.integers(), max_size=2), dates)


def key_paths(value: Any, path: tuple = ()) -> list[tuple]:
    """Every path into nested dicts and lists, as tuples of keys and indexes."""
    paths = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            paths += key_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths += key_paths(item, (*path, index))
    return paths


def parent_of(data: Any, path: tuple) -> Any:
    for step in path[:-1]:
        data = data[step]
    return data


@st.composite
def broken_data(draw: st.DrawFn) -> str:
    """A valid brief with its structure damaged: keys removed, values of the wrong type, keys added."""
    data = draw(briefs(ANY_CHAR))
    for _ in range(draw(st.integers(1, 3))):
        paths = key_paths(data)
        path = draw(st.sampled_from(paths))
        parent = parent_of(data, path)
        action = draw(st.sampled_from(["delete", "replace", "add", "nest"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(JUNK_VALUES)
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(ANY_CHAR, min_size=1, max_size=8))] = draw(JUNK_VALUES)
        elif action == "nest":
            parent[path[-1]] = {"nested": [parent[path[-1]]]}
    return dump(data)


@st.composite
def broken_text(draw: st.DrawFn) -> bytes:
    """A valid brief's YAML text damaged as an editor might: lines lost, indentation, stray characters, bad bytes."""
    lines = dump(draw(briefs(ANY_CHAR))).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "duplicate", "indent", "dedent", "insert", "truncate"]))
        if action == "drop" and len(lines) > 1:
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "indent":
            lines[index] = " " * draw(st.integers(1, 5)) + lines[index]
        elif action == "dedent":
            lines[index] = lines[index].lstrip(" ")
        elif action == "insert":
            line = lines[index]
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + draw(st.text(ANY_CHAR, min_size=1, max_size=6)) + line[at:]
        elif action == "truncate":
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))]
    data = "".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    return data


def assert_checks_cleanly(path: Path) -> None:
    """The checker accepts the file, or reports problems that each point into it; nothing else."""
    brief, problems = check_brief(path)
    line_count = max(1, path.read_bytes().count(b"\n") + 1)
    if brief is not None:
        assert problems == []
        return
    assert problems, "refused without a problem"
    for problem in problems:
        assert problem.file == str(path)
        assert 1 <= problem.line <= line_count + 1, str(problem)
        assert problem.column >= 1, str(problem)
        assert problem.message, str(problem)
    try:
        load_brief(path)
    except BriefError as error:
        assert error.problems == problems
    else:
        raise AssertionError("check_brief refused what load_brief accepted")


def write_brief(folder: str, content: str | bytes) -> Path:
    path = Path(folder) / "brief.yaml"
    path.write_bytes(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
    return path


@settings(PROFILE)
@given(content=st.one_of(briefs(ANY_CHAR).map(dump), broken_data(), broken_text()))
def test_check_accepts_or_points_at_every_problem(content: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        assert_checks_cleanly(write_brief(folder, content))


@settings(PROFILE, max_examples=RENDER_EXAMPLES)
@given(data=briefs(TRICKY, any_dates))
def test_accepted_briefs_render_or_are_refused_with_a_location(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        brief, _ = check_brief(write_brief(folder, dump(data)))
        if brief is None:
            return
        for doctype in DOCUMENT_TYPES:
            try:
                render_html(brief, doctype, BuildOptions())
            except BriefError as error:  # a character the fonts cannot draw: refused, with its field
                assert all(problem.line >= 1 and problem.path for problem in error.problems)


@settings(PROFILE, max_examples=LOAD_EXAMPLES)
@given(data=briefs())
def test_valid_generated_briefs_load(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        brief = load_brief(write_brief(folder, dump(data)))
        assert brief.data["claims"][0]["text"] == data["claims"][0]["text"]


def printed_texts(data: dict[str, Any]) -> list[str]:
    """The generated texts the memo must show."""
    texts = [data["brief"]["title"], data["brief"]["bottom_line"], *data["summary"].split("\n\n")]
    texts += [claim["text"] for claim in data["claims"]]
    texts += [quote["text"] for claim in data["claims"] for quote in claim.get("quotes", [])]
    texts += data.get("takeaways", [])
    return texts


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# Shrinking a failing build takes minutes (every step renders); the failing example is printed as found.
@settings(PROFILE, max_examples=BUILD_EXAMPLES, phases=[Phase.explicit, Phase.generate])
@given(data=briefs())
def test_generated_content_appears_in_pdf_and_word(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        brief = load_brief(write_brief(folder, dump(data)))
        document = render_html(brief, document_type("memo"), BuildOptions())
        texts = {}
        for format_name, read in (("pdf", pdf_text), ("docx", docx_text)):
            target = Path(folder) / f"memo.{format_name}"
            writer(format_name).write(document, target, BuildOptions())
            texts[format_name] = normalise(read(target))
    for wanted in printed_texts(data):
        for format_name, text in texts.items():
            assert contains_literally(text, normalise(wanted)), (format_name, wanted)
