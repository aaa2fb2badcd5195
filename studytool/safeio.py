"""The one rule for every reader (check, the build digest, import, media, the lock).

A file is read only when it is a regular file, resolves inside the folder it belongs to (when
one is given), and is no larger than a cap. It is opened without blocking and checked on the
open descriptor, so a FIFO, a device such as /dev/zero or a file swapped in between the check
and the read can neither hang the tool nor exhaust its memory. A refusal says why and never
quotes the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class UnsafeRead(Exception):
    """A file that may not be read; the message says why (never what it holds)."""


def inside(path: Path, root: Path) -> bool:
    """True when `path`, with every link resolved, lies inside `root`."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError) as exc:  # a link loop
        raise UnsafeRead("cannot read file: a loop of symbolic links") from exc


def read_regular(path: str | os.PathLike[str], limit: int, *, root: Path | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, inside `root` when given."""
    target = Path(path)
    if root is not None and not inside(target, root):
        raise UnsafeRead(f"links outside the folder {root}; only files inside it are read")
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UnsafeRead(f"cannot read file: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeRead(f"not a regular file ({_kind(info.st_mode)})")
        if info.st_size > limit:
            raise UnsafeRead(f"file is {info.st_size:,} bytes; the limit is {limit:,}")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise UnsafeRead(f"file grew past the limit of {limit:,} bytes while being read")
        return b"".join(chunks)
    except OSError as exc:
        raise UnsafeRead(f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def is_regular(path: Path) -> bool:
    """True for a regular file (links not followed): what a folder walk may read."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return name
    return "a special file"
