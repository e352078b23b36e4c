"""`briefing pull`: a colleague edits a handout in python-docx or LibreOffice; the edits come back into
the brief file, everything else in it stays byte for byte, and the next build shows them."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
import yaml
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from tests.render.reading import contains_words, pdf_text
from tests.writers.handouts import add_paragraph_after, delete_paragraph, marked_paragraph, replace_words
from tests.writers.references import LIBREOFFICE, round_trip

ROOT = Path(__file__).resolve().parents[1]
MEMO = Path("build/sco-2012/memo.docx")
BRIEF = Path("content/sco-2012.yaml")

CLAIM_OLD = "the SCO was founded in Shanghai on 15 June 2001"
CLAIM_NEW = "the SCO was founded in the city of Shanghai on 15 June 2001"
ACTION = "Set up a committee for good-neighbourliness, friendship and cooperation"
QUOTE = "gathered in Beijing for their twelfth summit meeting from June 6-7, 2012"
QUOTE_EDITED = "gathered in Beijing for their 13th summit meeting from June 6-7, 2012"
IMPLICATION = "Watch whether the railway is *actually* built."


@dataclass
class Run:
    status: int
    out: str
    err: str


def briefing(project: Path, *args: str) -> Run:
    """The command line, run in the project folder as a user runs it."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "compiler", *args], cwd=project, capture_output=True,
                          text=True, env=environment, timeout=600)
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A project folder with the SCO brief, built once (memo, slides, factsheet; PDF and Word)."""
    project = tmp_path_factory.mktemp("built")
    shutil.copytree(ROOT / "content", project / "content")
    run = briefing(project, "build", "-j", "1", str(BRIEF))
    assert run.status == 0, run.err
    return project


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A copy of the built project that a test may edit."""
    copy = tmp_path / "project"
    shutil.copytree(built, copy, symlinks=True)
    return copy


def edit_as_a_colleague(handout: Path) -> None:
    """Change a claim's words, add an implication (with an italic word), delete an action, and
    retype a quote so that the source no longer has it."""
    word = docx.Document(str(handout))
    replace_words(marked_paragraph(word, "claims[0].text"), "founded in Shanghai", "founded in the city of Shanghai")
    added = add_paragraph_after(marked_paragraph(word, "takeaways[1]"), "Watch whether the railway is ")
    added.add_run("actually").italic = True
    added.add_run(" built.")
    delete_paragraph(marked_paragraph(word, "goals[0].actions[1]"))
    replace_words(marked_paragraph(word, "claims[1].quotes[0].text"), "twelfth", "13th")
    word.save(str(handout))


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    """The lines a change removed and the lines it added (all others are byte-identical)."""
    removed, added = [], []
    for line in difflib.ndiff(old.splitlines(keepends=True), new.splitlines(keepends=True)):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def expected_change(old: str) -> tuple[list[str], list[str]]:
    """The three lines the edits above must change in the brief file, and nothing else."""
    claim = next(line for line in old.splitlines(keepends=True) if CLAIM_OLD in line)
    action = next(line for line in old.splitlines(keepends=True) if ACTION in line)
    return [claim, action], [claim.replace(CLAIM_OLD, CLAIM_NEW), f'  - "{IMPLICATION}"\n']


def quote_refused(handout: Path) -> str:
    return (f"{handout}: claims[1].quotes[0].text: not pulled: quote not found in sources/sco-2012.txt; "
            f'closest passage in paragraph 3: "{QUOTE}."')


def test_pull_shows_the_change_as_a_diff_and_writes_nothing(project):
    edit_as_a_colleague(project / MEMO)
    before = (project / BRIEF).read_text(encoding="utf-8")

    run = briefing(project, "pull", str(MEMO))

    assert run.status == 1  # the quote was not pulled
    assert run.out.startswith(f"--- a/{BRIEF}\n+++ b/{BRIEF}\n@@ ")
    removed, added = expected_change(before)
    assert [line[1:] for line in run.out.splitlines(keepends=True) if line[0] in "+-" and line[1] not in "+-"] \
        == [removed[0], added[0], removed[1], added[1]]
    assert run.err.splitlines() == [
        quote_refused(MEMO),
        f"{MEMO}: 3 changes to {BRIEF}; 1 edit not pulled (listed above); pass --write to make them"]
    assert (project / BRIEF).read_text(encoding="utf-8") == before


