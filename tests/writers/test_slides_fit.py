"""Decks that used to fail now build and fit: read back from the PDF, every word on its page, none
over another, every claim in the deck, and every slide but a group's last at least half full."""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

import docx
import pytest

from compiler import slides
from compiler.content import load_brief
from compiler.doctypes import document_type
from compiler.render import render_html
from compiler.document import BuildOptions
from compiler.writers import docx as docx_writer
from tests.hostile.reading import WordBox, pdf_word_boxes
from tests.render.reading import (CASES, SCO_BRIEF, BuiltPdf, contains_words, letters, page_sizes_mm,
                                  runs_over_pages, write_pdf)

MM = 72 / 25.4  # points per millimetre
BODY_TOP, BODY_BOTTOM = 13 * MM, (180 - 15) * MM  # the slide's page margins (slides.css @page)
OVERLAP_SHARE = 0.15  # of a word box's height: what the font's ascent and descent add around a line

FIT_CASES = ["slides-figures-bushels", "slides-figures-speeds", "slides-long-title", "slides-35-claims",
             "slides-huge-claim", "slides-at-the-limits", "slides-every-field-long", "elsewhere-large", "minimal"]


@pytest.fixture(scope="module", params=FIT_CASES)
def deck(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, BuiltPdf]:
    brief = load_brief(CASES / request.param / "brief.yaml")
    folder = tmp_path_factory.mktemp(request.param)
    return brief.data, write_pdf(render_html(brief, document_type("slides"), BuildOptions()), folder / "slides.pdf")


def slide_labels(html: str) -> list[str]:
    """The label of each slide, in order, as the template writes it."""
    return re.findall(r'<section class="slide[^"]*" id="slide-\d+" data-one-page\s+data-label="([^"]*)"', html)


def body_boxes(boxes: list[WordBox], page: int) -> list[WordBox]:
    """A page's words above its footer (the footer holds the deck's title and the slide number)."""
    return [box for box in boxes if box.page == page and box.y_max <= BODY_BOTTOM + 1]


def overlap(first: WordBox, second: WordBox) -> bool:
    """Whether two words' boxes overlap, beyond the room a font's ascent and descent take."""
    inset_first = (first.y_max - first.y_min) * OVERLAP_SHARE
    inset_second = (second.y_max - second.y_min) * OVERLAP_SHARE
    across = min(first.x_max, second.x_max) - max(first.x_min, second.x_min)
    down = (min(first.y_max - inset_first, second.y_max - inset_second)
            - max(first.y_min + inset_first, second.y_min + inset_second))
    return across > 0.5 and down > 0.5


def test_the_deck_is_16_by_9_and_one_slide_a_page(deck: tuple[dict, BuiltPdf]) -> None:
    _, built = deck
    sizes = page_sizes_mm(built.path)
    assert all(width / height == pytest.approx(16 / 9, rel=0.002) for width, height in sizes)
    assert len(sizes) == len(slide_labels(built.html))


def test_every_word_lies_inside_its_page(deck: tuple[dict, BuiltPdf]) -> None:
    _, built = deck
    outside = [box for box in pdf_word_boxes(built.path)
               if box.x_min < 0 or box.y_min < 0 or box.x_max > box.page_width or box.y_max > box.page_height]
    assert outside == []


def test_no_word_is_drawn_over_another(deck: tuple[dict, BuiltPdf]) -> None:
    _, built = deck
    boxes = pdf_word_boxes(built.path)
    clashes = [(first.page, first.text, second.text) for page in {box.page for box in boxes}
               for first, second in combinations([box for box in boxes if box.page == page], 2)
               if overlap(first, second)]
    assert clashes == []


def test_every_claim_is_in_the_deck(deck: tuple[dict, BuiltPdf]) -> None:
    data, built = deck
    text = built.raw_text
    pages = text.split("\f")
    for claim in data["claims"]:
        assert contains_words(text, claim["text"]) or runs_over_pages(pages, claim["text"]), claim["id"]
    shown = [str(field) for figure in data.get("figures", []) for field in (figure["value"], figure["label"])]
    shown += [data["brief"][key] for key in ("title", "subtitle", "author", "audience", "bottom_line")
             if data["brief"].get(key)] + [data["source"]["title"], *data.get("takeaways", [])]
    for field in shown:  # nothing pushed off its slide and lost
        assert contains_words(text, field) or runs_over_pages(pages, field), field


def test_only_a_groups_last_slide_may_be_less_than_half_full(deck: tuple[dict, BuiltPdf]) -> None:
    _, built = deck
    labels = slide_labels(built.html)
    boxes = pdf_word_boxes(built.path)
    for page, label in enumerate(labels[:-1], start=1):
        if not labels[page].endswith("(continued)”"):
            continue  # the last slide of its group
        lowest = max(box.y_max for box in body_boxes(boxes, page))
        assert (lowest - BODY_TOP) / (BODY_BOTTOM - BODY_TOP) >= 0.5, label


# What each case shows ------------------------------------------------------------------------------

def build_case(name: str, folder: Path) -> BuiltPdf:
    brief = load_brief(CASES / name / "brief.yaml")
    return write_pdf(render_html(brief, document_type("slides"), BuildOptions()), folder / "slides.pdf")


