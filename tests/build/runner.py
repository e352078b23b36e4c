"""Runs a `briefing build` command line in this process, then names the heavy libraries it imported."""

import sys

from compiler.build import build, request_from_args
from compiler.cli import build_parser

HEAVY = ("weasyprint", "docx", "jinja2", "yaml", "jsonschema")

status = build(request_from_args(build_parser().parse_args(["build", *sys.argv[1:]])))
imported = sorted({name.split(".")[0] for name in sys.modules} & set(HEAVY))
print(f"heavy imports: {' '.join(imported) or 'none'}", file=sys.stderr)
sys.exit(status)
