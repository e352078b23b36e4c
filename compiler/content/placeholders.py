"""Placeholders: the parts of a brief `briefing new` leaves for the analyst to write, found again by check.

A placeholder is a whole text value in double square brackets, the instruction inside:
`"[[write the bottom line]]"`. Prose, titles and quotes never are one whole bracketed phrase, and
in YAML the value must be quoted (unquoted, `[[...]]` is a list), so real text does not collide with it.
"""

from __future__ import annotations

import re
from typing import Any

from compiler.content.model import iter_text_fields
from compiler.content.reader import Document, Reporter

PLACEHOLDER = re.compile(r"\[\[([^\[\]\n]*[^\[\]\s][^\[\]\n]*)\]\]")


def placeholder(instruction: str) -> str:
    """The placeholder text asking the analyst to do `instruction` ("write the bottom line")."""
    return f"[[{instruction}]]"


def instruction_of(value: Any) -> str | None:
    """The instruction a placeholder value holds, or None if the value is not a placeholder."""
    if not isinstance(value, str):
        return None
    match = PLACEHOLDER.fullmatch(value.strip())
    return " ".join(match[1].split()) if match else None


def check_placeholders(doc: Document, report: Reporter) -> None:
    """Report every placeholder left in the brief, at its line; the schema then keeps quiet about it."""
    for path, value in iter_text_fields(doc.data):
        instruction = instruction_of(value)
        if instruction is not None:
            report.add(doc.locate(path), path, f"still a placeholder: {instruction}")
            # A placeholder date or kind is not a date or kind; one message is what the user needs.
            doc.refused.add(path)
