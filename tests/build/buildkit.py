"""Helpers for build tests: tiny briefs, a fast stand-in for the engines, and an in-process build runner.

The stand-in (`engine`) replaces loading, rendering and writing with a few lines each, so the tests
of the orchestration (what is out of date, locks, atomic writes, edited files) run in milliseconds.
The reproducibility and no-op-import tests use the real engines.
"""

from __future__ import annotations

import dataclasses
import io
import sys
import threading
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from compiler.build import BuildRequest, build
from compiler.console import Console
from compiler.content.model import Brief
from compiler.diagnostics import BriefError, Problem, RenderError
from compiler.document import Page, RenderedDocument
from compiler.fingerprint import PDF_PLACEHOLDER
from compiler.writers import FORMATS, WriteResult

# Every output of a brief, sorted by name.
OUTPUTS = ["factsheet.docx", "factsheet.pdf", "memo.docx", "memo.pdf", "slides.docx", "slides.pdf", "slides.pptx"]

BRIEF = """\
format: 1
source:
  title: A source
  publisher: A publisher
  date: 2024
  text: {source}
brief:
  title: {title}
  date: 2026-11-27
  bottom_line: One sentence.
summary: One paragraph.
claims:
  - id: only
    kind: fact
    text: {claim}
"""


def write_brief(folder: Path, name: str, claim: str = "One claim.") -> Path:
    """A small valid brief `folder/name.yaml` with its own source text."""
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    (folder / "sources" / f"{name}.txt").write_text(f"The source text of {name}.\n")
    path = folder / f"{name}.yaml"
    path.write_text(BRIEF.format(source=f"sources/{name}.txt", title=name, claim=claim))
    return path


@dataclass
class Engine:
    """Counts and controls the stand-in engine's work."""

    written: list[str] = field(default_factory=list)  # "brief/output" for every file a writer wrote
    fail_on: tuple[str, ...] = ()  # output names whose writer breaks after writing half a file
    fail_render: tuple[str, ...] = ()  # document names whose rendering fails (as a layout might)
    lock: threading.Lock = field(default_factory=threading.Lock)
    delay: float = 0.0


def fake_load_brief(path: Path) -> Brief:
    data = yaml.safe_load(path.read_text())
    if not isinstance(data.get("claims"), list):
        raise BriefError([Problem(str(path), 1, 1, "claims", "required key is missing; add at least one claim")])
    data["brief"]["date"] = str(data["brief"]["date"])
    return Brief(path, data, (path.parent / data["source"]["text"]).read_text())


def make_writer(engine: Engine, suffix: str) -> types.ModuleType:
    module = types.ModuleType(f"fake_writer_{suffix}")

    def write(document: RenderedDocument, target: Path, options: object) -> WriteResult:
        name = f"{document.doctype.name}.{suffix}"
        with engine.lock:
            engine.written.append(f"{document.brief.name}/{name}")
        if name in engine.fail_on:
            target.write_bytes(b"half a fi")
            raise RuntimeError("disk on fire")
        if suffix in ("docx", "pptx"):
            write_tiny_docx(target, document.html)
        else:
            # Ending as a PDF's trailer does, with the identifier the build fills in (compiler/fingerprint.py).
            target.write_bytes(f"{suffix}\n{document.html}\n{options.source_date_epoch}\n".encode()
                               + b"trailer << /ID [(" + PDF_PLACEHOLDER + b") (0)] >>\n%%EOF\n")
        return WriteResult()

    module.write = write
    return module


def install_engine(state: Engine, setattr_: Callable, setitem: Callable, real_loader: bool = False) -> None:
    """Put the stand-ins in place of load_brief (unless `real_loader`), render_html and the writers
    (through monkeypatch's setattr and setitem in a test, or plain ones in a child process:
    stand_in_build.py)."""
    import time

    import compiler.content
    import compiler.manifest

    def render_html(brief: Brief, doctype: object, options: object) -> RenderedDocument:
        time.sleep(state.delay)
        if doctype.name in state.fail_render:
            raise RenderError(f"{doctype.name}: cannot be laid out")
        return RenderedDocument(doctype, brief, f"{doctype.name}: {brief.data['claims'][0]['text']}",
                                Page("A4", 210, 297))

    render = types.ModuleType("compiler.render")
    render.render_html = render_html
    render.compile_templates = lambda: None  # preload_engines sets the real one up before forking
    setitem(sys.modules, "compiler.render", render)
    if not real_loader:
        setattr_(compiler.content, "load_brief", fake_load_brief, raising=False)
    # The compiler's own sources are being edited while tests run; pin their hash for this test.
    setattr_(compiler.manifest, "hash_compiler", lambda: "this compiler")
    for suffix in ("pdf", "docx", "pptx"):
        module = make_writer(state, suffix)
        setitem(sys.modules, module.__name__, module)
        setitem(FORMATS, suffix, dataclasses.replace(FORMATS[suffix], module=module.__name__))


def write_tiny_docx(target: Path, text: str) -> None:
    """A zip whose entry times are 'now', like python-docx writes (so normalising has work to do)."""
    import zipfile

    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", text)


@dataclass
class Run:
    """The outcome of one build: exit status and what it printed."""

    status: int
    out: str
    err: str


def run_build(briefs: list[Path], out: Path, **settings: object) -> Run:
    """Build in-process, capturing what the build prints."""
    stdout, stderr = io.StringIO(), io.StringIO()
    request = BuildRequest(briefs=briefs, out=out, **settings)
    status = build(request, Console(request.error_format, stdout, stderr))
    return Run(status, stdout.getvalue(), stderr.getvalue())


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file under a folder: inode, modification time and content."""
    return {str(path.relative_to(folder)): (path.stat().st_ino, path.stat().st_mtime_ns, path.read_bytes())
            for path in sorted(folder.rglob("*")) if path.is_file()}
