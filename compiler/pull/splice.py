"""Apply edits to a brief file's text in place: only the values that change are rewritten.

The file is composed (not loaded) to find where each value sits; each edit replaces those characters
and nothing else, in the value's own quoting style, so comments, key order and every untouched line
stay byte for byte as they were. The result is read again and compared with the values intended.
"""

from __future__ import annotations

import copy
import re
import textwrap
from dataclasses import dataclass
from typing import Any

import yaml

from compiler.diagnostics import ExpectedError
from compiler.markup import split_paragraphs
from compiler.pull.changes import Edit

DEFAULT_WIDTH = 100
SLACK = 8  # characters a rewrapped line may run past the block's longest line
BLANK_LINES = re.compile(r"\n[ \t]*\n")


class SpliceError(ExpectedError):
    """An edit could not be written in place (the message says which and why)."""


@dataclass(frozen=True)
class Replacement:
    start: int
    end: int
    text: str
    order: int = 0  # among replacements at one place, the order they are written in


def apply_edits(text: str, edits: list[Edit]) -> str:
    """`text` with every edit made; SpliceError when one cannot be made in place."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    replacements: list[Replacement] = []
    summary_edits = [edit for edit in edits if edit.path.startswith("summary")]
    if summary_edits:
        replacements.append(summary_replacement(text, node_at(root, "summary"), summary_edits))
    emptied = emptied_lists(root, edits)
    for path in emptied:
        replacements.append(empty_list_replacement(text, root, path))
    others = [edit for edit in edits if not edit.path.startswith("summary")
              and not (edit.kind == "remove" and edit.path[: edit.path.rindex("[")] in emptied)]
    for order, edit in enumerate(others):
        replacements.append(edit_replacement(text, root, edit, order))
    for replacement in sorted(replacements, key=lambda r: (r.start, r.order), reverse=True):
        text = text[: replacement.start] + replacement.text + text[replacement.end:]
    return text


def emptied_lists(root: yaml.Node, edits: list[Edit]) -> list[str]:
    """The lists (not the summary) whose every item the edits remove, with nothing added."""
    removed: dict[str, int] = {}
    for edit in edits:
        if edit.kind == "remove" and not edit.path.startswith("summary"):
            path = edit.path[: edit.path.rindex("[")]
            removed[path] = removed.get(path, 0) + 1
    added = {edit.path for edit in edits if edit.kind == "insert"}
    return [path for path, count in removed.items()
            if path not in added and count == len(node_at(root, path).value)]


def empty_list_replacement(text: str, root: yaml.Node, path: str) -> Replacement:
    """A block list with no items left, written `key: []` (an empty block would read as null)."""
    parent = node_at(root, path.rsplit(".", 1)[0]) if "." in path else root
    name = path.rsplit(".", 1)[-1]
    key, sequence = next((key, value) for key, value in parent.value if key.value == name)
    require_block(sequence, path)
    end = item_end(text, sequence.value[-1])
    return Replacement(key.end_mark.index, end, ": []\n")


def expected_data(data: dict[str, Any], edits: list[Edit]) -> dict[str, Any]:
    """The brief's values (as yaml.safe_load gives them) as the edits mean them, the summary as a list
    of its paragraphs, every text with its white space collapsed: what the spliced file must hold."""
    result = copy.deepcopy(data)
    lists: dict[str, list[Edit]] = {}
    for edit in edits:
        if edit.kind == "change" and not edit.path.startswith("summary["):
            parent, key = parent_of(result, edit.path)
            parent[key] = edit.value
        else:
            lists.setdefault(edit.path if edit.kind == "insert" else edit.path[: edit.path.rindex("[")], []).append(edit)
    for path, group in lists.items():
        parent, key = parent_of(result, path)
        items = split_paragraphs(parent[key]) if path == "summary" else parent[key]
        parent[key] = apply_to_paragraphs(items, group)
    return comparable(result)


def comparable(data: Any) -> Any:
    """Values with white space collapsed and the summary split into paragraphs, for comparing."""
    data = copy.deepcopy(data)
    if isinstance(data.get("summary"), str):
        data["summary"] = split_paragraphs(data["summary"])
    return collapse(data)


def collapse(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [collapse(item) for item in value]
    if isinstance(value, dict):
        return {key: collapse(item) for key, item in value.items()}
    return value


def last_index(path: str) -> int:
    return int(path[path.rindex("[") + 1: -1])


def parent_of(data: Any, path: str) -> tuple[Any, Any]:
    """The container holding the value at `path`, and its key or index there."""
    parts = [int(index) if index else name for name, index in re.findall(r"([a-z_]+)|\[(\d+)\]", path)]
    for part in parts[:-1]:
        data = data[part]
    return data, parts[-1]


def node_at(root: yaml.Node, path: str) -> yaml.Node:
    node = root
    for name, index in re.findall(r"([a-z_]+)|\[(\d+)\]", path):
        if name:
            node = next((value for key, value in node.value if key.value == name), None)
        else:
            node = node.value[int(index)] if isinstance(node, yaml.SequenceNode) else None
        if node is None:
            raise SpliceError(f"{path}: not in the brief file")
    return node


def edit_replacement(text: str, root: yaml.Node, edit: Edit, order: int) -> Replacement:
    if edit.kind == "change":
        node = node_at(root, edit.path)
        start, end = value_span(text, node)
        return Replacement(start, end, write_scalar(edit.value, node, text), order)
    if edit.kind == "remove":
        sequence = node_at(root, edit.path[: edit.path.rindex("[")])
        item = node_at(root, edit.path)
        require_block(sequence, edit.path)
        return Replacement(line_start(text, item.start_mark.index), item_end(text, item), "", order)
    sequence = node_at(root, edit.path)
    require_block(sequence, edit.path)
    items = sequence.value
    model = items[min(edit.index, len(items)) - 1] if edit.index > 0 else items[0]
    dash = line_start(text, model.start_mark.index)
    prefix = text[dash: model.start_mark.index]
    line = prefix + write_scalar(edit.value, model, text, indent=len(prefix)) + "\n"
    where = item_end(text, model) if edit.index > 0 else dash
    return Replacement(where, where, line, order)


def require_block(sequence: yaml.Node, path: str) -> None:
    if not isinstance(sequence, yaml.SequenceNode) or sequence.flow_style:
        raise SpliceError(f"{path}: a list written [a, b] on one line; write it one item per line "
                          "(- a) and pull again")


def value_span(text: str, node: yaml.Node) -> tuple[int, int]:
    """Where a scalar's characters are: a block scalar from its indicator to its last content line."""
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in ("|", ">"):
        end = start + len(text[start:end].rstrip("\n"))
    return start, end


