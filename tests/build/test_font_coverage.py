"""The glyph check's font coverage: each declared font's character map, as HarfBuzz reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler import fonts
from compiler.content.model import Brief


@pytest.fixture
def fresh_coverage() -> None:
    """As in a new process: no font read yet (and none kept from this test for the next)."""
    fonts.declared_coverage.cache_clear()
    yield
    fonts.declared_coverage.cache_clear()


def brief_with(text: str) -> Brief:
    return Brief(Path("grin.yaml"), {"claims": [{"text": text}]}, None, locations={"claims[0].text": (3, 5)})


def test_the_declared_fonts_cover_latin_currency_math_and_cjk_but_not_emoji() -> None:
    covered = fonts.covered_characters()
    assert {ord("A"), ord("€"), ord("≈"), ord("中"), ord("ש")} <= covered
    assert ord("\U0001F600") not in covered


@pytest.mark.parametrize("path", sorted({face.path for face in fonts.FONT_FACES}), ids=lambda path: path.name)
def test_a_fonts_coverage_is_its_character_map(path: Path) -> None:
    # fontTools reads the same table its own way (the best Unicode subtable): both must agree.
    assert fonts.font_code_points(path) == set(fonts.open_font(path).getBestCmap())


def test_a_character_no_font_draws_is_named_once_per_field() -> None:
    problems = fonts.check_coverage(brief_with("A grin \U0001F600, and again \U0001F600"))
    assert [str(problem) for problem in problems] == [
        "grin.yaml:3:5: claims[0].text: character U+1F600 (GRINNING FACE) is not covered by the document fonts "
        f"({fonts.FONT_NAMES}); remove it or replace it with a character they cover"]


def test_line_breaks_and_tabs_need_no_glyph() -> None:
    assert fonts.check_coverage(brief_with("one\nline\tand\r\nthe next")) == []


def test_a_declared_font_that_is_not_a_font_stops_the_check(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_coverage: None) -> None:
    fake = tmp_path / "NotoSerif-Regular.ttf"
    fake.write_bytes(b"not a font at all")
    monkeypatch.setattr(fonts, "FONT_FACES", (fonts.FontFace("Briefing Serif", fake),))

    with pytest.raises(fonts.FontsMissing) as raised:
        fonts.require_glyphs(brief_with("A"))

    assert str(raised.value) == f"document font {fake} cannot be read as a font; {fonts.INSTALL_HINT}"


def test_a_machine_without_harfbuzz_is_told_what_to_install(
        monkeypatch: pytest.MonkeyPatch, fresh_coverage: None) -> None:
    def missing() -> None:
        raise OSError("the HarfBuzz library (libharfbuzz) is not installed")

    monkeypatch.setattr(fonts, "load_harfbuzz", missing)

    with pytest.raises(fonts.FontsMissing) as raised:
        fonts.require_glyphs(brief_with("A"))

    assert str(raised.value) == ("the HarfBuzz library (libharfbuzz) is not installed; it comes with WeasyPrint's "
                                 "system libraries (Debian: libharfbuzz0b), which scripts/setup-system installs")


def test_a_refused_font_leaves_no_harfbuzz_set_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_coverage: None) -> None:
    """A watch process meets the bad font at every rebuild: each failed reading frees what it made."""
    library, made, freed = fonts.harfbuzz(), [], []

    class Counting:
        def __getattr__(self, name: str):
            return getattr(library, name)

        def hb_set_create(self) -> int:
            made.append(library.hb_set_create())
            return made[-1]

        def hb_set_destroy(self, coverage: int) -> None:
            freed.append(coverage)
            library.hb_set_destroy(coverage)

    fake = tmp_path / "NotoSerif-Regular.ttf"
    fake.write_bytes(b"")
    monkeypatch.setattr(fonts, "FONT_FACES", (fonts.FontFace("Briefing Serif", fake),))
    monkeypatch.setattr(fonts, "harfbuzz", Counting)
    for _ in range(3):
        with pytest.raises(fonts.FontsMissing):
            fonts.require_glyphs(brief_with("A"))

    assert len(made) == 6 and sorted(freed) == sorted(made)
