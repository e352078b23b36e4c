"""Build benchmarks (`make bench`): each prints its figures and the ratio to its baseline, measured in the same run.

  a  full build of the SCO brief from a cold process vs WeasyPrint alone on the same three HTML documents
  b  a rebuild with nothing to do
  c  one brief changed among N copies
  d  N briefs with --jobs 1 vs --jobs 2
  e  the same six documents by pandoc (WeasyPrint as its PDF engine; pandoc's own DOCX writer)

Usage: bench/run.py [--briefs N] [--only a,b,...] [--rounds R]. Timings are wall clock of whole
processes, with their CPU time (user + system, workers included) beside them; the machine's load
average is printed, since other work on it skews them. (a) and (e) alternate the two sides for R
rounds and compare the fastest of each, so that a burst of other work does not land on one side only.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure the compiler in this tree, even if another is installed
SCO = ROOT / "content" / "sco-2012.yaml"
PYTHON = sys.executable
BUILD = [PYTHON, "-m", "compiler", "build"]

# The same PDFs our writer makes (tagged), with nothing else: no checks, no Word files, no hashing.
WEASYPRINT_ALONE = """
import sys
from pathlib import Path
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
fonts = FontConfiguration()
base = Path(sys.argv[1]).as_uri() + "/"
for html in sys.argv[2:]:
    HTML(filename=html, base_url=base).write_pdf(html[:-5] + ".pdf", font_config=fonts, pdf_tags=True)
"""


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds, and CPU seconds (user + system) of the processes run."""

    wall: float
    cpu: float

    def __str__(self) -> str:
        return f"{self.wall:.2f} s"

    @property
    def note(self) -> str:
        return f"(CPU {self.cpu:.2f} s)"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], **kwargs: object) -> tuple[Timing, subprocess.CompletedProcess]:
    """Wall and CPU time of one process (with its workers), and its result."""
    cpu, start = children_cpu(), time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, **kwargs)
    return Timing(time.perf_counter() - start, children_cpu() - cpu), result


def fastest(timings: list[Timing]) -> Timing:
    """The fastest of several runs (the one least disturbed by other work on the machine)."""
    return min(timings, key=lambda timing: timing.wall)


def alternate(rounds: int, *sides: Callable[[], Timing]) -> list[Timing]:
    """Run each side once per round, in turn, and return the fastest run of each."""
    samples: list[list[Timing]] = [[] for _ in sides]
    for _ in range(rounds):
        for side, runs in zip(sides, samples):
            runs.append(side())
    return [fastest(runs) for runs in samples]


def best_of(times: int, command: list[str]) -> tuple[float, float]:
    """Minimum and median wall time of a command run several times."""
    samples = [run(command)[0].wall for _ in range(times)]
    return min(samples), statistics.median(samples)


def build(briefs: list[Path], out: Path, *extra: str) -> tuple[Timing, subprocess.CompletedProcess]:
    """`briefing build` in a fresh process."""
    seconds, result = run([*BUILD, "--out", str(out), *extra, *map(str, briefs)])
    if result.returncode not in (0, 1) or "Traceback" in result.stderr:
        sys.exit(f"build failed:\n{result.stderr}")
    return seconds, result


def count_outputs(out: Path) -> int:
    """How many documents a build folder holds."""
    return sum(1 for path in out.rglob("*.*") if path.suffix in (".pdf", ".docx") and ".new." not in path.name)


def report(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<46} {value:>12}  {note}")


def render_sco_html(folder: Path) -> list[Path]:
    """The SCO brief's three documents as HTML files (what WeasyPrint and pandoc get as input)."""
    from compiler.content import load_brief
    from compiler.doctypes import DOCUMENT_TYPES
    from compiler.render import render_html
    from compiler.document import BuildOptions

    brief = load_brief(SCO)
    paths = []
    for doctype in DOCUMENT_TYPES:
        path = folder / f"{doctype.name}.html"
        path.write_text(render_html(brief, doctype, BuildOptions()).html, encoding="utf-8")
        paths.append(path)
    return paths


def copy_briefs(folder: Path, count: int) -> list[Path]:
    """`count` copies of the SCO brief (each with its source text) in `folder`."""
    shutil.copytree(SCO.parent / "sources", folder / "sources")
    text = SCO.read_text(encoding="utf-8")
    briefs = [folder / f"sco-{number:02}.yaml" for number in range(1, count + 1)]
    for path in briefs:
        path.write_text(text, encoding="utf-8")
    return briefs


