"""The slide planner on measured extents: fewest slides, evenly filled, no slide but the last half
empty, items too tall for a slide cut at their lines, and a plan that grows linearly with the items."""

from __future__ import annotations

from dataclasses import replace

import pytest
from markupsafe import Markup

from compiler import slides
from compiler.slides import (Block, Cut, Draft, Extent, Piece, Slide, cut_markup, materialise, plan_runs,
                             rebuild_claim, claim_fields, split_html)

ROOM = 100.0
GAP = 2.0


def extent_of(heights: list[float], lines: dict[int, float] | None = None) -> Extent:
    """Items of these heights stacked with a small gap; items in `lines` get a cut after every line."""
    blocks, top = [], 0.0
    for index, height in enumerate(heights):
        line = (lines or {}).get(index)
        cuts = [Cut(top + line * (n + 1), 0, 10 * (n + 1), line) for n in range(int(height // line))] if line else []
        blocks.append(Block(top, top + height, cuts))
        top += height + GAP
    return Extent(blocks, None, ROOM + slides.FIT_SLACK, ROOM + slides.FIT_SLACK)


def indices(runs: list[list[Piece]]) -> list[list[int]]:
    return [[piece.index for piece in run] for run in runs]


def test_items_that_fit_one_slide_stay_on_one() -> None:
    assert indices(plan_runs(extent_of([20, 20, 20]))) == [[0, 1, 2]]


def test_a_long_group_is_spread_evenly_over_the_fewest_slides() -> None:
    # Packed front first: 50 + 10 + 10 + 10, then 50 alone; evenly, neither slide more than 74 full.
    assert indices(plan_runs(extent_of([50, 10, 10, 10, 50]))) == [[0, 1, 2], [3, 4]]


def test_among_even_splits_the_earlier_slides_are_the_fuller() -> None:
    assert indices(plan_runs(extent_of([28] * 7))) == [[0, 1, 2], [3, 4, 5], [6]]


def test_evening_out_never_leaves_a_slide_other_than_the_last_half_empty() -> None:
    # Even shares would put 45 alone on the first slide (45 % full): packing 45 + 45 first keeps it full.
    assert indices(plan_runs(extent_of([45, 45, 30]))) == [[0, 1], [2]]


def test_an_item_taller_than_a_slide_is_cut_at_its_lines_over_slides() -> None:
    runs = plan_runs(extent_of([250], lines={0: 10}))
    assert len(runs) == 3
    assert runs[0] == [Piece(0, None, runs[0][0].end)] and runs[-1][0].end is None
    for before, after in zip(runs, runs[1:]):
        assert after[0].start == before[-1].end  # each slide starts where the last one stopped
    assert all(piece.end is None or piece.end.y - (piece.start.y if piece.start else 0) <= ROOM
               for run in runs for piece in run)


def test_an_item_that_would_leave_a_slide_less_than_half_full_is_cut_to_fill_it() -> None:
    runs = plan_runs(extent_of([30, 90], lines={1: 10}))
    assert [piece.index for piece in runs[0]] == [0, 1] and runs[0][1].end is not None
    assert runs[1] == [Piece(1, runs[0][1].end, None)]


def test_an_item_that_fills_half_a_slide_moves_whole_to_the_next() -> None:
    runs = plan_runs(extent_of([60, 60], lines={1: 10}))
    assert runs == [[Piece(0)], [Piece(1)]]


@pytest.mark.parametrize("count", [500, 1000])
def test_planning_grows_linearly_with_the_items(count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    real = slides.end_of

    def counting(extent: Extent, index: int) -> float:
        calls["n"] += 1
        return real(extent, index)

    monkeypatch.setattr(slides, "end_of", counting)
    runs = plan_runs(extent_of([7 + index % 5 * 6 for index in range(count)]))
    assert [piece.index for run in runs for piece in run] == list(range(count))
    assert calls["n"] <= 50 * count  # about twenty packing passes, each reading every item once or twice


def test_html_is_cut_between_words_with_its_tags_closed_and_reopened() -> None:
    head, tail = split_html("one <em>two three</em> four", 6)
    assert (head, tail) == ("one <em>two </em>", "<em>three</em> four")
    head, tail = split_html('<a href="https://example.org">a b</a>', 1)
    assert head == '<a href="https://example.org">a </a>' and tail == '<a href="https://example.org">b</a>'


def test_a_field_is_cut_into_parts_that_hold_every_word_once() -> None:
    text = "The *article* argues & more [here](https://example.org) at length."
    # Cuts come from line ends: after "article" (10 visible characters) and after "more" (21).
    parts = [cut_markup(text, None, 10), cut_markup(text, 10, 21), cut_markup(text, 21, None)]
    assert all(isinstance(part, Markup) for part in parts)
    words = " ".join(Markup(part).striptags() for part in parts).split()
    assert words == "The article argues & more here at length.".split()


def test_a_cut_claim_keeps_its_quote_and_its_paragraph_for_its_last_part() -> None:
    claim = {"number": 3, "kind": "fact", "text": "alpha beta gamma delta", "whole": "alpha beta gamma delta",
             "quotes": [{"text": "quoted words here", "paragraph": 6}], "continues": False, "more_quotes": 0}
    draft = Draft(Slide("claims kind-fact", "t", [claim]), fields=claim_fields, rebuild=rebuild_claim)
    middle = Cut(0, 0, 9)  # nine visible characters into the text: after "alpha beta"
    inside_quote = Cut(0, 1, 6)
    first = materialise(draft, Piece(0, None, middle))
    second = materialise(draft, Piece(0, middle, inside_quote))
    third = materialise(draft, Piece(0, inside_quote, None))
    assert first["quotes"] == [] and not first["continues"]
    assert second["continues"] and str(second["quotes"][0]["text"]) == "quoted" \
        and second["quotes"][0]["paragraph"] is None
    assert str(third["text"]) == "" and str(third["quotes"][0]["text"]) == "words here" \
        and third["quotes"][0]["paragraph"] == 6


def sentence_ends(extent: Extent, *lines: int) -> Extent:
    """The extent with the sentence ending at the end of the given lines of its first item."""
    block = extent.blocks[0]
    block.cuts = [replace(cut, sentence=index in lines) for index, cut in enumerate(block.cuts)]
    return extent


def test_a_long_item_is_cut_after_a_sentence_when_one_ends_near_the_foot() -> None:
    # Lines end every 10; the last that fits a 100 slide (a line kept for rewrapping) ends at 90.
    assert plan_runs(extent_of([250], lines={0: 10}))[0][0].end.y == 90
    assert plan_runs(sentence_ends(extent_of([250], lines={0: 10}), 7))[0][0].end.y == 80


def test_a_sentence_ending_far_up_the_slide_is_not_worth_the_room() -> None:
    assert plan_runs(sentence_ends(extent_of([250], lines={0: 10}), 3))[0][0].end.y == 90
