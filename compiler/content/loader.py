"""Load a brief file: read it, check it against the schema and the rules, verify its quotes."""

from __future__ import annotations

from pathlib import Path

from compiler.content.limits import MAX_SOURCE_BYTES
from compiler.content.model import Brief
from compiler.content.placeholders import check_placeholders
from compiler.content.quotes import Source, check_quotes
from compiler.content.reader import Document, Reporter, decode_utf8, read_document
from compiler.content.rules import check_rules
from compiler.content.schema import check_schema
from compiler.diagnostics import BriefError, Problem, shorten


def load_brief(path: Path) -> Brief:
    """The brief file at `path`, checked; raises BriefError with every problem found, sorted."""
    brief, problems = check_brief(path)
    if brief is None:
        raise BriefError(problems)
    return brief


def check_brief(path: Path) -> tuple[Brief | None, list[Problem]]:
    """The brief and no problems, or None and every problem found, sorted."""
    path = Path(path)
    doc = read_document(path, str(path))
    report = Reporter(str(path), doc.problems)
    if doc.data is not None:
        check_placeholders(doc, report)
        check_schema(doc, report)
        check_rules(doc, report)
    text = read_source(path, doc, report)
    if text is not None:
        check_quotes(doc, report, Source.from_text(doc.data["source"]["text"], text))
    if doc.problems:
        return None, sorted(set(doc.problems))
    brief = Brief(path=path, data=doc.data, source_text=text, quotes_checked=text is not None,
                  locations=doc.values)
    return brief, []


def read_source(path: Path, doc: Document, report: Reporter) -> str | None:
    """The text of the file `source.text` names, relative to the brief; None if none or unreadable."""
    source = doc.data.get("source") if isinstance(doc.data, dict) else None
    name = source.get("text") if isinstance(source, dict) else None
    if not isinstance(name, str) or not name.strip():
        return None
    where = doc.locate("source.text")
    try:
        file = source_file(path, name)
    except (OSError, ValueError) as error:  # a name too long, or holding a NUL character
        file = f"cannot read the source text {shorten(name)}: {getattr(error, 'strerror', None) or error}"
    if isinstance(file, str):
        report.add(where, "source.text", file)
        return None
    try:
        with file.open("rb") as stream:
            data = stream.read(MAX_SOURCE_BYTES + 1)
    except OSError as error:
        report.add(where, "source.text", f"cannot read the source text {name}: "
                   f"{error.strerror or error}")
        return None
    if len(data) > MAX_SOURCE_BYTES:
        report.add(where, "source.text", f"source text {name} is larger than "
                   f"{MAX_SOURCE_BYTES / 2**20:g} MiB, the limit; brief a shorter text")
        return None
    return decode_utf8(data, report, f"source text {name}", where, "source.text")


def source_file(path: Path, name: str) -> Path | str:
    """The source text file `name` names, or why it cannot be read.

    It must be a regular file in the brief's folder or below: a brief is data, so it must not make
    the compiler read files elsewhere (`../../etc/passwd`, a link leading out, a hard link to a file
    outside, a device or a pipe).
    """
    folder = path.parent.resolve()
    if Path(name).is_absolute():
        return "must be a path relative to the brief file, like sources/article.txt"
    file = (folder / name).resolve()
    if not file.is_relative_to(folder):
        return (f"source text {name} is outside the brief's folder; put it in {path.parent}/ "
                "or a folder below it")
    if not file.exists():
        return (f"source text file not found: {path.parent / name}; "
                "the path is relative to the brief file")
    if not file.is_file():
        return f"source text {name} is not a regular file; name a plain text file"
    if file.stat().st_nlink > 1:  # a hard link is the same file as one elsewhere, which no path shows
        return (f"source text {name} has other hard links, which may lead outside the brief's folder; "
                "make it a file of its own (copy it)")
    return file
