"""The loaded brief: validated data plus where every key came from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Brief:
    """A brief file that passed every check.

    `data` holds the content as plain Python values (dict, list, str, int); dates are ISO strings
    ("2013", "2013-02" or "2013-02-19"). `locations` maps a key path such as "claims[0].text" to the
    1-based (line, column) of its value in the file ("" is the whole document), for messages after
    loading. `quotes_checked` is True when `source.text` was given and every quote was found in it.
    """

    path: Path
    data: dict[str, Any]
    source_text: str | None = None
    quotes_checked: bool = False
    locations: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The brief's output folder name: its file name without `.yaml`."""
        return self.path.stem

    def location(self, key_path: str) -> tuple[int, int]:
        """Line and column of a key path, falling back to its nearest parent that has one."""
        return find_location(self.locations, key_path)


def find_location(locations: dict[str, tuple[int, int]], key_path: str) -> tuple[int, int]:
    """Line and column of a key path in `locations`, or of its nearest parent that is there."""
    while key_path not in locations and key_path:
        key_path = parent_path(key_path)
    return locations.get(key_path, (1, 1))


def parent_path(path: str) -> str:
    """`claims[3]` for `claims[3].text`, `claims` for `claims[3]`, "" for `claims`."""
    if path.endswith("]"):
        return path[: path.rindex("[")]
    return path.rsplit(".", 1)[0] if "." in path else ""


def iter_text_fields(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in the brief's data, with its key path (`claims[2].quotes[0].text`)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_text_fields(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from iter_text_fields(item, f"{path}[{index}]")
