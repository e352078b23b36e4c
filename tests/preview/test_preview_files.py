"""The files a preview serves: each output it builds, the screen page sandboxed; nothing else."""

from __future__ import annotations

import http.client
import re
from pathlib import Path

from tests.commands.running import WAIT, Session
from tests.commands.test_watch_command import make_project

URL = re.compile(r"preview at http://127\.0\.0\.1:(\d+)/; Ctrl-C to stop")


def fetch(port: int, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    connection.request("GET", path)
    return connection.getresponse()


def test_the_html_output_is_linked_and_served_sandboxed(tmp_path: Path) -> None:
    make_project(tmp_path, claim="A claim on screen.")
    with Session(tmp_path, "preview", "--out", "out", "--format", "pdf,html") as preview:
        port = int(URL.fullmatch(preview.next_line())[1])
        assert "first build: wrote 6 files" in preview.next_line()
        page = fetch(port, "/").read().decode()
        assert ('<h3>Briefing memo <a href="/files/brief/memo.pdf" target="_blank" rel="noopener">PDF</a> '
                '<a href="/files/brief/memo.html" target="_blank" rel="noopener">HTML</a></h3>') in page
        screen = fetch(port, "/files/brief/memo.html")
        body = screen.read().decode()
        assert screen.status == 200 and screen.getheader("Content-Type") == "text/html; charset=utf-8"
        assert screen.getheader("Content-Security-Policy") == "sandbox; frame-ancestors 'none'"
        assert "A claim on screen." in body and body == (tmp_path / "out/brief/memo.html").read_text(encoding="utf-8")
        word = fetch(port, "/files/brief/memo.docx")
        assert (word.status, word.read()) == (404, b"404 not a page of this preview\n")
        assert preview.interrupt() == 0
