"""Outputs that prove the compiler wrote them: each carries the hash of its own bytes.

The edited-file guard must not rest on the manifest alone (it can be lost or damaged). Every output
we write carries `briefing-sha256:<hash>`, the SHA-256 of the file with that hash replaced by its
placeholder: a Word file in its zip archive comment (appended after the hash is taken), a PDF as the
first string of its trailer's /ID (written by WeasyPrint as a placeholder of the same length, then
filled in, so no offset moves). Any edit breaks the match (Word and LibreOffice rewrite the whole zip
and drop the comment; Acrobat appends an update), the same bytes always carry the same hash, so outputs
stay byte-reproducible, and a file moved into place by hand (`mv memo.new.docx memo.docx`) still
proves itself.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from compiler.outputs import read_bounded

PREFIX = b"briefing-sha256:"
PDF_PREFIX = b"briefing-sha256-"  # in a PDF string: no character that needs escaping
PDF_PLACEHOLDER = PDF_PREFIX + b"0" * 64
"""What the PDF writer passes to WeasyPrint as the file identifier, filled in by `stamp`."""
PDF_STAMP = re.compile(rb"/ID\s*\[\s*\(" + PDF_PREFIX + rb"([0-9a-f]{64})\)")
COMMENT_LENGTH = len(PREFIX) + 64
END_RECORD = b"PK\x05\x06"  # the zip's end-of-central-directory record: 22 bytes, then the comment
END_RECORD_SIZE = 22
PDF_TRAILER_BYTES = 4096
"""How far from a PDF's end its trailer (holding /ID) is looked for."""
MAX_STAMPED_BYTES = 512 * 2**20
"""Largest output checked for its fingerprint (a real one is well under 10 MB)."""


def stamp_zip(data: bytes) -> bytes | None:
    """A zip without an archive comment, given one holding the hash of the zip as it is."""
    if data[-END_RECORD_SIZE:-END_RECORD_SIZE + 4] != END_RECORD or data[-2:] != b"\0\0":
        return None
    comment = PREFIX + hashlib.sha256(data).hexdigest().encode()
    return data[:-2] + len(comment).to_bytes(2, "little") + comment


def stamp_pdf(data: bytes) -> bytes | None:
    """A PDF whose trailer holds the placeholder identifier, with the hash of the file put in its place."""
    at = data.rfind(PDF_PLACEHOLDER, len(data) - PDF_TRAILER_BYTES)
    if at < 0:
        return None
    start = at + len(PDF_PREFIX)
    return data[:start] + hashlib.sha256(data).hexdigest().encode() + data[start + 64:]


def unstamped_zip_matches(data: bytes) -> bool:
    comment = data[-COMMENT_LENGTH:]
    record = data[-COMMENT_LENGTH - END_RECORD_SIZE:-COMMENT_LENGTH]
    if not comment.startswith(PREFIX) or record[:4] != END_RECORD or \
            int.from_bytes(record[-2:], "little") != COMMENT_LENGTH:
        return False
    unstamped = data[:-COMMENT_LENGTH - 2] + b"\0\0"
    return hashlib.sha256(unstamped).hexdigest().encode() == comment[len(PREFIX):]


def unstamped_pdf_matches(data: bytes) -> bool:
    tail_start = max(0, len(data) - PDF_TRAILER_BYTES)
    found = list(PDF_STAMP.finditer(data, tail_start))
    if not found:
        return False
    digest = found[-1]
    unstamped = data[:digest.start(1)] + b"0" * 64 + data[digest.end(1):]
    return hashlib.sha256(unstamped).hexdigest().encode() == digest[1]


@dataclass(frozen=True)
class Fingerprint:
    """How one format carries its own hash (declared with the format, compiler/writers/__init__.py)."""

    stamp_bytes: Callable[[bytes], bytes | None]  # the file with its hash in place; None: not as expected
    check_bytes: Callable[[bytes], bool]

    def stamp(self, path: Path) -> None:
        """Give a freshly written output its fingerprint (a file not shaped as its writer writes it gets
        none: the manifest alone then vouches for it)."""
        stamped = self.stamp_bytes(path.read_bytes())
        if stamped is not None:
            path.write_bytes(stamped)

    def proves(self, path: Path) -> bool:
        """Whether the file carries a fingerprint matching its own bytes (we wrote it, as it is)."""
        try:
            return self.check_bytes(read_bounded(path, MAX_STAMPED_BYTES, follow_links=False))
        except OSError:
            return False


ZIP_COMMENT = Fingerprint(stamp_zip, unstamped_zip_matches)
PDF_IDENTIFIER = Fingerprint(stamp_pdf, unstamped_pdf_matches)
