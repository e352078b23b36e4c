"""Build benchmarks (`make bench`): each prints its figures beside its peers, measured in the same run.

  a  the SCO brief's six files (PDF and Word) from a cold process, rebuilt with --force (the
     planners' measurements kept from the last build) and built first into an empty folder, beside
     WeasyPrint alone on the same final HTML, pandoc 2.17 with WeasyPrint, and pandoc 3 with Typst
     (alternating rounds; min and median); then the 35-claim case (tests/cases/size-35) built cold
  b  a rebuild with nothing to do
  p  the slide planner's split step on a group of 50 and of 500 items
  n  the nightly case: N briefs built, 5 changed (a sentence added to each one's bottom line),
     rebuilt; beside pandoc 3 + Typst rebuilding all N
  d  24 briefs with --jobs 1 and --jobs 2, as a share of the machine's limit (cores / CPU of a brief)
  m  peak memory of any one process building 50 and 500 small briefs
  f  a save (a real edit) in a warm `briefing preview` process, beside a cold `briefing build`

Usage: bench/run.py [--briefs N] [--only a,b,...] [--rounds R]. Timings are wall clock of whole
processes, with their CPU time (user + system, workers included) beside them; the machine's load
average is printed, since other work on it skews them. Sides measured against each other alternate
over R rounds, and both the fastest and the median run of each are shown.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure the compiler in this tree, even if another is installed
SCO = ROOT / "content" / "sco-2012.yaml"
PYTHON = sys.executable
BUILD = [PYTHON, "-m", "compiler", "build"]
SIZE_35 = ROOT / "tests" / "cases" / "size-35" / "brief.yaml"
SMALL = ROOT / "tests" / "cases" / "minimal" / "brief.yaml"
SIX_FILES = "briefing build --force --format pdf,docx: six files"
DEFAULT_FILES = 7  # memo, slides and factsheet as PDF and Word, the deck as PowerPoint

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

# pandoc 3 writes Typst; the `typst` package (Typst's compiler, as a Python module) makes the PDFs.
TYPST_COMPILE = """
import sys, typst
for source in sys.argv[1:]:
    typst.compile(source, output=source[:-4] + ".pdf")
"""
# pandoc 3.9 writes the keywords meta as bare Typst words, which Typst 0.15 cannot parse.
KEYWORDS_META = re.compile(r'<meta name="keywords"[^>]*>')


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


@dataclass(frozen=True)
class Sample:
    """Several runs of one side: the fastest (least disturbed by other work) and the median."""

    runs: tuple[Timing, ...]

    @property
    def best(self) -> Timing:
        return min(self.runs, key=lambda timing: timing.wall)

    @property
    def median(self) -> float:
        return statistics.median(timing.wall for timing in self.runs)

    def __str__(self) -> str:
        return f"{self.best.wall:.2f} / {self.median:.2f} s"

    @property
    def note(self) -> str:
        return f"(CPU {self.best.cpu:.2f} / {statistics.median(t.cpu for t in self.runs):.2f} s)"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], **kwargs: object) -> tuple[Timing, subprocess.CompletedProcess]:
    """Wall and CPU time of one process (with its workers), and its result."""
    cpu, start = children_cpu(), time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, **kwargs)
    return Timing(time.perf_counter() - start, children_cpu() - cpu), result


def timed(step: Callable[[], None]) -> Timing:
    """Wall and CPU time of the processes a step runs."""
    cpu, start = children_cpu(), time.perf_counter()
    step()
    return Timing(time.perf_counter() - start, children_cpu() - cpu)


def alternate(rounds: int, *sides: Callable[[], Timing]) -> list[Sample]:
    """Run each side once per round, in turn, so that a burst of other work does not land on one only."""
    samples: list[list[Timing]] = [[] for _ in sides]
    for _ in range(rounds):
        for side, runs in zip(sides, samples):
            runs.append(side())
    return [Sample(tuple(runs)) for runs in samples]


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
    return sum(1 for path in out.rglob("*.*")
               if path.suffix in (".pdf", ".docx", ".pptx") and ".new." not in path.name)


def report(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<50} {value:>16}  {note}")


def render_html_files(brief_path: Path, folder: Path) -> list[Path]:
    """A brief's three documents as their final HTML (what WeasyPrint and pandoc get as input)."""
    from compiler.content import load_brief
    from compiler.doctypes import DOCUMENT_TYPES
    from compiler.document import BuildOptions
    from compiler.render import render_html

    brief = load_brief(brief_path)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for doctype in DOCUMENT_TYPES:
        path = folder / f"{doctype.name}.html"
        path.write_text(render_html(brief, doctype, BuildOptions()).html, encoding="utf-8")
        paths.append(path)
    return paths


