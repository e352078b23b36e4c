"""Checks the schema cannot express: real dates, unique ids, references to claims and figures, appendices."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from typing import Any

from compiler.content.reader import Document, Reporter
from compiler.diagnostics import shorten, suggest

DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
ID = re.compile(r"^[a-z0-9-]+$")
DATE_FORMS = "write YYYY, YYYY-MM or YYYY-MM-DD"
MAX_CLASSIFICATION_CHARS = 100  # printed in every page's margin, where two lines fit
MAX_GOAL_CLAIMS = 40  # a goal's slide lists its supporting claims on one line block under its last action


def check_rules(doc: Document, report: Reporter) -> None:
    """Report bad dates, duplicate ids and references to ids that do not exist."""
    data = doc.data if isinstance(doc.data, dict) else {}
    for path, value in date_fields(data):
        problem = date_problem(value)
        if problem:
            report.add(doc.locate(path), path, problem)
    claim_ids = check_ids(doc, report, data, "claims", "claim")
    check_ids(doc, report, data, "goals", "goal")
    check_goal_claims(doc, report, data)
    check_classification(doc, report, data)
    for path, value in references(data):
        if value not in claim_ids:
            hint = suggest(value, claim_ids) or "; use the id of one of the claims"
            report.add(doc.locate(path), path, f"no claim has the id '{shorten(value)}'{hint}")
    check_appendices(doc, report, data)
    check_figure_choice(doc, report, data)


def check_figure_choice(doc: Document, report: Reporter, data: dict[str, Any]) -> None:
    """Each label in `brief.factsheet.figures` names exactly one figure."""
    labels = [figure.get("label") for _, figure in items(data, "figures")]
    for path, value in figure_choices(data):
        count = labels.count(value)
        if count == 1:
            continue
        if count:
            problem = (f"{count} figures have the label '{shorten(value)}'; give them labels of their own "
                       "to choose one")
        else:
            known = [label for label in labels if isinstance(label, str)]
            problem = (f"no figure has the label '{shorten(value)}'"
                       f"{suggest(value, known) or '; use the label of one of the figures, exactly as written'}")
        report.add(doc.locate(path), path, problem)


def figure_choices(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(path, label) for each figure the analyst chose for the factsheet."""
    for path, value in factsheet_choice(data, "figures"):
        if isinstance(value, str):
            yield path, value


def factsheet_choice(data: dict[str, Any], key: str) -> Iterator[tuple[str, Any]]:
    """(path, entry) for each entry of `brief.factsheet.<key>`, skipping what the schema rejects."""
    brief = data.get("brief")
    choice = brief.get("factsheet") if isinstance(brief, dict) else None
    named = choice.get(key) if isinstance(choice, dict) else None
    for i, value in enumerate(named if isinstance(named, list) else []):
        yield f"brief.factsheet.{key}[{i}]", value


def items(data: dict[str, Any], key: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, item) for each mapping in the list `data[key]`, skipping what the schema rejects."""
    entries = data.get(key)
    if isinstance(entries, list):
        for i, entry in enumerate(entries):
            if isinstance(entry, dict):
                yield f"{key}[{i}]", entry


def date_fields(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for section in ("source", "brief"):
        part = data.get(section)
        if isinstance(part, dict) and isinstance(part.get("date"), str):
            yield f"{section}.date", part["date"]
    for path, event in items(data, "timeline"):
        if isinstance(event.get("date"), str):
            yield f"{path}.date", event["date"]


def date_problem(value: str) -> str | None:
    """Why a YYYY, YYYY-MM or YYYY-MM-DD date does not exist, or None if it does (or is not one)."""
    match = DATE.match(value)
    if not match:
        return None  # the schema's pattern reports it
    year, month, day = (int(part) if part else None for part in match.groups())
    if year == 0:
        return f"'{value}' is not a real date: there is no year 0; {DATE_FORMS}"
    if month is not None and not 1 <= month <= 12:
        return f"'{value}' is not a real date: there is no month {month}; {DATE_FORMS}"
    if day is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            month_name = calendar.month_name[month]
            return f"'{value}' is not a real date: {month_name} {year} has {last} days; {DATE_FORMS}"
    return None


def check_ids(doc: Document, report: Reporter, data: dict[str, Any], key: str, noun: str) -> list[str]:
    """The ids in `data[key]`, reporting each one used before; duplicates are listed once."""
    first: dict[str, int] = {}
    for path, entry in items(data, key):
        value = entry.get("id")
        if not isinstance(value, str):
            continue
        if value in first:
            report.add(doc.locate(f"{path}.id"), f"{path}.id", f"duplicate {noun} id '{shorten(value)}' "
                       f"(first used at line {first[value]}); give each {noun} its own id")
        else:
            first[value] = doc.locate(f"{path}.id")[0]
    return list(first)


def check_classification(doc: Document, report: Reporter, data: dict[str, Any]) -> None:
    """Report a classification marking too long for the page margins it prints in."""
    brief = data.get("brief")
    value = brief.get("classification") if isinstance(brief, dict) else None
    if isinstance(value, str) and len(value) > MAX_CLASSIFICATION_CHARS:
        report.add(doc.locate("brief.classification"), "brief.classification",
                   f"is {len(value)} characters; it prints in every page's margin, where "
                   f"{MAX_CLASSIFICATION_CHARS} fit: give the marking alone (e.g. OFFICIAL-SENSITIVE)")


def check_goal_claims(doc: Document, report: Reporter, data: dict[str, Any]) -> None:
    """Report a goal that cites more claims than its slide can list beneath it."""
    for path, goal in items(data, "goals"):
        named = goal.get("claims")
        if isinstance(named, list) and len(named) > MAX_GOAL_CLAIMS:
            report.add(doc.locate(f"{path}.claims"), f"{path}.claims",
                       f"cites {len(named)} claims; a goal's slide lists at most {MAX_GOAL_CLAIMS} "
                       "beneath it: keep the claims that support it most directly")


def references(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(path, id) for each claim id named by a goal, a figure or the factsheet, if it is a well-formed id."""
    for path, goal in items(data, "goals"):
        named = goal.get("claims")
        for i, value in enumerate(named if isinstance(named, list) else []):
            if isinstance(value, str) and ID.match(value):
                yield f"{path}.claims[{i}]", value
    for path, figure in items(data, "figures"):
        value = figure.get("claim")
        if isinstance(value, str) and ID.match(value):
            yield f"{path}.claim", value
    for path, value in factsheet_choice(data, "claims"):
        if isinstance(value, str) and ID.match(value):
            yield path, value


def check_appendices(doc: Document, report: Reporter, data: dict[str, Any]) -> None:
    """Report a coverage appendix asked for without a source text to lay the quotes over."""
    brief, source = data.get("brief"), data.get("source")
    appendices = brief.get("appendices") if isinstance(brief, dict) else None
    text = source.get("text") if isinstance(source, dict) else None
    if not isinstance(appendices, list) or (isinstance(text, str) and text.strip()):
        return
    for i, name in enumerate(appendices):
        if name == "coverage":
            path = f"brief.appendices[{i}]"
            report.add(doc.locate(path), path, "the coverage appendix needs the article's text; "
                       "give source.text, or remove coverage")
