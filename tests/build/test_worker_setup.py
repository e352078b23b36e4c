"""Workers start set up: the build process loads the fonts once before forking, and no worker copies them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from compiler.build import usable_cpus

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"

LAY_OUT_AFTER_PRELOAD = """
import os, sys
from pathlib import Path
from compiler.build import preload_engines
from compiler.content import load_brief
from compiler.doctypes import DOCUMENT_TYPES
from compiler.document import BuildOptions
from compiler.layout import lay_out
from compiler.render import render_html

def files() -> list[str]:
    return sorted(os.path.relpath(os.path.join(folder, name), os.environ["TMPDIR"])
                  for folder, _, names in os.walk(os.environ["TMPDIR"]) for name in names)

preload_engines(["pdf"])
before = files()
brief = load_brief(Path(sys.argv[1]))
for doctype in DOCUMENT_TYPES:
    lay_out(render_html(brief, doctype, BuildOptions()).html, doctype.name)
print(len(before), before == files())
"""


def run(arguments: list[str], temporary: Path) -> subprocess.CompletedProcess:
    temporary.mkdir()
    return subprocess.run([sys.executable, *arguments], cwd=ROOT, capture_output=True, text=True, check=True,
                          env=dict(os.environ, TMPDIR=str(temporary)))


def test_a_right_to_left_brief_lays_out_with_the_faces_loaded_before_forking(tmp_path: Path) -> None:
    """A worker that loaded a face itself would write it into the folder the workers share."""
    run_ = run(["-c", LAY_OUT_AFTER_PRELOAD, str(CASES / "rtl" / "brief.yaml")], tmp_path / "tmp")

    loaded, unchanged = run_.stdout.split()
    assert int(loaded) > 0 and unchanged == "True"


@pytest.mark.skipif(usable_cpus() < 2, reason="a build forks workers only with two CPUs or more")
def test_a_parallel_build_leaves_no_copy_of_the_fonts_behind(tmp_path: Path) -> None:
    """Each forked worker used to leave its own copy of the document fonts (10 MB) in the temporary folder."""
    temporary = tmp_path / "tmp"
    run(["-m", "compiler", "build", str(CASES / "minimal" / "brief.yaml"), "--out", str(tmp_path / "out"),
         "-j", "2", "--force"], temporary)

    assert (tmp_path / "out" / "brief" / "memo.pdf").is_file()
    assert sorted(path.name for path in temporary.iterdir()) == []
