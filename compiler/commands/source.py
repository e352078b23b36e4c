"""`briefing source`: a source text with its paragraph numbers, or only the paragraphs holding some words."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from compiler.content.limits import MAX_SOURCE_BYTES
from compiler.content.quotes import Source, split_paragraphs
from compiler.content.reader import Reporter, decode_utf8
from compiler.diagnostics import Problem, escape_controls, plural

MARK_START, MARK_END = ">>", "<<"
"""Around each match in a found paragraph: ASCII, so it survives any terminal, and rare in articles."""


def run(args: argparse.Namespace) -> int:
    """Print the source numbered, or the paragraphs that hold `--find`'s words; 1 if none do."""
    text = read_source(args.source)
    if text is None:
        return 1
    if not args.find:
        print_numbered(text)
        return 0
    return print_found(Source.from_text(str(args.source), text), " ".join(args.find))


def read_source(path: Path) -> str | None:
    """The text of the file, or None after printing why it cannot be a source text."""
    problems: list[Problem] = []
    report = Reporter(str(path), problems)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_SOURCE_BYTES + 1)
    except OSError as error:
        print(f"{path}: cannot read the source text: {error.strerror or error}", file=sys.stderr)
        return None
    if len(data) > MAX_SOURCE_BYTES:
        print(f"{path}: larger than {MAX_SOURCE_BYTES / 2**20:g} MiB, the limit for a source text",
              file=sys.stderr)
        return None
    text = decode_utf8(data, report, "the source text")
    for problem in problems:
        print(problem, file=sys.stderr)
    return text


def print_numbered(text: str) -> None:
    """Every paragraph as written, its number in the margin, a blank line between paragraphs."""
    paragraphs = split_paragraphs(text)
    width = len(str(len(paragraphs)))
    for number, paragraph in enumerate(paragraphs, 1):
        lines = [line.rstrip() for line in paragraph.split("\n")]
        print(escape_controls(f"{number:>{width}}  {lines[0]}"))
        for line in lines[1:]:
            print(escape_controls(f"{'':>{width}}  {line}"))
        if number < len(paragraphs):
            print()


def print_found(source: Source, words: str) -> int:
    """Each paragraph holding `words`, matches marked, then a quote to paste; 1 if none holds them."""
    found = source.passages(words)
    if not found:
        print(not_found_line(source, words), file=sys.stderr)
        return 1
    width = len(str(found[-1][0]))
    for number, spans in found:
        written = source.written(number)
        print(escape_controls(f"{number:>{width}}  {mark(written, spans)}"))
        start, end = spans[0]
        print(escape_controls(f"{'':>{width}}  - text: {json.dumps(written[start:end], ensure_ascii=False)}"))
        print(f"{'':>{width}}    paragraph: {number}")
        print()
    count = sum(len(spans) for _, spans in found)
    print(f"{count} match{'es' if count != 1 else ''} in {plural(len(found), 'paragraph')} "
          f"of {source.label}")
    return 0


def mark(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span between MARK_START and MARK_END."""
    pieces, at = [], 0
    for start, end in spans:
        pieces += [text[at:start], MARK_START, text[start:end], MARK_END]
        at = end
    return "".join(pieces) + text[at:]


def not_found_line(source: Source, words: str) -> str:
    """Why nothing matched, with the closest passage to copy from when one comes close."""
    line = f"{source.label}: no paragraph holds {json.dumps(words, ensure_ascii=False)}"
    closest = source.closest(words) if words.split() else None
    if closest is None:
        return escape_controls(line + "; try fewer or other words")
    number, passage = closest
    return escape_controls(f'{line}; closest passage in paragraph {number}: "{passage}"')
