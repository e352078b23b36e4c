"""Read a brief file into plain Python values, keeping the line and column of every key and value."""

from __future__ import annotations

import bisect
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import Resolver

from compiler.content.limits import (
    MAX_BRIEF_BYTES, MAX_COMBINING_MARKS, MAX_DEPTH, MAX_ITEMS, MAX_PROBLEMS, MAX_TEXT_CHARS,
)
from compiler.content.model import find_location
from compiler.diagnostics import Problem, shorten

# Characters YAML refuses in a file (PyYAML's own test, plus the BOM it skips itself).
YAML_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Characters XML 1.0, and so every document we write, cannot hold.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Embeddings, overrides and isolates reorder what follows them: "\u202etxt.exe" prints as "exe.txt".
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
BIDI_REFUSED = ("contains the bidirectional control character U+{:04X}, which makes the printed text "
                "read differently from the brief; remove it")
# A run of combining marks longer than any script needs ("Zalgo"): drawn stacked over the lines above.
COMBINING_RUN = re.compile("[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff"
                           "\ufe20-\ufe2f]{%d,}" % (MAX_COMBINING_MARKS + 1))
SCALAR_TAGS = {
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp",
}
STR_TAG = "tag:yaml.org,2002:str"
COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
Location = tuple[int, int]
ALIAS_REFUSED = ("YAML aliases (*name) are not allowed in a brief file, because they can expand "
                 "without bound; write the value out in full")


@dataclass
class Document:
    """A brief file's values with where each came from; `raw` keeps the text of non-string scalars."""

    data: Any = None
    values: dict[str, Location] = field(default_factory=dict)
    keys: dict[str, Location] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    """Key paths whose value was refused (an alias, a tag); their stand-in deserves no more messages."""

    def locate(self, path: str) -> Location:
        """Where the value at `path` is, or its nearest parent that has a location."""
        return find_location(self.values, path)


class TooDeep(Exception):
    """Nesting went past MAX_DEPTH; raised to stop composing before the stack runs out."""

    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__(mark)
        self.mark = mark


if yaml.__with_libyaml__:
    from yaml.cyaml import CParser

    class EventSource(Composer, CParser, Resolver):
        """libyaml's parser (twenty times faster than PyYAML's on big files) under PyYAML's composer."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            Composer.__init__(self)
            Resolver.__init__(self)
else:
    EventSource = yaml.SafeLoader


class NodeLoader(EventSource):
    """Composes YAML nodes only: aliases refused, nesting capped."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.aliases: list[yaml.Mark] = []
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        # An alias can expand without bound ("billion laughs"); a brief never needs one.
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()
            self.aliases.append(event.start_mark)
            return yaml.ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise TooDeep(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def read_document(path: Path, label: str) -> Document:
    """The brief file at `path` as values and locations, with every problem found on the way."""
    doc = Document()
    report = Reporter(label, doc.problems)
    text = read_text(path, report)
    if text is None:
        return doc
    lines = LineIndex(text)
    bad = [match.start() for match in YAML_UNPRINTABLE.finditer(text)][:MAX_PROBLEMS]
    root, aliases = compose(YAML_UNPRINTABLE.sub("\ufffd", text), report)
    builder = NodeConverter(doc, report)
    if root is not None:
        builder.build(root, "")
    for index in bad:
        report.add(lines.locate(index), builder.path_at(index), describe_unholdable(text[index]))
    if aliases:
        doc.refused |= {builder.path_at(mark.index) for mark in aliases} - {""}
        more = f" ({len(aliases)} aliases in this file)" if len(aliases) > 1 else ""
        report.at_mark(aliases[0], builder.path_at(aliases[0].index), ALIAS_REFUSED + more)
    return doc


@dataclass
class Reporter:
    """Adds problems for one file."""

    label: str
    problems: list[Problem]

    def add(self, where: Location, path: str, message: str) -> None:
        self.problems.append(Problem(self.label, where[0], where[1], path, message))

    def at_mark(self, mark: yaml.Mark, path: str, message: str) -> None:
        self.add((mark.line + 1, mark.column + 1), path, message)


def read_text(path: Path, report: Reporter) -> str | None:
    """The file decoded as UTF-8, or None after reporting why it cannot be read."""
    try:
        problem = unreadable(path)
    except OSError as error:  # a name too long, for one
        problem = f"cannot read the file: {error.strerror or error}"
    if problem:
        report.add((1, 1), "", problem)
        return None
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_BRIEF_BYTES + 1)
    except OSError as error:
        report.add((1, 1), "", f"cannot read the file: {error.strerror or error}")
        return None
    if len(data) > MAX_BRIEF_BYTES:
        report.add((1, 1), "", f"file is larger than {MAX_BRIEF_BYTES / 2**20:g} MiB, the limit "
                   "for a brief file; shorten it")
        return None
    return decode_utf8(data, report, "file")


