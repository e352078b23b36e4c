"""`briefing watch`: rebuild on every save of a brief, its source text, a template or a stylesheet."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from compiler.build import BuildRequest
from compiler.commands import CONTENT_DIR, find_briefs
from compiler.document import BuildOptions
from compiler.watch import Rebuild, Watcher, relative


def run(args: argparse.Namespace) -> int:
    """Build, then rebuild after each save, one line per rebuild, until Ctrl-C; then 0."""
    watcher = watcher_for(args)
    if watcher is None:
        return 1
    print(f"watching {', '.join(f'{relative(folder)}/' for folder in watcher.folders)}; "
          "Ctrl-C to stop", flush=True)
    try:
        for rebuild in watcher.rebuilds():
            print_rebuild(rebuild)
    except KeyboardInterrupt:
        pass
    print("stopped watching", flush=True)
    return 0


def print_rebuild(rebuild: Rebuild) -> None:
    """Each problem on stderr, then the rebuild's one line."""
    for report in rebuild.reports:
        print(report, file=sys.stderr, flush=True)
    print(rebuild.summary(), flush=True)


def watcher_for(args: argparse.Namespace, **hooks: Callable[[list[Path]], None]) -> Watcher | None:
    """A watcher of the briefs the command line names (or all in content/, as they come and go);
    None, after saying why, if a folder to watch is missing."""
    folders = sorted({path.parent for path in args.briefs}) if args.briefs else [CONTENT_DIR]
    watcher = Watcher(lambda: build_request(args), folders, **hooks)
    missing = [folder for folder in watcher.folders if not folder.is_dir()]
    if missing:
        print(f"{relative(missing[0])}: no such folder; name a brief file, or run this where content/ is",
              file=sys.stderr)
        return None
    return watcher


def build_request(args: argparse.Namespace) -> BuildRequest:
    """The build each save asks for: every output that is out of date, of the briefs named or of
    every brief in content/ now. It runs in this process, or in workers forked from it, so the
    engines it loaded once serve every rebuild."""
    from compiler.commands.build import default_jobs
    from compiler.reproducible import environment_epoch

    options = BuildOptions(paper=args.paper, source_date_epoch=environment_epoch())
    return BuildRequest(briefs=find_briefs(args.briefs), out=args.out, formats=args.format,
                        options=options, jobs=args.jobs or default_jobs())
