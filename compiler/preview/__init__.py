"""The live preview: a page on 127.0.0.1 showing each brief's documents as they print, rebuilt on save.

Each document is shown through its output files: the PDF as page images (as it prints), with each
page's text beneath for search and screen readers, and a link to each file the preview may serve
(`FILES`): the PDF, and the self-contained screen page when the build writes the html format.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from compiler.doctypes import DOCUMENT_TYPES, DocumentType
from compiler.preview.pages import PageImages
from compiler.watch import Rebuild, describe_changes

HERE = Path(__file__).resolve().parent
ASSETS = {"/preview.js": ("preview.js", "text/javascript"), "/preview.css": ("preview.css", "text/css")}
# Only our own script, stylesheet and images: brief text in a problem message can never run.
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
               "frame-ancestors 'none'")
# An output page keeps its own policy (inline styles and data: fonts only) and runs sandboxed, in an
# origin of its own, so it cannot read the preview either.
OUTPUT_POLICY = "sandbox; frame-ancestors 'none'"
FILES = {"pdf": ("PDF", "application/pdf", ""), "html": ("HTML", "text/html; charset=utf-8", OUTPUT_POLICY)}
"""The outputs the preview serves, by suffix: the link's label, the content type, the policy sent with
it (none for a PDF: the browser's PDF viewer refuses to run sandboxed, and a PDF from our writer
carries nothing active)."""


@dataclass(frozen=True)
class Page:
    url: str
    text: str
    width: int
    height: int


@dataclass(frozen=True)
class Document:
    """One document of one brief, as the page shows it: its pages and links to its files."""

    doctype: DocumentType
    files: list[tuple[str, str]]
    """(label, address) of each file built, e.g. ("PDF", "/files/sco-2012/memo.pdf")."""
    pages: list[Page]


class PreviewState:
    """What the page shows: the briefs, the last rebuild; `version` counts the rebuilds published."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.lock = threading.Lock()
        self.version = 0
        self.briefs: list[str] = []
        self.last: Rebuild | None = None
        self.building: str | None = "building…"
        """Said while a rebuild runs, above the last pages."""
        self.images = PageImages()

    def start(self, changed: list[Path]) -> None:
        """A rebuild starts: the page says so at once, keeping the last pages and problems."""
        with self.lock:
            self.building = f"rebuilding: {describe_changes(changed)}…" if changed else "building…"
            self.version += 1

    def publish(self, rebuild: Rebuild, briefs: list[Path]) -> None:
        """A rebuild ended: the page shows what it wrote and reported."""
        with self.lock:
            self.last = rebuild
            self.building = None
            self.briefs = [path.stem for path in briefs]
            self.version += 1

    def output(self, brief: str, doctype: str, suffix: str) -> Path | None:
        """The output file of a brief and document type this preview builds, if it exists; never
        any other file, whatever the request asks for."""
        known = brief in self.briefs and any(d.name == doctype for d in DOCUMENT_TYPES)
        path = self.out / brief / f"{doctype}.{suffix}"
        return path if known and suffix in FILES and path.is_file() else None

    def documents(self, brief: str) -> list[Document]:
        """Each document of a brief, with its pages if its PDF has been built."""
        found, folder = [], quote(brief)
        for doctype in DOCUMENT_TYPES:
            pdf = self.output(brief, doctype.name, "pdf")
            pages = [Page(f"/pages/{folder}/{doctype.name}/{index + 1}.png?v={info.stamp}", info.text,
                          info.width, info.height)
                     for index, info in enumerate(self.images.describe(pdf))] if pdf else []
            files = [(label, f"/files/{folder}/{doctype.name}.{suffix}")
                     for suffix, (label, _, _) in FILES.items() if self.output(brief, doctype.name, suffix)]
            found.append(Document(doctype, files, pages))
        return found


class Handler(BaseHTTPRequestHandler):
    """Answers the page, its assets, page images and files of this preview; nothing else."""

    server: PreviewServer

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        if not self.from_this_machine():
            self.refuse(HTTPStatus.FORBIDDEN, "this preview answers only http://127.0.0.1")
            return
        route = unquote(urlsplit(self.path).path)
        state = self.server.state
        if route == "/":
            self.send(HTTPStatus.OK, "text/html; charset=utf-8", self.server.page().encode())
        elif route == "/state":
            self.send(HTTPStatus.OK, "application/json", json.dumps({"version": state.version}).encode())
        elif route in ASSETS:
            name, kind = ASSETS[route]
            self.send(HTTPStatus.OK, f"{kind}; charset=utf-8", (HERE / name).read_bytes())
        else:
            self.send_output(route.strip("/").split("/"))

    def send_output(self, parts: list[str]) -> None:
        """`/pages/BRIEF/DOC/N.png` or `/files/BRIEF/DOC.pdf`, for a brief this preview builds."""
        state = self.server.state
        if len(parts) == 4 and parts[0] == "pages" and parts[3].removesuffix(".png").isdigit():
            pdf = state.output(parts[1], parts[2], "pdf")
            image = state.images.png(pdf, int(parts[3].removesuffix(".png")) - 1) if pdf else None
            if image is not None:  # its address names the file's state, so the browser may keep it
                self.send(HTTPStatus.OK, "image/png", image, cache="private, max-age=3600")
                return
        if len(parts) == 3 and parts[0] == "files":
            doctype, _, suffix = parts[2].rpartition(".")
            path = state.output(parts[1], doctype, suffix)
            if path is not None:
                _, kind, policy = FILES[suffix]
                self.send(HTTPStatus.OK, kind, path.read_bytes(), policy=policy)
                return
        self.refuse(HTTPStatus.NOT_FOUND, "not a page of this preview")

    def from_this_machine(self) -> bool:
        """Whether the request names this server by a loopback name (so no other site can reach it
        through a DNS name pointed at 127.0.0.1)."""
        port = self.server.server_address[1]
        return self.headers.get("Host", "") in (f"127.0.0.1:{port}", f"localhost:{port}")

    def refuse(self, status: HTTPStatus, message: str) -> None:
        self.send(status, "text/plain; charset=utf-8", f"{status.value} {message}\n".encode())

    def send(self, status: HTTPStatus, kind: str, body: bytes, cache: str = "no-store",
             policy: str = PAGE_POLICY) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        if policy:
            self.send_header("Content-Security-Policy", policy)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
        pass  # one line per rebuild is what the terminal shows, not one per request


class PreviewServer(ThreadingHTTPServer):
    """The HTTP server of one preview, bound to 127.0.0.1 only."""

    daemon_threads = True

    def __init__(self, port: int, state: PreviewState) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.state = state
        environment = Environment(loader=FileSystemLoader(HERE), autoescape=True, undefined=StrictUndefined)
        self.template = environment.get_template("page.html.j2")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def page(self) -> str:
        state = self.state
        with state.lock:
            last, briefs, version, building = state.last, list(state.briefs), state.version, state.building
        return self.template.render(
            version=version, summary=building or last.summary(), building=bool(building),
            failed=bool(last and last.status), reports=last.reports if last else [],
            briefs=[(name, state.documents(name)) for name in briefs])
