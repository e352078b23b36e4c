"""Safety limits for brief files and source texts, in one place."""

# Hostile or broken input must fail fast with a clear message, never exhaust memory or time.
# A real brief is about 20 KB with 15 claims; these limits leave room for far bigger ones.

MAX_BRIEF_BYTES = 1024 * 1024
"""Largest brief file read (1 MiB)."""

MAX_SOURCE_BYTES = 8 * 1024 * 1024
"""Largest source text read (8 MiB): a long report, not a book collection."""

MAX_TEXT_CHARS = 5000
"""Longest string value (characters): about two pages of prose in one field."""

MAX_ITEMS = 500
"""Most items in one list, or keys in one mapping."""

MAX_DEPTH = 20
"""Deepest nesting of lists and mappings (a valid brief needs 6)."""

MAX_PROBLEMS = 100
"""Most problems reported per file; past it the rest are summarised in one line."""

MAX_CLOSEST_SEARCHES = 10
"""Quotes not found that get a closest-passage search (each reads the whole source); the rest do not."""

QUOTE_WORK_FACTOR = 256
"""Work units (about a nanosecond each) quote lookups of one brief may take per character of its source
text (each quote costs about a third of a unit per character; past the bound the rest go unchecked,
with a message): about two seconds for an 8 MiB source, whatever the quotes."""

MAX_COMBINING_MARKS = 8
"""Most combining marks on one character (Vietnamese needs 2); more are stacked over the lines above."""
