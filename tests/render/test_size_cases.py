"""The written size cases (1, 15, 35 and 60 claims, long figure values) check, build and read well (issue 10).

Each case under tests/cases/size-*/ is a brief written against the content format alone from a real
public-domain address kept beside it. Each is checked and built by the command line, then read back as
a reader would: six files, 16:9 slides, nothing over anything else or off its page, a one-page factsheet,
every claim in the memo, every figure in some PDF, whole words in every PDF's text. And a brief that
fails leaves its last good six files exactly as they were.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from compiler.content import load_brief
from compiler.doctypes import DOCUMENT_TYPES
from compiler.bounds import HTML_VARIABLE
from compiler.markup import plain_text
from compiler.render import render_html
from compiler.text import format_date
from compiler.document import BuildOptions
from tests.pdfcheck import Page, PdfLayout, hyphen_splits, is_sixteen_by_nine, layout_problems, read_layout
from tests.sixfiles import DOCUMENTS, SIX_FILES, Run, build, check, missing_files, printed_form, squeeze

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"
# Each case once on its own paper; the 35-claim case (the government message) on both.
BUILDS = [("size-1", ()), ("size-15", ()), ("size-35", ()), ("size-35", ("--paper", "letter")), ("size-60", ())]
# The band at the foot of a slide that holds its number and classification, not its content.
FOOTER_SHARE = 0.12
BUILD_IDS = [f"{case}{'-letter' if options else ''}" for case, options in BUILDS]


class BuiltCase:
    """One case checked and built into a folder of its own, with its PDFs read back."""

    def __init__(self, case: str, options: tuple[str, ...], out: Path) -> None:
        self.brief = CASES / case / "brief.yaml"
        self.data = yaml.safe_load(self.brief.read_text(encoding="utf-8"))
        self.check = check(self.brief)
        self.build = build(self.brief, out, *options)
        self.folder = out / "brief"
        self.missing = missing_files(self.folder)
        self.pdfs = {document: read_layout(self.folder / f"{document}.pdf") for document in DOCUMENTS
                     if (self.folder / f"{document}.pdf").is_file()}

    def pdf(self, document: str) -> PdfLayout:
        """One PDF read back; the test fails, with the build's messages, if it was not written."""
        if document not in self.pdfs:
            pytest.fail(f"{document}.pdf was not written:\n{self.build.output}")
        return self.pdfs[document]


@pytest.fixture(scope="module", params=BUILDS, ids=BUILD_IDS)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> BuiltCase:
    case, options = request.param
    return BuiltCase(case, options, tmp_path_factory.mktemp(case))


def test_check_accepts_the_case(built: BuiltCase) -> None:
    assert built.check.status == 0, built.check.output
    assert built.check.output.strip().startswith(f"{built.brief}: ok: {len(built.data['claims'])} claim")


def test_build_writes_all_six_files(built: BuiltCase) -> None:
    assert (built.build.status, built.missing) == (0, []), built.build.output


def test_slides_are_16_by_9(built: BuiltCase) -> None:
    slides = built.pdf("slides")
    assert [page.number for page in slides.pages if not is_sixteen_by_nine(page)] == []


@pytest.mark.parametrize("document", DOCUMENTS)
def test_no_word_over_another_or_off_its_page(built: BuiltCase, document: str) -> None:
    layout = built.pdf(document)
    problems = [problem for problem in layout_problems(layout, slides=document == "slides")
                if not problem.startswith("word split")]
    assert not problems, f"{layout.page_count} pages, {len(problems)} faults:\n" + "\n".join(problems[:30])


def test_factsheet_is_one_page(built: BuiltCase) -> None:
    assert built.pdf("factsheet").page_count == 1


def test_every_claim_is_in_the_memo(built: BuiltCase) -> None:
    memo = squeeze(built.pdf("memo").body_text)
    missing = [claim["id"] for claim in built.data["claims"] if printed_form(claim["text"]) not in memo]
    assert not missing, missing


def test_every_figure_value_is_in_some_pdf(built: BuiltCase) -> None:
    every_text = "".join(squeeze(built.pdf(document).body_text) for document in DOCUMENTS)
    missing = [figure["value"] for figure in built.data.get("figures", [])
               if printed_form(figure["value"]) not in every_text]
    assert not missing, missing


@pytest.mark.parametrize("document", DOCUMENTS)
def test_no_word_is_split_by_a_hyphen_glyph(built: BuiltCase, document: str) -> None:
    splits = hyphen_splits(built.pdf(document).text)
    assert not splits, f"{len(splits)} words split: {', '.join(splits)}"


def test_a_slide_its_group_continues_from_is_at_least_half_full(built: BuiltCase) -> None:
    """Only the last slide of a group may be less than half full (document-design.md): a slide followed
    by its group's continuation must reach at least half way down the page."""
    pages = built.pdf("slides").pages
    sparse = [f"slide {page.number}: text ends at {body_extent(page):.0%} of the page"
              for page, following in zip(pages, pages[1:])
              if continues(following) and body_extent(page) < 0.5]
    assert not sparse, sparse


def continues(page: Page) -> bool:
    """Whether a slide says it continues the one before (its title, in the top third, says "continued")."""
    return any("continued" in word.text.lower() for word in page.words if word.top < page.height / 3)


def body_extent(page: Page) -> float:
    """How far down the page the slide's text reaches, as a share of its height (the footer not counted)."""
    body = [word.bottom for word in page.words if word.top < page.height * (1 - FOOTER_SHARE)]
    return max(body, default=0) / page.height


