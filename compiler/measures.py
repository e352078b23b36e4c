"""Measurements kept between builds: what a planner read from a measuring layout, by content hash.

The slide and factsheet planners decide their pages from a layout of their own, made only to be
measured. What they read is a pure function of the measuring HTML and of what lays it out (templates,
fonts, compiler and WeasyPrint versions), so a build keeps each reading under a hash of all of these
and the next build of the same brief reads it back instead of laying the document out a second time.

The readings live beside the outputs (`build/<brief>/.measures.json`). They are data: decoded into
the planners' own types, field by field, and anything of another shape is measured again.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from compiler.outputs import hash_bytes, read_bounded, write_atomic

MEASURES_NAME = ".measures.json"
MEASURES_FORMAT = 1
MAX_MEASURES_BYTES = 32 * 2**20  # a 500-claim deck's readings are about a megabyte

T = TypeVar("T")


@dataclasses.dataclass
class Readings:
    """One document's measurements: those kept from the last build, and those taken or used in this one.

    `salt` is the hash of everything besides the HTML that decides a layout; a reading made under
    another salt is never found.
    """

    salt: str
    kept: dict[str, Any] = dataclasses.field(default_factory=dict)
    used: dict[str, Any] = dataclasses.field(default_factory=dict)
    measured: int = 0  # layouts made because no reading was kept

    @property
    def reused(self) -> bool:
        """Whether any reading came from the last build rather than a layout made now."""
        return len(self.used) > self.measured

    def key(self, html: str, context: str) -> str:
        return hash_bytes("\0".join((self.salt, context, html)).encode("utf-8"))

    def read(self, html: str, context: str, kind: Any, measure: Callable[[], T]) -> T:
        """The kept reading of `html`, if it decodes as `kind`; else `measure()`, kept for next time."""
        key = self.key(html, context)
        if key in self.kept:
            try:
                value = decode(kind, self.kept[key])
            except (TypeError, ValueError, KeyError):
                pass  # not a reading of this shape (an older compiler's, or edited): measure again
            else:
                self.used[key] = self.kept[key]
                return value
        value = measure()
        self.measured += 1
        self.used[key] = encode(value)
        return value


CURRENT: ContextVar[Readings | None] = ContextVar("measurements", default=None)


@contextmanager
def reusing(readings: Readings) -> Iterator[Readings]:
    """Within this block, planners read measurements from (and add them to) `readings`."""
    token = CURRENT.set(readings)
    try:
        yield readings
    finally:
        CURRENT.reset(token)


def measured(html: str, context: str, kind: Any, measure: Callable[[], T]) -> T:
    """What `measure()` reads from laying out `html`, or the same reading kept from an earlier build.

    `context` names whatever besides the HTML the reading depends on (the planner, its parameters);
    `kind` is the reading's type, to decode a kept one. Outside `reusing`, it always measures.
    """
    readings = CURRENT.get()
    if readings is None:
        return measure()
    return readings.read(html, context, kind, measure)


# The file beside the outputs ----------------------------------------------------------------------

def read_measures(folder: Path) -> dict[str, dict[str, Any]]:
    """The readings kept in an output folder, by document type; empty when missing or unreadable."""
    try:
        data = json.loads(read_bounded(folder / MEASURES_NAME, MAX_MEASURES_BYTES, follow_links=False))
    except (OSError, ValueError, RecursionError):
        return {}  # only a cost: every document is measured again
    if not isinstance(data, dict) or data.get("format") != MEASURES_FORMAT:
        return {}
    documents = data.get("documents")
    if not isinstance(documents, dict):
        return {}
    return {name: entries for name, entries in documents.items()
            if isinstance(name, str) and isinstance(entries, dict)}


def write_measures(folder: Path, documents: dict[str, dict[str, Any]]) -> None:
    """Replace the folder's readings (the caller holds the folder lock)."""
    data = {"format": MEASURES_FORMAT, "documents": documents}
    write_atomic(folder / MEASURES_NAME, json.dumps(data, sort_keys=True, separators=(",", ":")).encode())


# Readings as JSON and back ------------------------------------------------------------------------

def encode(value: Any) -> Any:
    """A reading as JSON data: dataclasses as objects of their fields, tuples as lists."""
    if dataclasses.is_dataclass(value):
        return {item.name: encode(getattr(value, item.name)) for item in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"a {type(value).__name__} is not a reading")


def decode(kind: Any, data: Any) -> Any:
    """JSON data as a value of type `kind` (dataclasses, lists, tuples, dicts, unions, scalars);
    TypeError or ValueError when it has another shape."""
    origin, arguments = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        for option in arguments:
            try:
                return decode(option, data)
            except (TypeError, ValueError, KeyError):
                continue
        raise ValueError(f"{data!r:.40} is none of {kind}")
    if dataclasses.is_dataclass(kind):
        return decode_dataclass(kind, data)
    if origin is list:
        return [decode(arguments[0], item) for item in expect(data, list)]
    if origin is tuple:
        items = expect(data, list)
        if len(items) != len(arguments):
            raise ValueError(f"{len(items)} items, not {len(arguments)}")
        return tuple(decode(argument, item) for argument, item in zip(arguments, items))
    if origin is dict:
        key_kind, value_kind = arguments
        return {decode_key(key_kind, key): decode(value_kind, item) for key, item in expect(data, dict).items()}
    return decode_scalar(kind, data)


def decode_dataclass(kind: type, data: Any) -> Any:
    hints = field_kinds(kind)
    fields = expect(data, dict)
    if fields.keys() != hints.keys():
        raise ValueError(f"fields {sorted(fields)}, not {sorted(hints)}")
    return kind(**{name: decode(hint, fields[name]) for name, hint in hints.items()})


@lru_cache(maxsize=None)
def field_kinds(kind: type) -> dict[str, Any]:
    """A dataclass's fields and their types (its annotations are strings, evaluated once per class)."""
    hints = typing.get_type_hints(kind)
    return {item.name: hints[item.name] for item in dataclasses.fields(kind)}


def decode_key(kind: Any, key: str) -> Any:
    if kind is int:
        return int(key)
    if kind is str:
        return key
    raise TypeError(f"keys of {kind} are not kept")


def decode_scalar(kind: Any, data: Any) -> Any:
    if kind is type(None):
        if data is None:
            return None
        raise ValueError("not null")
    if kind is float and isinstance(data, (int, float)) and not isinstance(data, bool):
        return float(data)
    if kind in (int, str, bool) and type(data) is kind:
        return data
    raise TypeError(f"{data!r:.40} is not a {getattr(kind, '__name__', kind)}")


def expect(data: Any, kind: type) -> Any:
    if not isinstance(data, kind):
        raise TypeError(f"a {type(data).__name__}, not a {kind.__name__}")
    return data
