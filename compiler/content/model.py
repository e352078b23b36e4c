"""The loaded brief: validated data plus where every key came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Brief:
    """A brief file that passed every check.

    `data` holds the content as plain Python values (dict, list, str, int); dates are ISO strings
    ("2013", "2013-02" or "2013-02-19"). `locations` maps a key path such as "claims[0].text" to the
    1-based (line, column) of its value in the file, for messages after loading.
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
        """Line and column of a key path, falling back to its nearest known parent."""
        while key_path:
            if key_path in self.locations:
                return self.locations[key_path]
            key_path = key_path.rsplit(".", 1)[0] if "." in key_path else key_path.rsplit("[", 1)[0]
            if "[" not in key_path and "." not in key_path and key_path not in self.locations:
                break
        return self.locations.get(key_path, (1, 1))
