"""Byte-identical outputs: nothing in a file depends on when, or in which time zone, it was built.

One rule for every format's dates: SOURCE_DATE_EPOCH when set, else midnight UTC of the brief's date.
PDFs need no pass of their own: WeasyPrint writes no /ID unless asked and takes its dates from the
HTML's `dcterms.created`/`modified`, which carry `document_date`. The Word writer writes its package
pinned (`pinned_package`); PowerPoint files get `normalise_package` after writing, as their format
declares (compiler/writers/__init__.py).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

# Zip stores dates from 1980 to 2107 only.
ZIP_EPOCH = 315532800
ZIP_LAST_EPOCH = 4354819199  # 2107-12-31T23:59:59Z
LAST_EPOCH = 253402300799  # 9999-12-31T23:59:59Z: the last moment a date in a document can name
CORE_PROPERTIES = "docProps/core.xml"
CORE_DATE = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


class EpochRefused(ValueError):
    """SOURCE_DATE_EPOCH set to something that is not a moment a document can carry."""


def environment_epoch(environ: Mapping[str, str] = os.environ) -> int | None:
    """SOURCE_DATE_EPOCH when set (a whole number of seconds since 1970, up to the year 9999), else None;
    EpochRefused, with a message saying what to do, when it is set to anything else."""
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 12 or int(value) > LAST_EPOCH:
        raise EpochRefused(f"SOURCE_DATE_EPOCH={value[:20]!r} is not a number of seconds since 1970 up to the "
                           f"year 9999 (e.g. {ZIP_EPOCH}); set it to one, or unset it to date each brief by "
                           "its brief.date")
    return int(value)


def date_epoch(brief_date: object) -> int:
    """Midnight UTC of a brief's date ("2026-11-27", "2026-11" or "2026"): its default build time."""
    parts = [int(part) for part in str(brief_date or "1980")[:10].split("-")]
    year, month, day = (parts + [1, 1])[:3]
    return int(dt.datetime(year, month, day, tzinfo=dt.timezone.utc).timestamp())


def utc_datetime(epoch: int) -> dt.datetime:
    """The epoch as an aware UTC datetime (never local time, so the time zone cannot leak in)."""
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc)


def w3c_date(epoch: int) -> str:
    """`2026-11-27T00:00:00Z`: the W3C date form Word's core.xml takes."""
    return utc_datetime(epoch).strftime("%Y-%m-%dT%H:%M:%SZ")


def document_date(brief_date: object, epoch: int | None) -> str:
    """The date a document says it was made, for the HTML's dcterms tags: the build's epoch when it has
    one (the build always does), else the brief's own date as written."""
    return w3c_date(epoch) if epoch is not None else str(brief_date or "")


def normalise_package_bytes(data: bytes, epoch: int) -> bytes:
    """The same Office package with fixed zip entry times and attributes, and core dates set to the epoch.

    python-pptx stamps each zip entry with the local time of saving and core.xml with "now"; the
    entry order it writes is already stable, so it is kept.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return pinned_package(((entry.filename, source.read(entry)) for entry in source.infolist()), epoch)


def pinned_package(entries: Iterable[tuple[str, bytes]], epoch: int) -> bytes:
    """An Office package of these (name, content) entries, in this order, every entry stamped with the
    epoch (the Word writer writes its files so; others go through `normalise_package_bytes`)."""
    stamp = utc_datetime(min(max(epoch, ZIP_EPOCH), ZIP_LAST_EPOCH)).timetuple()[:6]
    date = w3c_date(epoch).encode()
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in entries:
            if name == CORE_PROPERTIES:
                content = CORE_DATE.sub(lambda m: m[1] + date + m[3], content)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, content, compresslevel=6)
    return output.getvalue()


def normalise_package(path: Path, epoch: int) -> None:
    """Rewrite an Office package in place with `normalise_package_bytes`."""
    path.write_bytes(normalise_package_bytes(path.read_bytes(), epoch))
