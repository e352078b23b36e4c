"""The HTML pages in a real browser (Debian's headless Chromium, driven by Selenium): the brief's words are
there, as in the PDF; nothing is fetched from outside the output folder; each screen reads well."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from compiler.cli import main
from compiler.content import load_brief
from compiler.markup import plain_text
from tests.hostile.reading import pdf_text
from tests.render.reading import SCO_BRIEF

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
DOCUMENTS = ("memo", "slides", "factsheet")
SCREENS = {"desktop": (1280, 800), "phone": (390, 844)}
# Words the PDF prints in its page margins, which a web page has no use for: "Page 2 of 3".
PAGE_FURNITURE = re.compile(r"^(page|of|\d+)$")


def launch_chromium(profile: Path):
    """Headless Chromium with no network side-channels of its own, logging what the page requests."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        reason = f"{CHROMIUM} or {CHROMEDRIVER} is missing; scripts/setup-system test installs them"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The worked example built as HTML and PDF; its output folder."""
    out = tmp_path_factory.mktemp("pages")
    assert main(["build", "-j", "1", str(SCO_BRIEF), "--out", str(out), "--format", "html,pdf"]) == 0
    return out / SCO_BRIEF.stem


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    driver = launch_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


def open_page(browser, path: Path, screen: str = "desktop") -> list[str]:
    """Load a page at a screen size once its fonts are ready; every URL the browser requested for it."""
    width, height = SCREENS[screen]
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": screen == "phone"})
    browser.get_log("performance")  # forget the previous page's requests
    browser.get(path.as_uri())
    browser.execute_async_script("document.fonts.ready.then(() => arguments[0]())")
    return requested_urls(browser.get_log("performance"))


def requested_urls(log: list[dict]) -> list[str]:
    """URLs of the network requests in a performance log (Chrome DevTools Protocol events)."""
    messages = [json.loads(entry["message"])["message"] for entry in log]
    return [message["params"]["request"]["url"] for message in messages
            if message["method"] == "Network.requestWillBeSent"]


def squeeze(text: str) -> str:
    return " ".join(text.split())


def visible_text(browser) -> str:
    return browser.execute_script("return document.body.innerText")


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_page_shows_the_bottom_line_and_every_claim(pages: Path, browser, name: str) -> None:
    data = load_brief(SCO_BRIEF).data
    open_page(browser, pages / f"{name}.html")
    text = squeeze(visible_text(browser))

    assert squeeze(plain_text(data["brief"]["title"])) in text
    assert squeeze(plain_text(data["brief"]["bottom_line"])) in text
    # The factsheet may cut a claim at a word to fit its page (tests/render/test_factsheet.py): its opening.
    shown = [squeeze(plain_text(claim["text"])) for claim in data["claims"]]
    if name == "factsheet":
        shown = [" ".join(claim.split()[:8]) for claim in shown]
    assert [claim["id"] for claim, words in zip(data["claims"], shown) if words not in text] == []


def tokens(text: str) -> set[str]:
    """Words, a hyphenated compound as one ("good-neighbourliness")."""
    return set(re.findall(r"\w+(?:-\w+)*", text.lower().replace("\u2010", "-")))


def unsaid(said: set[str], other: set[str]) -> set[str]:
    """Words of `said` that `other` does not have, whole, in parts or with its hyphens dropped."""
    vocabulary = {part for token in other for part in token.split("-")} | \
        {token.replace("-", "") for token in other}
    return {token for token in said if token.replace("-", "") not in vocabulary
            and not all(part in vocabulary for part in token.split("-"))}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_page_says_what_the_pdf_says(pages: Path, browser, name: str) -> None:
    open_page(browser, pages / f"{name}.html")
    page = tokens(visible_text(browser))
    # pdftotext ends a line WeasyPrint hyphenated with U+2010 ("coop\u2010\neration"), and drops some
    # hyphens of the words themselves ("goodneighbourliness"): `unsaid` forgives both.
    pdf = tokens(re.sub("\u2010\n+", "", pdf_text(pages / f"{name}.pdf")))

    assert {word for word in unsaid(pdf, page) if not PAGE_FURNITURE.match(word)} == set()
    assert unsaid(page, pdf) == set()


