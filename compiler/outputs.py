"""Writing into build/ safely: temporary file beside the target, atomic move, one lock per folder."""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

LOCK_NAME = ".lock"
TEMP_SUFFIX = ".tmp"


def hash_bytes(data: bytes) -> str:
    """The SHA-256 of some bytes, as hex."""
    return hashlib.sha256(data).hexdigest()


def hash_file(path: Path) -> str:
    """The SHA-256 of a file's content, as hex."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def temporary_path(target: Path) -> Path:
    """A new, empty, hidden file in the target's folder (same file system, so the move is atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=TEMP_SUFFIX)
    try:
        # mkstemp makes the file private (0600); an output gets the mode any new file would get.
        os.fchmod(handle, 0o666 & ~current_umask())
    finally:
        os.close(handle)
    return Path(name)


@lru_cache(maxsize=1)
def current_umask() -> int:
    """The process's umask (read by setting it, so once, before any worker thread could race)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def is_temporary(path: Path) -> bool:
    """Whether a file name is one `temporary_path` makes."""
    return path.name.startswith(".") and path.name.endswith(TEMP_SUFFIX)


def remove_temporaries(folder: Path) -> None:
    """Delete temporary files a killed build left behind (call only while holding the folder lock)."""
    if folder.is_dir():
        for path in folder.iterdir():
            if is_temporary(path):
                path.unlink(missing_ok=True)


def move_into_place(temporary: Path, target: Path) -> None:
    """Flush a finished temporary file to disk, then replace the target with it in one step."""
    with open(temporary, "rb") as stream:
        os.fsync(stream.fileno())
    os.replace(temporary, target)


def write_atomic(target: Path, data: bytes) -> None:
    """Write bytes to a file so that readers see the old content or the new, never a mix."""
    temporary = temporary_path(target)
    try:
        temporary.write_bytes(data)
        move_into_place(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def edited_copy_path(target: Path) -> Path:
    """Where a new version goes when the user edited the old one: memo.docx -> memo.new.docx."""
    return target.with_name(f"{target.stem}.new{target.suffix}")


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on an output folder, so concurrent builds take turns on it."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        # Unlock explicitly: forked workers share this descriptor, and closing ours alone would not.
        fcntl.flock(handle, fcntl.LOCK_UN)
        os.close(handle)