def weasyprint_alone(html: list[Path]) -> Timing:
    """WeasyPrint alone on the given HTML files, in one fresh process."""
    from compiler.locations import TEMPLATES_DIR

    seconds, result = run([PYTHON, "-c", WEASYPRINT_ALONE, str(TEMPLATES_DIR), *map(str, html)])
    if result.returncode:
        sys.exit(f"WeasyPrint alone failed:\n{result.stderr}")
    return seconds


def full_build(out: Path, *extra: str) -> Timing:
    """A forced build of the SCO brief in a fresh process."""
    return build([SCO], out, "--force", *extra)[0]


def bench_full_build(work: Path, rounds: int) -> None:
    """(a) Cold full build of the SCO brief vs WeasyPrint alone on its three HTML documents."""
    print(f"(a) full build of content/sco-2012.yaml, cold process (fastest of {rounds}, alternating)")
    html = render_sco_html(work)
    ours, alone, pdf_only = alternate(rounds, lambda: full_build(work / "a"), lambda: weasyprint_alone(html),
                                      lambda: full_build(work / "a-pdf", "--format", "pdf"))
    report("briefing build (all formats)", str(ours), f"{ours.note} {count_outputs(work / 'a')} files")
    report("WeasyPrint alone, 3 PDFs in one process", str(alone), alone.note)
    report("ratio build / WeasyPrint alone", f"{ours.wall / alone.wall:.2f}",
           f"target <= 1.3; CPU ratio {ours.cpu / alone.cpu:.2f}")
    report("briefing build --format pdf (the same 3 PDFs)", str(pdf_only), pdf_only.note)
    report("ratio PDF-only build / WeasyPrint alone", f"{pdf_only.wall / alone.wall:.2f}",
           f"CPU ratio {pdf_only.cpu / alone.cpu:.2f}")


def bench_noop(work: Path) -> None:
    """(b) A rebuild with nothing changed (after (a))."""
    print("(b) rebuild with nothing changed")
    _, first = build([SCO], work / "b")
    if first.returncode:  # a failed output stays out of date, so every run would retry it
        errors = [line for line in first.stderr.splitlines() if "warning:" not in line]
        print(f"  not measured: the build fails ({errors[0] if errors else first.stdout})")
        return
    quickest, median = best_of(7, [*BUILD, "--out", str(work / "b"), str(SCO)])
    baseline, _ = best_of(7, [PYTHON, "-c", "pass"])
    report("no-op briefing build (min / median of 7)", f"{quickest:.3f} s", f"median {median:.3f} s; "
           "target < 0.2 s")
    report("python -c pass (interpreter start-up)", f"{baseline:.3f} s")


def machine_speedup(work: Path, rounds: int = 2) -> float:
    """How much faster two WeasyPrint processes run side by side than one after the other, right now
    (the fastest of `rounds` of each, alternating)."""
    from compiler.locations import TEMPLATES_DIR

    folder = work / "machine"
    folder.mkdir(exist_ok=True)
    command = [PYTHON, "-c", WEASYPRINT_ALONE, str(TEMPLATES_DIR), *map(str, render_sco_html(folder))]

    def one_after_the_other() -> Timing:
        start = time.perf_counter()
        for _ in range(2):
            subprocess.run(command, check=True, capture_output=True)
        return Timing(time.perf_counter() - start, 0.0)

    def side_by_side() -> Timing:
        start = time.perf_counter()
        for process in [subprocess.Popen(command, stdout=subprocess.DEVNULL) for _ in range(2)]:
            process.wait()
        return Timing(time.perf_counter() - start, 0.0)

    serial, parallel = alternate(rounds, one_after_the_other, side_by_side)
    return serial.wall / parallel.wall