def pull_write_check_build(project: Path, handout: Path) -> tuple[str, str]:
    """`pull --write`, `check`, then `build`: the brief before and after, and the memo PDF's text."""
    before = (project / BRIEF).read_text(encoding="utf-8")
    pulled = briefing(project, "pull", "--write", str(handout))
    assert pulled.status == 1, pulled.err
    assert quote_refused(handout) in pulled.err.splitlines()
    checked = briefing(project, "check", str(BRIEF))
    assert checked.status == 0, checked.err
    assert checked.out.startswith(f"{BRIEF}: ok: 14 claims, 33 quotes verified")
    guarded = briefing(project, "build", "-j", "1", str(BRIEF))
    assert guarded.status == 1
    assert (f"{MEMO}:1:1: {MEMO} was edited since the last build; wrote memo.new.docx beside it; "
            f"`briefing pull {MEMO}` takes the edits into the brief; `--overwrite-edited` discards them"
            ) in guarded.err.splitlines()
    rebuilt = briefing(project, "build", "-j", "1", "--overwrite-edited", str(BRIEF))
    assert rebuilt.status == 0, rebuilt.err
    return before, (project / BRIEF).read_text(encoding="utf-8")


def assert_memo_shows_the_edits(project: Path) -> None:
    text = pdf_text(project / "build" / "sco-2012" / "memo.pdf")
    assert contains_words(text, CLAIM_NEW)
    assert contains_words(text, "Watch whether the railway is actually built.")
    assert not contains_words(text, ACTION)
    assert contains_words(text, QUOTE) and not contains_words(text, QUOTE_EDITED)


def test_edits_made_in_python_docx_are_pulled_checked_and_built(project):
    edit_as_a_colleague(project / MEMO)

    before, after = pull_write_check_build(project, MEMO)

    assert changed_lines(before, after) == expected_change(before)
    assert_memo_shows_the_edits(project)
    word = docx.Document(str(project / MEMO))
    assert CLAIM_NEW in marked_paragraph(word, "claims[0].text").text
    assert marked_paragraph(word, "takeaways[2]").text == "Watch whether the railway is actually built."


@pytest.mark.skipif(LIBREOFFICE is None, reason="libreoffice is not installed (make test installs it)")
def test_edits_that_went_through_libreoffice_are_pulled_the_same(project, tmp_path):
    edit_as_a_colleague(project / MEMO)
    saved = round_trip(project / MEMO, tmp_path / "saved-by-libreoffice")
    shutil.copy(saved, project / MEMO)  # the colleague sends it back

    before, after = pull_write_check_build(project, MEMO)

    assert changed_lines(before, after) == expected_change(before)
    assert_memo_shows_the_edits(project)


@pytest.mark.skipif(LIBREOFFICE is None, reason="libreoffice is not installed (make test installs it)")
@pytest.mark.parametrize("name", ["memo", "slides", "factsheet"])
def test_a_handout_saved_unchanged_by_libreoffice_has_nothing_to_pull(built, tmp_path, name):
    saved = round_trip(built / "build" / "sco-2012" / f"{name}.docx", tmp_path)

    run = briefing(built, "pull", str(saved), "--brief", str(BRIEF))

    assert (run.status, run.out) == (0, "")
    assert run.err.splitlines() == [f"{saved}: nothing to pull into {BRIEF}"]


def add_comment_and_tracked_change(handout: Path) -> None:
    """What YAML cannot hold: a comment, an insertion not yet accepted, underlining, a new heading."""
    word = docx.Document(str(handout))
    bottom_line = marked_paragraph(word, "brief.bottom_line")
    word.add_comment(bottom_line.runs[0], text="Is this too strong?", author="R. Colleague")
    insertion = OxmlElement("w:ins")
    for name, value in (("w:id", "901"), ("w:author", "R. Colleague"), ("w:date", "2026-11-28T09:00:00Z")):
        insertion.set(qn(name), value)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = " (disputed)"
    run.append(text)
    insertion.append(run)
    claim = marked_paragraph(word, "claims[2].text")
    claim._p.append(insertion)
    marked_paragraph(word, "takeaways[0]").runs[-1].font.underline = True
    heading = add_paragraph_after(marked_paragraph(word, "takeaways[3]"), "Next steps")
    heading.style = word.styles["Heading 2"]
    word.save(str(handout))


