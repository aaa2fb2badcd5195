"""One fingerprint of the installed studytool package, and the hashing of a folder's files.

Every cache and seal that depends on the code uses `code_fingerprint`: a hash of every file of
the package, so any change to the code (the schema, the model, a renderer) invalidates them.
Files are hashed under the reader rule (`studytool.safeio`), so hashing a folder never blocks
on a FIFO and never reads outside it.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Collection
from functools import cache
from pathlib import Path
from typing import Any

from studytool.safeio import UnsafeRead, read_regular

FORMAT = 1
MAX_INPUT_BYTES = 64 << 20  # a larger file is hashed as a marker


@cache
def code_fingerprint() -> str:
    """Fingerprint of the installed studytool package (see `package_fingerprint`)."""
    return package_fingerprint(Path(__file__).resolve().parent)


def package_fingerprint(package: Path) -> str:
    """Hash of a package folder's files (sorted by path), genanki's and Python's versions."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        genanki = version("genanki")
    except PackageNotFoundError:  # pragma: no cover - genanki is a dependency
        genanki = "?"
    h = hashlib.sha256(f"build-inputs {FORMAT} genanki {genanki} python {sys.version_info[:2]}".encode())
    for path in files_under(package, skip_dirs={"__pycache__"}):
        add_file(h, package, path)
    return h.hexdigest()


def files_under(root: Path, *, skip_dirs: Collection[str] = (), skip_path: Path | None = None) -> list[Path]:
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


def add_file(h: Any, root: Path, path: Path) -> None:
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
