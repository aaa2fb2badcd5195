"""Open a student's Anki collection through the `anki` package (the optional `studytool[anki]`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from studytool.errors import UserError


def _anki_collection() -> Any:
    try:
        from anki.collection import Collection
    except ImportError:
        raise UserError(
            "this command needs Anki's library: pip install 'studytool[anki]' (AGPL-3.0, see README)"
        ) from None
    return Collection


@contextmanager
def open_collection(path: Path) -> Iterator[Any]:
    """The collection at `path`, closed afterwards; missing or held open elsewhere is a user error.

    Anki keeps its collection file under an exclusive SQLite lock while a profile is open, so a
    second opener fails instead of writing behind Anki's back.
    """
    if not path.is_file():
        raise UserError(
            f"no Anki collection at {path} (look for collection.anki2 in your Anki profile folder)"
        )
    collection = _anki_collection()
    from anki.errors import DBError

    try:
        col = collection(str(path))
    except DBError:
        raise UserError(
            f"{path} is open in another program (desktop Anki?); close Anki or switch its profile, "
            "then try again"
        ) from None
    try:
        yield col
    finally:
        col.close()
