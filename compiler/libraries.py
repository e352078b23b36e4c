"""Loading WeasyPrint's system libraries (Pango, HarfBuzz, fontconfig) without spawning processes.

WeasyPrint tries several names for each library, for Windows, macOS and Linux alike. cffi answers a
name that is not a loadable file by asking `ctypes.util.find_library`, which on Linux runs `ldconfig`,
`gcc` and `ld` (about 50 processes, 0.14 s of every cold build). Each list ends with the exact Linux
file name (`libpango-1.0.so.0`), which the dynamic loader opens directly; so while WeasyPrint loads,
the other names are simply reported missing. Should that ever fail (a system whose libraries only
`find_library` can locate), WeasyPrint is loaded again the ordinary way.
"""

from __future__ import annotations

import ctypes.util
import importlib
import sys
from contextlib import contextmanager
from collections.abc import Iterator


@contextmanager
def exact_names_only() -> Iterator[None]:
    """`ctypes.util.find_library` finds nothing, without running a process, inside this block."""
    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = original


def load_weasyprint() -> None:
    """Import WeasyPrint's library bindings, by exact file names on Linux (no subprocess)."""
    if "weasyprint.text.ffi" in sys.modules or not sys.platform.startswith("linux"):
        return
    try:
        with exact_names_only():
            importlib.import_module("weasyprint.text.ffi")
    except OSError:
        importlib.import_module("weasyprint.text.ffi")
