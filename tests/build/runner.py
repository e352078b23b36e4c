"""Runs `briefing build ARGS` in this process, then names the heavy libraries it imported."""

import sys

from compiler.cli import main

HEAVY = ("weasyprint", "docx", "jinja2", "yaml", "jsonschema")

status = main(["build", *sys.argv[1:]])
imported = sorted({name.split(".")[0] for name in sys.modules} & set(HEAVY))
print(f"heavy imports: {' '.join(imported) or 'none'}", file=sys.stderr)
sys.exit(status)
