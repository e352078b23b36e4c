"""Loading the system libraries (Pango, HarfBuzz, fontconfig) without spawning processes.

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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache


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


# HarfBuzz's functions the glyph check calls; each C type is only ever a pointer or a 32-bit number.
HARFBUZZ_FUNCTIONS = {
    "hb_blob_create_from_file": ([ctypes.c_char_p], ctypes.c_void_p),
    "hb_blob_destroy": ([ctypes.c_void_p], None),
    "hb_face_create": ([ctypes.c_void_p, ctypes.c_uint], ctypes.c_void_p),
    "hb_face_destroy": ([ctypes.c_void_p], None),
    "hb_face_get_glyph_count": ([ctypes.c_void_p], ctypes.c_uint),
    "hb_face_collect_unicodes": ([ctypes.c_void_p, ctypes.c_void_p], None),
    "hb_set_create": ([], ctypes.c_void_p),
    "hb_set_destroy": ([ctypes.c_void_p], None),
    "hb_set_union": ([ctypes.c_void_p, ctypes.c_void_p], None),
    "hb_set_has": ([ctypes.c_void_p, ctypes.c_uint32], ctypes.c_int),
    "hb_set_next_range": ([ctypes.c_void_p, ctypes.POINTER(ctypes.c_uint32), ctypes.POINTER(ctypes.c_uint32)],
                          ctypes.c_int),
}
HARFBUZZ_NAMES = ("libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll")


@lru_cache(maxsize=1)
def load_harfbuzz() -> ctypes.CDLL:
    """HarfBuzz (the library WeasyPrint's text is shaped with), by exact file name, with the argument
    and result types of the functions the glyph check calls; OSError if it is not installed."""
    library = open_library(HARFBUZZ_NAMES) or open_library([ctypes.util.find_library("harfbuzz")])
    if library is None:
        raise OSError("the HarfBuzz library (libharfbuzz) is not installed")
    for function, (arguments, result) in HARFBUZZ_FUNCTIONS.items():
        getattr(library, function).argtypes = arguments
        getattr(library, function).restype = result
    return library


def open_library(names: Iterable[str | None]) -> ctypes.CDLL | None:
    """The first of these shared libraries the dynamic loader opens; None if none."""
    for name in filter(None, names):
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None
