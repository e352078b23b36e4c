"""`briefing new`: start a brief from an article's plain text, every part left to write a placeholder."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from compiler.commands.source import read_source
from compiler.content.model import iter_text_fields
from compiler.content.placeholders import instruction_of, placeholder
from compiler.content.quotes import split_paragraphs
from compiler.content.reader import read_document
from compiler.content.rules import date_problem
from compiler.content.schema import SCHEMA_PATH
from compiler.diagnostics import plural

CONTENT = Path("content")  # where briefs live, relative to the project (as `check` and `build` look)
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
TITLE_CHARS = 200
"""A first paragraph longer than this is the article's text, not its title."""
HEADER_PARAGRAPHS = 6
"""Publisher, author, date and address are looked for in the article's first paragraphs only."""
HEADER_LINE_CHARS = 200
MONTHS = {name: number for number, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), 1)}
MONTH = "(" + "|".join(MONTHS) + r"|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?)"
DATES = (
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("year", "month", "day")),
    (re.compile(rf"\b{MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.I), ("month", "day", "year")),
    (re.compile(rf"\b(\d{{1,2}})\s+{MONTH},?\s+(\d{{4}})\b", re.I), ("day", "month", "year")),
)
ENDS = r"(?=\s+(?:updated|published|posted|dated?)\b|\s+on\s+\d|,?\s+\d{4}-\d{2}-\d{2}|\s*[|·]|$)"
PUBLISHER = re.compile(rf"^(?:from|source|publisher|published by|publication)\s*:?\s+(?!https?://)(.+?){ENDS}",
                       re.I)
AUTHOR = re.compile(rf"^(?:by|author|written by)\s*:?\s+(\D{{2,80}}?){ENDS}", re.I)
URL = re.compile(r"^(?:(?:url|link|source|address)\s*:?\s*)?(https?://[^\s/?#]+\S*)$", re.I)


TO_WRITE = {
    "title": "write the brief's title",
    "bottom_line": "write the bottom line",
    "summary": "write the summary",
    "kind": "choose the claim's kind: fact, assessment or proposal",
    "claim": "write the claim, in your words, attributed to the article",
}
"""The parts of a new brief only the analyst can write, each the instruction its placeholder gives."""


@dataclass(frozen=True)
class Found:
    """A value the article's text gives, and the paragraph it came from."""

    value: str
    paragraph: int


def run(args: argparse.Namespace) -> int:
    """Write content/NAME.yaml and copy the source under content/sources/; 1 if anything is in the way."""
    name = args.name or name_from(args.source)
    if not NAME.match(name):
        print(f"--name {args.name}: a brief name is letters, digits, '.', '_' and '-', starting with a "
              "letter or digit, e.g. sco-2012" if args.name else
              f"{args.source}: cannot make a brief name from this file name; give one with --name, "
              "e.g. --name sco-2012", file=sys.stderr)
        return 1
    brief, copy = CONTENT / f"{name}.yaml", CONTENT / "sources" / f"{name}.txt"
    text = read_source(args.source)
    if text is None:
        return 1
    problem = in_the_way(brief, copy, args.source)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        print(f"{args.source}: the source text is empty; save the article's text in it first",
              file=sys.stderr)
        return 1
    write_scaffold(paragraphs, copy.relative_to(CONTENT).as_posix(), brief)
    copied = copy_source(args.source, copy)
    print(f"{brief}: written, with {plural(count_placeholders(brief), 'placeholder')} to replace; "
          f"`briefing check {brief}` lists those left")
    print(f"{copy}: {'copied from ' + str(args.source) if copied else 'already there'} "
          f"({plural(len(paragraphs), 'paragraph')}); `briefing source {copy}` numbers them")
    return 0


def count_placeholders(brief: Path) -> int:
    """How many placeholders `check` will find in the brief just written."""
    values = iter_text_fields(read_document(brief, str(brief)).data)
    return sum(instruction_of(value) is not None for _, value in values)


def name_from(source: Path) -> str:
    """The brief name a source file suggests: `SCO 2012.txt` gives `sco-2012`."""
    return re.sub(r"[^a-z0-9]+", "-", source.stem.lower()).strip("-")


def in_the_way(brief: Path, copy: Path, source: Path) -> str | None:
    """Why the brief or the source copy cannot be written, or None: nothing is ever overwritten."""
    if brief.exists() or brief.is_symlink():
        return (f"{brief}: already exists; nothing was written. Edit it, or choose another name "
                "with --name")
    if copy.exists() and not same_bytes(copy, source):
        return (f"{copy}: already exists with another text; nothing was written. Choose another "
                "name with --name")
    return None


def same_bytes(a: Path, b: Path) -> bool:
    return a.is_file() and a.read_bytes() == b.read_bytes()


def copy_source(source: Path, copy: Path) -> bool:
    """Copy the source byte for byte (paragraph numbers depend on it); False if it was there already."""
    if copy.exists():
        return False
    copy.parent.mkdir(parents=True, exist_ok=True)
    with copy.open("xb") as stream:
        stream.write(source.read_bytes())
    return True


def write_scaffold(paragraphs: list[str], source_text: str, brief: Path) -> None:
    """Write the brief file, refusing to replace one that appeared meanwhile."""
    text = scaffold(paragraphs, source_text, schema_reference(brief.parent))
    brief.parent.mkdir(parents=True, exist_ok=True)
    with brief.open("x", encoding="utf-8") as stream:
        stream.write(text)


def schema_reference(folder: Path) -> str:
    """The schema's path as the brief's first line gives it: relative to the brief's folder."""
    try:
        return Path(os.path.relpath(SCHEMA_PATH, folder.resolve())).as_posix()
    except ValueError:  # another drive, on Windows
        return SCHEMA_PATH.as_uri()


def scaffold(paragraphs: list[str], source_text: str, schema: str) -> str:
    """The text of a new brief: what the article gives filled in, the rest placeholders."""
    header = [(number, line.strip()) for number, paragraph in enumerate(paragraphs[:HEADER_PARAGRAPHS], 1)
              for line in paragraph.split("\n") if len(line.strip()) <= HEADER_LINE_CHARS]
    source = [
        field("title", find_title(paragraphs), "write the article's title"),
        field("publisher", find_first(header, PUBLISHER), "give the publisher"),
        field("date", find_date(header), "give the article's date, YYYY-MM-DD", quoted=False),
    ]
    author, url = find_first(header, AUTHOR), find_first(header, URL)
    source += [field(key, found, "") for key, found in (("author", author), ("url", url)) if found]
    holes = {part: quote(placeholder(instruction)) for part, instruction in TO_WRITE.items()}
    return SCAFFOLD.format(schema=schema, source="\n".join(source), text=source_text,
                           today=datetime.date.today().isoformat(), **holes)


def field(key: str, found: Found | None, instruction: str, quoted: bool = True) -> str:
    """One line of the source block: the value found, with where it came from, or a placeholder."""
    if found is None:
        return f"  {key}: {quote(placeholder(instruction))}"
    value = quote(found.value) if quoted else found.value
    return f"  {key}: {value}  # from paragraph {found.paragraph} of the source; check it"


def quote(text: str) -> str:
    """`text` as a YAML double-quoted scalar (JSON's string syntax is YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def find_title(paragraphs: list[str]) -> Found | None:
    """The first paragraph, if it is short enough to be a title."""
    title = " ".join(paragraphs[0].split())
    return Found(title, 1) if len(title) <= TITLE_CHARS and not PUBLISHER.match(title) else None


def find_first(header: list[tuple[int, str]], pattern: re.Pattern[str]) -> Found | None:
    """The first header line `pattern` matches, as the value its first group holds."""
    for number, line in header:
        match = pattern.match(line)
        if match and match[1].strip(" .,;:"):
            return Found(match[1].strip(" ,;:"), number)
    return None


def find_date(header: list[tuple[int, str]]) -> Found | None:
    """The first real date written in the header lines, as YYYY-MM-DD."""
    for number, line in header:
        for pattern, order in DATES:
            for match in pattern.finditer(line):
                parts = dict(zip(order, match.groups()))
                month = parts["month"]
                month = int(month) if month.isdigit() else month_number(month)
                date = f"{int(parts['year']):04d}-{month:02d}-{int(parts['day']):02d}"
                if month and not date_problem(date):
                    return Found(date, number)
    return None


def month_number(name: str) -> int:
    """1 for `January`, `Jan` or `jan.`."""
    name = name.lower().rstrip(".")
    return next(number for full, number in MONTHS.items() if full.startswith(name))


SCAFFOLD = """\
# yaml-language-server: $schema={schema}
# Written by `briefing new`. Replace every "[[...]]" placeholder (`briefing check` lists those left)
# and check what was filled in from the article. Quotes cite paragraphs as `briefing source` numbers them.
format: 1

source:
{source}
  text: {text}

brief:
  title: {title}
  date: {today}
  bottom_line: {bottom_line}  # one to three sentences: they open every document

summary: {summary}  # one or more short paragraphs, a blank line between them

claims:
  - id: claim-1  # rename it: lower-case letters, digits and hyphens, unique among claims
    kind: {kind}
    text: {claim}
    # quotes:  # verbatim evidence; `briefing source --find WORDS` prints one ready to paste here
    #   - text: "words copied exactly from the source"
    #     paragraph: 3

# Optional parts: uncomment those the article gives.
# goals:
#   - id: a-goal
#     text: "a goal or task the article sets out"
#     actions: ["what it says to do"]
#     claims: [claim-1]
# figures:
#   - label: "what the number measures"
#     value: "2.8 billion"
#     claim: claim-1
# timeline:
#   - date: 2001-06-15
#     event: "what happened"
# takeaways:
#   - "what it means for the reader"
"""
