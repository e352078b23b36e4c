"""C array types for WeasyPrint's cffi calls: the very types cffi's parser makes, made without it."""

from __future__ import annotations

import pytest
from cffi import FFI

from compiler import layout  # noqa: F401 - installs the cache on WeasyPrint's FFI
from compiler.c_types import ParsedTypes, make_arrays_without_parsing


def test_weasyprint_s_ffi_makes_sized_arrays_without_the_parser() -> None:
    from weasyprint.text.ffi import ffi

    assert isinstance(ffi._parsed_types, ParsedTypes)
    array = ffi.new("hb_codepoint_t[3]", [7, 8, 9])
    assert list(array) == [7, 8, 9] and ffi.sizeof(array) == 3 * ffi.sizeof("hb_codepoint_t")


@pytest.mark.parametrize("declaration", ["unsigned int[5]", "char[4]", "my_id[2]", "my_pair[3]", "int[0]"])
def test_an_array_type_is_the_one_the_parser_gives(declaration: str) -> None:
    ffi = FFI()
    ffi.cdef("typedef unsigned long my_id; typedef struct { int a, b; } my_pair;")
    parsed = ffi.typeof(declaration)
    make_arrays_without_parsing(ffi)
    del ffi._parsed_types[declaration]  # forget the parser's answer: the cache makes it again

    assert ffi.typeof(declaration) is parsed
    assert declaration in ffi._parsed_types


def test_what_is_not_a_known_type_fails_as_cffi_says() -> None:
    parsing, made = FFI(), FFI()
    make_arrays_without_parsing(made)
    with pytest.raises(Exception) as theirs:
        parsing.typeof("no_such_type[3]")
    with pytest.raises(Exception) as ours:
        made.typeof("no_such_type[3]")

    assert (type(ours.value), str(ours.value)) == (type(theirs.value), str(theirs.value))
