"""Atomic file writes for every output (decks, exams, maps, imported entries).

A temp file in the same folder is written, fsynced and renamed over the target, so a
reader (or a killed process) sees either the old file or the whole new one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

# Testing aid: seconds to sleep after the temp file is complete but before it replaces the
# target, so a test can SIGKILL the build mid-write. A marker file `<target>.paused` is created.
PAUSE_ENV = "STUDYTOOL_TEST_PAUSE_BEFORE_REPLACE"
TMP_INFIX = ".tmp-"


@contextlib.contextmanager
def atomic_file(target: Path) -> Iterator[BinaryIO]:
    """Yield a binary temp file that replaces `target` only when the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}{TMP_INFIX}", dir=target.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        _maybe_pause(target)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(target: Path, data: bytes | str | Callable[[BinaryIO], None]) -> None:
    """Write bytes, UTF-8 text, or whatever a writer callback produces, atomically."""
    with atomic_file(target) as fh:
        if callable(data):
            data(fh)
        else:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)


def remove_stale_temps(folder: Path, name: str) -> None:
    """Delete temp files left behind by a killed build of `name`."""
    for stale in folder.glob(f".{name}{TMP_INFIX}*"):
        with contextlib.suppress(OSError):
            stale.unlink()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _maybe_pause(target: Path) -> None:
    delay = os.environ.get(PAUSE_ENV)
    if delay and target.suffix == ".apkg":
        Path(f"{target}.paused").write_text("paused\n", encoding="utf-8")
        time.sleep(float(delay))


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
