"""The light inline markup of brief text fields: *emphasis*, **strong**, [label](url); all else literal."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markupsafe import Markup, escape

from compiler.markers import Keyed, digest

ALLOWED_SCHEMES = ("http:", "https:", "mailto:")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def _accept_link(url: str) -> bool:
    # A link with any other scheme (javascript:, file:, data:) or none (relative) stays literal text.
    return url.strip().lower().startswith(ALLOWED_SCHEMES)


def _keep_underscore(state: StateInline, silent: bool) -> bool:
    # The emphasis rule also reads _x_ and __x__; only * is documented, so `__init__` stays literal.
    if state.src[state.pos] != "_":
        return False
    if not silent:
        state.pending += "_"
    state.pos += 1
    return True


def _create_parser() -> MarkdownIt:
    # "zero" turns off every rule, raw HTML included (it is escaped); we enable only what we document.
    parser = MarkdownIt("zero").enable(["emphasis", "link"])
    parser.inline.ruler.before("emphasis", "keep_underscore", _keep_underscore)
    parser.validateLink = _accept_link
    return parser


_PARSER = _create_parser()


def render_inline(text: str) -> Markup:
    """One text field as safe inline HTML: emphasis, strong and http(s)/mailto links only.

    A Keyed text comes in a span naming its key path and the digest of its value, which the Word
    writer turns into the marker `briefing pull` reads back. Text already rendered (Markup: a part
    of a field the slide planner cut) is returned as it is.
    """
    if isinstance(text, Markup):
        return text
    html = Markup(_PARSER.renderInline(text).strip())
    if not isinstance(text, Keyed):
        return html
    return Markup('<span data-key="{}" data-digest="{}">{}</span>').format(
        escape(text.key), digest(text), html)


def split_paragraphs(text: str) -> list[str]:
    """The paragraphs of a multi-paragraph field (a blank line between two)."""
    return [part for part in PARAGRAPH_BREAK.split(text.strip()) if part.strip()]


def render_paragraphs(text: str) -> list[Markup]:
    """A multi-paragraph field (blank line between paragraphs), each paragraph as inline HTML."""
    parts = split_paragraphs(text)
    if isinstance(text, Keyed):
        parts = [Keyed(part, f"{text.key}[{index}]") for index, part in enumerate(parts)]
    return [render_inline(part) for part in parts]


def plain_text(text: str) -> str:
    """The words of a field without its markup, for notes, metadata and length estimates.

    Text already rendered (Markup) is only stripped of its tags: parsed again, its tags would be
    escaped as literal text and come back as "<em>" in the words.
    """
    rendered = text if isinstance(text, Markup) else render_inline(text)
    return rendered.striptags()
