"""C array types for WeasyPrint's cffi calls, made without running cffi's C parser.

WeasyPrint hands HarfBuzz each font's glyphs as `ffi.new(f"hb_codepoint_t[{count}]", ...)`: every
new count is a new declaration, which cffi parses with pycparser (about 2 ms each, a dozen or more per
document, in every worker). An array of a named type is that type, parsed once, and a length; cffi's
backend gives the very type object the parser would (it keeps one object per C type).
"""

from __future__ import annotations

import re
from typing import Any

SIZED_ARRAY = re.compile(r"([A-Za-z_][A-Za-z_0-9]*)\[([0-9]+)\]")


class ParsedTypes(dict):
    """cffi's parsed declarations (declaration -> (type, is a function)); `name[N]` made on a miss."""

    def __init__(self, ffi: Any, parsed: dict) -> None:
        super().__init__(parsed)
        self.ffi = ffi

    def __missing__(self, declaration: object) -> tuple[Any, bool]:
        match = SIZED_ARRAY.fullmatch(declaration) if isinstance(declaration, str) else None
        if match is None:
            raise KeyError(declaration)  # cffi parses it, as it would
        backend = self.ffi._backend
        try:
            item = self.ffi.typeof(match[1])
            array = backend.new_array_type(backend.new_pointer_type(item), int(match[2]))
        except Exception:  # not a type of cffi's, or not one to make arrays of: cffi says so, as it would
            raise KeyError(declaration) from None
        self[declaration] = parsed = (array, False)
        return parsed


def make_arrays_without_parsing(ffi: Any) -> None:
    """Give `ffi` the parsed-declarations cache above (once; a cffi without these internals is left be)."""
    parsed = getattr(ffi, "_parsed_types", None)
    backend = getattr(ffi, "_backend", None)
    if (type(parsed) is dict and hasattr(backend, "new_array_type") and hasattr(backend, "new_pointer_type")):
        ffi._parsed_types = ParsedTypes(ffi, parsed)
