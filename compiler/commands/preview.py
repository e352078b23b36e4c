"""`briefing preview`: the documents in the browser, rebuilt and reloaded on every save."""

from __future__ import annotations

import argparse
import sys
import threading

from compiler.commands import find_briefs
from compiler.commands.watch import watcher_for


def run(args: argparse.Namespace) -> int:
    """Serve the preview and rebuild on save until Ctrl-C; then 0."""
    from compiler.preview import PreviewServer, PreviewState
    from compiler.preview.pages import load_page_reader

    state = PreviewState(args.out)
    watcher = watcher_for(args, starting=state.start)
    if watcher is None:
        return 1
    try:
        server = PreviewServer(args.port, state)
    except OSError as error:
        print(f"cannot serve on 127.0.0.1:{args.port}: {error.strerror or error}; "
              "choose another --port", file=sys.stderr)
        return 1
    load_page_reader()  # before any thread starts: workers forked later find no import half done
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    print(f"preview at {server.url}; Ctrl-C to stop", flush=True)
    try:
        for rebuild in watcher.rebuilds():
            server.state.publish(rebuild, find_briefs(args.briefs))
            for report in rebuild.reports:
                print(report, file=sys.stderr, flush=True)
            print(rebuild.summary(), flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
    print("preview stopped", flush=True)
    return 0
