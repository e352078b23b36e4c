"""One module per CLI command, each with `run(args) -> exit status`; the briefs a command works on."""

from __future__ import annotations

import sys
from pathlib import Path

CONTENT_DIR = Path("content")


def find_briefs(paths: list[Path]) -> list[Path]:
    """The brief files named, or every brief in content/ when none are."""
    return paths or sorted(CONTENT_DIR.glob("*.yaml"))


NO_BRIEFS = "no brief files: name one, or put *.yaml files in content/"


def refuse_environment() -> bool:
    """Print each environment problem on stderr; True if there was any (the command exits 2)."""
    problems = environment_problems()
    for problem in problems:
        print(f"briefing: {problem}", file=sys.stderr)
    return bool(problems)


def environment_problems() -> list[str]:
    """What is wrong with the environment settings a build reads (SOURCE_DATE_EPOCH, BRIEFING_* bounds),
    one line each: `check` refuses them as `build` would, before any brief is read."""
    from compiler.bounds import check_settings
    from compiler.reproducible import EpochRefused, environment_epoch

    problems = check_settings()
    try:
        environment_epoch()
    except EpochRefused as error:
        problems.append(str(error))
    return problems
