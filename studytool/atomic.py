"""All-or-nothing outputs (decks, exams, maps, imported entries).

- `write_atomic`: one file. A temp file in the same folder is written, fsynced and renamed
  over the target, so a reader (or a killed process) sees either the old file or the new one.
- `folder_lock`: an exclusive lock on an output folder (flock on the folder itself), so two
  runs never write into one folder at once. Taking it first finishes or clears what a killed
  run left behind (`recover`).
- `write_group`: several files as one unit (a deck and its lock, the entries of an import).
  Every file is written to a temp file first; a journal naming the renames is then made
  durable, and only then are the files renamed. A run killed before the journal leaves the
  old files; one killed after it is rolled forward by the next run, before anything reads.
- `replace_folder`: a whole folder (an exam set) built beside the target and swapped in with
  one atomic exchange.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

Content = bytes | str | Callable[[BinaryIO], None]

# Testing aid: seconds to sleep after the temp file is complete but before it replaces the
# target, so a test can SIGKILL the build mid-write. A marker file `<target>.paused` is created.
PAUSE_ENV = "STUDYTOOL_TEST_PAUSE_BEFORE_REPLACE"
TMP_INFIX = ".tmp-"
JOURNAL = ".studytool-commit.json"
WORK_PREFIX = ".studytool-work-"  # scratch folders (a deck's collection) inside the output folder
NEW_INFIX = ".studytool-new-"  # a folder being built before it is swapped in


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


def write_atomic(target: Path, data: Content) -> None:
    """Write bytes, UTF-8 text, or whatever a writer callback produces, atomically."""
    with atomic_file(target) as fh:
        _write(fh, data)


def _write(fh: BinaryIO, data: Content) -> None:
    if callable(data):
        data(fh)
    else:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (created if missing); recover a killed run first."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no locking, as before
            fcntl = None  # type: ignore[assignment]
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        recover(folder)
        yield
    finally:
        os.close(fd)


def write_group(folder: Path, files: Mapping[str, Content]) -> None:
    """Write `files` (name -> content) into `folder` as one unit; call it under `folder_lock`."""
    temps: dict[str, str] = {}
    committed = False
    try:
        for name, data in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}{TMP_INFIX}", dir=folder)
            temps[name] = tmp
            os.chmod(tmp, 0o666 & ~_umask())
            with os.fdopen(fd, "wb") as fh:
                _write(fh, data)
                fh.flush()
                os.fsync(fh.fileno())
        for name in files:
            _maybe_pause(folder / name)
        plan = [[Path(tmp).name, name] for name, tmp in temps.items()]
        write_atomic(folder / JOURNAL, json.dumps(plan))
        committed = True  # from here on the next run rolls the renames forward
        recover(folder)
    except BaseException:
        if not committed:
            for tmp in temps.values():
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        raise


def recover(folder: Path) -> None:
    """Finish the renames of a committed group, then delete what killed runs left behind."""
    journal = folder / JOURNAL
    with contextlib.suppress(FileNotFoundError):
        try:
            plan = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            plan = []
        for tmp, name in plan if isinstance(plan, list) else []:
            if {Path(tmp).name, Path(name).name} != {tmp, name}:
                continue  # only plain names inside this folder
            with contextlib.suppress(FileNotFoundError):
                os.replace(folder / tmp, folder / name)
        _fsync_dir(folder)
        journal.unlink()
        _fsync_dir(folder)
    for stale in folder.glob(f".*{TMP_INFIX}*"):
        with contextlib.suppress(OSError):
            stale.unlink()
    for stale in (*folder.glob(f"{WORK_PREFIX}*"), *folder.glob(f".*{NEW_INFIX}*")):
        shutil.rmtree(stale, ignore_errors=True)


def replace_folder(target: Path, files: Mapping[str, Content]) -> None:
    """Make `target` hold exactly `files`, swapped in whole; call it under `folder_lock(target.parent)`."""
    new = Path(tempfile.mkdtemp(prefix=f".{target.name}{NEW_INFIX}", dir=target.parent))
    try:
        for name, data in files.items():
            with open(new / name, "wb") as fh:
                _write(fh, data)
                fh.flush()
                os.fsync(fh.fileno())
        _fsync_dir(new)
        os.chmod(new, 0o777 & ~_umask())
        _maybe_pause(target)
        if target.exists() and _exchange(new, target):
            pass  # `new` now holds the old set
        else:
            if target.exists():
                shutil.rmtree(target)
            os.replace(new, target)
        _fsync_dir(target.parent)
    finally:
        shutil.rmtree(new, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(rc == 0)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _maybe_pause(target: Path) -> None:
    delay = os.environ.get(PAUSE_ENV)
    if delay and target.suffix in (".apkg", ".yaml", ""):
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
