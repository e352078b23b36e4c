"""`briefing build`: check each brief, then write its memo, slides and factsheet (see compiler/build.py)."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    """Build the briefs the command line names; 0 if every output was written, else 1."""
    from compiler.build import build, request_from_args

    return build(request_from_args(args))
