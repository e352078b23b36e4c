"""`briefing preview` in a real browser (Debian's headless Chromium via Selenium): pages, live updates,
errors above the last good pages, nothing served from outside the project, a clean Ctrl-C."""

from __future__ import annotations

import http.client
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.commands.running import WAIT, Session
from tests.commands.test_watch_command import BRIEF, make_project

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                reason="needs chromium and chromium-driver (scripts/setup-system test)")
DOCUMENTS = (("memo", "briefing memo"), ("slides", "slide deck"), ("factsheet", "factsheet"))
HOSTILE = "<img src=x onerror=alert(1)>"
URL = re.compile(r"preview at (http://127\.0\.0\.1:(\d+)/); Ctrl-C to stop")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=1200,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(WAIT)
    yield driver
    driver.quit()


def page_texts(driver: object, document: str) -> list[str]:
    """The text of each page of one document, as the page holds it beneath the page images."""
    # Read in one script, so that a rebuild swapping the pages in mid-read cannot leave a stale element.
    return driver.execute_script("return Array.from(document.querySelectorAll(arguments[0]), "
                                 "caption => caption.textContent)", f".document.{document} .page-text")


def wait_until(driver: object, condition: object) -> object:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT, poll_frequency=0.1).until(condition)


def get(port: int, path: str, host: str | None = None) -> tuple[int, bytes]:
    """A request sent as written, with no normalisation of the path."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host or f"127.0.0.1:{port}")
    connection.endheaders()
    response = connection.getresponse()
    return response.status, response.read()


def test_preview_shows_updates_and_survives_errors(tmp_path: Path, browser: object) -> None:
    from selenium.webdriver.common.by import By

    brief = make_project(tmp_path)
    with Session(tmp_path, "preview", "--out", "out", "--port", "0") as preview:
        url, port = URL.fullmatch(preview.next_line()).groups()
        assert "first build: wrote 7 files" in preview.next_line()
        browser.get(url)
        memo = page_texts(browser, "memo")
        assert len(memo) == 1 and "The first claim." in memo[0]
        images = browser.find_elements(By.CSS_SELECTOR, ".document img")
        assert [image.get_attribute("alt") for image in images] == [
            f"{title}, page {number}" for name, title in DOCUMENTS
            for number in range(1, len(PdfReader(tmp_path / "out/brief" / f"{name}.pdf").pages) + 1)]
        assert all(browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", image)
                   for image in images)
        browser.execute_script("window.notReloaded = true")

        brief.write_text(BRIEF.replace("CLAIM", "A claim saved while the page was open."), encoding="utf-8")
        wait_until(browser, lambda driver: any("A claim saved while the page was open." in text
                                                for text in page_texts(driver, "memo")))
        assert browser.execute_script("return window.notReloaded") is True  # updated in place
        assert browser.find_elements(By.ID, "problems") == []

        brief.write_text(BRIEF.replace("CLAIM", '"[[write the claim]]"') + f'"{HOSTILE}": 1\n', encoding="utf-8")
        problems = wait_until(browser, lambda driver: driver.find_elements(By.CSS_SELECTOR, "#problems li"))
        assert [item.text for item in problems] == [
            "content/brief.yaml:8:11: claims[0].text: still a placeholder: write the claim",
            f"content/brief.yaml:11:1: {HOSTILE}: unknown key '{HOSTILE}'; keys allowed here: format, source, "
            "brief, summary, claims, goals, figures, timeline, takeaways"]
        assert browser.find_elements(By.CSS_SELECTOR, "#problems img") == []  # printed, never markup
        assert "1 brief failed" in browser.find_element(By.ID, "status").text
        assert "A claim saved while the page was open." in page_texts(browser, "memo")[0]

        for path in ("/../../../etc/passwd", "/pages/../../../../etc/passwd", "/files/..%2f..%2fetc/passwd.pdf",
                     "/pages/brief/../../content/brief.yaml", "/content/brief.yaml", "/out/brief/memo.pdf"):
            status, body = get(int(port), path)
            assert (status, body) == (404, b"404 not a page of this preview\n"), path
        assert get(int(port), "/", host="attacker.example")[0] == 403
        status, body = get(int(port), "/files/brief/memo.pdf")
        assert status == 200 and body.startswith(b"%PDF-")

        assert preview.interrupt() == 0
        while (line := preview.next_line()) != "preview stopped":
            assert re.match(r"\[\d\d:\d\d:\d\d\] content/brief\.yaml changed: ", line)
