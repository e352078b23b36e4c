"""Bounds on the work one output may take, so that a brief built to explode stops with a message.

A brief within every content limit can still multiply: 200 goals each citing 200 claims made 18 MB of
slide HTML from a 270 KB file, and over 2.5 GB of memory within a minute of layout. Three bounds, each
far above what a real brief needs (about 50 KB of HTML, a few seconds, a few hundred MB):
the size of a document's HTML (checked before layout, so it costs nothing), the time one output may
take, and the memory its process may hold.
"""

from __future__ import annotations

import math
import os
import resource
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from compiler.diagnostics import ExpectedError

MAX_HTML_BYTES = 4 * 2**20
"""Largest rendered HTML of one document (4 MiB; a real brief makes 15 to 50 KB)."""

RENDER_SECONDS = 300
"""Longest one output (a document in one format) may take to render and write."""

RENDER_MEMORY_BYTES = 4 * 2**30
"""Most address space the process may hold while rendering one output (4 GiB)."""

# Environment variables that override the bounds above (0: no bound).
HTML_VARIABLE = "BRIEFING_MAX_HTML_MB"
SECONDS_VARIABLE = "BRIEFING_RENDER_SECONDS"
MEMORY_VARIABLE = "BRIEFING_RENDER_MEMORY_MB"


class LimitExceeded(ExpectedError):
    """An output went past one of the bounds; the message names it and what to do."""


LARGEST_SETTING = 10**9
"""Largest value a bound may be set to, in its unit (a billion seconds or MiB: no bound in practice)."""


class SettingRefused(ExpectedError):
    """A BRIEFING_* bound set to something other than a number from 0 to LARGEST_SETTING."""


def read_setting(variable: str, default: float, scale: float = 1) -> float:
    """A bound from the environment (in its unit, times `scale`), else the default; SettingRefused when
    it is set to anything but a number from 0 (no bound) to LARGEST_SETTING: `nan`, `inf`, `abc`, -1."""
    setting = os.environ.get(variable, "").strip()
    if not setting:
        return default
    try:
        value = float(setting)
    except ValueError:
        value = math.nan
    if not 0 <= value <= LARGEST_SETTING:  # also false for nan
        raise SettingRefused(f"{variable}={setting[:20]!r} is not a number from 0 (no bound) to "
                             f"{LARGEST_SETTING}; set one, or unset it for the default")
    return value * scale


def check_settings() -> list[str]:
    """Why each BRIEFING_* bound the environment sets cannot be used (empty when all can)."""
    problems = []
    for variable in (HTML_VARIABLE, SECONDS_VARIABLE, MEMORY_VARIABLE):
        try:
            read_setting(variable, 0)
        except SettingRefused as error:
            problems.append(str(error))
    return problems


def check_html_size(html: str, label: str) -> None:
    """LimitExceeded when a document's HTML is too large to lay out in reasonable time and memory."""
    limit = read_setting(HTML_VARIABLE, MAX_HTML_BYTES, 2**20)
    size = len(html.encode("utf-8"))
    if 0 < limit < size:
        raise LimitExceeded(
            f"{label}: would be {size / 2**20:.1f} MiB of HTML, more than the {limit / 2**20:g} MiB limit "
            f"({HTML_VARIABLE}; a real brief makes about 50 KB); shorten the brief, for instance goals "
            "citing fewer claims")


@contextmanager
def render_bounds(label: str) -> Iterator[None]:
    """Bound the time and memory of the block (one output); LimitExceeded names `label`."""
    seconds = read_setting(SECONDS_VARIABLE, RENDER_SECONDS)
    with time_bound(seconds, f"{label}: took longer than {seconds:g} s, the limit for one output "
                    f"({SECONDS_VARIABLE}); shorten the brief"), \
            memory_bound(read_setting(MEMORY_VARIABLE, RENDER_MEMORY_BYTES, 2**20)):
        try:
            yield
        except MemoryError:
            raise LimitExceeded(f"{label}: needed more than the memory limit of "
                                f"{read_setting(MEMORY_VARIABLE, RENDER_MEMORY_BYTES, 2**20) / 2**30:g} "
                                f"GiB ({MEMORY_VARIABLE}); shorten the brief") from None


@contextmanager
def time_bound(seconds: float, message: str) -> Iterator[None]:
    """Raise LimitExceeded(message) inside the block once it has run `seconds` (main thread only; 0: none).

    Inside another bound that ends sooner, that one stands; one that ends later is restored after.
    """
    outer, _ = signal.getitimer(signal.ITIMER_REAL) if seconds > 0 else (0.0, 0.0)
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or 0 < outer <= seconds:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise LimitExceeded(message)

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 0.001))


@contextmanager
def memory_bound(limit: float) -> Iterator[None]:
    """Cap this process's address space inside the block (restored after); 0: none."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    capped = int(limit) if hard == resource.RLIM_INFINITY else min(int(limit), hard)
    if limit <= 0 or (soft != resource.RLIM_INFINITY and soft <= capped):
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (capped, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
