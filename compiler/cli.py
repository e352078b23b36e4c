"""Command line: arguments in, exit status out (0 all good, 1 a brief failed, 2 wrong usage)."""

from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

from compiler import __version__
from compiler.diagnostics import escape_controls
from compiler.document import PAPERS
from compiler.writers import FORMATS, default_formats


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing",
        description="Compile brief files (YAML) into a briefing memo, slide deck and factsheet.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = add_command(commands, "check", "validate brief files and verify their quotes against the source text",
                        "Validate brief files and verify every quote against the source text. "
                        "Prints one line per brief; exits 1 if any brief has errors.")
    check.add_argument("--coverage", action="store_true",
                       help="also show which source paragraphs the quotes cite, and the longest "
                       "stretches none cites")
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="'json': print one JSON document for tools instead of lines")
    add_source_commands(commands)
    for name, summary, description in (
        ("watch", "rebuild on every save, one line per rebuild",
         "Build, then rebuild whenever a brief, its source text, a template or a stylesheet is "
         "saved; one line per rebuild. Ctrl-C stops."),
        ("preview", "show the documents in the browser, rebuilt and reloaded on every save",
         "Serve a page on 127.0.0.1 showing each brief's documents as they print, with the problems "
         "check and build report; rebuild and reload it on every save. Ctrl-C stops."),
    ):
        live = add_command(commands, name, summary, description)
        live.add_argument("--out", type=parse_out_folder, default=Path("build"), metavar="DIR",
                          help="output folder (default: build/)")
        live.add_argument("--paper", choices=tuple(PAPERS), type=str.lower, default=None,
                          help="paper for the memo and factsheet (default: the brief's brief.paper, else a4)")
        live.add_argument("-j", "--jobs", type=positive_int, default=None, metavar="N",
                          help="render in N worker processes, forked from this one with its engines "
                          "loaded (default: one per CPU; 1: in this process)")
        live.add_argument("--format", type=parse_formats, default=None, metavar="LIST",
                          help=f"formats to write, comma-separated, from {','.join(FORMATS)} "
                          f"(default: {','.join(default_formats())})")
        if name == "preview":
            live.add_argument("--port", type=port_number, default=0, metavar="N",
                              help="port to serve on (default: a free one, printed at start)")
    build = add_command(
        commands, "build", "build the memo, slides and factsheet of each brief",
        f"Check each brief, then write BUILD/<brief>/{{memo,slides,factsheet}}.{{{','.join(default_formats())}}} "
        "(--format chooses others). "
        "A brief with errors builds nothing; the others still build. Exits 1 if any brief failed.")
    build.add_argument("--out", type=parse_out_folder, default=Path("build"), metavar="DIR",
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
    build.add_argument("--paper", choices=tuple(PAPERS), type=str.lower, default=None,
                       help="paper for the memo and factsheet (default: the brief's brief.paper, else a4)")
    build.add_argument("--format", type=parse_formats, default=None, metavar="LIST",
                       help=f"formats to write, comma-separated, from {','.join(FORMATS)} "
                       f"(default: {','.join(default_formats())})")
    for declaration in FORMATS.values():
        for option in declaration.arguments:
            build.add_argument(option.flag, dest=option.dest, choices=option.choices, type=option.type,
                               default=None, metavar=option.metavar, help=option.help)

    pull = commands.add_parser(
        "pull", help="take a colleague's edits to a Word handout back into its brief file",
        description="Compare a .docx handout that `build` wrote (edited in Word or LibreOffice) with "
        "its brief and print the change to the brief file as a unified diff; --write makes it. "
        "Edits YAML cannot hold (tracked changes, comments, formatting, new headings or tables) are "
        "listed, not pulled. Exits 1 if anything was not pulled.",
    )
    pull.add_argument("handout", type=Path, metavar="HANDOUT.docx", help="the edited Word file")
    pull.add_argument("--brief", type=Path, default=None, metavar="BRIEF.yaml",
                      help="the brief it was built from (default: the one its folder's manifest names, "
                      "else content/<name>.yaml)")
    pull.add_argument("--write", action="store_true", help="write the change into the brief file")
    pull.set_defaults(run="compiler.commands.pull")
    return parser


def add_command(commands: argparse._SubParsersAction, name: str, summary: str,
                description: str) -> argparse.ArgumentParser:
    """A command taking brief files, run by compiler/commands/<name>.py."""
    command = commands.add_parser(name, help=summary, description=description)
    command.add_argument("briefs", nargs="*", type=Path, metavar="BRIEF.yaml",
                         help=f"brief files to {name} (default: every *.yaml in content/)")
    command.set_defaults(run=f"compiler.commands.{name}")
    return command


def add_source_commands(commands: argparse._SubParsersAction) -> None:
    """`new` and `source`: commands on an article's plain text rather than on briefs."""
    new = commands.add_parser(
        "new", help="start a brief file from an article's plain text",
        description="Write content/NAME.yaml from an article's plain text: what the text gives "
        "(title, publisher, date) filled in, every part left to write a [[placeholder]] that "
        "`check` reports until it is replaced; copy the text to content/sources/NAME.txt. "
        "Never overwrites a file.")
    new.add_argument("--name", metavar="NAME",
                     help="the brief's name, which names its output folder (default: from the file name)")
    source = commands.add_parser(
        "source", help="print a source text with its paragraph numbers, or find words in it",
        description="Print a source text with each paragraph's number as quotes count them. With "
        "--find, print only the paragraphs holding the words (matched as a quote is), each match "
        "marked >>like this<<, and a quote ready to paste into the brief.")
    source.add_argument("--find", nargs="+", metavar="WORDS",
                        help="words to find, in order, as a quote would hold them")
    for name, command in (("new", new), ("source", source)):
        command.add_argument("source", type=Path, metavar="SOURCE.txt", help="the article's plain text")
        command.set_defaults(run=f"compiler.commands.{name}")


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 0 meaning any free one."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, got {text!r}")
    return int(text)


