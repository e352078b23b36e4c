"""Fixtures for build tests (helpers in buildkit.py)."""

from __future__ import annotations

import dataclasses
import sys
import types

import pytest

from buildkit import Engine, fake_load_brief, make_writer
from compiler.content.model import Brief
from compiler.diagnostics import RenderError
from compiler.document import Page, RenderedDocument
from compiler.writers import FORMATS


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> Engine:
    """Replace load_brief, render_html and the writers with fast stand-ins, for this test."""
    import time

    import compiler.manifest
    import compiler.content

    state = Engine()

    def render_html(brief: Brief, doctype: object, options: object) -> RenderedDocument:
        time.sleep(state.delay)
        if doctype.name in state.fail_render:
            raise RenderError(f"{doctype.name}: cannot be laid out")
        return RenderedDocument(doctype, brief, f"{doctype.name}: {brief.data['claims'][0]['text']}",
                                Page("A4", 210, 297))

    render = types.ModuleType("compiler.render")
    render.render_html = render_html
    monkeypatch.setitem(sys.modules, "compiler.render", render)
    monkeypatch.setattr(compiler.content, "load_brief", fake_load_brief, raising=False)
    # The compiler's own sources are being edited while tests run; pin their hash for this test.
    monkeypatch.setattr(compiler.manifest, "hash_compiler", lambda: "this compiler")
    for suffix in ("pdf", "docx", "pptx"):
        module = make_writer(state, suffix)
        monkeypatch.setitem(sys.modules, module.__name__, module)
        monkeypatch.setitem(FORMATS, suffix, dataclasses.replace(FORMATS[suffix], module=module.__name__))
    return state


