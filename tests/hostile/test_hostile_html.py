"""Hostile briefs built as web pages: their content is text in the page, and no page runs, loads or links
to anything it should not (the HTML counterpart of test_hostile_build.py, same corpus)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from compiler.build import BuildRequest, Console, build
from compiler.fonts import font_files
from compiler.locations import TEMPLATES_DIR
from tests.hostile.reading import contains_literally
from tests.hostile.test_hostile_build import ALLOWED_LINKS, BUILDS, DOCUMENTS, ROOT, Spy, install_spy
from tests.writers.html_reading import Page, active_or_outside, read_page

# Every element the templates and the documented markup (emphasis, strong, links) make; content that
# looks like HTML must add none.
TEMPLATE_ELEMENTS = {"html", "head", "meta", "title", "style", "body", "header", "footer", "section",
                     "article", "aside", "div", "p", "span", "h1", "h2", "h3", "ul", "li", "blockquote",
                     "cite", "table", "thead", "tbody", "tr", "th", "td", "a", "em", "strong"}


@dataclass
class Built:
    """The corpus built as HTML once: each case's output folder and exit status, and the spy's record."""

    folders: dict[str, Path]
    statuses: dict[str, int]
    errors: dict[str, str]
    spy: Spy

    def page(self, case: str, name: str) -> Page:
        return read_page(self.folders[case] / f"{name}.html")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("hostile-pages")
    spy = Spy()
    folders, statuses, errors = {}, {}, {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(ROOT)
        install_spy(monkeypatch, spy)
        for case in BUILDS:
            request = BuildRequest(briefs=[Path("tests/hostile") / case / "brief.yaml"], out=out / case,
                                   formats=("html",), jobs=1)
            console = Console(out=io.StringIO(), err=io.StringIO())
            statuses[case] = build(request, console)
            errors[case] = console.err.getvalue()
            folders[case] = out / case / "brief"
    return Built(folders, statuses, errors, spy)


@pytest.mark.parametrize("case", BUILDS)
def test_case_builds_its_pages(built: Built, case: str) -> None:
    assert built.statuses[case] == 0, built.errors[case]
    assert sorted(path.name for path in built.folders[case].glob("*.html")) == [
        "factsheet.html", "memo.html", "slides.html"]


@pytest.mark.parametrize("case", BUILDS)
def test_content_prints_literally_in_the_page(built: Built, case: str) -> None:
    text = built.page(case, "memo").text
    missing = [wanted for wanted in BUILDS[case] if not contains_literally(text, wanted)]
    assert not missing, f"not printed literally in memo.html: {missing}\n--- text:\n{text}"


@pytest.mark.parametrize("case", BUILDS)
def test_content_adds_no_element_and_nothing_that_runs_or_loads(built: Built, case: str) -> None:
    for name in DOCUMENTS:
        page = built.page(case, name)
        assert {tag for tag, _ in page.elements} - TEMPLATE_ELEMENTS == set(), name
        assert active_or_outside(page) == [], name


def test_the_title_is_text(built: Built) -> None:
    for name in DOCUMENTS:
        assert built.page("html-tags", name).title == "<h1>Title</h1> & <b>bold</b>"


def test_text_made_to_look_like_css_stays_out_of_the_stylesheets(built: Built) -> None:
    for name in DOCUMENTS:
        page = built.page("css-injection", name)
        assert "evil.example" not in page.css and "/etc/passwd" not in page.css, name


def test_only_the_allowed_markdown_links_become_links(built: Built) -> None:
    assert set(built.page("markdown-tricks", "memo").links) == ALLOWED_LINKS


def test_pages_read_only_templates_and_fonts(built: Built) -> None:
    fonts = {path.as_uri() for path in font_files()}
    outside = [url for url in built.spy.urls
               if url not in fonts and not url.startswith(TEMPLATES_DIR.as_uri() + "/")]
    assert any(url.endswith("/screen.css") for url in built.spy.urls), "the spy missed the HTML writer"
    assert outside == []
    assert built.spy.connections == []