def test_five_long_figure_values_share_one_slide(tmp_path: Path) -> None:
    built = build_case("slides-figures-bushels", tmp_path)
    figures = [label for label in slide_labels(built.html) if "numbers" in label]
    assert figures == ["slide 4 “The numbers the article puts forward”"]
    assert letters(built.raw_text).count(letters("500 million bushels")) == 5


def test_a_claim_longer_than_a_slide_continues_over_slides_at_word_breaks(tmp_path: Path) -> None:
    built = build_case("slides-huge-claim", tmp_path)
    labels = slide_labels(built.html)
    continued = [label for label in labels if label.endswith("not facts (continued)”")]
    assert len(continued) >= 4
    words = set(load_brief(CASES / "slides-huge-claim" / "brief.yaml").data["claims"][0]["text"].split())
    for box in pdf_word_boxes(built.path):
        if box.page in range(3, 3 + len(continued)) and box.text.isalpha() and box.y_max <= BODY_BOTTOM:
            assert box.text.strip(".,") in {word.strip(".,") for word in words} | {
                "ASSESSMENT", "The", "author", "offers", "judgements,", "not", "facts", "continued", "AUTHOR’S",
                "ASSESSMENTS:", "THE", "JUDGEMENTS"}, box.text  # whole words only, never a broken one


def test_a_long_title_and_subtitle_keep_clear_of_the_source_line(tmp_path: Path) -> None:
    built = build_case("slides-long-title", tmp_path)
    boxes = [box for box in pdf_word_boxes(built.path) if box.page == 1]
    source_top = min(box.y_min for box in boxes if box.text == "On")
    audience = [box for box in boxes if box.text == "private"]
    assert audience and audience[0].y_max < source_top
    assert "On Regional cooperation" in re.sub(r"\s+", " ", built.text.split("\f")[0])


def test_the_35_claim_deck_packs_claims_and_says_it_is_long(tmp_path: Path) -> None:
    brief = load_brief(CASES / "slides-35-claims" / "brief.yaml")
    document = render_html(brief, document_type("slides"), BuildOptions())
    built = write_pdf(document, tmp_path / "slides.pdf")
    labels = slide_labels(built.html)
    claim_slides = [label for label in labels if re.search(r"(rests on|offers|proposes) \d+", label)]
    assert len(claim_slides) <= 35 // 2 + 1  # at least two claims to a slide
    figure_slides = [label for label in labels if "numbers" in label]
    assert len(figure_slides) <= 3
    [warning] = [w for w in built.document.warnings if "20-minute" in getattr(w, "message", w)]
    assert (warning.path, warning.line) == ("claims", brief.location("claims")[0])  # at the claims, never 1:1
    assert warning.message == (f"slides runs to {len(labels)} slides, more than a 20-minute briefing takes at "
                               "about a slide a minute; present the bottom line, the claims that matter most "
                               "and the figures, and leave the rest to the memo")


def test_a_deck_of_twenty_slides_or_fewer_gives_no_length_warning(tmp_path: Path) -> None:
    built = write_pdf(render_html(load_brief(SCO_BRIEF), document_type("slides"), BuildOptions()),
                      tmp_path / "slides.pdf")
    assert len(slide_labels(built.html)) <= 20
    assert not any("minute" in warning for warning in built.document.warnings)


@pytest.mark.parametrize("name", ["slides-huge-claim", "slides-35-claims", "slides-long-title"])
def test_the_word_outline_carries_the_decks_words_in_order(name: str, tmp_path: Path) -> None:
    brief = load_brief(CASES / name / "brief.yaml")
    document = render_html(brief, document_type("slides"), BuildOptions())
    docx_writer.write(document, tmp_path / "slides.docx", BuildOptions())
    paragraphs = [paragraph.text for paragraph in docx.Document(tmp_path / "slides.docx").paragraphs]
    outline = "\n".join(paragraphs)
    position = 0
    for claim in brief.data["claims"]:  # in the deck's order: facts, assessments, proposals
        assert contains_words(outline, claim["text"]) or runs_over_pages(paragraphs, claim["text"]), claim["id"]
    for field in (brief.data["brief"]["title"], brief.data["brief"]["bottom_line"]):
        found = letters(outline).find(letters(field), position)
        assert found >= position, field
        position = found


def test_an_item_the_measuring_pages_break_is_still_cut_where_its_lines_end(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Measured on pages one slide tall, the long claim runs over several of them: each fragment's
    # lines count on from the last, so the parts still join up to the claim and each fits its slide.
    monkeypatch.setattr(slides, "MEASURE_PAGE_SLIDES", 1)
    brief = load_brief(CASES / "slides-huge-claim" / "brief.yaml")
    document = render_html(brief, document_type("slides"), BuildOptions())
    built = write_pdf(document, tmp_path / "slides.pdf")  # the writer refuses a slide that overflows
    parts = [str(claim["text"]) for slide in document.slides if slide.layout.startswith("claims")
             for claim in slide.items if claim["number"] == 1]
    assert len(parts) >= 4
    assert letters("".join(parts)) == letters(brief.data["claims"][0]["text"])
    assert runs_over_pages(built.raw_text.split("\f"), brief.data["claims"][0]["text"])
