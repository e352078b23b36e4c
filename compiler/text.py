"""Text helpers shared by the document view and the slide planner: dates and even runs."""

from __future__ import annotations

import math
from datetime import date
from typing import Any


def format_date(value: str) -> str:
    """An ISO date of the brief ("2013", "2013-02", "2013-02-19") as a reader writes it."""
    parts = [int(part) for part in str(value).split("-")]
    if len(parts) == 3:
        day = date(*parts)
        return f"{day.day} {day:%B %Y}"
    if len(parts) == 2:
        return f"{date(parts[0], parts[1], 1):%B %Y}"
    return str(parts[0])


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