def parse_out_folder(text: str) -> Path:
    """An argparse type: a folder, or a path where one can be made (not a file, not a dangling link)."""
    from compiler.outputs import UnsafeFolder, check_out_folder

    path = Path(text)
    try:
        check_out_folder(path)
    except UnsafeFolder as error:
        raise argparse.ArgumentTypeError(f"{escape_controls(text)}: {error.strerror}") from None
    return path


def parse_shard(text: str) -> tuple[int, int]:
    """An argparse type: `K/N` with 1 <= K <= N."""
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise argparse.ArgumentTypeError(f"expected K/N with 1 <= K <= N (e.g. 2/4), got {text!r}")
    return int(index), int(count)


def parse_formats(text: str) -> tuple[str, ...]:
    """An argparse type: declared output formats, comma-separated (`pdf,docx`), no repeats."""
    formats = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [name for name in formats if name not in FORMATS]
    if unknown or not formats:
        raise argparse.ArgumentTypeError(
            f"expected formats from {', '.join(FORMATS)} separated by commas, got {text!r}")
    return formats


def main(argv: list[str] | None = None) -> int:
    """Run the command the arguments name; its exit status."""
    from importlib import import_module

    args = build_parser().parse_args(argv)
    command = import_module(args.run)  # each command loads only what it needs
    try:
        return command.run(args)
    except OSError as error:
        # Writing a file names it; printing to a closed pipe or a full device does not.
        if error.errno not in (errno.EPIPE, errno.ENOSPC, errno.EIO) or error.filename is not None:
            raise
        # stdout closed early (`| head`) or full (/dev/full): say so once; outputs are as before or new.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if error.errno != errno.EPIPE:
            print(f"briefing: cannot write to standard output: {error.strerror}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
