"""`briefing preview`: the documents in the browser, rebuilt and reloaded on every save."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import TYPE_CHECKING

from compiler.commands import find_briefs
from compiler.commands.watch import print_rebuild, watcher_for

if TYPE_CHECKING:
    from compiler.preview import PreviewServer, PreviewState


def run(args: argparse.Namespace) -> int:
    """Serve the preview and rebuild on save until Ctrl-C; then 0."""
    from compiler.preview import PreviewState

    state = PreviewState(args.out)
    watcher = watcher_for(args, starting=state.start)
    server = open_server(args.port, state) if watcher else None
    if server is None:
        return 1
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    print(f"preview at {server.url}; Ctrl-C to stop", flush=True)
    try:
        for rebuild in watcher.rebuilds():
            state.publish(rebuild, find_briefs(args.briefs))
            print_rebuild(rebuild)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
    print("preview stopped", flush=True)
    return 0


def open_server(port: int, state: PreviewState) -> PreviewServer | None:
    """The preview's server on 127.0.0.1, with what it reads PDFs with loaded; None after saying why not."""
    from compiler.preview import PreviewServer
    from compiler.preview.pages import load_page_reader

    try:
        load_page_reader()  # before any thread starts: workers forked later find no import half done
    except ImportError as error:
        print(f"the preview needs {error.name} to show PDF pages; run `make build` to install it",
              file=sys.stderr)
        return None
    try:
        return PreviewServer(port, state)
    except OSError as error:
        print(f"cannot serve on 127.0.0.1:{port}: {error.strerror or error}; choose another --port",
              file=sys.stderr)
        return None
