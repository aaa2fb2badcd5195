"""Write the collection SQLite and pack it into a deterministic .apkg zip."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from studytool.anki.render import Note
from studytool.errors import UserError

# Fixed epoch (2025-11-24 UTC, in ms) for note and card ids: ids never depend on build time.
ID_EPOCH_MS = 1_764_000_000_000
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
CHUNK = 1 << 20
# DEFLATE level 1: about 5x smaller than a stored zip, at a third of the default level's cost.
ZIP_LEVEL = 1

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class MediaFile:
    """A media file packed under its content-hashed name."""

    name: str
    data: bytes


def layout_digest(deck: str, deck_id: int, notes: Sequence[Note], media: Sequence[MediaFile]) -> str:
    """Digest of everything in the package that is not a note's content or mod: ids, due, media."""
    h = hashlib.sha256()
    h.update(json.dumps([deck, deck_id, [m.name for m in media]]).encode())
    h.update("".join([f"\x1e{n.guid}\x1f{len(n.ords)}" for n in notes]).encode())  # same bytes, one update
    return h.hexdigest()[:20]


def write_collection(
    path: Path,
    *,
    deck_json: dict[str, Any],
    models_json: dict[str, Any],
    notes: Sequence[Note],
    mods: Sequence[int],
    progress: Progress | None = None,
) -> None:
    """Create the legacy (schema 11) collection that genanki writes, in one transaction."""

    try:
        _write_collection(path, deck_json, models_json, notes, mods, progress)
    except sqlite3.OperationalError as exc:  # a full disk, most often
        raise UserError(f"cannot write the deck's collection in {path.parent}: {exc}") from None


def _write_collection(
    path: Path,
    deck_json: dict[str, Any],
    models_json: dict[str, Any],
    notes: Sequence[Note],
    mods: Sequence[int],
    progress: Progress | None,
) -> None:
    from genanki.apkg_col import APKG_COL
    from genanki.apkg_schema import APKG_SCHEMA

    sha1 = hashlib.sha1
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        # Tables first, indexes after the bulk insert: building an index once is cheaper.
        head, sep, indexes = APKG_SCHEMA.partition("CREATE INDEX")
        conn.executescript(head)
        conn.executescript(APKG_COL)
        conn.execute("BEGIN")
        (decks_text,) = conn.execute("SELECT decks FROM col").fetchone()
        decks = json.loads(decks_text)
        decks[str(deck_json["id"])] = deck_json
        conn.execute("UPDATE col SET decks = ?, models = ?", (json.dumps(decks), json.dumps(models_json)))
        deck_id = deck_json["id"]
        step = 2000
        card_id = ID_EPOCH_MS
        for start in range(0, len(notes), step):
            note_rows, card_rows = [], []
            for i in range(start, min(start + step, len(notes))):
                n, mod, nid = notes[i], mods[i], ID_EPOCH_MS + i
                sfld = n.sort_text
                csum = int.from_bytes(sha1(sfld.encode("utf-8")).digest()[:4], "big")  # Anki's field checksum
                tags = f" {' '.join(n.tags)} " if n.tags else ""
                note_rows.append((nid, n.guid, n.model_id, mod, -1, tags, "\x1f".join(n.fields), sfld, csum))
                for ord_ in n.ords:
                    card_rows.append((card_id, nid, deck_id, ord_, mod, i + 1))
                    card_id += 1
            conn.executemany("INSERT INTO notes VALUES (?,?,?,?,?,?,?,?,?,0,'')", note_rows)
            conn.executemany("INSERT INTO cards VALUES (?,?,?,?,?,-1,0,0,?,0,0,0,0,0,0,0,0,'')", card_rows)
            if progress:
                progress(min(start + step, len(notes)), len(notes))
        for statement in (sep + indexes).split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("COMMIT")
    finally:
        conn.close()


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info._compresslevel = ZIP_LEVEL  # type: ignore[attr-defined]  # zf.open() reads it from here
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def write_zip(fh: BinaryIO, collection: Path, media: Iterable[MediaFile]) -> None:
    """Deterministic .apkg: fixed dates and attributes, sorted members, DEFLATE."""
    files = sorted(media, key=lambda m: m.name)
    members: dict[str, bytes | Path] = {str(i): m.data for i, m in enumerate(files)}
    members["collection.anki2"] = collection
    members["media"] = json.dumps({str(i): m.name for i, m in enumerate(files)}, sort_keys=True).encode()
    large = collection.stat().st_size > 0x7FFF0000
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as zf:
        for name in sorted(members):
            content = members[name]
            if isinstance(content, bytes):
                zf.writestr(_info(name), content)
            else:
                with content.open("rb") as src, zf.open(_info(name), "w", force_zip64=large) as dst:
                    shutil.copyfileobj(src, dst, CHUNK)
