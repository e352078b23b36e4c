"""Editor support: the README's schema line, on the first line of our briefs, reaches the packaged schema."""

from __future__ import annotations

import tomllib
from pathlib import Path

from compiler.content.schema import SCHEMA_PATH

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_LINE = "# yaml-language-server: $schema=../compiler/content/brief.schema.json"


def test_the_readme_gives_the_line_and_it_leads_from_content_to_the_schema() -> None:
    assert SCHEMA_LINE in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    target = ROOT / "content" / SCHEMA_LINE.split("$schema=")[1]
    assert target.resolve() == SCHEMA_PATH.resolve() and target.is_file()


def test_every_brief_in_content_opens_with_it() -> None:
    briefs = sorted((ROOT / "content").glob("*.yaml"))
    assert briefs
    for brief in briefs:
        assert brief.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE, brief.name


def test_the_schema_ships_in_the_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packaged = project["tool"]["setuptools"]["package-data"]["compiler"]
    assert SCHEMA_PATH.relative_to(ROOT / "compiler").as_posix() == "content/brief.schema.json"
    assert "content/*.json" in packaged
