"""`briefing pull`: a colleague's edits to a Word handout, taken back into the brief file."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from compiler.content.loader import check_brief
from compiler.diagnostics import ExpectedError, Problem, plural
from compiler.doctypes import document_type
from compiler.manifest import read_manifest
from compiler.markers import describe_path
from compiler.pull.changes import Edit, Proposal, compare
from compiler.pull.handout import Handout, NotAHandout, read_handout
from compiler.pull.splice import SpliceError, apply_edits, comparable, expected_data

CONTENT_DIR = Path("content")


class PullError(ExpectedError):
    """Pull cannot go on; the message is one line saying what to do."""


@dataclass
class Pulled:
    """The brief file as it is and as the handout would have it, and what could not be pulled."""

    brief: Path
    old: str
    new: str
    edits: list[Edit] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    comments: list[tuple[str, str, str, str]] = field(default_factory=list)


def pull(handout_path: Path, brief_path: Path | None = None) -> Pulled:
    """The brief file with the handout's edits made (not written); PullError when that cannot be done."""
    handout = open_handout(handout_path)
    brief_path = brief_path or locate_brief(handout)
    if not brief_path.is_file():
        raise PullError(f"{brief_path}: not found; name the brief {handout.path.name} was built from "
                        f"({handout.brief_name})")
    brief, problems = check_brief(brief_path)
    if brief is None:
        raise PullError(f"{brief_path}: has {plural(len(problems), 'problem')} (`briefing check "
                        f"{brief_path}` lists them); fix them, then pull again")
    baseline = build_baseline(brief, handout)
    proposal = compare(handout, baseline, brief.data)
    old = brief_path.read_text(encoding="utf-8")
    new = write_checked(brief_path, old, proposal)
    return Pulled(brief_path, old, new, proposal.edits, proposal.notes, handout.comments)


def open_handout(path: Path) -> Handout:
    if not path.is_file():
        raise PullError(f"{path}: not found; name a .docx file that `briefing build` wrote")
    try:
        handout = read_handout(path)
    except NotAHandout as error:
        raise PullError(f"{path}: {error}") from None
    try:
        document_type(handout.doctype)
    except KeyError:
        raise PullError(f"{path}: built as a {handout.doctype!r}, a document this compiler does not "
                        "know; build it again with this version") from None
    return handout


def locate_brief(handout: Handout) -> Path:
    """The brief a handout was built from: the one its folder's manifest names, else content/NAME."""
    recorded = read_manifest(handout.path.parent).brief
    candidates = [Path(recorded)] if recorded else []
    candidates.append(CONTENT_DIR / handout.brief_name)
    for candidate in candidates:
        if candidate.is_file() and candidate.name == handout.brief_name:
            return candidate
    raise PullError(f"{handout.path}: built from {candidates[0]}, which is not there (moved or renamed?); "
                    "name the brief with --brief PATH")


def build_baseline(brief, handout: Handout) -> Handout:
    """The handout's document built afresh from the brief as it is now, read back as the handout is."""
    from compiler.document import BuildOptions
    from compiler.render import render_html
    from compiler.writers import docx as docx_writer

    options = BuildOptions(source_date_epoch=0)
    with tempfile.TemporaryDirectory(prefix="briefing-pull-") as folder:
        target = Path(folder) / f"{handout.doctype}.docx"
        docx_writer.write(render_html(brief, document_type(handout.doctype), options), target, options)
        return read_handout(target)


def write_checked(brief_path: Path, old: str, proposal: Proposal) -> str:
    """The brief text with the edits spliced in, each edit kept only if the brief still checks.

    An edited quote that no longer matches the source is the common case: that edit is dropped and
    the checker's message says why, so the rest still goes in.
    """
    edits = list(proposal.edits)
    while edits:
        try:
            new = apply_edits(old, edits)
        except SpliceError as error:
            raise PullError(f"{brief_path}: {error}") from None
        if comparable(yaml.safe_load(new)) != expected_data(yaml.safe_load(old), edits):
            raise PullError(f"{brief_path}: the edits could not be written in place; please report it")
        refused = refused_edits(brief_path, new, edits)
        if not refused:
            proposal.edits = edits
            return new
        for edit, problem in refused:
            proposal.note(edit.path, f"not pulled: {problem.message}")
            edits.remove(edit)
    proposal.edits = edits
    return old


def refused_edits(brief_path: Path, text: str, edits: list[Edit]) -> list[tuple[Edit, Problem]]:
    """The edits behind the problems `briefing check` finds in the edited brief (a quote not found)."""
    problems = check_text(brief_path, text)
    refused = []
    for problem in problems:
        edit = next((edit for edit in edits if problem.path.startswith(path_after(edit, edits))
                     or path_after(edit, edits).startswith(f"{problem.path}[")), None)
        if edit is None:
            raise PullError(f"{brief_path}: with the handout's edits, {describe_path(problem.path)}: "
                            f"{problem.message}")
        if all(edit is not taken for taken, _ in refused):
            refused.append((edit, problem))
    return refused


def path_after(edit: Edit, edits: list[Edit]) -> str:
    """Where an edit's value sits in the edited brief: items added or removed before it move it."""
    if edit.path.startswith("summary"):
        return "summary"
    if edit.kind == "remove":
        return edit.path[: edit.path.rindex("[")]
    if edit.kind == "insert":
        listed, index = edit.path, edit.index
        earlier = edits[: edits.index(edit)]
    else:
        found = re.fullmatch(r"(.*)\[(\d+)\]", edit.path)
        if not found:
            return edit.path
        listed, index = found.group(1), int(found.group(2))
        earlier = edits
    inserted = sum(1 for other in earlier if other.kind == "insert" and other.path == listed
                   and other.index <= index and other is not edit)
    removed = sum(1 for other in edits if other.kind == "remove" and other.path.startswith(f"{listed}[")
                  and int(other.path[other.path.rindex("[") + 1: -1]) < index)
    return f"{listed}[{index + inserted - removed}]"


def check_text(brief_path: Path, text: str) -> list[Problem]:
    """`briefing check` on `text` as if it were the brief file (beside it, so its source text resolves)."""
    # Not *.yaml, so that a `briefing build` of content/ meanwhile does not take it for a brief.
    descriptor, name = tempfile.mkstemp(prefix=f".{brief_path.name}.", suffix=".pull", dir=brief_path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
        _, problems = check_brief(Path(name))
        return problems
    finally:
        os.unlink(name)
