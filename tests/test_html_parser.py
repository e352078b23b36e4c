"""tinyhtml5's scan-pattern cache, mended: patterns are found again, and documents parse as before."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
import tinyhtml5
from tinyhtml5 import inputstream

from compiler import html_parser

HTML = ('<!DOCTYPE html><html lang="en"><head><meta name="author" content="A &amp; B"><title>T</title></head>'
        '<body><p class="x" data-key="claims[0].text">One &lt;two&gt; <b>three</b>\n<a href="http://e.org/a?b=c">'
        'four</a></p><!-- note --><ul><li>five<li>six</ul></body></html>')


def parsed() -> bytes:
    return ElementTree.tostring(tinyhtml5.parse(HTML, namespace_html_elements=False))


def test_each_set_of_characters_is_scanned_with_the_pattern_made_the_first_time() -> None:
    parsed()
    cache = inputstream.characters_until_regex
    kept = {key: pattern for key, pattern in cache.items()}
    parsed()

    assert isinstance(cache, html_parser.PatternCache)
    assert kept and all(not isinstance(characters, re.Pattern) for characters, _ in kept)
    assert {key: pattern for key, pattern in cache.items()} == kept


def test_a_document_parses_to_the_same_tree_as_with_tinyhtml5_s_own_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    mended = parsed()
    monkeypatch.setattr(inputstream, "characters_until_regex", {})

    assert parsed() == mended
