"""Hostile briefs that build: their content prints literally, and nothing is fetched, linked or attached."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from docx import Document as open_docx
from pypdf import PdfReader

from compiler import layout
from compiler.build import BuildRequest, Console, build
from compiler.content import check_brief
from compiler.fonts import font_files
from compiler.locations import TEMPLATES_DIR
from tests.hostile.reading import (SAFE_LINK_SCHEMES, contains_literally, docx_active_parts,
                                   docx_external_targets, docx_text, pdf_active_content, pdf_font_names,
                                   pdf_link_targets, pdf_text, pdf_word_boxes)
from tests.hostile.test_hostile_check import REFUSED

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DOCUMENTS = ("memo", "slides", "factsheet")
# A build that takes longer than this has hung (a small brief builds in a few seconds).
HANG_SECONDS = 60

# Each buildable case, and the strings that must appear literally in its memo, as PDF text and Word text.
BUILDS: dict[str, list[str]] = {
    "html-tags": [
        "<h1>Title</h1> & <b>bold</b>",
        "<script>alert('bottom')</script> stays text.",
        '<div onclick="steal()">A div</div> and <iframe src="https://evil.example/"></iframe>.',
        "<p>Second</p> paragraph with &amp; entity and &lt;escaped&gt;.",
        "<script>document.write('x')</script> <i>not italic</i>",
        "</li></ul><h1>Injected heading</h1><ul><li>",
    ],
    "html-resources": [
        '<img src="file:///etc/passwd"> and <img src="http://evil.example/track.png">',
        '<link rel="stylesheet" href="file:///etc/passwd">',
        '<style>@import url("http://evil.example/x.css"); body { display: none }</style>',
        '<object data="file:///etc/shadow"></object> <embed src="file:///etc/hosts">',
        '<svg><image href="file:///etc/passwd"/></svg> <base href="file:///etc/">',
    ],
    "css-injection": [
        'Title"; } @page { @top-left { content: url(file:///etc/passwd) } } x { content: "',
        'PUBLIC"; background: url(http://evil.example/c.png); x: "',
        "</style><style>* { color: red; font-size: 1pt }</style>",
        'url(file:///etc/passwd) @import "http://evil.example/i.css"; expression(alert(1))',
    ],
    "jinja-syntax": [
        "{{ 7*7 }} and {{ config }}",
        "{% include '/etc/passwd' %}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{% for x in range(3) %}loop{% endfor %} {# a comment #} {{ self }}",
        "{{ lipsum.__globals__['os'].popen('id').read() }}",
        "{% raw %}raw{% endraw %} {{ 7*'7' }}",
    ],
    "markdown-tricks": [
        # Images are not part of the markup: "!" stays text and what follows is an ordinary https link.
        "![image](file:///etc/passwd) and !remote",
        "[script](javascript:alert(1)) [upper](JaVaScRiPt:alert(2)) [spaced]( javascript:alert(3))",
        "[file](file:///etc/passwd) [data](data:text/html;base64,PHNjcmlwdD4=) [relative](../secret.txt)",
        "[reference][evil] and <https://evil.example/autolink> and <mailto:a@evil.example>",
        "[evil]: file:///etc/passwd",
        "<b>raw html</b> and ok link and emphasis and strong",
        "mail and [entity](&#106;avascript:alert(4)) and [vb](vbscript:msgbox)",
    ],
    "zalgo": ["text and cafe\u0301"],
    "long-word": ["Supercalifragilistic" * 15, "0123456789" * 30],
    "bom-utf8": ["A brief saved with a byte order mark"],
    # Hebrew and Arabic have declared fonts (compiler/fonts.py); the PDF's text layer keeps each phrase.
    "rtl-text": ["Hebrew שלום עולם in a claim", "Arabic مرحبا بالعالم in a takeaway"],
}
UNCOVERED = ("is not covered by the document fonts (Noto Serif, Noto Sans, Noto Sans Math, Noto Sans "
             "Symbols (1 and 2), Droid Sans Fallback, Noto Hebrew (Serif, Sans), Noto Arabic (Naskh, Sans)); "
             "remove it or replace it with a character they cover")
# Cases that pass `briefing check` but that the build refuses before rendering: every line it prints.
BUILD_REFUSED: dict[str, list[str]] = {
    "emoji": [f"{{file}}:18:11: claims[0].text: character U+1F600 (GRINNING FACE) {UNCOVERED}"],
}
# Fonts a PDF may carry: the declared families (compiler/fonts.py), never a system fallback.
DECLARED_FONT_PREFIX = "Briefing-"
# The only links the markdown-tricks memo may carry: those the brief writes with an allowed scheme.
ALLOWED_LINKS = {"https://example.org/ok", "mailto:desk@example.org", "https://evil.example/t.png"}


@dataclass
class Spy:
    """What the builds asked for: every URL WeasyPrint fetched, every network connection attempted."""

    urls: list[str] = field(default_factory=list)
    connections: list[str] = field(default_factory=list)


@dataclass
class Built:
    """The hostile corpus, built once: each case's output folder and exit status, and the spy's record."""

    folders: dict[str, Path]
    statuses: dict[str, int]
    messages: dict[str, tuple[str, str]]  # (stdout, stderr)
    spy: Spy


def install_spy(monkeypatch: pytest.MonkeyPatch, spy: Spy) -> None:
    """Record every fetch of the PDF writer's sandbox, and refuse (and record) every network connection."""
    fetch = layout.SandboxFetcher.fetch

    def recording_fetch(self, url, *args, **kwargs):
        spy.urls.append(url)
        return fetch(self, url, *args, **kwargs)

    def refuse(kind):
        def refused(*args, **kwargs):
            spy.connections.append(f"{kind} {args[1:] if kind.startswith('socket') else args}")
            raise OSError("network access during a build")
        return refused

    monkeypatch.setattr(layout.SandboxFetcher, "fetch", recording_fetch)
    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("hostile-builds")
    spy = Spy()
    folders, statuses, messages = {}, {}, {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(ROOT)
        install_spy(monkeypatch, spy)
        for case in [*BUILDS, *BUILD_REFUSED]:
            brief = Path("tests/hostile") / case / "brief.yaml"
            # One output root per case: every case's brief file is called brief.yaml.
            request = BuildRequest(briefs=[brief], out=out / case, jobs=1)
            console = Console(out=io.StringIO(), err=io.StringIO())
            statuses[case] = build(request, console)
            messages[case] = (console.out.getvalue(), console.err.getvalue())
            folders[case] = out / case / "brief"
    return Built(folders, statuses, messages, spy)


@pytest.mark.parametrize("case", BUILDS)
def test_case_builds(built: Built, case: str) -> None:
    assert built.statuses[case] == 0, built.messages[case][1]
    for name in DOCUMENTS:
        for suffix in ("pdf", "docx"):
            assert (built.folders[case] / f"{name}.{suffix}").stat().st_size > 0


@pytest.mark.parametrize("case", BUILD_REFUSED)
def test_uncovered_characters_stop_the_build(built: Built, case: str) -> None:
    brief = Path("tests/hostile") / case / "brief.yaml"
    expected = [line.format(file=brief) for line in BUILD_REFUSED[case]]
    assert built.statuses[case] == 1
    assert built.messages[case][1].splitlines() == expected
    assert built.messages[case][0].splitlines() == ["wrote 0 files; 1 brief failed"]
    assert not built.folders[case].exists() or not any(built.folders[case].glob("*.pdf"))


@pytest.mark.parametrize("case", BUILDS)
def test_pdfs_use_only_the_declared_fonts(built: Built, case: str) -> None:
    for name in DOCUMENTS:
        fonts = pdf_font_names(built.folders[case] / f"{name}.pdf")
        assert fonts and all(font.startswith(DECLARED_FONT_PREFIX) for font in fonts), (name, fonts)


@pytest.mark.parametrize("case", BUILDS)
def test_content_prints_literally_in_pdf(built: Built, case: str) -> None:
    # pdftotext wraps each right-to-left run in RLE ... PDF marks; a brief cannot hold them (check refuses
    # bidirectional controls: bidi-override), so they are the extractor's and are dropped.
    text = pdf_text(built.folders[case] / "memo.pdf").replace("\u202b", "").replace("\u202c", "")
    missing = [wanted for wanted in BUILDS[case] if not contains_literally(text, wanted)]
    assert not missing, f"not printed literally in memo.pdf: {missing}\n--- text:\n{text}"


def test_combining_marks_survive_in_word(built: Built) -> None:
    # pdftotext scatters stacked marks, so the exact string is read back from the Word file only.
    zalgo = ("Z\u0335\u0322\u031b\u0358\u0347a\u0338\u0315\u0345l\u0336\u0350g\u0335\u0357\u0329"
             "o\u0334\u0301\u0300\u0302\u0303\u0304 text and cafe\u0301")
    assert zalgo in docx_text(built.folders["zalgo"] / "memo.docx")


@pytest.mark.parametrize("case", BUILDS)
def test_content_prints_literally_in_word(built: Built, case: str) -> None:
    text = docx_text(built.folders[case] / "memo.docx")
    missing = [wanted for wanted in BUILDS[case] if not contains_literally(text, wanted)]
    assert not missing, f"not printed literally in memo.docx: {missing}\n--- text:\n{text}"


def test_metadata_holds_the_title_literally(built: Built) -> None:
    title = "<h1>Title</h1> & <b>bold</b>"
    for name in DOCUMENTS:
        assert PdfReader(str(built.folders["html-tags"] / f"{name}.pdf")).metadata.title == title
        assert open_docx(str(built.folders["html-tags"] / f"{name}.docx")).core_properties.title == title


def test_fetches_only_templates_and_fonts(built: Built) -> None:
    fonts = {path.as_uri() for path in font_files()}
    outside = [url for url in built.spy.urls
               if url not in fonts and not url.startswith(TEMPLATES_DIR.as_uri() + "/")]
    assert built.spy.urls, "the spy saw no fetch at all: it is not wired to the PDF writer"
    assert outside == []


def test_no_network_access(built: Built) -> None:
    assert built.spy.connections == []


@pytest.mark.parametrize("case", BUILDS)
def test_pdfs_carry_no_attachment_script_or_unsafe_link(built: Built, case: str) -> None:
    for name in DOCUMENTS:
        path = built.folders[case] / f"{name}.pdf"
        assert pdf_active_content(path) == [], path.name
        unsafe = [target for target in pdf_link_targets(path)
                  if not target.lower().startswith(SAFE_LINK_SCHEMES)]
        assert unsafe == [], path.name


@pytest.mark.parametrize("case", BUILDS)
def test_word_files_carry_no_code_object_or_unsafe_link(built: Built, case: str) -> None:
    for name in DOCUMENTS:
        path = built.folders[case] / f"{name}.docx"
        assert docx_active_parts(path) == [], path.name
        unsafe = [target for target in docx_external_targets(path)
                  if not target.lower().startswith(SAFE_LINK_SCHEMES)]
        assert unsafe == [], path.name


def test_only_the_allowed_markdown_links_become_links(built: Built) -> None:
    folder = built.folders["markdown-tricks"]
    assert set(pdf_link_targets(folder / "memo.pdf")) == ALLOWED_LINKS
    assert set(docx_external_targets(folder / "memo.docx")) == ALLOWED_LINKS


@pytest.mark.parametrize("name", DOCUMENTS)
def test_long_word_breaks_within_the_page(built: Built, name: str) -> None:
    boxes = pdf_word_boxes(built.folders["long-word"] / f"{name}.pdf")
    outside = [box for box in boxes if box.x_min < 0 or box.x_max > box.page_width
               or box.y_min < 0 or box.y_max > box.page_height]
    assert boxes
    assert [(box.page, box.text[:30], round(box.x_max), round(box.page_width)) for box in outside] == []


@pytest.mark.parametrize("case", REFUSED)
def test_build_refuses_what_check_refuses_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            case: str) -> None:
    monkeypatch.chdir(ROOT)
    brief = Path("tests/hostile") / case / "brief.yaml"
    console = Console(out=io.StringIO(), err=io.StringIO())
    assert build(BuildRequest(briefs=[brief], out=tmp_path, jobs=1), console) == 1
    assert console.err.getvalue().splitlines() == [str(problem) for problem in check_brief(brief)[1]]
    assert list(tmp_path.rglob("*.pdf")) == list(tmp_path.rglob("*.docx")) == []