@pytest.mark.parametrize("name", DOCUMENTS)
def test_nothing_is_fetched_from_outside_the_folder(pages: Path, browser, name: str) -> None:
    path = pages / f"{name}.html"
    requested = open_page(browser, path)
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(entry => entry.name)")
    loaded_fonts = browser.execute_script(
        "return [...document.fonts].filter(face => face.status == 'loaded').map(face => face.family)")

    assert path.as_uri() in requested  # the log sees the page's own request
    assert [url for url in requested if url != path.as_uri() and not url.startswith("data:")] == []
    assert [url for url in resources if not url.startswith(("data:", pages.as_uri() + "/"))] == []
    assert {"Briefing Serif", "Briefing Sans"} <= set(loaded_fonts)  # drawn in the page's own fonts


def element_boxes(browser, selector: str) -> list[dict[str, float]]:
    return browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.getBoundingClientRect().toJSON())",
        selector)


def viewport(browser) -> tuple[float, float, float]:
    """Width and height of the window, and the width of what is laid out in it."""
    return tuple(browser.execute_script(
        "return [innerWidth, innerHeight, document.documentElement.scrollWidth]"))


def save_screenshot(browser, tmp_path: Path, name: str) -> None:
    """Keep a screenshot in the test's folder, and in $BRIEFING_SCREENSHOTS when set, for a person to look at."""
    path = tmp_path / f"{name}.png"
    assert browser.save_screenshot(str(path))
    if os.environ.get("BRIEFING_SCREENSHOTS"):
        shutil.copy(path, Path(os.environ["BRIEFING_SCREENSHOTS"]) / path.name)


@pytest.mark.parametrize("screen", SCREENS)
def test_the_memo_reads_as_an_article(pages: Path, browser, screen: str, tmp_path: Path) -> None:
    open_page(browser, pages / "memo.html", screen)
    save_screenshot(browser, tmp_path, f"memo-{screen}")
    width, _, laid_out = viewport(browser)
    paragraph = browser.execute_script("""
        const p = document.querySelector('.summary p'), style = getComputedStyle(p);
        const zoom = parseFloat(getComputedStyle(document.body).zoom) || 1;
        return {chars: p.textContent.length, height: p.getBoundingClientRect().height,
                line: parseFloat(style.lineHeight) * zoom, size: parseFloat(style.fontSize) * zoom};""")
    characters_a_line = paragraph["chars"] / round(paragraph["height"] / paragraph["line"])

    assert laid_out <= width  # nothing to scroll sideways
    assert paragraph["size"] >= 16
    assert (45 if screen == "desktop" else 25) <= characters_a_line <= 80


@pytest.mark.parametrize("screen", SCREENS)
def test_the_factsheet_is_a_card(pages: Path, browser, screen: str, tmp_path: Path) -> None:
    open_page(browser, pages / "factsheet.html", screen)
    save_screenshot(browser, tmp_path, f"factsheet-{screen}")
    width, _, laid_out = viewport(browser)
    [card] = element_boxes(browser, ".sheet")

    assert laid_out <= width
    if screen == "desktop":  # a sheet on the desk, in the page's proportions (A4: 1.41 high)
        assert card["left"] > 0 and card["right"] < width
        assert card["height"] / card["width"] >= 297 / 210 - 0.01
    else:  # the full width of a phone
        assert card["width"] == pytest.approx(width, abs=1)


@pytest.mark.parametrize("screen", SCREENS)
def test_the_deck_shows_one_slide_a_screen(pages: Path, browser, screen: str, tmp_path: Path) -> None:
    open_page(browser, pages / "slides.html", screen)
    width, height, laid_out = viewport(browser)
    count = len(element_boxes(browser, ".slide"))
    assert count > 3 and laid_out <= width
    for index in range(count):
        browser.execute_script("document.querySelectorAll('.slide')[arguments[0]].scrollIntoView()", index)
        if index in (0, count // 2):
            save_screenshot(browser, tmp_path, f"slides-{screen}-{index + 1}")
        boxes = element_boxes(browser, ".slide")
        in_view = [number for number, box in enumerate(boxes) if box["bottom"] > 0 and box["top"] < height]
        box = boxes[index]

        assert in_view == [index]
        assert box["left"] >= 0 and box["right"] <= width + 0.5 and box["top"] >= 0 and box["bottom"] <= height + 0.5
        assert box["width"] / box["height"] == pytest.approx(16 / 9, rel=0.01)
        assert max(box["width"] / width, box["height"] / height) == pytest.approx(1, abs=0.01)
