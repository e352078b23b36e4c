"""Measuring text for the PowerPoint deck: lines, sizes tried, and slides continued where text cannot fit."""

from __future__ import annotations

import pytest

from compiler.writers.pptx import DeckWriter, link_pieces, pack
from compiler.writers.pptx_deck import Block, DeckSlide, Paragraph, Run
from compiler.writers.pptx_fit import (Frame, char_width, count_lines, fit_blocks, paragraph_height, pieces,
                                       run_font, scales)
from compiler.writers.pptx_package import find_layouts, open_reference

SIZE = 24.0


def em(text: str, bold: bool = False) -> float:
    """The width of a text in Noto Sans at SIZE, as the measurer reads it."""
    return sum(char_width(char, run_font(False, bold, False)) for char in text) * SIZE


def lines(text: str, width: float) -> int:
    return count_lines(pieces((Run(text),), SIZE), width)


def test_words_fill_a_line_until_the_next_would_not_fit() -> None:
    width = em("alpha beta")
    assert lines("alpha beta", width) == 1
    assert lines("alpha beta gamma", width) == 2
    assert lines("alpha beta", em("alpha") + 1) == 2


def test_a_word_longer_than_its_line_breaks_between_characters() -> None:
    word = "0123456789" * 10
    assert lines(word, em(word) / 4 + 0.01) == 4


def test_a_link_wraps_after_its_slashes_and_hyphens_where_the_writer_cuts_its_runs() -> None:
    url = "https://example.org/a-long-path"
    link = (Run(url, href=url),)
    width = em("https://example.org/a-lo")  # the plain word would break between "o" and "n"
    assert count_lines(pieces(link, SIZE), width) == 2
    assert [piece.width for piece in pieces(link, SIZE)] == pytest.approx(
        [em(part) for part in link_pieces(url)])
    assert "".join(link_pieces(url)) == url and link_pieces(url)[-2:] == ["long-", "path"]
    assert lines(url, width) == 2 and len(pieces((Run(url),), SIZE)) == 1


def test_bold_and_a_role_s_size_change_the_measure() -> None:
    assert em("Measured text", bold=True) > em("Measured text")
    small = pieces((Run("Fact", "kind-fact"),), SIZE)[0].width
    assert small == pytest.approx(em("FACT", bold=True) * 14 / 23)  # kind labels: bold capitals at 14/23


def test_a_paragraph_is_its_lines_at_exact_spacing_and_its_space_before() -> None:
    frame = Frame(em("alpha beta") / 0.98, 1000, SIZE, 1.24)
    para = Paragraph((Run("alpha beta gamma"),), space_before=0.5)
    assert paragraph_height(para, frame, 1.0) == pytest.approx(2 * SIZE * 1.24 + 0.5 * SIZE)


def test_sizes_step_down_from_the_placeholder_s_to_the_floor() -> None:
    steps = scales(Frame(500, 100, 32, 1.24), floor=24)
    assert steps[0] == 1.0 and steps[-1] == pytest.approx(24 / 32)
    assert steps == sorted(steps, reverse=True)
    assert scales(Frame(500, 100, 20, 1.24), floor=24) == [1.0]  # never larger than the placeholder sets


def test_text_takes_the_largest_size_that_fits_or_none() -> None:
    block = (Block((Paragraph((Run("word " * 40),)),)),)
    roomy = Frame(2000, 1000, 32, 1.24)
    assert fit_blocks(block, roomy, 24) == 1.0
    tight = Frame(em("word " * 12), 3 * 32 * 1.24, 32, 1.24)  # 4 lines at 32 pt; 3 fit at 24 pt
    scale = fit_blocks(block, tight, 24)
    assert scale is not None and 24 / 32 <= scale < 1.0
    assert fit_blocks(block, Frame(100, 10, 32, 1.24), 24) is None


def test_packing_keeps_order_and_fills_each_group() -> None:
    assert pack([3, 3, 3, 3], 7) == [(0, 2), (2, 4)]
    assert pack([9, 1], 7) == [(0, 1), (1, 2)]  # an item too tall stands alone
    assert pack([], 7) == [(0, 0)]


def test_a_body_too_long_for_its_placeholder_continues_with_its_eyebrow_and_title() -> None:
    deck = open_reference(None)
    writer = DeckWriter(deck, find_layouts(deck, None), {"brief": {"title": "A deck"}}, "slides")
    eyebrow = Block((Paragraph((Run("Facts", "eyebrow"),)),), repeats=True)
    claims = tuple(Block((Paragraph((Run(f"Claim {n} " + "word " * 30),)),)) for n in range(6))
    slide = DeckSlide("claims", "Title and Content", (Run("Six facts"),), (eyebrow, *claims), notes=("Say this.",))
    small = Frame(em("word " * 20), 4 * SIZE * 1.24 * 3, SIZE, 1.24)

    parts = writer.split(slide, small, writer.floor)

    assert len(parts) > 1
    assert [part.blocks[0] for part in parts] == [eyebrow] * len(parts)
    assert [block for part in parts for block in part.blocks[1:]] == list(claims)
    assert ["".join(run.text for run in part.title) for part in parts] == \
        ["Six facts"] + ["Six facts (continued)"] * (len(parts) - 1)
    assert [part.notes for part in parts] == [("Say this.",)] + [()] * (len(parts) - 1)
    assert writer.warnings == [f"“Six facts” continues on {len(parts) - 1} more "
                               f"{'slide' if len(parts) == 2 else 'slides'} than in the PDF deck: the "
                               "reference's body placeholder holds less than the PDF slide"]


def test_a_paragraph_taller_than_a_slide_is_cut_after_a_word_into_parts_that_fit() -> None:
    from compiler.writers.pptx_fit import cut_blocks, text_height

    frame = Frame(em("word " * 10), 1000, SIZE, 1.24)
    text = " ".join(f"w{n}" for n in range(400))
    para = Paragraph((Run("Claim 1 ", "number"), Run(text)), space_before=0.5)
    room = 5 * SIZE * 1.24
    blocks = cut_blocks((Block((para,)),), frame, 1.0, room)

    assert len(blocks) > 2
    assert all(text_height(block.paragraphs[0], frame, 1.0) <= room for block in blocks)
    assert "".join(run.text for block in blocks for run in block.paragraphs[0].runs) == "Claim 1 " + text
    assert blocks[0].paragraphs[0].runs[0] == Run("Claim 1 ", "number")
    assert [block.paragraphs[0].space_before for block in blocks] == [0.5] + [0.0] * (len(blocks) - 1)
    one_word = cut_blocks((Block((Paragraph((Run("x" * 2000),)),)),), frame, 1.0, room)
    assert len(one_word) > 1 and "".join(b.paragraphs[0].runs[0].text for b in one_word) == "x" * 2000


def advance_in_font_file(char: str, path) -> float | None:
    """A character's advance width in ems, read from the font file by its glyph names (fontTools' own way)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(path))
    name = font.getBestCmap().get(ord(char))
    return None if name is None else font["hmtx"].metrics[name][0] / font["head"].unitsPerEm


@pytest.mark.parametrize("char", ["a", "→", "中"])
def test_a_character_is_measured_in_the_first_declared_face_that_draws_it(char: str) -> None:
    from compiler.fonts import FONT_FACES

    sans = next(face for face in FONT_FACES if face.family == "Briefing Sans" and face.weight == 400
                and face.style == "normal")
    widths = [advance_in_font_file(char, face.path) for face in (sans, *FONT_FACES)]

    assert char_width(char, run_font(False, False, False)) == next(width for width in widths if width is not None)
