"""The preview page as served: what it says while a rebuild runs, and after one fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.diagnostics import Problem
from compiler.preview import PreviewServer, PreviewState
from compiler.watch import Rebuild, Report


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PreviewServer:
    monkeypatch.chdir(tmp_path)
    preview = PreviewServer(0, PreviewState(tmp_path / "out"))
    yield preview
    preview.server_close()


def test_a_rebuild_in_progress_is_said_above_the_last_pages(server: PreviewServer) -> None:
    state = server.state
    state.start([])
    assert '<p id="status" class="building">building…</p>' in server.page()
    failed = Rebuild([Path("content/a.yaml")], status=1, lines=["wrote 0 files; 1 brief failed"],
                     reports=[Report(Problem("content/a.yaml", 3, 5, "summary", "<script>x</script>"), "error")],
                     seconds=0.3, finished="10:00:00")
    state.publish(failed, [Path("content/a.yaml")])
    page = server.page()
    assert ('<p id="status" class="failed">[10:00:00] content/a.yaml changed: wrote 0 files; 1 brief failed '
            '(1 error; the last good files stay) in 0.3 s</p>') in page
    assert "<code>content/a.yaml:3:5: summary: &lt;script&gt;x&lt;/script&gt;</code>" in page
    assert '<p class="missing">Not built yet.</p>' in page
    state.start([Path("content/a.yaml"), Path("content/b.yaml")])
    page = server.page()
    assert '<p id="status" class="building">rebuilding: content/a.yaml and 1 more changed…</p>' in page
    assert "&lt;script&gt;" in page  # the last problems stay until the rebuild ends
    assert state.version == 3
