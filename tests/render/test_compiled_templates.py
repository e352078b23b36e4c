"""Templates compiled ahead (scripts/compile) are used by later processes, and only while they match.

| case | outcome |
| --- | --- |
| a cache written, then a new environment loads every template | nothing compiled; same output |
| a template's source changed after | that one compiled again |
| not asked to write (PYTHONDONTWRITEBYTECODE) | nothing written |
| other Jinja settings | another folder, never this one's code |
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from jinja2 import Environment

from compiler import render
from compiler.locations import TEMPLATES_DIR
from compiler.render import SETTINGS, CompiledTemplates, make_environment as environment


def load_all(env: Environment) -> dict[str, bytes]:
    """Every template's compiled page function, as code."""
    return {name: env.get_template(name).root_render_func.__code__.co_code
            for name in env.list_templates(extensions=["j2"])}


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    copy = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, copy)
    return copy


def test_templates_compiled_once_are_loaded_without_compiling(templates: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    uncached = load_all(environment(templates, None))
    load_all(environment(templates, CompiledTemplates(tmp_path / "cache", write=True)))
    compiled: list[str] = []
    real = Environment.compile
    monkeypatch.setattr(Environment, "compile", lambda self, *a, **k: compiled.append(a[1]) or real(self, *a, **k))

    assert load_all(environment(templates, CompiledTemplates(tmp_path / "cache", write=False))) == uncached
    assert compiled == []


def test_a_changed_template_is_compiled_again(templates: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    load_all(environment(templates, CompiledTemplates(tmp_path / "cache", write=True)))
    base = templates / "base.html.j2"
    base.write_text(base.read_text(encoding="utf-8") + "{# changed #}\n", encoding="utf-8")
    compiled: list[str] = []
    real = Environment.compile
    monkeypatch.setattr(Environment, "compile", lambda self, *a, **k: compiled.append(a[1]) or real(self, *a, **k))

    load_all(environment(templates, CompiledTemplates(tmp_path / "cache", write=False)))

    assert compiled == ["base.html.j2"]


def test_nothing_is_written_unless_asked(templates: Path, tmp_path: Path) -> None:
    cache = CompiledTemplates(tmp_path / "cache", write=False)
    load_all(environment(templates, cache))
    assert not (tmp_path / "cache").exists()


def test_other_settings_keep_their_code_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ours = CompiledTemplates(tmp_path, write=True).folder
    monkeypatch.setattr(render, "SETTINGS", {**SETTINGS, "trim_blocks": False})
    assert CompiledTemplates(tmp_path, write=True).folder != ours