def bench_many(work: Path, count: int) -> None:
    """(d) N briefs with --jobs 1 vs --jobs 2; then (c) one brief changed among them."""
    print(f"(d) {count} briefs, --jobs 1 vs --jobs 2")
    briefs = copy_briefs(work / "many", count)
    two, result = build(briefs, work / "jobs2", "--jobs", "2")
    one, _ = build(briefs, work / "jobs1", "--jobs", "1")
    report(f"--jobs 1 ({count_outputs(work / 'jobs1')} files)", str(one), one.note)
    report(f"--jobs 2 ({count_outputs(work / 'jobs2')} files)", str(two), f"{two.note} exit {result.returncode}")
    speedup, ceiling = one.wall / two.wall, machine_speedup(work)
    report("speed-up jobs 2 / jobs 1", f"{speedup:.2f}x",
           f"target >= 1.6x; CPU used / wall: {one.cpu / one.wall:.2f} vs {two.cpu / two.wall:.2f}")
    report("the machine's own: 2 WeasyPrint processes at once", f"{ceiling:.2f}x",
           "same 3 PDFs twice, one after the other vs side by side (the ceiling here)")
    report("speed-up as a share of that ceiling", f"{speedup / ceiling:.0%}")
    # With two free cores, jobs 2 can at best take half its CPU time: what its extra work allows.
    report("CPU-bound speed-up: 2 x CPU(jobs 1) / CPU(jobs 2)", f"{2 * one.cpu / two.cpu:.2f}x",
           f"CPU per brief {one.cpu / count:.2f} s vs {two.cpu / count:.2f} s")

    print(f"(c) one brief changed among {count}")
    with briefs[count // 2].open("a", encoding="utf-8") as stream:
        stream.write("# edited\n")
    changed, result = build(briefs, work / "jobs2", "-v")
    rebuilt = sum(1 for line in result.stdout.splitlines() if line.endswith(": brief changed"))
    noop, _ = build(briefs, work / "jobs2")
    report("rebuild after one brief changed", str(changed), f"{changed.note} {rebuilt} outputs rebuilt")
    report(f"no-op over {count} briefs", f"{noop.wall:.3f} s")
    report("per-brief cost of a full --jobs 2 build", f"{two.wall / count:.2f} s")


def pandoc_pipeline(html: list[Path]) -> Timing:
    """What a user would script: per document, pandoc to PDF (WeasyPrint's command) and pandoc to DOCX."""
    from compiler.doctypes import document_type
    from compiler.locations import TEMPLATES_DIR

    # The venv's `weasyprint` command: the same WeasyPrint version our build uses.
    env = {**os.environ, "PATH": f"{Path(PYTHON).parent}{os.pathsep}{os.environ['PATH']}"}
    cpu, start = children_cpu(), time.perf_counter()
    for path in html:
        # pandoc drops the document's own <link>/<style>; hand it our stylesheet for a like-for-like layout.
        css = TEMPLATES_DIR / document_type(path.stem).stylesheet
        for command in (["pandoc", str(path), "--css", str(css), "--pdf-engine=weasyprint",
                         "-o", str(path.with_suffix(".pdf"))],
                        ["pandoc", str(path), "-o", str(path.with_suffix(".docx"))]):
            result = subprocess.run(command, capture_output=True, text=True, env=env)
            if result.returncode:
                sys.exit(f"{' '.join(command)} failed:\n{result.stderr}")
    return Timing(time.perf_counter() - start, children_cpu() - cpu)


def bench_pandoc(work: Path, rounds: int) -> None:
    """(e) The same six documents through pandoc, with WeasyPrint as its PDF engine."""
    print(f"(e) the same six documents by pandoc (fastest of {rounds}, alternating)")
    if not shutil.which("pandoc"):
        print("  pandoc is not installed: run scripts/setup-system bench")
        return
    html = render_sco_html(work)
    pandoc, ours = alternate(rounds, lambda: pandoc_pipeline(html), lambda: full_build(work / "e"))
    report("pandoc: 3 PDFs (WeasyPrint) + 3 DOCX", str(pandoc), pandoc.note)
    report("briefing build: the same 6 files", str(ours), ours.note)
    report("speed-up over pandoc", f"{pandoc.wall / ours.wall:.2f}x",
           f"target >= 2x; CPU ratio {pandoc.cpu / ours.cpu:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--briefs", type=int, default=50, help="copies for (c) and (d) (default 50)")
    parser.add_argument("--only", default="a,b,c,d,e", help="comma-separated benchmarks to run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds for (a) and (e) (default 3)")
    args = parser.parse_args()
    chosen = set(args.only.split(","))
    print(f"{os.cpu_count()} CPUs; load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        work = Path(folder)
        steps: list[tuple[str, Callable[[], None]]] = [
            ("a", lambda: bench_full_build(work, args.rounds)),
            ("b", lambda: bench_noop(work)),
            ("d", lambda: bench_many(work, args.briefs)),
            ("e", lambda: bench_pandoc(work / "e-html", args.rounds)),
        ]
        for name, step in steps:
            if name in chosen or (name == "d" and "c" in chosen):
                if name == "e":
                    (work / "e-html").mkdir()
                step()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
