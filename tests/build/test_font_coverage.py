"""The glyph check's font coverage: read from the fonts once, then from a cache keyed by font content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compiler import fonts
from compiler.content.model import Brief
from compiler.outputs import hash_file


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    forget_coverage()
    yield tmp_path / "briefing" / "font-coverage.json"
    forget_coverage()


def forget_coverage() -> None:
    """As in a new process: nothing read yet, from the cache or the fonts."""
    for cached in (fonts.covered_characters, fonts.cached_coverage, fonts.character_map):
        cached.cache_clear()


def test_coverage_read_from_the_fonts_is_cached_per_font_file(cache_home: Path) -> None:
    covered = fonts.covered_characters()
    cache = json.loads(cache_home.read_text(encoding="utf-8"))
    assert len(cache) == len({face.path for face in fonts.FONT_FACES})
    assert {ord("A"), ord("€"), ord("≈"), ord("中")} <= covered
    assert ord("\U0001F600") not in covered  # no declared font draws emoji


def test_a_later_process_takes_coverage_from_the_cache(cache_home: Path) -> None:
    fonts.covered_characters()
    cache = json.loads(cache_home.read_text(encoding="utf-8"))
    for key, ranges in cache.items():  # as if no font covered "A": proves the cache is what is read
        cache[key] = [[first, last] for first, last in ranges if not first <= ord("A") <= last]
    cache_home.write_text(json.dumps(cache), encoding="utf-8")
    forget_coverage()
    assert ord("A") not in fonts.covered_characters()


def test_an_unreadable_cache_is_rebuilt_from_the_fonts(cache_home: Path) -> None:
    cache_home.parent.mkdir(parents=True)
    cache_home.write_text("{not json", encoding="utf-8")
    assert ord("A") in fonts.covered_characters()
    assert json.loads(cache_home.read_text(encoding="utf-8"))


def test_code_points_are_stored_as_runs() -> None:
    assert fonts.code_point_ranges([5, 1, 2, 3, 9, 10]) == [[1, 3], [5, 5], [9, 10]]
    assert list(fonts.expand_ranges([[1, 3], [9, 10]])) == [1, 2, 3, 9, 10]


def brief_with(text: str) -> Brief:
    return Brief(Path("poisoned.yaml"), {"claims": [{"text": text}]}, None, locations={"claims[0].text": (3, 5)})


@pytest.mark.parametrize("entry", ["5", "[[5, 3]]", "[[1, 2], [2, 3]]", '[["a", "b"]]', "[[0, 1114112]]", "null"])
def test_a_cache_entry_of_the_wrong_shape_is_read_from_the_font(cache_home: Path, entry: str) -> None:
    fonts.covered_characters()
    keys = json.loads(cache_home.read_text(encoding="utf-8"))
    cache_home.write_text("{" + ", ".join(f'"{key}": {entry}' for key in keys) + "}", encoding="utf-8")
    forget_coverage()
    assert ord("A") in fonts.covered_characters()
    assert fonts.check_coverage(brief_with("An A")) == []


@pytest.mark.parametrize("shape", ["[]", "42", "[" * 100_000 + "]" * 100_000])
def test_a_cache_of_the_wrong_shape_is_read_as_empty(cache_home: Path, shape: str) -> None:
    cache_home.parent.mkdir(parents=True)
    cache_home.write_text(shape, encoding="utf-8")
    assert ord("A") in fonts.covered_characters()


def test_a_poisoned_cache_cannot_let_an_emoji_through(cache_home: Path) -> None:
    fonts.covered_characters()
    cache = json.loads(cache_home.read_text(encoding="utf-8"))
    serif = f"{fonts.COVERAGE_FORMAT}:{hash_file(fonts.NOTO / 'NotoSerif-Regular.ttf')}"
    cache[serif] = sorted(cache[serif] + [[0x1F600, 0x1F64F]])  # as if Noto Serif drew emoji
    cache_home.write_text(json.dumps(cache), encoding="utf-8")
    forget_coverage()
    assert 0x1F600 in fonts.covered_characters()  # the cache claims it...

    problems = fonts.check_coverage(brief_with("A grin \U0001F600"))

    assert [problem.message.split(" is not covered")[0] for problem in problems] == [
        "character U+1F600 (GRINNING FACE)"]  # ...the font does not, and the claim is dropped
    assert [0x1F600, 0x1F64F] not in json.loads(cache_home.read_text(encoding="utf-8"))[serif]
