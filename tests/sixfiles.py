"""Checking and building a brief with the real compiler, and listing what a reader would find wrong in its six files.

Used by the written size cases (tests/render/test_size_cases.py) and the generated briefs
(tests/fuzz/test_fuzz_layout.py), so both hold every brief to the same promises (issue 10).
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compiler.build import plan_outputs
from compiler.markup import plain_text
from tests.pdfcheck import SPLIT_HYPHENS, PdfLayout, layout_problems, read_layout

DOCUMENTS = ("memo", "slides", "factsheet")
# Every file a default build writes for one brief (the six PDF and Word files, and the deck's .pptx).
SIX_FILES = tuple(output.name for output in plan_outputs(Path("brief"), None))


@dataclass(frozen=True)
class Run:
    """One `briefing` command: its exit status and what it printed."""

    status: int
    output: str


def run_briefing(*arguments: str | Path) -> Run:
    """Run the compiler's command line as a user would (one worker, so builds do not compete)."""
    done = subprocess.run([sys.executable, "-m", "compiler", *map(str, arguments)],
                          capture_output=True, text=True)
    return Run(done.returncode, done.stdout + done.stderr)


def check(brief: Path) -> Run:
    return run_briefing("check", brief)


def build(brief: Path, out: Path, *options: str) -> Run:
    return run_briefing("build", brief, "--out", out, "-j", "1", *options)


def squeeze(text: str) -> str:
    """Text to look a phrase up in: ligatures folded, white space gone, and a word hyphenation split at a
    line end joined again (split words are a fault of their own: pdfcheck.hyphen_splits)."""
    joined = re.sub(rf"[{SPLIT_HYPHENS}]\s*\n\s*", "", text)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", joined))


def printed_form(field: str) -> str:
    """A text field's words as they print (its light markup removed)."""
    return squeeze(plain_text(field))


def read_pdfs(folder: Path) -> dict[str, PdfLayout]:
    """The three PDFs of a built brief, by document name."""
    return {document: read_layout(folder / f"{document}.pdf") for document in DOCUMENTS}


def missing_files(folder: Path) -> list[str]:
    return [name for name in SIX_FILES if not (folder / name).is_file()]


def document_faults(data: dict[str, Any], pdfs: dict[str, PdfLayout]) -> list[str]:
    """What a reader would find wrong in a brief's PDFs, one line each; empty when all is well."""
    faults = []
    for document, layout in pdfs.items():
        faults += [f"{document}.pdf: {problem}" for problem in layout_problems(layout, slides=document == "slides")]
    if pdfs["factsheet"].page_count != 1:
        faults.append(f"factsheet.pdf: {pdfs['factsheet'].page_count} pages, not one")
    memo = squeeze(pdfs["memo"].body_text)
    faults += [f"memo.pdf: claim {claim['id']} is not in the text: {claim['text'][:80]!r}"
               for claim in data["claims"] if printed_form(claim["text"]) not in memo]
    every_text = "".join(squeeze(layout.body_text) for layout in pdfs.values())
    faults += [f"figures[{index}]: value {figure['value'][:80]!r} is in no PDF's text"
               for index, figure in enumerate(data.get("figures", []))
               if printed_form(figure["value"]) not in every_text]
    return faults


def unlocated_problems(run: Run, brief: Path) -> list[str]:
    """Problem lines that do not point into the brief: no line and column, or only 1:1 (the file)."""
    pattern = re.compile(rf"^{re.escape(str(brief))}:(\d+):(\d+): ")
    problems = [line for line in run.output.splitlines() if line.strip() and not line.endswith(" errors")
                and not line.endswith(" error") and ": warning: " not in line]
    return [line for line in problems if not (found := pattern.match(line)) or found.groups() == ("1", "1")]


def build_faults(brief: Path, data: dict[str, Any], out: Path, *options: str) -> list[str]:
    """Check the brief, and if check accepts it, build it and list every broken promise (issue 10).

    A brief check refuses is the compiler's right to refuse, as long as each problem points into it.
    """
    checked = check(brief)
    if checked.status != 0:
        return [f"check refused the brief without pointing into it: {line}"
                for line in unlocated_problems(checked, brief)]
    built = build(brief, out, *options)
    folder = out / brief.stem
    faults = []
    if built.status != 0:
        faults.append(f"check accepted the brief but build exited {built.status}:\n{built.output.strip()}")
    missing = missing_files(folder)
    if missing:
        faults.append(f"build did not write {', '.join(missing)}")
        return faults
    return faults + document_faults(data, read_pdfs(folder))
