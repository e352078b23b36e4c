"""Check a brief's values against brief.schema.json (JSON Schema 2020-12), in words a user can act on."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema

from compiler.content.reader import Document, Reporter
from compiler.diagnostics import shorten, suggest

SCHEMA_PATH = Path(__file__).with_name("brief.schema.json")
TYPE_NAMES = {"string": "text", "object": "a mapping of keys", "array": "a list",
              "integer": "a whole number"}
PATTERN_MESSAGES = {
    "text": "must not be empty or only white space; write the text",
    "id": "must be lower-case letters, digits and hyphens, e.g. 'market-size'",
    "date": "must be a date written YYYY, YYYY-MM or YYYY-MM-DD",
    "url": "must be a web address starting with http:// or https://",
    "language": "must be a language tag such as 'en' or 'zh-CN'",
}


@functools.cache
def load_schema() -> dict[str, Any]:
    """The brief-file schema shipped with the package."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@functools.cache
def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load_schema())


def check_schema(doc: Document, report: Reporter) -> None:
    """Coerce scalars to the types the schema asks for, then report every schema violation."""
    doc.data = coerce(doc.data, load_schema(), "", doc.raw)
    found = set()
    for error in validator().iter_errors(doc.data):
        for path, where, message in describe(error, doc):
            if path not in doc.refused:
                found.add((where, path, message))
    for where, path, message in found:
        report.add(where, path, message)


def coerce(value: Any, schema: dict[str, Any], path: str, raw: dict[str, str]) -> Any:
    """`value` with YAML's numbers, dates and booleans turned back into their text where text is due.

    `value: 2.80` means the text "2.80", `date: 2013` the year "2013", `text: no` the word "no".
    """
    kind = definition_name(schema)
    schema = load_schema()["$defs"][kind] if kind else schema
    if isinstance(value, dict) and "properties" in schema:
        fields = schema["properties"]
        return {key: coerce(item, fields[key], join(path, key), raw) if key in fields else item
                for key, item in value.items()}
    if isinstance(value, list) and "items" in schema:
        return [coerce(item, schema["items"], f"{path}[{i}]", raw) for i, item in enumerate(value)]
    if schema.get("type") == "string" and value is not None and path in raw:
        return value if kind == "date" and isinstance(value, str) else raw[path]
    if schema.get("type") == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def definition_name(schema: dict[str, Any]) -> str | None:
    """`text` for a schema that is `{"$ref": "#/$defs/text", ...}`."""
    ref = schema.get("$ref", "")
    return ref.removeprefix("#/$defs/") if ref.startswith("#/$defs/") else None


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def format_path(parts: Any) -> str:
    """`claims[3].quotes[0].text` for the parts ("claims", 3, "quotes", 0, "text")."""
    path = ""
    for part in parts:
        path = f"{path}[{part}]" if isinstance(part, int) else join(path, part)
    return path


def describe(error: jsonschema.ValidationError, doc: Document) -> Iterator[tuple[str, Any, str]]:
    """(key path, location, message) for each problem one schema error stands for."""
    path = format_path(error.absolute_path)
    where = doc.locate(path)
    rule, expected, found = error.validator, error.validator_value, error.instance
    if rule == "required":
        for key in expected:
            if key not in found:
                yield path, where, f"required key '{key}' is missing"
    elif rule == "additionalProperties":
        allowed = error.schema.get("properties", {})
        for key in found:
            if key not in allowed:
                hint = suggest(key, allowed) or f"; keys allowed here: {', '.join(allowed)}"
                key_path = join(path, key)
                yield key_path, doc.keys.get(key_path, where), f"unknown key '{shorten(key)}'{hint}"
    elif rule == "type":
        yield path, where, describe_type(expected, found)
    elif rule == "enum":
        choices = ", ".join(expected)
        hint = suggest(found, expected) if isinstance(found, str) else ""
        yield path, where, f"must be one of {choices}, not {show(found)}{hint}"
    elif rule == "const":
        yield path, where, f"must be {expected}, the content format this compiler reads, not {show(found)}"
    elif rule == "pattern":
        yield path, where, pattern_message(expected, found)
    elif rule == "minItems":
        yield path, where, f"must list at least {expected} item{'s' if expected > 1 else ''}"
    elif rule == "uniqueItems":
        what = "id" if definition_name(error.schema.get("items", {})) == "id" else "item"
        yield path, where, f"names the same {what} more than once; list each {what} once"
    elif rule == "minimum":
        yield path, where, f"must be {expected} or more, not {show(found)}"
    else:
        yield path, where, error.message


def describe_type(expected: str, found: Any) -> str:
    wanted = TYPE_NAMES.get(expected, expected)
    if found is None:
        return f"is empty; write {wanted} here"
    return f"must be {wanted}, not {type_name(found)}"


def type_name(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"'{shorten(str(value))}'"


def show(value: Any) -> str:
    return f"'{shorten(value)}'" if isinstance(value, str) else type_name(value)


def pattern_message(pattern: str, found: str) -> str:
    defs = load_schema()["$defs"]
    for name, message in PATTERN_MESSAGES.items():
        if defs[name]["pattern"] == pattern:
            return message if name == "text" else f"{message}, not {show(found)}"
    return f"must match {pattern}, not {show(found)}"