def line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def item_end(text: str, node: yaml.Node) -> int:
    """The start of the line after an item (a block scalar already ends there)."""
    start, end = value_span(text, node)
    newline = text.find("\n", end)
    return len(text) if newline < 0 else newline + 1


def write_scalar(value: str, node: yaml.Node, text: str, indent: int | None = None) -> str:
    """`value` as YAML in the style of `node`: plain when it reads back the same, else as it was quoted."""
    style = node.style if isinstance(node, yaml.ScalarNode) else None
    if style in ("|", ">"):
        return write_block(value, node, text)
    if style is None and reads_back_plain(value):
        return value
    if style == "'":
        return yaml.dump(value, default_style="'", allow_unicode=True, width=10**9).rstrip("\n").removesuffix("\n...")
    return yaml.dump(value, default_style='"', allow_unicode=True, width=10**9).rstrip("\n").removesuffix("\n...")


def reads_back_plain(value: str) -> bool:
    if not value or value != value.strip() or "\n" in value:
        return False
    try:
        return yaml.safe_load(f"key: {value}\n") == {"key": value}
    except yaml.YAMLError:
        return False


def write_block(value: str, node: yaml.Node, text: str) -> str:
    """A folded or literal block scalar: its indicator, then the value laid out on the old lines."""
    start, end = value_span(text, node)
    header, _, body = text[start:end].partition("\n")
    paragraphs = split_paragraphs(value) if node.style == "|" else [value]
    old = [block for block in BLANK_LINES.split(body) if block.strip()] if node.style == "|" else [body]
    layout = Layout.of(body, node.start_mark.column + 2)
    laid = [layout.rewrap(old[index] if index < len(old) else "", paragraph)
            for index, paragraph in enumerate(paragraphs)]
    return header + "\n" + "\n\n".join(laid)


