"""`briefing build`: check each brief, then write its memo, slides and factsheet (see compiler/build.py)."""

from __future__ import annotations

import argparse
import sys

from compiler.build import BuildRequest, build, usable_cpus
from compiler.commands import NO_BRIEFS, find_briefs, refuse_environment
from compiler.document import BuildOptions
from compiler.reproducible import environment_epoch
from compiler.writers import FORMATS


def run(args: argparse.Namespace) -> int:
    """Build the briefs the command line names; 0 if every output was written, else 1 (2: a bad setting)."""
    if refuse_environment():
        return 2
    request = request_from_args(args)
    if not request.briefs:
        print(NO_BRIEFS, file=sys.stderr)
        return 1
    return build(request)


def request_from_args(args: argparse.Namespace) -> BuildRequest:
    """The build the `briefing build` command line asks for."""
    # Each format's own options (--pdf-variant, --reference-docx) fill the BuildOptions field it declares.
    declared = {option.dest: getattr(args, option.dest, None)
                for declaration in FORMATS.values() for option in declaration.arguments}
    options = BuildOptions(paper=args.paper, source_date_epoch=environment_epoch(), **declared)
    return BuildRequest(
        briefs=find_briefs(args.briefs), out=args.out, formats=args.format, options=options,
        jobs=args.jobs or default_jobs(), force=args.force, check=args.check,
        overwrite_edited=args.overwrite_edited, verbose=args.verbose, shard=args.shard,
        error_format=args.error_format)


def default_jobs() -> int:
    """One worker per CPU this process may use."""
    return usable_cpus()
