"""Key paths of brief text as the Word files carry them: hidden bookmarks named after the key and value."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

# Word allows bookmark names of 40 letters, digits and underscores; one starting with "_" is hidden
# from the Bookmark dialog. So a key path is spelt in one letter per key and digits per index:
# claims[3].quotes[0].text is "c3q0t", and its bookmark "_Bc3q0t_1a2b3c4d" ends in the digest of the
# value the file was built from.
KEY_LETTERS = {"brief": "r", "bottom_line": "b", "summary": "s", "claims": "c", "text": "t", "note": "n",
               "quotes": "q", "goals": "g", "actions": "a", "figures": "f", "value": "v", "label": "l",
               "timeline": "e", "event": "x", "takeaways": "k"}
LETTER_KEYS = {letter: key for key, letter in KEY_LETTERS.items()}
BOOKMARK_PREFIX = "_B"
BOOKMARK = re.compile(r"_B((?:[a-z]\d*)+)_([0-9a-f]{8})")
CODE_PART = re.compile(r"([a-z])(\d*)")
PATH_PART = re.compile(r"([a-z_]+)((?:\[\d+\])*)")

# The brief text a handout shows and a colleague may edit: each field's key path, `[]` for every
# item of a list. The summary is one field of paragraphs: its paragraphs are summary[0], summary[1]...
EDITABLE_FIELDS = ("brief.bottom_line", "summary", "claims[].text", "claims[].note", "claims[].quotes[].text",
                   "goals[].text", "goals[].actions[]", "figures[].value", "figures[].label",
                   "timeline[].event", "takeaways[]")
# Lists whose items are one text each: a new paragraph among them is a new item, a deleted one a removal.
TEXT_LISTS = ("takeaways", "goals[].actions")
WHITESPACE = re.compile(r"\s+")


class Keyed(str):
    """A brief text that knows its key path, so that the markup rendering it can mark it."""

    key: str

    def __new__(cls, value: str, key: str) -> Keyed:
        made = super().__new__(cls, value)
        made.key = key
        return made

    def __reduce__(self):  # a planned slide's texts go from a build worker back to the main process
        return Keyed, (str(self), self.key)


def keyed(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of the brief's data whose editable texts are Keyed (everything else is shared)."""
    copied = json.loads(json.dumps(data))
    for field in EDITABLE_FIELDS:
        for path, value, parent, last in walk(copied, field):
            if isinstance(value, str):
                parent[last] = Keyed(value, path)
    return copied


def walk(data: Any, field: str, prefix: str = ""):
    """(key path, value, container, key or index) for each value a field pattern names in `data`."""
    head, _, rest = field.partition(".")
    name, brackets = head.removesuffix("[]"), head.endswith("[]")
    if not isinstance(data, dict) or name not in data:
        return
    path = f"{prefix}.{name}" if prefix else name
    if not brackets:
        if rest:
            yield from walk(data[name], rest, path)
        else:
            yield path, data[name], data, name
        return
    items = data[name] if isinstance(data[name], list) else []
    for index, item in enumerate(items):
        item_path = f"{path}[{index}]"
        if rest:
            yield from walk(item, rest, item_path)
        else:
            yield item_path, item, items, index


def normalise(text: str) -> str:
    """A text as a reader sees it: runs of white space as one space, none at the ends."""
    return WHITESPACE.sub(" ", text).strip()


def digest(text: str) -> str:
    """Eight hex digits that change when the words of `text` change."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:8]


def data_digest(data: dict[str, Any]) -> str:
    """A digest of a whole brief's content, to tell whether it changed since a handout was built."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def encode(path: str) -> str:
    """The short code of a key path: `claims[3].quotes[0].text` -> `c3q0t`."""
    code = []
    for name, brackets in PATH_PART.findall(path):
        code.append(KEY_LETTERS[name])
        code.extend(re.findall(r"\d+", brackets))
    return "".join(code)


def decode(code: str) -> str | None:
    """The key path of a code, or None when it is not one of ours."""
    path = ""
    for letter, index in CODE_PART.findall(code):
        if letter not in LETTER_KEYS:
            return None
        path += ("." if path else "") + LETTER_KEYS[letter]
        if index:
            path += f"[{int(index)}]"
    return path if encode(path) == code else None


def bookmark_name(path: str, value_digest: str) -> str:
    return f"{BOOKMARK_PREFIX}{encode(path)}_{value_digest}"


def read_bookmark(name: str) -> tuple[str, str] | None:
    """(key path, digest) of one of our bookmark names, else None."""
    found = BOOKMARK.fullmatch(name or "")
    if found is None:
        return None
    path = decode(found.group(1))
    return (path, found.group(2)) if path else None


def describe_path(path: str) -> str:
    """A key path as a user reads it: `summary[1]` is "summary, paragraph 2"."""
    found = re.fullmatch(r"summary\[(\d+)\]", path)
    return f"summary (paragraph {int(found.group(1)) + 1})" if found else path
