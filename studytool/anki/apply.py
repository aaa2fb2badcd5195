"""`anki apply`: bring a built deck into a student's collection in place, never erasing their work.

Every field of a note that exists on both sides is merged three ways: *base* is any released
text of that field (the lock keeps their hashes), *ours* the new build, *theirs* the student's
collection. Upstream changed and the student did not: take ours. The student edited and
upstream did not: keep theirs. Both: keep theirs and report a conflict (`prefer_upstream`
takes ours). Only `TP::` tags are replaced. New notes and media come in through Anki's own
importer told never to update an existing note, so scheduling and review history stay as
they are, and every change is marked for the next sync.
"""

from __future__ import annotations

import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studytool.anki.build import _sha256
from studytool.anki.collection import open_collection
from studytool.anki.lock import Lock, field_hash, read_lock
from studytool.anki.notetypes import BASIC_FIELDS, BASIC_ID, CLOZE_FIELDS, CLOZE_ID
from studytool.errors import UserError

TAG_PREFIX = "TP::"
# Collection config key: guid -> {field index: hash of the build text the student's edit won over}.
CONFLICTS_KEY = "studytool_apply_conflicts"
_FIELD_NAMES = {BASIC_ID: BASIC_FIELDS, CLOZE_ID: CLOZE_FIELDS}


@dataclass(frozen=True)
class BuiltNote:
    """One note as the built package holds it."""

    guid: str
    model_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass
class ApplyReport:
    """What apply did (or, with dry_run, would do); entries read 'fact id: Field'."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # the student's edit, upstream unchanged
    conflicts: list[str] = field(default_factory=list)
    retagged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # the note has another note type there
    dry_run: bool = False


def read_package(apkg: Path) -> list[BuiltNote]:
    """The notes of a built .apkg, in curriculum order."""
    with tempfile.TemporaryDirectory(prefix="studytool-apply-") as tmp:
        try:
            with zipfile.ZipFile(apkg) as zf:
                zf.extract("collection.anki2", tmp)
        except (OSError, KeyError, zipfile.BadZipFile) as exc:
            raise UserError(f"cannot read the deck {apkg}: {exc}") from None
        conn = sqlite3.connect(Path(tmp) / "collection.anki2")
        try:
            rows = conn.execute("SELECT guid, mid, flds, tags FROM notes ORDER BY id").fetchall()
        finally:
            conn.close()
    return [BuiltNote(g, int(m), tuple(f.split("\x1f")), tuple(t.split())) for g, m, f, t in rows]


def _lock_for(apkg: Path) -> Lock:
    lock_path = apkg.with_name(apkg.name.removesuffix(".apkg") + ".lock.json")
    lock = read_lock(lock_path)
    if not lock.notes or lock.package_sha256 != _sha256(apkg):
        raise UserError(f"{apkg} does not match {lock_path}; run 'studytool build' first")
    if not any(s.fields for s in lock.notes.values()):
        raise UserError(f"{lock_path} keeps no field hashes yet; run 'studytool build' with this version")
    return lock


def merge_tags(theirs: list[str], ours: tuple[str, ...]) -> list[str]:
    """The student's own tags (anything outside TP::) plus the build's TP:: tags."""
    own = [t for t in theirs if not t.startswith(TAG_PREFIX)]
    return [*own, *(t for t in ours if t.startswith(TAG_PREFIX))]


def _merge_note(
    note: Any,
    built: BuiltNote,
    history: tuple[tuple[str, ...], ...],
    decided: dict[str, str],
    prefer_upstream: bool,
    name: str,
    report: ApplyReport,
) -> bool:
    """Merge one note in memory; True when it changed. `decided` is updated in place."""
    changed = False
    names = _FIELD_NAMES.get(built.model_id, ())
    for i, ours in enumerate(built.fields):
        theirs = note.fields[i]
        if theirs == ours:
            decided.pop(str(i), None)
            continue
        label = f"{name}: {names[i] if i < len(names) else i}"
        released = history[i] if i < len(history) else ()
        ours_hash = field_hash(ours)
        if field_hash(theirs) in released:  # the student has a release's text: take the new one
            report.updated.append(label)
        elif prefer_upstream and len(released) > 1:
            report.conflicts.append(label)
            decided.pop(str(i), None)
        elif len(released) <= 1 or decided.get(str(i)) == ours_hash:
            report.kept.append(label)  # upstream never changed it, or the student already chose
            continue
        else:
            report.conflicts.append(label)
            decided[str(i)] = ours_hash
            continue
        note.fields[i] = ours
        changed = True
    tags = merge_tags(list(note.tags), built.tags)
    if sorted(tags) != sorted(note.tags):
        note.tags = tags
        report.retagged.append(name)
        changed = True
    return changed


def apply_deck(
    collection: Path, apkg: Path, *, dry_run: bool = False, prefer_upstream: bool = False
) -> ApplyReport:
    """Bring the deck `apkg` into the collection file `collection` (see the module docstring)."""
    lock = _lock_for(apkg)
    built = read_package(apkg)
    report = ApplyReport(dry_run=dry_run)
    with open_collection(collection) as col:
        decided_all: dict[str, dict[str, str]] = dict(col.get_config(CONFLICTS_KEY, {}))
        changed: list[Any] = []
        for b in built:
            stamp = lock.notes.get(b.guid)
            name = stamp.name if stamp else b.guid
            nid = col.db.scalar("SELECT id FROM notes WHERE guid = ?", b.guid)
            if not nid:
                report.added.append(name)
                continue
            note = col.get_note(nid)
            if note.mid != b.model_id or len(note.fields) != len(b.fields):
                report.skipped.append(name)
                continue
            decided = dict(decided_all.get(b.guid, {}))
            history = stamp.fields if stamp else ()
            if _merge_note(note, b, history, decided, prefer_upstream, name, report):
                changed.append(note)
            if decided:
                decided_all[b.guid] = decided
            else:
                decided_all.pop(b.guid, None)
        if dry_run:
            return report
        if changed:
            col.update_notes(changed)  # usn -1: the next sync carries them
        col.set_config(CONFLICTS_KEY, decided_all)
        _import_new(col, apkg)
    return report


def _import_new(col: Any, apkg: Path) -> None:
    """New notes, note-type updates and media through Anki's importer; existing notes untouched."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest
    from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition as When

    options = ImportAnkiPackageOptions(
        update_notes=When.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_NEVER,
        update_notetypes=When.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        with_scheduling=False,
        with_deck_configs=False,
        merge_notetypes=False,
    )
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=options))