@dataclass(frozen=True)
class Layout:
    """How a block scalar's lines are laid out: their indentation and the longest line's length."""

    indent: int
    width: int

    @classmethod
    def of(cls, body: str, default_indent: int) -> Layout:
        lines = [line for line in body.split("\n") if line.strip()]
        indent = min((len(line) - len(line.lstrip(" ")) for line in lines), default=default_indent)
        return cls(indent, max((len(line) for line in lines), default=DEFAULT_WIDTH))

    def rewrap(self, old: str, value: str) -> str:
        """`value` on the old paragraph's lines: the lines whose words did not change stay as they
        were, at the start and at the end; only the lines between them are wrapped again."""
        old_lines = [line.split() for line in old.split("\n") if line.strip()]
        kept = [line for line in old.split("\n") if line.strip()]
        words = value.split()
        head, taken = 0, 0
        while head < len(old_lines) and words[taken: taken + len(old_lines[head])] == old_lines[head]:
            taken += len(old_lines[head])
            head += 1
        tail, left = len(old_lines), len(words)
        while tail > head and left - len(old_lines[tail - 1]) >= taken and \
                words[left - len(old_lines[tail - 1]): left] == old_lines[tail - 1]:
            left -= len(old_lines[tail - 1])
            tail -= 1
        middle = " ".join(words[taken:left])
        lines = self.wrap(middle)
        if len(lines) > max(tail - head, 1):  # a word or two over: let the line run long, not add one
            lines = min(lines, self.wrap(middle, SLACK), key=len)
        return "\n".join(kept[:head] + lines + kept[tail:])

    def wrap(self, paragraph: str, slack: int = 0) -> list[str]:
        return textwrap.wrap(paragraph, width=max(self.width, self.indent + 40) + slack,
                             initial_indent=" " * self.indent, subsequent_indent=" " * self.indent,
                             break_long_words=False, break_on_hyphens=False)


def summary_replacement(text: str, node: yaml.Node, edits: list[Edit]) -> Replacement:
    """The summary's paragraphs changed, added or removed; the others keep their lines."""
    if not isinstance(node, yaml.ScalarNode):
        raise SpliceError("summary: not a text in the brief file")
    start, end = value_span(text, node)
    if node.style != "|":
        paragraphs = apply_to_paragraphs(split_paragraphs(node.value), edits)
        return Replacement(start, end, write_scalar("\n\n".join(paragraphs), node, text))
    header, _, body = text[start:end].partition("\n")
    layout = Layout.of(body, node.start_mark.column + 2)
    written = [block for block in BLANK_LINES.split(body) if block.strip()]
    laid = [Edit("change", edit.path, layout.rewrap(written[last_index(edit.path)], edit.value))
            if edit.kind == "change" else
            Edit("insert", edit.path, "\n".join(layout.wrap(edit.value)), edit.index)
            if edit.kind == "insert" else edit for edit in edits]
    return Replacement(start, end, header + "\n" + "\n\n".join(apply_to_paragraphs(written, laid)))


def apply_to_paragraphs(paragraphs: list[str], edits: list[Edit]) -> list[str]:
    """The paragraphs (or items) after the edits, each untouched one exactly as it was."""
    slots: list[tuple[float, str]] = list(enumerate(paragraphs))
    for edit in edits:
        if edit.kind == "change":
            slots = [(i, edit.value if i == last_index(edit.path) else p) for i, p in slots]
        elif edit.kind == "remove":
            slots = [(i, p) for i, p in slots if i != last_index(edit.path)]
        else:
            slots.append((edit.index - 0.5, edit.value))
    return [p for _, p in sorted(slots, key=lambda slot: slot[0])]
