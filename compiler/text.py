"""Text helpers shared by the document view and the slide planner: dates, line estimates, even runs."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

from compiler.markup import plain_text


def format_date(value: str) -> str:
    """An ISO date of the brief ("2013", "2013-02", "2013-02-19") as a reader writes it."""
    parts = [int(part) for part in str(value).split("-")]
    if len(parts) == 3:
        day = date(*parts)
        return f"{day.day} {day:%B %Y}"
    if len(parts) == 2:
        return f"{date(parts[0], parts[1], 1):%B %Y}"
    return str(parts[0])


def estimate_lines(text: str, line_chars: float) -> int:
    """Lines a text takes at `line_chars` characters a line; wide (CJK) characters count double."""
    width = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in plain_text(text))
    return max(1, math.ceil(width / line_chars))


def split_columns(items: list[Any], cost: Callable[[Any], float]) -> list[list[Any]]:
    """Items in reading order as two columns of about equal height, the first never the shorter."""
    total = sum(map(cost, items))
    used, split = 0.0, len(items)
    for index, item in enumerate(items):
        if used >= total / 2:
            split = index
            break
        used += cost(item)
    return [items[:split], items[split:]]


def balance(items: list[Any], most: int) -> list[list[Any]]:
    """Items in as few runs of at most `most` as possible, the runs as even as possible (4 + 3, not 6 + 1)."""
    count = math.ceil(len(items) / most)
    size, extra = divmod(len(items), count)
    runs, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        runs.append(items[start:end])
        start = end
    return runs
