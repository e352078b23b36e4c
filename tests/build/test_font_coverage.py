"""The glyph check's font coverage: read from the fonts once, then from a cache keyed by font content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compiler import fonts


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fonts.covered_characters.cache_clear()
    yield tmp_path / "briefing" / "font-coverage.json"
    fonts.covered_characters.cache_clear()


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
    fonts.covered_characters.cache_clear()
    assert ord("A") not in fonts.covered_characters()


def test_an_unreadable_cache_is_rebuilt_from_the_fonts(cache_home: Path) -> None:
    cache_home.parent.mkdir(parents=True)
    cache_home.write_text("{not json", encoding="utf-8")
    assert ord("A") in fonts.covered_characters()
    assert json.loads(cache_home.read_text(encoding="utf-8"))


def test_code_points_are_stored_as_runs() -> None:
    assert fonts.code_point_ranges([5, 1, 2, 3, 9, 10]) == [[1, 3], [5, 5], [9, 10]]
    assert list(fonts.expand_ranges([[1, 3], [9, 10]])) == [1, 2, 3, 9, 10]
