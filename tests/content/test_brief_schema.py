"""The shipped JSON Schema: valid draft 2020-12, self-describing for editors, and the contract's keys."""

from __future__ import annotations

from typing import Any

import jsonschema

from compiler.content.schema import load_schema

CONTRACT_KEYS = {
    "": {"format", "source", "brief", "summary", "claims", "goals", "figures", "timeline", "takeaways"},
    "source": {"title", "publisher", "date", "author", "url", "text"},
    "brief": {"title", "subtitle", "date", "author", "audience", "classification", "bottom_line"},
    "claim": {"id", "kind", "text", "quotes", "note"},
    "quote": {"text", "paragraph"},
    "goal": {"id", "text", "actions", "claims"},
    "figure": {"label", "value", "claim", "quote"},
    "event": {"date", "event"},
}


def section(name: str) -> dict[str, Any]:
    schema = load_schema()
    if name == "":
        return schema
    return schema["properties"].get(name) or schema["$defs"][name]


def test_schema_is_valid_draft_2020_12() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] and schema["title"] and schema["description"]


def test_schema_has_the_contract_keys_and_only_the_documented_extras() -> None:
    for name, keys in CONTRACT_KEYS.items():
        properties = set(section(name)["properties"])
        extras = {"brief": {"paper", "language", "keywords", "appendices", "factsheet"},
                  "claim": {"short"}}.get(name, set())
        assert properties == keys | extras, name
        assert section(name)["additionalProperties"] is False


def test_every_property_is_described_for_editors() -> None:
    defs = load_schema()["$defs"]
    undescribed = []
    for owner in [load_schema(), *load_schema()["properties"].values(), *defs.values()]:
        for key, prop in owner.get("properties", {}).items():
            target = defs.get(prop.get("$ref", "").removeprefix("#/$defs/"), {})
            if "description" not in prop and "description" not in target:
                undescribed.append(key)
    assert undescribed == []
