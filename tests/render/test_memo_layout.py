"""The memo's layout: its header block, claims kept with their evidence, figure values, running long."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from compiler.content import load_brief
from compiler.doctypes import document_type
from compiler.document import BuildOptions
from compiler.render import render_html
from tests.hostile.reading import pdf_word_boxes
from tests.pdfcheck import read_layout
from tests.render.reading import CASES, BuiltPdf, letters, small_brief, write_brief, write_pdf

DENSE = CASES / "dense-35" / "brief.yaml"


@pytest.fixture(scope="module", params=["a4", "letter"])
def dense_memo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> BuiltPdf:
    options = BuildOptions(paper=request.param)
    document = render_html(load_brief(DENSE), document_type("memo"), options)
    return write_pdf(document, tmp_path_factory.mktemp("memo") / "memo.pdf", options)


@pytest.mark.parametrize("audience, author", list(itertools.product([None, "Treasury desk"], repeat=2)))
def test_the_header_labels_sit_two_to_a_row_whatever_is_absent(tmp_path: Path, audience, author) -> None:
    data = small_brief()
    data["brief"] = dict(data["brief"], **{key: value for key, value in
                                           (("audience", audience), ("author", author)) if value})
    brief = write_brief(tmp_path, data)
    built = write_pdf(render_html(brief, document_type("memo"), BuildOptions()), tmp_path / "memo.pdf")
    expected = ["DATE", *(["FOR"] if audience else []), *(["FROM"] if author else []), "SOURCE"]
    words = pdf_word_boxes(built.path)
    header_end = min(box.y_min for box in words if box.text == "BOTTOM")  # the bottom line's box
    boxes = [box for box in words if box.page == 1 and box.text in expected and box.y_min < header_end]
    labels = sorted(boxes, key=lambda box: (round(box.y_min), box.x_min))
    assert [box.text for box in labels] == expected  # in reading order: left to right, then down
    for index, box in enumerate(labels):
        row_mate = labels[index ^ 1] if (index ^ 1) < len(labels) else None
        if row_mate is not None:
            assert box.y_min == pytest.approx(row_mate.y_min, abs=0.5)
        if index >= 2:
            assert box.x_min == pytest.approx(labels[index - 2].x_min, abs=0.5)
    assert labels[1].x_min > box.page_width / 2 - 20  # the second column starts near the middle
    # Each value sits on its label's line, right of it.
    value_first = {"DATE": "27", "SOURCE": "A", "FOR": "Treasury", "FROM": "Treasury"}
    for label in labels:
        same_line = [box for box in words if box.page == 1 and abs(box.y_max - label.y_max) < 2.5
                     and label.x_max < box.x_min < label.x_max + 40 * 2.83]
        assert same_line and same_line[0].text == value_first[label.text], label.text


SENTENCE = "The article makes a long and winding claim that goes on for a good while. "


def pages_holding(pages: list[str], words: str) -> list[int]:
    """The pages (from 0) whose text holds these words in order."""
    return [number for number, text in enumerate(pages) if letters(words) in letters(text)]


@pytest.mark.parametrize("summary_sentences", [1, 2, 9, 10, 11])  # each puts a claim's end at a page's foot
def test_a_claim_stays_on_the_page_of_its_first_quote(tmp_path: Path, summary_sentences: int) -> None:
    claims = [{"id": f"c{n}", "kind": "fact",
               "text": f"Claim {n} opens here. {SENTENCE * (2 + n % 3)}Claim {n} ends here.",
               "quotes": [{"text": f"quote {n} begins and says what the article says in its own words"}]}
              for n in range(1, 25)]
    brief = write_brief(tmp_path, small_brief(claims=claims, summary=SENTENCE * summary_sentences))
    built = write_pdf(render_html(brief, document_type("memo"), BuildOptions()), tmp_path / "memo.pdf")
    pages = built.text.split("\f")
    assert len(pages) > 2
    for n in range(1, 25):
        ends = pages_holding(pages, f"Claim {n} ends here")
        assert len(ends) == 1 and ends == pages_holding(pages, f"quote {n} begins"), n


def test_figure_values_are_never_broken_inside_a_word_and_take_two_lines_at_most(dense_memo: BuiltPdf) -> None:
    words = [box for box in pdf_word_boxes(dense_memo.path)]
    text = dense_memo.text
    assert "\u2010" not in text
    for figure in load_brief(DENSE).data["figures"]:
        parts = figure["value"].split()
        for index in range(len(words) - len(parts) + 1):
            run = words[index:index + len(parts)]
            if [box.text for box in run] == parts:
                break
        else:
            raise AssertionError(f"{figure['value']!r}: not found as whole words")
        lines = {round(box.y_min) for box in run}
        assert len(lines) <= 2, figure["value"]


def test_a_long_memo_builds_and_its_warning_says_what_is_long(dense_memo: BuiltPdf) -> None:
    pages = len(dense_memo.text.split("\f")) - 1
    assert pages == 5
    [located] = [w for w in dense_memo.result.warnings if "memo runs" in getattr(w, "message", w)]
    assert located.path == "claims"  # the longest part's place in the brief, never 1:1
    warning = located.message
    match = re.fullmatch(r"memo.pdf: memo runs to 5 pages \(budget 4 pages\): about \d+ lines too long; the longest "
                         r"parts: “What the article claims” (\d\.\d) pages, “Key figures” (\d\.\d) pages; "
                         r"shorten the summary, claims or notes", warning)
    assert match, warning
    assert 2.5 <= float(match.group(1)) <= 3.5


def test_a_figure_value_of_pages_reads_whole_across_the_page_above_its_label(tmp_path: Path) -> None:
    value = " ".join(f"tonnes{number} of grain" for number in range(260))  # about 4,800 characters
    figures = [{"label": "Short label", "value": "500 million bushels", "claim": "only"},
               {"label": "The long one", "value": value}]
    brief = write_brief(tmp_path, small_brief(figures=figures))
    built = write_pdf(render_html(brief, document_type("memo"), BuildOptions()), tmp_path / "memo.pdf")
    layout = read_layout(built.path)
    assert layout.page_count >= 2
    text = " ".join(layout.body_text.split())
    assert f"500 million bushels Short label Claim 1 {value} The long one" in text
    words = [word for page in layout.pages for word in page.words]
    label = next(word for word in words if word.text == "Short")
    assert next(word for word in words if word.text == "500").x0 == pytest.approx(label.x0, abs=0.5)