def test_what_yaml_cannot_hold_is_listed_by_key_path_and_not_pulled(project):
    add_comment_and_tracked_change(project / MEMO)
    before = (project / BRIEF).read_text(encoding="utf-8")

    run = briefing(project, "pull", "--write", str(MEMO))

    assert run.status == 1
    assert run.out == ""
    assert run.err.splitlines() == [
        f'{MEMO}: brief.bottom_line: comment by R. Colleague on "A Party-journal article (written 2012, in '
        'English 2013) presents the SCO as a model of regional cooperation built on dialogue mechanisms, the '
        'weight of China and Russia and a “new approach to security”, and sets a next-decade agenda of wider '
        'security cooperation, infrastructure links and freer trade. Read it as Beijing’s framing of the SCO: '
        'confident, largely unsourced, and silent on enlargement or differences among members.": Is this too '
        "strong?; not pulled (the brief has no comments in the text)",
        f'{MEMO}: takeaways[3]: new heading after takeaways[3] ("Next steps"); not pulled: the brief has no '
        "place for it",
        f'{MEMO}: claims[2].text: tracked insertion not accepted ("(disputed)"); accept or reject it in Word, '
        "then pull again",
        f"{MEMO}: takeaways[0]: formatting the brief cannot hold (underline); it will not be in the next build",
        f"{MEMO}: nothing to pull into {BRIEF}; 4 edits not pulled (listed above)",
    ]
    assert (project / BRIEF).read_text(encoding="utf-8") == before


def test_an_edit_to_text_the_brief_also_changed_is_reported_not_applied(project):
    brief = project / BRIEF
    text = brief.read_text(encoding="utf-8")
    brief.write_text(text.replace("**Read it as Beijing’s framing.**", "**Read it as Beijing’s view.**"),
                     encoding="utf-8")
    word = docx.Document(str(project / MEMO))
    replace_words(marked_paragraph(word, "claims[0].text"), "founded in Shanghai", "founded in the city of Shanghai")
    replace_words(marked_paragraph(word, "takeaways[0]"), "Published in", "Printed in")
    word.save(str(project / MEMO))
    before = brief.read_text(encoding="utf-8")

    run = briefing(project, "pull", "--write", str(MEMO))

    assert run.status == 1
    assert run.err.splitlines()[0] == (
        f"{MEMO}: takeaways[0]: changed in the handout and in the brief since the build; not pulled; the "
        "handout says \"Read it as Beijing’s framing. Printed in the Party’s theory journal, the articl…\"")
    assert changed_lines(before, brief.read_text(encoding="utf-8"))[1] == [
        next(line for line in before.splitlines(keepends=True) if CLAIM_OLD in line).replace(CLAIM_OLD, CLAIM_NEW)]


@pytest.mark.parametrize("content, message", [
    (b"not a zip at all", "not a Word file (not a zip package); pull reads the .docx files `briefing build` "
                          "writes"),
    (None, "not a handout this compiler wrote (it carries no briefing markers); pull reads the .docx files "
           "`briefing build` writes"),
])
def test_a_file_that_is_not_our_handout_is_one_line(project, content, message):
    handout = project / "other.docx"
    if content is None:
        docx.Document().save(str(handout))
    else:
        handout.write_bytes(content)

    run = briefing(project, "pull", "other.docx")

    assert (run.status, run.out, run.err) == (1, "", f"other.docx: {message}\n")


def test_a_brief_that_moved_is_one_line_naming_the_option(project):
    (project / BRIEF).rename(project / "content" / "renamed.yaml")

    run = briefing(project, "pull", str(MEMO))

    assert (run.status, run.out) == (1, "")
    assert run.err == (f"{MEMO}: built from {BRIEF}, which is not there (moved or renamed?); name the brief "
                       "with --brief PATH\n")


def test_a_missing_handout_is_one_line(project):
    run = briefing(project, "pull", "build/sco-2012/nothing.docx")

    assert (run.status, run.err) == (1, "build/sco-2012/nothing.docx: not found; name a .docx file that "
                                        "`briefing build` wrote\n")


def test_hostile_words_in_a_handout_arrive_as_data_or_are_refused(project):
    word = docx.Document(str(project / MEMO))
    (claim,) = [run for run in marked_paragraph(word, "claims[0].text").runs
                if run.text.startswith("According to the article")]
    claim.text = 'Said: "yes" # not a comment\n{{ 7*7 }} &amp; - [x](javascript:alert(1))'
    add_paragraph_after(marked_paragraph(word, "takeaways[3]"), "Reversed \u202etxt.exe")
    word.save(str(project / MEMO))

    run = briefing(project, "pull", "--write", str(MEMO))

    assert run.status == 1
    assert (f"{MEMO}: takeaways: not pulled: contains the bidirectional control character U+202E, which "
            "makes the printed text read differently from the brief; remove it") in run.err.splitlines()
    assert "\u202e" not in run.err + run.out
    data = yaml.safe_load((project / BRIEF).read_text(encoding="utf-8"))
    assert data["claims"][0]["text"] == 'Said: "yes" # not a comment {{ 7*7 }} &amp; - [x](javascript:alert(1))'
    assert len(data["takeaways"]) == 4