# The memo's header block: each label's value starts on the label's own line, whatever keys are absent.
HEADER_VALUES = {"DATE": lambda data: format_date(str(data["brief"]["date"])),
                 "FOR": lambda data: data["brief"].get("audience"),
                 "FROM": lambda data: data["brief"].get("author"),
                 "SOURCE": lambda data: data["source"]["publisher"]}


def test_each_memo_header_value_starts_on_its_labels_line(built: BuiltCase) -> None:
    page = built.pdf("memo").pages[0]
    header = [word for word in page.words if word.top < page.height * 0.4]
    misplaced = []
    for label, value_of in HEADER_VALUES.items():
        value = value_of(built.data)
        boxes = [word for word in header if word.text == label]
        if value is None or not boxes:
            continue
        first_word = plain_text(str(value)).split()[0]
        beside = [word for word in header if word.text == first_word and word.x0 > boxes[0].x1
                  and abs((word.top + word.bottom) / 2 - (boxes[0].top + boxes[0].bottom) / 2) < 3]
        if not beside:
            misplaced.append(f"{label}: {first_word!r} is not on the label's line")
    assert {box.text for box in header} >= {"DATE", "SOURCE"}, "the header has no DATE or SOURCE label"
    assert not misplaced, misplaced


# A failing brief leaves its last good set: two ways to fail, one that check sees, one only the build sees.
# The good set is the smallest case's, the one most likely to build whatever else is broken.
GOOD_CASE = "size-1"

def copy_case(case: str, folder: Path) -> Path:
    """A case's brief and source in a folder of their own, so they can be edited."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("brief.yaml", "source.txt"):
        if (CASES / case / name).is_file():
            shutil.copyfile(CASES / case / name, folder / name)
    return folder / "brief.yaml"


def six_file_bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in SIX_FILES if (folder / name).is_file()}


def edit_first_claim(brief: Path, text: str) -> None:
    """Change the first claim's text in place, so every output is out of date."""
    lines = brief.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(number for number, line in enumerate(lines) if line.lstrip().startswith("text:")
                 and lines[number - 1].lstrip().startswith("kind:"))
    lines[index] = lines[index].split("text:")[0] + f"text: {text}\n"
    brief.write_text("".join(lines), encoding="utf-8")


def built_good_set(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    brief = copy_case(GOOD_CASE, tmp_path / "case")
    out = tmp_path / "out"
    first = build(brief, out)
    assert first.status == 0, first.output
    before = six_file_bytes(out / "brief")
    assert sorted(before) == sorted(SIX_FILES)
    return brief, out, before


def assert_refused_and_unchanged(run: Run, out: Path, before: dict[str, bytes]) -> None:
    assert run.status == 1, run.output
    after = six_file_bytes(out / "brief")
    changed = sorted(name for name in SIX_FILES if after.get(name) != before[name])
    assert changed == [], run.output
    assert sorted(path.name for path in (out / "brief").iterdir() if not path.name.startswith(".")) == sorted(SIX_FILES)


def test_a_brief_check_refuses_leaves_its_last_good_six_files(tmp_path: Path) -> None:
    brief, out, before = built_good_set(tmp_path)
    text = brief.read_text(encoding="utf-8")
    brief.write_text(text.replace("    kind: proposal\n", "    kind: proposals\n", 1), encoding="utf-8")
    assert check(brief).status == 1
    assert_refused_and_unchanged(build(brief, out), out, before)


def test_a_build_that_fails_part_way_leaves_the_last_good_six_files(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A resource bound only the build sees stops the largest document; the others must not be replaced."""
    brief, out, before = built_good_set(tmp_path)
    edit_first_claim(brief, "The President asks for the civil rights bill first (edited after the first build).")
    sizes = sorted(len(render_html(load_brief(brief), doctype, BuildOptions()).html.encode("utf-8"))
                   for doctype in DOCUMENT_TYPES)
    assert sizes[0] < sizes[-1]
    monkeypatch.setenv(HTML_VARIABLE, str((sizes[-2] + sizes[-1]) / 2 / 2**20))
    assert check(brief).status == 0
    assert_refused_and_unchanged(build(brief, out), out, before)


def test_a_long_title_subtitle_author_and_audience_leave_the_title_slide_readable(tmp_path: Path) -> None:
    """The issue's overprint: a three-line title and subtitle, author and audience on the title slide."""
    data = yaml.safe_load((CASES / GOOD_CASE / "brief.yaml").read_text(encoding="utf-8"))
    data["source"]["title"] = "Address Before a Joint Session of the Congress, " * 3 + "27 November 1963"
    data["brief"] |= {
        "title": "Johnson's first address to Congress: continuity of a programme, of a cabinet and of a style "
                 "of government, in five days of mourning",
        "subtitle": "What the new President asked of the Congress, in what order, and how much of it his "
                    "predecessor had already sent; with the one figure he gave, his years on Capitol Hill",
        "author": "Test desk, briefing-compiler issue 10, title-slide case with every line of the block",
        "audience": "Desk officers, regional directors and anyone who will read this deck in a room far "
                    "from here on a long afternoon",
    }
    brief = tmp_path / "brief.yaml"
    brief.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    run = build(brief, tmp_path / "out", "--format", "pdf")
    assert run.status == 0, run.output
    problems = layout_problems(read_layout(tmp_path / "out" / "brief" / "slides.pdf"), slides=True)
    assert not [problem for problem in problems if "page 1:" in problem], problems[:10]
