"""The lock file beside each deck: content hash and `mod` of every note and note type.

Anki updates an existing note only when the incoming `mod` is newer. The lock keeps the
`mod` of unchanged notes, so a re-import leaves them (and the student's own edits) alone,
while a changed note gets a newer `mod` and wins.

Each note also keeps the hashes of every released text of each field (`fields`, format
`FIELD_HASHES`), so `anki apply` can tell a student's edit from an older release.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studytool.errors import UserError
from studytool.safeio import UnsafeRead, read_regular

MAX_LOCK_BYTES = 256 << 20  # a lock of a very large deck is tens of MB
FORMAT = 1
FIELD_HASHES = 1  # version of the per-field hash lists; another version is ignored, not trusted


@dataclass(frozen=True)
class Stamp:
    """The recorded state of one note (or note type)."""

    name: str  # fact id (notes) or note type name (models)
    hash: str
    mod: int
    # Notes: per field, the hashes of its released texts, oldest first, the current one last.
    fields: tuple[tuple[str, ...], ...] = ()


@dataclass
class Lock:
    """Everything the build must remember between runs."""

    deck: str = ""
    package_sha256: str = ""
    layout: str = ""
    inputs: str = ""  # the seal of the build's inputs (see studytool.anki.inputs); "" = none
    models: dict[str, Stamp] = field(default_factory=dict)
    notes: dict[str, Stamp] = field(default_factory=dict)  # guid -> stamp


def next_mod(old: Stamp | None, new_hash: str, now: int) -> int:
    """Unchanged keeps its mod; changed gets max(now, old + 1); new gets now."""
    if old is None:
        return now
    if old.hash == new_hash:
        return old.mod
    return max(now, old.mod + 1)


def field_hash(text: str) -> str:
    """The short hash of one field's text as stored in the collection."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def field_history(old: Stamp | None, fields: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """Each field's released hashes after this build: the old list plus the new text's hash."""
    known = old.fields if old is not None and len(old.fields) == len(fields) else ()
    out = []
    for i, text in enumerate(fields):
        seen = known[i] if known else ()
        h = field_hash(text)
        out.append(seen if seen and seen[-1] == h else (*(x for x in seen if x != h), h))
    return tuple(out)


def read_lock(path: Path) -> Lock:
    """Load a lock file; a missing file is an empty lock, a broken one a user error."""
    return read_lock_text(path)[0]


def read_lock_text(path: Path) -> tuple[Lock, str]:
    """The lock and its text ("" when the file is missing); a broken lock is a user error."""
    if not path.exists() and not path.is_symlink():
        return Lock(), ""
    try:
        text = read_regular(path, MAX_LOCK_BYTES).decode("utf-8")
    except UnsafeRead as exc:
        raise UserError(f"cannot read lock file {path}: {exc}") from None
    except UnicodeDecodeError:
        raise UserError(f"lock file {path} is corrupt (not UTF-8); restore it from git") from None
    return parse_lock(text, path), text


def parse_lock(text: str, path: Path) -> Lock:
    """A lock from its JSON text (`path` names it in the error)."""
    try:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"unsupported format {data.get('format')!r}")
        return Lock(
            deck=str(data.get("deck", "")),
            package_sha256=str(data.get("package", {}).get("sha256", "")),
            layout=str(data.get("package", {}).get("layout", "")),
            inputs=str(data.get("package", {}).get("inputs", "")),
            models={k: _stamp(v, "name") for k, v in data.get("models", {}).items()},
            notes={
                k: _stamp(v, "fact", data.get("field_hashes") == FIELD_HASHES)
                for k, v in data.get("notes", {}).items()
            },
        )
    except (ValueError, TypeError, AttributeError, KeyError, OverflowError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:200]
        raise UserError(f"lock file {path} is corrupt ({reason}); restore it from git") from None


def _stamp(value: Any, key: str, with_fields: bool = False) -> Stamp:
    mod = value["mod"]
    if type(mod) is not int or not 0 <= mod < 1 << 53:
        raise ValueError(f"'mod' must be a whole number of seconds, not {str(mod)[:40]}")
    fields = tuple(tuple(str(f).split()) for f in value.get("fields", ())) if with_fields else ()
    return Stamp(str(value[key]), str(value["hash"]), mod, fields)


def _q(text: str) -> str:
    """A JSON string; the common case (printable, no quote or backslash) without json.dumps."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return json.dumps(text, ensure_ascii=False)


def _line(key: str, name_key: str, s: Stamp) -> str:
    tail = ""
    if s.fields:
        tail = ', "fields": [' + ", ".join(_q(" ".join(f)) for f in s.fields) + "]"
    return f'    {_q(key)}: {{"{name_key}": {_q(s.name)}, "hash": {_q(s.hash)}, "mod": {int(s.mod)}{tail}}}'


def format_lock(lock: Lock) -> str:
    """Stable, sorted, one line per note: easy to review in a diff."""
    head = json.dumps(
        {
            "format": FORMAT,
            "field_hashes": FIELD_HASHES,
            "deck": lock.deck,
            "package": {"sha256": lock.package_sha256, "layout": lock.layout, "inputs": lock.inputs},
        },
        ensure_ascii=False,
        indent=2,
    )[:-2]
    models = ",\n".join(_line(k, "name", lock.models[k]) for k in sorted(lock.models))
    notes = ",\n".join(_line(k, "fact", lock.notes[k]) for k in sorted(lock.notes))
    return f'{head},\n  "models": {{\n{models}\n  }},\n  "notes": {{\n{notes}\n  }}\n}}\n'
