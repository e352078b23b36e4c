"""Files the build touches, safely: only regular files are opened, every read is bounded, nothing follows
a link out of the output folder; writes go to a temporary file moved into place under a folder lock."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

LOCK_NAME = ".lock"
TEMP_SUFFIX = ".tmp"
# Lock descriptors this process holds; a forked worker closes its copies (see `forget_locks`).
HELD_LOCKS: set[int] = set()


class NotRegularFile(OSError):
    """A path that is a pipe, a device, a folder or (where links are not followed) a link."""


class FileTooLarge(OSError):
    """A file longer than the bound its reader set."""


class UnsafeFolder(OSError):
    """An output folder that is a link, or not a folder: writing there could land outside the output."""


def open_regular(path: Path, follow_links: bool = True) -> int:
    """A read-only descriptor on a regular file; never blocks on a pipe or device (they are refused)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow_links else os.O_NOFOLLOW)
    try:
        handle = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP and not follow_links:
            raise NotRegularFile(errno.ELOOP, "is a symbolic link", str(path)) from None
        raise
    kind = os.fstat(handle).st_mode
    if not stat.S_ISREG(kind):
        os.close(handle)
        what = "is a folder" if stat.S_ISDIR(kind) else "is not a regular file (a pipe or a device)"
        raise NotRegularFile(errno.EINVAL, what, str(path))
    return handle


def read_bounded(path: Path, limit: int, follow_links: bool = True) -> bytes:
    """A regular file's bytes, at most `limit` of them (FileTooLarge past it)."""
    with os.fdopen(open_regular(path, follow_links), "rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(errno.EFBIG, f"is larger than {limit / 2**20:g} MiB", str(path))
    return data


def hash_bytes(data: bytes) -> str:
    """The SHA-256 of some bytes, as hex."""
    return hashlib.sha256(data).hexdigest()


def hash_file(path: Path, follow_links: bool = True) -> str:
    """The SHA-256 of a regular file's content, as hex (read in blocks: memory stays bounded)."""
    with os.fdopen(open_regular(path, follow_links), "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def file_kind(path: Path) -> str:
    """What is at a path, without following a link: `missing`, `a file`, `a folder`, `a symbolic link`..."""
    try:
        kind = os.lstat(path).st_mode
    except FileNotFoundError:
        return "missing"
    if stat.S_ISREG(kind):
        return "a file"
    if stat.S_ISLNK(kind):
        return "a symbolic link"
    return "a folder" if stat.S_ISDIR(kind) else "a pipe or a device"


def check_out_folder(out: Path) -> None:
    """UnsafeFolder unless `out` is a folder or absent (it may be a link to one: the user chose it)."""
    kind = file_kind(out)
    if kind != "missing" and not out.is_dir():
        raise UnsafeFolder(errno.ENOTDIR, f"is {kind}, not a folder; choose another --out", str(out))


def check_output_folder(out: Path, folder: Path) -> None:
    """UnsafeFolder unless `out` is a folder (or absent) and `folder`, inside it, is a real folder or
    absent: a brief's folder that is a link would lead writes elsewhere."""
    check_out_folder(out)
    kind = file_kind(folder)
    if kind not in ("missing", "a folder"):
        raise UnsafeFolder(errno.ENOTDIR, f"is {kind}, not a folder: the build writes only into real "
                           f"folders inside {out}/; remove it", str(folder))


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
    if file_kind(folder) == "a folder":
        for path in folder.iterdir():
            if is_temporary(path) and file_kind(path) == "a file":
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
def folder_lock(folder: Path, on_wait: Callable[[str], None] = lambda message: None) -> Iterator[None]:
    """Hold an exclusive lock on an output folder, so concurrent builds take turns on it.

    The lock is the kernel's (flock), so it dies with the process holding it: a killed build never
    blocks the next. While another build holds it, `on_wait` is told which process that is. Where the
    lock file can be neither made nor opened (a read-only file system or folder), this process cannot
    write there either, so it goes on without one: an up-to-date build still succeeds.
    """
    if file_kind(folder) == "missing":
        folder.mkdir(parents=True, exist_ok=True)
    handle = open_lock(folder / LOCK_NAME)
    if handle is None:
        yield
        return
    try:
        take_lock(handle, folder, on_wait)
        HELD_LOCKS.add(handle)
        yield
    finally:
        HELD_LOCKS.discard(handle)
        # Unlock explicitly: forked workers share this descriptor, and closing ours alone would not.
        fcntl.flock(handle, fcntl.LOCK_UN)
        os.close(handle)


def open_lock(path: Path) -> int | None:
    """A descriptor on a folder's lock file (made if need be, read-only if that is all we may); None
    where it can be neither made nor opened. Never through a link, never on anything but a file."""
    handle = None
    for flags in (os.O_RDWR | os.O_CREAT, os.O_RDONLY):
        try:
            handle = os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, 0o644)
            break
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise UnsafeFolder(errno.ELOOP, "is a symbolic link; remove it", str(path)) from None
            if error.errno not in (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOENT):
                raise
    if handle is not None and not stat.S_ISREG(os.fstat(handle).st_mode):
        os.close(handle)
        raise UnsafeFolder(errno.EINVAL, "is not a regular file; remove it", str(path))
    return handle


def take_lock(handle: int, folder: Path, on_wait: Callable[[str], None]) -> None:
    """Lock `handle`, first saying whom we wait for if another process holds the lock."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        on_wait(f"{folder}: waiting for {describe_holder(handle)} to finish with this folder")
        fcntl.flock(handle, fcntl.LOCK_EX)


def describe_holder(handle: int) -> str:
    """Who holds the lock on an open lock file: the process that took it, from the kernel's list."""
    status = os.fstat(handle)
    device = f"{os.major(status.st_dev):02x}:{os.minor(status.st_dev):02x}:{status.st_ino}"
    try:
        table = read_bounded(Path("/proc/locks"), 2**20).decode("ascii", "replace")
    except OSError:
        return "another build"
    pids = [fields[4] for line in table.splitlines()
            if len(fields := line.split()) > 5 and fields[1] == "FLOCK" and fields[5] == device]
    if not pids or not pids[0].isdigit():
        return "another build"
    if not Path(f"/proc/{pids[0]}").exists():
        # flock locks die with every holder, so a live process inherited this one: a stray worker.
        return f"a process left over from build {pids[0]}, which has ended (stop it, or wait)"
    return f"another build (process {pids[0]})"


def forget_locks() -> None:
    """In a forked worker: close the inherited lock descriptors, so only the build itself holds its locks."""
    for handle in list(HELD_LOCKS):
        os.close(handle)
    HELD_LOCKS.clear()
