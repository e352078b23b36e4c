"""`briefing check`: validate brief files and verify their quotes, one summary line per brief;
with --coverage, which paragraphs of each source the quotes cite."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from compiler.commands import NO_BRIEFS, find_briefs, refuse_environment
from compiler.content import Brief, check_brief
from compiler.content.coverage import Coverage, measure_coverage
from compiler.content.limits import MAX_PROBLEMS
from compiler.content.quotes import quote_entries
from compiler.diagnostics import BriefError, Problem, escape_controls, plural


def run(args: argparse.Namespace) -> int:
    """Check every brief named (or all in content/); 0 if all are clean, 1 if any has problems."""
    if refuse_environment():
        return 2
    briefs = find_briefs(args.briefs)
    if not briefs:
        print(NO_BRIEFS, file=sys.stderr)
        return 1
    failed = 0
    reports = []
    for path in briefs:
        brief, problems = check_one(path)
        print_problems(problems)
        failed += brief is None
        if args.format == "json":
            reports.append(describe_json(path, brief, problems, args.coverage))
            continue
        print(escape_controls(f"{path}: {summarise(brief, problems)}"), flush=True)
        if args.coverage and brief is not None:
            print("\n".join(coverage_lines(measure_coverage(brief))), flush=True)
    if args.format == "json":
        print(json.dumps({"briefs": reports}, ensure_ascii=False, indent=2))
    return 1 if failed else 0


def check_one(path: Path) -> tuple[Brief | None, list[Problem]]:
    """check_brief, then glyph coverage; any unforeseen failure becomes a problem so other briefs still run."""
    try:
        brief, problems = check_brief(path)
        if brief is None:
            return brief, problems
        uncovered = check_glyphs(brief) or check_pages(brief)
        return (None, uncovered) if uncovered else (brief, problems)
    except Exception as error:  # noqa: BLE001 - one brief must never stop the others
        return None, [Problem(str(path), 1, 1, "", f"internal error while checking "
                              f"({type(error).__name__}: {error}); please report it")]


def check_glyphs(brief: Brief) -> list[Problem]:
    """Fields holding a character the document fonts cannot draw, so `check` refuses what `build` would.

    Without the fonts installed, `check` still checks the rest, and says what it could not.
    """
    from compiler.fonts import FontsMissing, require_glyphs

    try:
        require_glyphs(brief)
    except BriefError as error:
        return error.problems
    except FontsMissing as error:
        print(escape_controls(f"{brief.path}: warning: characters not checked against the document fonts: {error}"),
              file=sys.stderr)
    return []


def check_pages(brief: Brief) -> list[Problem]:
    """What a document's page cannot hold, so `check` refuses what `build` would.

    On both papers, as `build --paper` may set either whatever the brief says; one problem per place,
    the shorter paper's (Letter), which is the tighter.
    """
    from compiler.factsheet import may_not_fit

    if not may_not_fit(brief):  # most briefs: no layout, so `check` loads no rendering engine
        return []
    from compiler.document import BuildOptions
    from compiler.render import check_layout

    found: dict[tuple[int, int, str], Problem] = {}
    for paper in ("letter", "a4"):
        for problem in check_layout(brief, BuildOptions(paper=paper)):
            found.setdefault((problem.line, problem.column, problem.path), problem)
    return sorted(found.values())


def print_problems(problems: list[Problem]) -> None:
    """Each problem on stderr, the first MAX_PROBLEMS of them: past that, more would only bury them."""
    for problem in problems[:MAX_PROBLEMS]:
        print(problem, file=sys.stderr)
    if len(problems) > MAX_PROBLEMS:
        print(escape_controls(f"{problems[0].file}: {len(problems) - MAX_PROBLEMS} more problems not shown; "
                              "fix these first"), file=sys.stderr)


def summarise(brief: Brief | None, problems: list[Problem]) -> str:
    """`ok: 12 claims, 19 quotes verified against sources/x.txt`, or `2 errors`."""
    if brief is None:
        return plural(len(problems), "error")
    claims = plural(len(brief.data["claims"]), "claim")
    quotes = plural(sum(1 for _ in quote_entries(brief.data)), "quote")
    if brief.quotes_checked:
        return f"ok: {claims}, {quotes} verified against {brief.data['source']['text']}"
    return f"ok: {claims}, {quotes} unchecked (no source.text)"


def coverage_lines(coverage: Coverage | None) -> list[str]:
    """The coverage table under a brief's summary line, then its longest uncited stretches."""
    if coverage is None:
        return ["  no coverage: the brief names no source.text to lay its quotes over"]
    lines = [f"  quotes cite {len(coverage.cited)} of {plural(len(coverage.paragraphs), 'paragraph')} "
             f"of {coverage.source} ({coverage.cited_words} of {plural(coverage.words, 'word')})",
             f"  {'¶':>4}  {'words':>5}  cited by"]
    for paragraph in coverage.paragraphs:
        cited = ", ".join(paragraph.cited_by) or "not cited"
        lines.append(f"  {paragraph.number:>4}  {paragraph.words:>5}  {cited}")
    longest = coverage.longest_uncited()
    if not longest:
        return [*lines, "  every paragraph is cited"]
    lines.append("  longest uncited:")
    for stretch in longest:
        lines.append(f"    ¶{stretch.span}: {plural(stretch.paragraphs, 'paragraph')}, "
                     f"{plural(stretch.words, 'word')}, from \"{stretch.opening}\"")
    return lines


def describe_json(path: Path, brief: Brief | None, problems: list[Problem], coverage: bool
                  ) -> dict[str, object]:
    """One brief's result for `--format json`: its problems and, if asked for, its coverage."""
    report: dict[str, object] = {"brief": str(path), "ok": brief is not None,
                                 "problems": [asdict(problem) for problem in problems]}
    if coverage:
        measured = measure_coverage(brief) if brief is not None else None
        report["coverage"] = coverage_json(measured) if measured is not None else None
    return report


def coverage_json(coverage: Coverage) -> dict[str, object]:
    """Coverage as plain data: totals, every paragraph, every uncited stretch longest first."""
    return {
        "source": coverage.source,
        "paragraphs": len(coverage.paragraphs),
        "cited": len(coverage.cited),
        "words": coverage.words,
        "cited_words": coverage.cited_words,
        "table": [{"paragraph": p.number, "words": p.words, "cited_by": list(p.cited_by)}
                  for p in coverage.paragraphs],
        "uncited": [{"first": s.first, "last": s.last, "paragraphs": s.paragraphs, "words": s.words,
                     "opening": s.opening} for s in coverage.longest_uncited(len(coverage.paragraphs))],
    }
