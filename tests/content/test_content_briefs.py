"""Every brief in content/ checks clean, with its quotes verified where it names a source text."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.content import check_brief

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.mark.parametrize("path", sorted(CONTENT.glob("*.yaml")), ids=lambda path: path.name)
def test_brief_checks_clean(path: Path) -> None:
    brief, problems = check_brief(path)
    assert [str(problem) for problem in problems] == []
    assert brief.quotes_checked == ("text" in brief.data["source"])