def copy_briefs(folder: Path, count: int, brief: Path = SCO) -> list[Path]:
    """`count` copies of a brief (with its source text, if it has one) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    if (brief.parent / "sources").is_dir():
        shutil.copytree(brief.parent / "sources", folder / "sources", dirs_exist_ok=True)
    text = brief.read_text(encoding="utf-8")
    briefs = [folder / f"brief-{number:03}.yaml" for number in range(1, count + 1)]
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


def full_build(brief: Path, out: Path, *extra: str) -> Timing:
    """A forced build of one brief in a fresh process (what the last build measured is kept)."""
    return build([brief], out, "--force", *extra)[0]


def first_build(brief: Path, out: Path, *extra: str) -> Timing:
    """A brief's first build, in a fresh process, into an empty folder."""
    shutil.rmtree(out, ignore_errors=True)
    return build([brief], out, *extra)[0]


def pandoc3() -> str | None:
    """The pandoc 3 binary that pypandoc-binary carries (installed by `make bench`), if any."""
    try:
        import pypandoc
    except ImportError:
        return None
    return pypandoc.get_pandoc_path()


def check(command: list[str], **kwargs: object) -> None:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr}")


def pandoc_weasyprint(html: list[Path]) -> None:
    """What a user would script with Debian's pandoc 2.17: per document, PDF by WeasyPrint, and DOCX."""
    from compiler.doctypes import document_type
    from compiler.locations import TEMPLATES_DIR

    # The venv's `weasyprint` command: the same WeasyPrint version our build uses.
    env = {**os.environ, "PATH": f"{Path(PYTHON).parent}{os.pathsep}{os.environ['PATH']}"}
    for path in html:
        # pandoc drops the document's own <link>/<style>; hand it our stylesheet for a like-for-like layout.
        css = TEMPLATES_DIR / document_type(path.stem).stylesheet
        check(["pandoc", str(path), "--css", str(css), "--pdf-engine=weasyprint",
               "-o", str(path.with_suffix(".pdf"))], env=env)
        check(["pandoc", str(path), "-o", str(path.with_suffix(".docx"))])


def pandoc_typst(pandoc: str, html: list[Path]) -> None:
    """The same with pandoc 3 and Typst: per document, Typst source then PDF, and DOCX."""
    sources = []
    for path in html:
        page = path.with_name(path.stem + ".typst.html")
        page.write_text(KEYWORDS_META.sub("", path.read_text(encoding="utf-8")), encoding="utf-8")
        source = path.with_suffix(".typ")
        check([pandoc, str(page), "-s", "-t", "typst", "-o", str(source)])
        check([pandoc, str(path), "-o", str(path.with_suffix(".docx"))])
        sources.append(str(source))
    check([PYTHON, "-c", TYPST_COMPILE, *sources])


