"""Hebrew and Arabic: covered by declared fonts, which are declared only to the briefs that use them."""

from __future__ import annotations

from pathlib import Path

from compiler import fonts
from compiler.content import load_brief

CASES = Path(__file__).resolve().parents[1] / "cases"


def characters_of(faces: tuple[fonts.FontFace, ...]) -> set[int]:
    return {code for path in {face.path for face in faces} for code in fonts.font_code_points(path)}


def test_a_brief_in_hebrew_and_arabic_has_no_uncovered_character() -> None:
    assert fonts.check_coverage(load_brief(CASES / "rtl" / "brief.yaml")) == []


def test_what_only_the_right_to_left_faces_draw_lies_in_their_blocks() -> None:
    only_right_to_left = characters_of(fonts.RIGHT_TO_LEFT_FACES) - characters_of(fonts.BASE_FACES)
    outside = [f"U+{code:04X}" for code in sorted(only_right_to_left)
               if not fonts.RIGHT_TO_LEFT_TEXT.match(chr(code))]
    assert {ord("ש"), ord("م")} <= only_right_to_left
    assert outside == []  # else a brief using one would be laid out without the face that draws it


def test_right_to_left_faces_are_declared_only_when_the_brief_uses_them() -> None:
    english = fonts.font_face_css(load_brief(CASES / "minimal" / "brief.yaml"))
    hebrew_and_arabic = fonts.font_face_css(load_brief(CASES / "rtl" / "brief.yaml"))
    assert "NotoSansHebrew" not in english and "Briefing Hebrew" not in english
    for face in fonts.RIGHT_TO_LEFT_FACES:
        assert face.path.as_uri() in hebrew_and_arabic
    assert '--serif: "Briefing Serif", "Briefing Sans", "Briefing Hebrew Serif", "Briefing Arabic Naskh"' in (
        hebrew_and_arabic)
