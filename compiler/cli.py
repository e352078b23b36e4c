"""Command line: arguments in, exit status out (0 all good, 1 a brief failed, 2 wrong usage)."""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

from compiler import __version__

CONTENT_DIR = Path("content")
OUTPUT_FORMATS = ("pdf", "docx")  # the writers in compiler/writers/, in build order
# Kept in step with compiler/writers/pdf.py (not imported from there: that would load WeasyPrint).
PDF_VARIANTS = ("pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2a", "pdf/a-3a", "pdf/a-2u", "pdf/a-3u",
                "pdf/a-4u", "pdf/ua-1", "pdf/ua-2")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing",
        description="Compile brief files (YAML) into a briefing memo, slide deck and factsheet.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check", help="validate brief files and verify their quotes against the source text",
        description="Validate brief files and verify every quote against the source text. "
        "Prints one line per brief; exits 1 if any brief has errors.",
    )
    check.add_argument("briefs", nargs="*", type=Path, metavar="BRIEF.yaml",
                       help="brief files to check (default: every *.yaml in content/)")
    check.set_defaults(run="compiler.commands.check")

    build = commands.add_parser(
        "build", help="build the memo, slides and factsheet of each brief",
        description="Check each brief, then write BUILD/<brief>/{memo,slides,factsheet}.{pdf,docx}. "
        "A brief with errors builds nothing; the others still build. Exits 1 if any brief failed.",
    )
    build.add_argument("briefs", nargs="*", type=Path, metavar="BRIEF.yaml",
                       help="brief files to build (default: every *.yaml in content/)")
    build.add_argument("--out", type=Path, default=Path("build"), metavar="DIR",
                       help="output folder (default: build/)")
    build.add_argument("-j", "--jobs", type=positive_int, default=None, metavar="N",
                       help="render in N worker processes (default: one per CPU; 1: no workers)")
    build.add_argument("--force", action="store_true",
                       help="rebuild every output, even those that are up to date")
    build.add_argument("-v", "--verbose", action="store_true",
                       help="say why each output is rebuilt (brief changed, templates changed, ...)")
    build.add_argument("--check", action="store_true",
                       help="write nothing: list the outputs that are out of date and why; exit 1 if any")
    build.add_argument("--shard", type=parse_shard, metavar="K/N",
                       help="build only share K of N (1 <= K <= N), chosen by a hash of each brief's "
                       "name, so adding a brief moves no other (for parallel CI jobs)")
    build.add_argument("--error-format", choices=("plain", "github"), default="plain",
                       help="'github': print problems as GitHub Actions annotations")
    build.add_argument("--overwrite-edited", action="store_true",
                       help="replace outputs edited since the last build (default: keep them, write "
                       "NAME.new.EXT beside them and exit 1)")
    build.add_argument("--paper", choices=("a4", "letter"), type=str.lower, default=None,
                       help="paper for the memo and factsheet (default: the brief's brief.paper, else a4)")
    build.add_argument("--pdf-variant", choices=PDF_VARIANTS, type=str.lower, default=None, metavar="V",
                       help="write PDF/A or PDF/UA, e.g. pdf/a-3b (default: a tagged PDF); one of "
                       + ", ".join(PDF_VARIANTS))
    build.add_argument("--format", type=parse_formats, default=OUTPUT_FORMATS, metavar="LIST",
                       help="formats to write, comma-separated (default: pdf,docx)")
    build.add_argument("--reference-docx", type=parse_reference_docx, default=None, metavar="FILE",
                       help="a Word file whose styles (fonts, colours, spacing, margins) every .docx "
                       "takes, like pandoc's --reference-doc (default: templates/reference.docx)")
    build.set_defaults(run="compiler.commands.build")
    return parser


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def parse_shard(text: str) -> tuple[int, int]:
    """An argparse type: `K/N` with 1 <= K <= N."""
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise argparse.ArgumentTypeError(f"expected K/N with 1 <= K <= N (e.g. 2/4), got {text!r}")
    return int(index), int(count)


def parse_formats(text: str) -> tuple[str, ...]:
    """An argparse type: output formats, comma-separated (`pdf,docx`), each known, no repeats."""
    formats = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [name for name in formats if name not in OUTPUT_FORMATS]
    if unknown or not formats:
        raise argparse.ArgumentTypeError(
            f"expected formats from {', '.join(OUTPUT_FORMATS)} separated by commas, got {text!r}")
    return formats


def parse_reference_docx(text: str) -> Path:
    """An argparse type: an existing Word file (a zip holding word/styles.xml)."""
    path = Path(text)
    try:
        with zipfile.ZipFile(path) as package:
            package.getinfo("word/styles.xml")
    except (OSError, zipfile.BadZipFile, KeyError):
        raise argparse.ArgumentTypeError(
            f"{text}: not a Word file with styles; save one from Word as .docx, or copy "
            "templates/reference.docx and restyle it") from None
    return path


def find_briefs(paths: list[Path]) -> list[Path]:
    """The brief files named, or every brief in content/ when none are."""
    return paths or sorted(CONTENT_DIR.glob("*.yaml"))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from importlib import import_module

    command = import_module(args.run)
    return command.run(args)


if __name__ == "__main__":
    sys.exit(main())
