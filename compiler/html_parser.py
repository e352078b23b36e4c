"""The HTML parser that WeasyPrint and the Word writer read documents with (tinyhtml5), its regex cache mended.

tinyhtml5 2.1's tokenizer keeps the pattern for each set of characters it scans up to in a cache, but
files each pattern under the pattern itself instead of under the characters (the assignment
`characters = cache[(characters, opposite)] = pattern` rebinds `characters` first), so no lookup
ever hits: every scan builds its pattern again, about half of parsing a document. A cache that fills
itself on a miss gives the same patterns, found.
"""

from __future__ import annotations

import re

from tinyhtml5 import inputstream


class PatternCache(dict):
    """tinyhtml5's scan patterns by (characters, opposite), made on first use as tinyhtml5 makes them."""

    def __missing__(self, key: tuple) -> re.Pattern:
        characters, opposite = key
        ranges = "".join(f"\\x{ord(character):02x}" for character in characters)
        pattern = self[key] = re.compile(f"[{ranges if opposite else '^' + ranges}]+")
        return pattern


def mend_pattern_cache() -> None:
    """Put a self-filling cache in place of tinyhtml5's (once; a later tinyhtml5 without it is left be)."""
    cache = getattr(inputstream, "characters_until_regex", None)
    if isinstance(cache, dict) and not isinstance(cache, PatternCache):
        inputstream.characters_until_regex = PatternCache()


mend_pattern_cache()