def bench_full_build(work: Path, rounds: int) -> None:
    """(a) The SCO brief's six files from a cold process, beside its peers on the same final HTML."""
    print(f"(a) content/sco-2012.yaml, cold process; fastest / median of {rounds}, alternating")
    html = render_html_files(SCO, work / "html")
    six = ("--format", "pdf,docx")
    sides: dict[str, Callable[[], Timing]] = {
        SIX_FILES: lambda: full_build(SCO, work / "six", *six),
        "the same, first build (nothing measured before)": lambda: first_build(SCO, work / "six-first", *six),
        "WeasyPrint alone: the same 3 final HTML to PDF": lambda: weasyprint_alone(html),
        "briefing build --force, 7 files (default formats)": lambda: full_build(SCO, work / "ours"),
        "briefing build --force --format pdf (the 3 PDFs)": lambda: full_build(SCO, work / "pdf", "--format",
                                                                              "pdf"),
    }
    if shutil.which("pandoc"):
        sides["pandoc 2.17 + WeasyPrint: 3 PDF + 3 DOCX"] = lambda: timed(lambda: pandoc_weasyprint(html))
    pandoc = pandoc3()
    if pandoc:
        sides["pandoc 3 + Typst: 3 PDF + 3 DOCX"] = lambda: timed(lambda: pandoc_typst(pandoc, html))
    samples = dict(zip(sides, alternate(rounds, *sides.values())))
    for label, sample in samples.items():
        report(label, str(sample), sample.note)
    alone = samples["WeasyPrint alone: the same 3 final HTML to PDF"]
    for label in (SIX_FILES, "the same, first build (nothing measured before)"):
        ours = samples[label]
        name = "six files" if label == SIX_FILES else "six files, first build"
        report(f"{name} / WeasyPrint alone, wall", f"{ours.best.wall / alone.best.wall:.2f}", "target <= 1.0")
        report(f"{name} / WeasyPrint alone, CPU", f"{ours.best.cpu / alone.best.cpu:.2f}", "target <= 1.2")
    ours = samples[SIX_FILES]
    for label in ("pandoc 2.17 + WeasyPrint: 3 PDF + 3 DOCX", "pandoc 3 + Typst: 3 PDF + 3 DOCX"):
        if label in samples:
            report(f"{label.split(':')[0]} / ours, wall", f"{samples[label].best.wall / ours.best.wall:.2f}")
    if not pandoc:
        print("  pandoc 3 + Typst not measured: `make bench` installs them (requirements-bench.lock)")
    if SIZE_35.exists():
        (big,) = alternate(rounds, lambda: full_build(SIZE_35, work / "size-35"))
        report("briefing build tests/cases/size-35 (35 claims)", str(big),
               f"{big.note} {count_outputs(work / 'size-35')} files")


def bench_noop(work: Path) -> None:
    """(b) A rebuild with nothing changed."""
    print("(b) rebuild with nothing changed")
    _, first = build([SCO], work / "b")
    if first.returncode:  # a failed output stays out of date, so every run would retry it
        errors = [line for line in first.stderr.splitlines() if "warning:" not in line]
        print(f"  not measured: the build fails ({errors[0] if errors else first.stdout})")
        return
    quickest, median = best_of(7, [*BUILD, "--out", str(work / "b"), str(SCO)])
    baseline, _ = best_of(7, [PYTHON, "-c", "pass"])
    report("no-op briefing build (min / median of 7)", f"{quickest:.3f} s", f"median {median:.3f} s; "
           "target < 0.1 s")
    report("python -c pass (interpreter start-up)", f"{baseline:.3f} s")


