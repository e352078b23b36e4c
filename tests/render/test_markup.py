"""Inline markup of text fields: emphasis, strong and safe links; everything else printed literally."""

from __future__ import annotations

import pytest

from compiler.markup import plain_text, render_inline, render_paragraphs


def test_emphasis_strong_and_links() -> None:
    assert render_inline("*a* **b** [c](https://example.org/x?y=1&z=2)") == (
        '<em>a</em> <strong>b</strong> <a href="https://example.org/x?y=1&amp;z=2">c</a>')


@pytest.mark.parametrize("url", ["http://example.org", "mailto:desk@example.org", "HTTPS://EXAMPLE.ORG"])
def test_allowed_link_schemes(url: str) -> None:
    assert render_inline(f"[x]({url})").startswith("<a href=")


@pytest.mark.parametrize("text", [
    "[j](javascript:alert(1))",
    "[j](JaVaScRiPt:alert(1))",
    "[f](file:///etc/passwd)",
    "[d](data:text/html,hi)",
    "[r](../secret.txt)",
    "[r](secret.html)",
])
def test_other_links_print_literally(text: str) -> None:
    assert render_inline(text) == text.replace("&", "&amp;")


@pytest.mark.parametrize("text, html", [
    ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("{{ 7*7 }} {% if x %}", "{{ 7*7 }} {% if x %}"),
    ("&amp; &lt;", "&amp;amp; &amp;lt;"),
    ("`code` # heading", "`code` # heading"),
    ("![i](https://example.org/i.png)", "!<a href=\"https://example.org/i.png\">i</a>"),
    ("<https://example.org>", "&lt;https://example.org&gt;"),
])
def test_raw_html_and_other_syntax_print_literally(text: str, html: str) -> None:
    assert render_inline(text) == html


def test_a_blank_line_separates_paragraphs() -> None:
    assert render_paragraphs("First *one*.\n\n  \nSecond\nline.") == ["First <em>one</em>.", "Second\nline."]


def test_plain_text_drops_markup_but_keeps_the_words() -> None:
    assert plain_text("**Read** it as <b>x</b> & [this](https://e.org)") == "Read it as <b>x</b> & this"


def test_plain_text_of_rendered_markup_is_its_words_not_its_tags() -> None:
    assert plain_text(render_inline("argues in *Qiushi* and **more**")) == "argues in Qiushi and more"
    assert plain_text(render_paragraphs("one *a*\n\ntwo")[0]) == "one a"
    assert plain_text("a <em>literal</em> tag") == "a <em>literal</em> tag"