def unreadable(path: Path) -> str | None:
    """Why `path` is no brief file to open (a pipe would block forever), or None."""
    if not path.exists():
        return "file not found; check the path"
    if path.is_dir():
        return "is a folder, not a brief file; name a .yaml file"
    if not path.is_file():
        return "is not a regular file; name a .yaml file"
    return None


def decode_utf8(data: bytes, report: Reporter, what: str, where: Location | None = None,
                path: str = "") -> str | None:
    """`data` as text without a byte-order mark, or None after reporting the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8")
        line, column = LineIndex(before).locate(len(before))
        bad = data[error.start]
        at = f" at line {line}, column {column}" if where else ""
        report.add(where or (line, column), path, f"{what} is not UTF-8 text: byte 0x{bad:02X}{at} "
                   "cannot be decoded; save it as UTF-8")
        return None
    return text.removeprefix("\ufeff")


class LineIndex:
    """Finds the 1-based line and column of a character, counting line breaks as YAML does."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\r\n|[\n\r\x85\u2028\u2029]", text)]

    def locate(self, index: int) -> Location:
        line = bisect.bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1


def describe_unholdable(char: str) -> str:
    """What is wrong with one character and what to do."""
    code = f"U+{ord(char):04X}"
    if 0xD800 <= ord(char) <= 0xDFFF:
        kind = f"a lone surrogate {code}"
    elif ord(char) in (0xFFFE, 0xFFFF):
        kind = f"the non-character {code}"
    else:
        kind = f"the control character {code}"
    return f"contains {kind}, which documents cannot hold; remove it"


def compose(text: str, report: Reporter) -> tuple[yaml.Node | None, list[yaml.Mark]]:
    """The YAML node tree of `text` (None after a syntax error) and where aliases were refused."""
    loader = NodeLoader(text)
    try:
        root = loader.get_single_node()
    except TooDeep as error:
        report.at_mark(error.mark, "", f"nesting is deeper than {MAX_DEPTH} levels; "
                       "a brief needs no more than 6")
        return None, []
    except yaml.MarkedYAMLError as error:
        report_syntax_error(error, text, report)
        return None, []
    finally:
        loader.dispose()
    if root is None:
        report.add((1, 1), "", "the brief file is empty; start with 'format: 1'")
    return root, loader.aliases


def report_syntax_error(error: yaml.MarkedYAMLError, text: str, report: Reporter) -> None:
    """One problem for a YAML syntax error, at the line where the faulty construct starts."""
    problem = error.problem or "invalid YAML"
    context, start, end = error.context, error.context_mark, error.problem_mark
    scanning = isinstance(error, yaml.scanner.ScannerError)
    if scanning and context == "while scanning a quoted scalar":
        ended = "the end of the file" if "end of stream" in problem else f"line {end.line + 1}"
        report.at_mark(start, "", f"YAML syntax error: the quoted text that opens here is never "
                       f"closed (the parser gave up at {ended}); add the closing quote")
        return
    runaway = runaway_quote(text, end)
    if end is not None and text[end.index: end.index + 1] == "\t":
        report.at_mark(end, "", "YAML syntax error: a tab character here; indent with spaces")
    elif runaway is not None:
        report.at_mark(runaway.start_mark, "", f"YAML syntax error: the quoted text that opens here "
                       f"runs on to line {runaway.end_mark.line + 1}, and the file cannot be read after "
                       f"it ({problem} at line {end.line + 1}); is its closing quote missing?")
    elif "maximum nesting depth" in problem:  # libyaml's own limit, far above ours
        report.at_mark(end, "", f"nesting is deeper than {MAX_DEPTH} levels; "
                       "a brief needs no more than 6")
    elif "invalid Unicode character escape" in problem:
        report.at_mark(end, "", "YAML syntax error: this \\u escape is not a character (halves of "
                       "UTF-16 pairs are not allowed); write the character itself")
    elif problem.startswith("mapping values are not allowed"):
        report.at_mark(end, "", "YAML syntax error: ': ' is not allowed here; put text that "
                       "contains ': ' in quotes, or check the indentation")
    elif scanning and start is not None:
        report.at_mark(start, "", f"YAML syntax error {context}: {problem} at line "
                       f"{end.line + 1}, column {end.column + 1}")
    else:
        since = f" ({context} from line {start.line + 1})" if context and start else ""
        report.at_mark(end or start, "", f"YAML syntax error: {problem}{since}")


def runaway_quote(text: str, failed: yaml.Mark | None) -> yaml.ScalarToken | None:
    """The quoted text spanning lines that ends just before `failed`, if any: a quote left open
    that YAML closed at the next quote mark it met, lines later."""
    if failed is None:
        return None
    last = None
    try:
        for token in yaml.scan(text, Loader=EventSource):
            if token.start_mark.index >= failed.index:
                break
            if (isinstance(token, yaml.ScalarToken) and token.style in ("'", '"')
                    and token.end_mark.line > token.start_mark.line):
                last = token
    except yaml.YAMLError:
        pass
    return last if last is not None and failed.line - last.end_mark.line <= 1 else None