def test_a_brief_with_problems_is_one_line_saying_what_to_do(project):
    brief = project / BRIEF
    brief.write_text(brief.read_text(encoding="utf-8").replace("kind: fact", "kind: rumour", 1), encoding="utf-8")

    run = briefing(project, "pull", str(MEMO))

    assert (run.status, run.out) == (1, "")
    assert run.err == (f"{BRIEF}: has 1 problem (`briefing check {BRIEF}` lists them); fix them, then pull "
                       "again\n")


def test_a_brief_named_that_is_not_there_is_one_line(project):
    run = briefing(project, "pull", str(MEMO), "--brief", "content/elsewhere.yaml")

    assert (run.status, run.err) == (1, "content/elsewhere.yaml: not found; name the brief memo.docx was "
                                        "built from (sco-2012.yaml)\n")


def test_words_typed_at_a_paragraphs_end_and_their_bold_come_back_as_markup(project):
    word = docx.Document(str(project / MEMO))
    claim = marked_paragraph(word, "claims[0].text")
    claim.add_run(" It says so ")
    claim.add_run("twice").bold = True
    claim.add_run(".")
    word.save(str(project / MEMO))
    before = (project / BRIEF).read_text(encoding="utf-8")

    run = briefing(project, "pull", "--write", str(MEMO))

    assert run.status == 0, run.err
    line = next(line for line in before.splitlines(keepends=True) if CLAIM_OLD in line)
    assert changed_lines(before, (project / BRIEF).read_text(encoding="utf-8")) == (
        [line], [line.replace('declaration."', 'declaration. It says so **twice**."')])


def test_a_text_retyped_whole_whose_marker_word_dropped_is_still_pulled(project):
    word = docx.Document(str(project / MEMO))
    claim = marked_paragraph(word, "claims[2].text")
    for marker in [child for child in claim._p if child.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd"))]:
        claim._p.remove(marker)
    (retyped,) = [run for run in claim.runs if run.text.startswith("The first of three reasons")]
    retyped.text = "The article's first reason is its framework for dialogue."
    word.save(str(project / MEMO))
    before = (project / BRIEF).read_text(encoding="utf-8")

    run = briefing(project, "pull", "--write", str(MEMO))

    assert run.status == 0, run.err
    removed, added = changed_lines(before, (project / BRIEF).read_text(encoding="utf-8"))
    assert [line.strip() for line in added] == ['text: "The article\'s first reason is its framework for dialogue."']
    assert len(removed) == 1 and "The first of three reasons" in removed[0]


@pytest.mark.parametrize("name, key, old, new", [
    ("factsheet", "timeline[0].event", "six heads of state sign", "six presidents sign"),
    ("slides", "figures[1].label", "Member states", "Founding member states"),
])
def test_the_factsheet_and_the_deck_are_pulled_too(project, name, key, old, new):
    handout = MEMO.with_name(f"{name}.docx")
    word = docx.Document(str(project / handout))
    replace_words(marked_paragraph(word, key), old, new)
    word.save(str(project / handout))
    before = (project / BRIEF).read_text(encoding="utf-8")

    run = briefing(project, "pull", "--write", str(handout))

    assert run.status == 0, run.err
    line = next(line for line in before.splitlines(keepends=True) if old in line)
    assert changed_lines(before, (project / BRIEF).read_text(encoding="utf-8")) == ([line], [line.replace(old, new)])


def test_a_refused_edit_is_named_by_its_own_key_when_an_item_was_added_before_it(project):
    word = docx.Document(str(project / MEMO))
    add_paragraph_after(marked_paragraph(word, "takeaways[0]"), "Inserted after the first.")
    replace_words(marked_paragraph(word, "takeaways[2]"), "The economic agenda", "The \u202eeconomic agenda")
    word.save(str(project / MEMO))
    before = (project / BRIEF).read_text(encoding="utf-8")

    run = briefing(project, "pull", "--write", str(MEMO))

    assert run.status == 1
    assert run.err.splitlines()[0] == (
        f"{MEMO}: takeaways[2]: not pulled: contains the bidirectional control character U+202E, which makes "
        "the printed text read differently from the brief; remove it")
    assert changed_lines(before, (project / BRIEF).read_text(encoding="utf-8")) == (
        [], ['  - "Inserted after the first."\n'])
