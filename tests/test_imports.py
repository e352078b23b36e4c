"""Imports run one way (cli -> commands -> build -> content, render, writers): no cycle, nothing from cli."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def import_graph() -> tuple[int, dict[str, list[str]]]:
    """scripts/import-graph's exit status, and each module's imports (deferred ones marked `*`)."""
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "import-graph")], capture_output=True,
                         text=True, check=False)
    graph = {}
    for line in run.stdout.splitlines():
        if " -> " in line:
            module, targets = line.split(" -> ")
            graph[module] = targets.split(", ")
    return run.returncode, graph


def test_the_package_has_no_import_cycle_and_nothing_imports_the_command_line() -> None:
    status, graph = import_graph()

    assert status == 0
    assert [module for module, targets in graph.items() if any(t.startswith("compiler.cli") for t in targets)] \
        == ["compiler.__main__"]


def test_rendering_and_writing_never_import_orchestration() -> None:
    _, graph = import_graph()
    later = ("compiler.build", "compiler.commands", "compiler.manifest", "compiler.cli")
    early = [module for module in graph if module.startswith(("compiler.render", "compiler.slides",
                                                              "compiler.layout", "compiler.writers"))]

    assert {module: [t for t in graph[module] if t.rstrip("*").startswith(later)] for module in early} \
        == {module: [] for module in early}


def test_format_declarations_load_no_engine() -> None:
    code = ("import sys, compiler.writers, compiler.cli, compiler.commands.build, compiler.manifest; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'docx', 'jinja2')))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert run.stdout.strip() == "[]"


SPAWN_EVENTS = ("subprocess.Popen", "os.posix_spawn", "os.exec", "os.system", "os.spawn")
LOAD_ENGINES = f"""
import sys
spawned = []
sys.addaudithook(lambda event, args: spawned.append(repr(args[0])) if event in {SPAWN_EVENTS!r} else None)
from compiler.build import preload_engines
from compiler.writers import FORMATS
preload_engines(FORMATS)
print(len(spawned), *spawned[:3])
"""


def test_loading_the_engines_runs_no_process() -> None:
    """WeasyPrint's library probing used to run ldconfig, gcc and ld about 50 times per cold build."""
    run = subprocess.run([sys.executable, "-c", LOAD_ENGINES], capture_output=True, text=True, cwd=ROOT,
                         check=True)

    assert run.stdout.split()[0] == "0", run.stdout