class NodeConverter:
    """Turns YAML nodes into dicts, lists and scalars, recording locations and problems."""

    def __init__(self, doc: Document, report: Reporter) -> None:
        self.doc = doc
        self.report = report
        self.scalars = SafeConstructor()
        self.spans: list[tuple[int, int, str]] = []
        self.spans_sorted = False

    def path_at(self, index: int) -> str:
        """Key path of the scalar (value or key) holding the character at `index`, or ""."""
        # Scalars never overlap, so the one starting last at or before `index` is the only candidate.
        if not self.spans_sorted:
            self.spans.sort()
            self.spans_sorted = True
        at = bisect.bisect_right(self.spans, (index, float("inf"), "")) - 1
        if at >= 0 and self.spans[at][0] <= index < max(self.spans[at][1], self.spans[at][0] + 1):
            return self.spans[at][2]
        return ""

    def build(self, node: yaml.Node, path: str) -> None:
        self.doc.data = self.value(node, path)

    def value(self, node: yaml.Node, path: str) -> Any:
        self.doc.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in COLLECTION_TAGS and not isinstance(node, yaml.ScalarNode):
            self.refuse_tag(node, path)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return self.sequence(node, path)
        return self.scalar(node, path)

    def mapping(self, node: yaml.MappingNode, path: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_lines: dict[str, int] = {}
        for count, (key_node, value_node) in enumerate(node.value):
            if count == MAX_ITEMS:
                self.report.at_mark(key_node.start_mark, path, f"more than {MAX_ITEMS} keys; "
                                    "a brief file has far fewer")
                break
            key = self.key(key_node, path)
            if key is None:
                continue
            key_path = f"{path}.{key}" if path else key
            self.spans.append((key_node.start_mark.index, key_node.end_mark.index, key_path))
            if key in first_lines:
                self.report.at_mark(key_node.start_mark, key_path, f"duplicate key '{shorten(key)}' "
                                    f"(first at line {first_lines[key]}); remove one of them")
                continue
            first_lines[key] = key_node.start_mark.line + 1
            self.doc.keys[key_path] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.value(value_node, key_path)
        return result

    def key(self, node: yaml.Node, path: str) -> str | None:
        # Keys are names: `1:` or `yes:` mean the text, and a list or mapping cannot be one.
        if isinstance(node, yaml.ScalarNode):
            self.check_text(node.value, node, path)
            return node.value
        self.report.at_mark(node.start_mark, path, "a key must be a plain name, not a list or mapping")
        return None

    def sequence(self, node: yaml.SequenceNode, path: str) -> list[Any]:
        if len(node.value) > MAX_ITEMS:
            self.report.at_mark(node.value[MAX_ITEMS].start_mark, path,
                                f"more than {MAX_ITEMS} items; shorten the list")
        return [self.value(item, f"{path}[{i}]") for i, item in enumerate(node.value[:MAX_ITEMS])]

    def scalar(self, node: yaml.ScalarNode, path: str) -> Any:
        self.spans.append((node.start_mark.index, node.end_mark.index, path))
        if node.tag == STR_TAG:
            return self.check_text(node.value, node, path)
        self.doc.raw[path] = node.value
        if node.tag not in SCALAR_TAGS:
            self.refuse_tag(node, path)
            return node.value
        try:
            value = self.scalars.construct_object(node)
        except (ConstructorError, ValueError, OverflowError):
            # An impossible date such as 2013-02-30, or a number too long: keep the text so the
            # checks that follow can say what is wrong with it.
            return node.value
        return value.isoformat() if type(value) is datetime.date else value

    def refuse_tag(self, node: yaml.Node, path: str) -> None:
        # Explicit tags (!!python/object, !!binary, !custom) ask YAML to make objects; data has none.
        self.doc.refused.add(path)
        self.report.at_mark(node.start_mark, path, f"the YAML tag '{shorten(node.tag)}' is not "
                            "allowed in a brief file; remove it")

    def check_text(self, text: str, node: yaml.Node, path: str) -> str:
        if len(text) > MAX_TEXT_CHARS:
            self.report.at_mark(node.start_mark, path, f"text is {len(text)} characters long, more "
                                f"than the limit of {MAX_TEXT_CHARS}; shorten it")
        for char in sorted(set(XML_ILLEGAL.findall(text))):
            self.report.at_mark(node.start_mark, path, describe_unholdable(char))
        for char in sorted(set(BIDI_CONTROLS.findall(text))):
            self.report.at_mark(node.start_mark, path, BIDI_REFUSED.format(ord(char)))
        longest = max((len(run) for run in COMBINING_RUN.findall(text)), default=0)
        if longest:
            self.report.at_mark(node.start_mark, path, f"a character carries {longest} combining marks, "
                                f"more than the limit of {MAX_COMBINING_MARKS} (they would be drawn over the "
                                "lines above); remove the extra marks")
        return text
