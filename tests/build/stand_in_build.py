"""Runs `briefing build ARGS` in this process with the stand-in engine (buildkit), each render taking
STAND_IN_DELAY seconds (and with the real brief loader if STAND_IN_REAL_LOADER is set): for tests that
kill a build, or that must not hang the test process."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from buildkit import Engine, install_engine  # noqa: E402
from compiler.cli import main  # noqa: E402


def setattr_(target: object, name: str, value: object, raising: bool = True) -> None:
    setattr(target, name, value)


def setitem(mapping: dict, key: str, value: object) -> None:
    mapping[key] = value


install_engine(Engine(delay=float(os.environ.get("STAND_IN_DELAY", "0"))), setattr_, setitem,
               real_loader=bool(os.environ.get("STAND_IN_REAL_LOADER")))
sys.exit(main(["build", *sys.argv[1:]]))
