"""The input digest of a build, and the seal that lets `build --check` skip the plan.

A build records in its lock a *seal*: a SHA-256 over the build's input digest and the lock's
own text (with the seal left blank). The input digest covers everything a deck is made from:

- the code: every file of the installed `studytool` package, the genanki version and the
  Python version (a code change that could change a note invalidates every seal);
- the deck options: deck name, `--muscle` and `--facet` selections;
- every file under the source folder, by relative path, with its bytes (YAML, pool, media),
  and the target of every symbolic link there.

When the seal matches the current inputs and the committed `.apkg` matches the lock's
SHA-256, the deck is what a build would make now, so `--check` answers "up to date" at once.
Any mismatch is not an error: `--check` then plans and compares as usual, naming the notes.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Collection, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from studytool.safeio import UnsafeRead, read_regular

FORMAT = 1
SEAL_KEY = "inputs"
MAX_INPUT_BYTES = 64 << 20  # a larger file under the source folder is hashed as a marker


@cache
def code_fingerprint() -> str:
    """Fingerprint of the installed studytool package (see `package_fingerprint`)."""
    return package_fingerprint(Path(__file__).resolve().parent.parent)


def package_fingerprint(package: Path) -> str:
    """Hash of a package folder's files (sorted by path), genanki's and Python's versions."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        genanki = version("genanki")
    except PackageNotFoundError:  # pragma: no cover - genanki is a dependency
        genanki = "?"
    h = hashlib.sha256(f"build-inputs {FORMAT} genanki {genanki} python {sys.version_info[:2]}".encode())
    for path in _files(package, skip_dirs={"__pycache__"}):
        _add_file(h, package, path)
    return h.hexdigest()


def input_digest(
    src: str | os.PathLike[str],
    deck: str,
    muscles: Sequence[str] = (),
    facets: Sequence[str] = (),
    *,
    exclude: str | os.PathLike[str] | None = None,
) -> str:
    """SHA-256 over the code, the options and every file under `src` (`exclude`: the output folder)."""
    h = hashlib.sha256(code_fingerprint().encode())
    h.update(json.dumps([deck, list(muscles), list(facets)]).encode())
    root = Path(src).resolve()
    skip = Path(exclude).resolve() if exclude is not None else None
    for path in _files(root, skip_path=skip):
        _add_file(h, root, path)
    return h.hexdigest()


def seal(digest: str, blank_lock_text: str) -> str:
    """The value stored in the lock: the input digest bound to the lock's text (seal blank)."""
    return hashlib.sha256(f"{digest}\n{blank_lock_text}".encode()).hexdigest()


def blank_seal(lock_text: str, stored: str) -> str:
    """The lock text as it was sealed: the stored seal value replaced by an empty string."""
    return lock_text.replace(f'"{SEAL_KEY}": "{stored}"', f'"{SEAL_KEY}": ""', 1)


def _files(root: Path, *, skip_dirs: Collection[str] = (), skip_path: Path | None = None) -> list[Path]:
    """Every file and symbolic link under `root`, sorted by relative path; links are not followed."""
    found: list[Path] = []
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        kept = []
        for d in dirs:
            sub = here / d
            if d in skip_dirs or (skip_path is not None and sub == skip_path):
                continue
            if sub.is_symlink():
                found.append(sub)  # os.walk does not descend into links: record the target
            else:
                kept.append(d)
        dirs[:] = kept
        found.extend(here / n for n in names)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _add_file(h: Any, root: Path, path: Path) -> None:
    """Hash one file's name and bytes under the reader rule (`studytool.safeio`).

    A link adds its target text, and its content only when it leads to a regular file inside
    `root`; a FIFO, device or oversized file adds a marker instead of being read, so the digest
    never blocks and never reads outside the source folder.
    """
    name = path.relative_to(root).as_posix().encode("utf-8", "surrogateescape")
    if path.is_symlink():
        target = os.readlink(path).encode("utf-8", "surrogateescape")
        h.update(b"L" + len(name).to_bytes(4, "big") + name + len(target).to_bytes(4, "big") + target)
        if path.is_dir():
            return
    try:
        data = read_regular(path, MAX_INPUT_BYTES, root=root)
    except UnsafeRead as exc:
        data = b"\0unreadable: " + str(exc).encode()
    h.update(b"F" + len(name).to_bytes(4, "big") + name + len(data).to_bytes(8, "big") + data)
