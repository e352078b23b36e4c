"""Any text through the inline markup yields only <em>, <strong> and web or mail links: content stays data."""

from __future__ import annotations

import html
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.markup import ALLOWED_SCHEMES, render_inline, render_paragraphs
from tests.fuzz.test_fuzz_briefs import PROFILE

ALLOWED_TAGS = {"em", "strong", "a"}
# Fragments that make markup, HTML, Jinja and URLs likely, mixed with any character at all.
PIECES = st.sampled_from([
    "*", "**", "_", "__", "[", "]", "(", ")", "![", "<", ">", "</", "<script>", "<img src=x>", "&", "&#106;",
    "&amp;", '"', "'", "`", "{{", "}}", "{%", "%}", "javascript:", "JaVaScRiPt:", "file:///etc/passwd",
    "data:text/html,", "http://", "https://example.org/", "mailto:a@b.c", " ", "\n", "\n\n", "\\",
    "onclick=", "\u202e", "\u0301", "a", "word",
]) | st.characters(codec="utf-8")
TEXTS = st.lists(PIECES, max_size=40).map("".join)


class Tags(HTMLParser):
    """Every start tag and its attributes, and the character data between them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def read_tags(fragment: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(fragment)
    parser.close()
    return parser.tags


def assert_only_allowed_markup(fragment: str) -> None:
    for tag, attributes in read_tags(fragment):
        assert tag in ALLOWED_TAGS, (tag, fragment)
        if tag == "a":
            assert set(attributes) == {"href"}, (attributes, fragment)
            assert html.unescape(attributes["href"] or "").lower().startswith(ALLOWED_SCHEMES), fragment
        else:
            assert attributes == {}, (attributes, fragment)


@settings(PROFILE, max_examples=PROFILE.max_examples * 2)
@given(text=TEXTS)
def test_inline_markup_yields_only_emphasis_strong_and_safe_links(text: str) -> None:
    assert_only_allowed_markup(str(render_inline(text)))


@settings(PROFILE)
@given(text=TEXTS)
def test_paragraphs_yield_only_emphasis_strong_and_safe_links(text: str) -> None:
    for paragraph in render_paragraphs(text):
        assert_only_allowed_markup(str(paragraph))


@settings(PROFILE)
# Control characters are refused when a brief is read (and markdown-it replaces NUL), so none here.
@given(text=st.text(st.characters(codec="utf-8", exclude_categories=("Cc",), exclude_characters="*[]_\\&")))
def test_text_without_markup_characters_comes_back_unchanged(text: str) -> None:
    rendered = str(render_inline(text))
    assert read_tags(rendered) == []
    assert html.unescape(rendered) == text.strip()