def test_two_briefs_with_one_name_fail_without_hanging(tmp_path: Path) -> None:
    first, second = "tests/hostile/bom-utf8/brief.yaml", "tests/hostile/zalgo/brief.yaml"
    done = subprocess.run([sys.executable, "-m", "compiler", "build", second, first, first,
                           "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=HANG_SECONDS, stdin=subprocess.DEVNULL)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"{second}:1:1: writes to the same folder as {first} ({tmp_path}/brief/); rename one of them"]
    assert done.stdout.splitlines() == [f"{tmp_path}/brief: wrote memo.docx, memo.pdf, slides.docx, "
                                        "slides.pdf, slides.pptx, factsheet.docx, factsheet.pdf",
                                        "wrote 7 files; 1 brief failed"]


def test_brief_named_dot_dot_writes_nothing_outside_the_output_folder(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    brief = tmp_path / "content" / "...yaml"  # its stem is "..": the output folder would be out/..
    brief.write_bytes((HERE / "bom-utf8" / "brief.yaml").read_bytes())
    done = subprocess.run([sys.executable, "-m", "compiler", "build", "content/...yaml", "--out", "build"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=HANG_SECONDS,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.DEVNULL)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "content/...yaml:1:1: its name gives no output folder of its own (build/.. is not inside "
        "build/); rename the file"]
    assert [path.name for path in tmp_path.iterdir() if path.name not in ("build", "content")] == []
