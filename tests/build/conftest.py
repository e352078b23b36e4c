"""Fixtures for build tests (helpers in buildkit.py)."""

from __future__ import annotations

import pytest

from buildkit import Engine, install_engine


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> Engine:
    """Replace load_brief, render_html and the writers with fast stand-ins, for this test."""
    state = Engine()
    install_engine(state, monkeypatch.setattr, monkeypatch.setitem)
    return state