def bench_nightly(work: Path, count: int, rounds: int) -> None:
    """(n) The nightly case: `count` briefs built before, 5 changed, rebuilt; pandoc 3 + Typst redo all."""
    print(f"(n) nightly: {count} briefs, 5 changed; fastest / median of {rounds}, alternating")
    briefs = copy_briefs(work / "nightly", count)
    first, _ = build(briefs, work / "nightly-out")
    report(f"first build of all {count} (not compared)", str(first), first.note)
    pandoc = pandoc3()
    html = render_html_files(SCO, work / "nightly-html")
    edits = iter(range(10**6))

    def ours() -> Timing:
        for path in briefs[:: max(1, count // 5)][:5]:
            edit_bottom_line(path, next(edits))
        return build(briefs, work / "nightly-out")[0]

    def theirs() -> Timing:
        # Without a build system of its own, a script redoes every brief; two at a time, one per core.
        folders = [work / "nightly-pandoc" / f"{number:03}" for number in range(count)]
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
            for path in html:
                shutil.copy(path, folder / path.name)

        def one(folder: Path) -> None:
            pandoc_typst(pandoc, [folder / path.name for path in html])

        def every() -> None:
            with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
                list(pool.map(one, folders))
        return timed(every)

    if not pandoc:
        (mine,) = alternate(rounds, ours)
        report("briefing build, 5 changed", str(mine), mine.note)
        print("  pandoc 3 + Typst not measured: `make bench` installs them (requirements-bench.lock)")
        return
    mine, peer = alternate(rounds, ours, theirs)
    report("briefing build, 5 changed", str(mine), mine.note)
    report(f"pandoc 3 + Typst, all {count} rebuilt (2 at a time)", str(peer), peer.note)
    report("speed-up over pandoc 3 + Typst", f"{peer.best.wall / mine.best.wall:.1f}x", "target >= 10x")


def bench_jobs(work: Path, count: int = 24) -> None:
    """(d) `count` briefs, --jobs 1 vs --jobs 2, as a share of what the machine's cores allow."""
    print(f"(d) {count} briefs, --jobs 1 vs --jobs 2")
    briefs = copy_briefs(work / "jobs", count)
    one, _ = build(briefs, work / "jobs1", "--jobs", "1")
    two, result = build(briefs, work / "jobs2", "--jobs", "2")
    cores = os.cpu_count() or 1
    # The limit: every core busy with nothing but briefs, each costing what it costs a warm process.
    per_brief = one.cpu / count
    limit = cores / per_brief
    achieved = count / two.wall
    report(f"--jobs 1 ({count_outputs(work / 'jobs1')} files)", str(one), one.note)
    report(f"--jobs 2 ({count_outputs(work / 'jobs2')} files)", str(two), f"{two.note} exit {result.returncode}")
    report("speed-up jobs 2 / jobs 1", f"{one.wall / two.wall:.2f}x")
    report(f"machine's limit: {cores} cores / {per_brief:.2f} CPU-s a brief", f"{limit:.2f} briefs/s")
    report("--jobs 2 as a share of that limit", f"{achieved / limit:.0%}",
           f"{achieved:.2f} briefs/s; target >= 90%")


MAX_RSS = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_rss(briefs: list[Path], out: Path) -> tuple[float, Timing]:
    """The largest resident set (MiB) of any one process of a build (the build or a worker), and its time."""
    seconds, result = run([PYTHON, "-c", MAX_RSS, *BUILD, "--out", str(out), *map(str, briefs)])
    return int(result.stdout.strip()) / 1024, seconds


def bench_memory(work: Path, counts: tuple[int, int] = (50, 500)) -> None:
    """(m) Peak memory per process as the number of briefs grows tenfold (small briefs, to keep it short)."""
    print(f"(m) peak memory of any one process, {counts[0]} vs {counts[1]} briefs "
          f"({SMALL.relative_to(ROOT)} copies)")
    peaks = []
    for count in counts:
        peak, seconds = peak_rss(copy_briefs(work / f"rss-{count}", count, SMALL), work / f"rss-{count}-out")
        peaks.append(peak)
        report(f"{count} briefs", f"{peak:.0f} MiB", f"built in {seconds}")
    report(f"growth {counts[0]} -> {counts[1]} briefs", f"{peaks[1] / peaks[0] - 1:+.0%}",
           "target within 10%, and under 150 MiB")


def edit_bottom_line(path: Path, edit: int) -> None:
    """A real edit: a sentence more at the start of the brief's bottom line, so every document's pages move
    (and the planners measure again)."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("bottom_line: >\n", f"bottom_line: >\n    Edit {edit}.\n", 1), encoding="utf-8")


def save_and_wait(preview: subprocess.Popen, brief: Path, edit: int) -> Timing:
    """Save a changed brief; the time until the preview says all its files are written."""
    start = time.perf_counter()
    edit_bottom_line(brief, edit)
    line = preview.stdout.readline()
    if f"wrote {DEFAULT_FILES} files" not in line:
        sys.exit(f"the preview did not rebuild: {line!r}")
    return Timing(time.perf_counter() - start, 0.0)


def bench_preview(work: Path, rounds: int) -> None:
    """(f) Save to updated files in a warm preview process, beside a cold build of the same brief."""
    print(f"(f) a save that rewrites {DEFAULT_FILES} files: warm preview vs cold build; fastest / median of "
          f"{rounds}, alternating")
    (brief,) = copy_briefs(work / "content", 1)
    preview = subprocess.Popen([PYTHON, "-m", "compiler", "preview", "--out", str(work / "out")], cwd=work,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        preview.stdout.readline()  # its address
        preview.stdout.readline()  # its first build
        (other,) = copy_briefs(work / "cold", 1)
        build([other], work / "cold-out")
        edits = iter(range(1, 2 * rounds + 1))

        def cold() -> Timing:  # the same edit, then a build in a fresh process
            edit_bottom_line(other, next(edits))
            return build([other], work / "cold-out")[0]

        warm, cold = alternate(rounds, lambda: save_and_wait(preview, brief, next(edits)), cold)
    finally:
        preview.terminate()
        preview.wait()
    report(f"save to {DEFAULT_FILES} updated files, warm preview", str(warm))
    report("the same edit, briefing build in a cold process", str(cold), cold.note)
    report("warm / cold, wall", f"{warm.best.wall / cold.best.wall:.2f}", "target < 0.5")


def planner_extent(count: int) -> object:
    """A group of `count` measured items of mixed heights, each cut after every line, on a 500 px slide."""
    from compiler.slides import Block, Cut, Extent

    blocks, top = [], 0.0
    for index in range(count):
        height, line = 40.0 + index % 7 * 30, 30.0
        cuts = [Cut(top + line * (n + 1), 0, 40 * (n + 1), line) for n in range(int(height // line))]
        blocks.append(Block(top, top + height, cuts))
        top += height + 8
    return Extent(blocks, None, 500.0, 500.0)


def bench_planner() -> None:
    """(p) The slide planner's split step on one group of 50 and of 500 items (the schema's limit)."""
    from compiler.slides import plan_runs

    print("(p) the planner's split step, one group; fastest of 5")
    times = {}
    for count in (50, 500):
        extent = planner_extent(count)
        times[count] = min(timed(lambda: plan_runs(extent)).wall for _ in range(5))
        report(f"{count} items", f"{times[count] * 1000:.1f} ms", "target < 100 ms" if count == 500 else "")
    report("500 / 50 items, time", f"{times[500] / times[50]:.1f}x", "10x is linear")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--briefs", type=int, default=200, help="briefs in the nightly case (default 200)")
    parser.add_argument("--only", default="a,b,p,n,d,m,f", help="comma-separated benchmarks to run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    args = parser.parse_args()
    chosen = set(args.only.split(","))
    print(f"{os.cpu_count()} CPUs; load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        work = Path(folder)
        steps: dict[str, Callable[[], None]] = {
            "a": lambda: bench_full_build(work / "a", args.rounds),
            "b": lambda: bench_noop(work / "b"),
            "p": bench_planner,
            "n": lambda: bench_nightly(work / "n", args.briefs, args.rounds),
            "d": lambda: bench_jobs(work / "d"),
            "m": lambda: bench_memory(work / "m"),
            "f": lambda: bench_preview(work / "f", args.rounds),
        }
        for name, step in steps.items():
            if name in chosen:
                step()
                print(f"  load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
