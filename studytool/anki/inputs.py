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
from collections.abc import Sequence
from pathlib import Path

from studytool.fingerprint import add_file, code_fingerprint, files_under, package_fingerprint

SEAL_KEY = "inputs"


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
    for path in files_under(root, skip_path=skip):
        add_file(h, root, path)
    return h.hexdigest()


def seal(digest: str, blank_lock_text: str) -> str:
    """The value stored in the lock: the input digest bound to the lock's text (seal blank)."""
    return hashlib.sha256(f"{digest}\n{blank_lock_text}".encode()).hexdigest()


def blank_seal(lock_text: str, stored: str) -> str:
    """The lock text as it was sealed: the stored seal value replaced by an empty string."""
    return lock_text.replace(f'"{SEAL_KEY}": "{stored}"', f'"{SEAL_KEY}": ""', 1)


__all__ = ["code_fingerprint", "input_digest", "package_fingerprint", "seal"]
