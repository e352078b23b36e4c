"""`briefing pull`: show (or, with --write, make) the change a colleague's edited handout asks of its brief."""

from __future__ import annotations

import argparse
import difflib
import sys

from compiler.diagnostics import BriefError, ExpectedError, escape_controls, plural


def run(args: argparse.Namespace) -> int:
    """Print the brief's change as a unified diff; 0 if everything was pulled, 1 if something was not."""
    from compiler.outputs import write_atomic
    from compiler.pull import pull

    try:
        pulled = pull(args.handout, args.brief)
    except (ExpectedError, BriefError) as error:  # a brief the fonts cannot draw, a bound passed
        print(escape_controls(str(error)), file=sys.stderr)
        return 1
    sys.stdout.write(escape_controls_in_lines(unified_diff(pulled)))
    for key, author, anchor, text in pulled.comments:
        where = f"{key}: " if key else ""
        print(escape_controls(f'{args.handout}: {where}comment by {author} on "{anchor}": {text}; '
                              "not pulled (the brief has no comments in the text)"), file=sys.stderr)
    for key, message in pulled.notes:
        print(escape_controls(f"{args.handout}: {key + ': ' if key else ''}{message}"), file=sys.stderr)
    print(summary(args, pulled), file=sys.stderr)
    if args.write and pulled.new != pulled.old:
        write_atomic(pulled.brief, pulled.new.encode("utf-8"))
    return 1 if pulled.notes or pulled.comments else 0


def unified_diff(pulled) -> str:
    name = str(pulled.brief)
    lines = difflib.unified_diff(pulled.old.splitlines(keepends=True), pulled.new.splitlines(keepends=True),
                                 fromfile=f"a/{name}", tofile=f"b/{name}")
    return "".join(lines)


def escape_controls_in_lines(text: str) -> str:
    return "".join(escape_controls(line.rstrip("\n")) + "\n" for line in text.splitlines())


def summary(args: argparse.Namespace, pulled) -> str:
    """The closing line: what was (or would be) changed, and what to do next."""
    left = len(pulled.notes) + len(pulled.comments)
    unpulled = f"; {plural(left, 'edit')} not pulled (listed above)" if left else ""
    if pulled.new == pulled.old:
        return f"{args.handout}: nothing to pull into {pulled.brief}{unpulled}"
    changes = plural(len(pulled.edits), "change")
    if args.write:
        return (f"{args.handout}: wrote {changes} into {pulled.brief}{unpulled}; `briefing build "
                "--overwrite-edited` then replaces the handout with one built from it")
    return f"{args.handout}: {changes} to {pulled.brief}{unpulled}; pass --write to make them"
