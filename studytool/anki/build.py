"""`build` and `check`: compile the facts to a deck, compare against the committed lock.

The check never touches SQLite or zip. It first compares the lock's seal of the build's
inputs (`studytool.anki.inputs`) with the current inputs and answers at once when nothing
changed; otherwise it compares every note's content hash with the lock and the lock's
record of the committed .apkg.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studytool.anki.inputs import SEAL_KEY, blank_seal, input_digest, seal
from studytool.anki.lock import (
    Lock,
    Stamp,
    field_history,
    format_lock,
    next_mod,
    read_lock,
    read_lock_text,
)
from studytool.anki.maps import plan_maps
from studytool.anki.notetypes import model_json, models
from studytool.anki.package import MediaFile, Progress, layout_digest, write_collection, write_zip
from studytool.anki.render import Note, image_field, render_all
from studytool.atomic import WORK_PREFIX, folder_lock, write_atomic, write_group
from studytool.errors import Diagnostic, InputError, Location, UserError
from studytool.gcpause import paused_gc
from studytool.model import Fact, KnowledgeBase
from studytool.safeio import UnsafeRead, read_regular
from studytool.textnorm import slug

MAX_MEDIA_BYTES = 16 << 20  # one image on a card; a larger file is refused

DEFAULT_DECK = "Trigger Points"
DECK_DESCRIPTION = (
    "Trigger-point anatomy, built by studytool. Re-import a newer release to receive corrections: "
    "your review history is kept."
)


@dataclass
class BuildReport:
    """What a build produced (or, for a check, how the committed deck differs)."""

    deck: str
    apkg: Path
    lock: Path
    notes: int = 0
    cards: int = 0
    media: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    models_changed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: bool = False
    tsv: Path | None = None
    sealed: bool = False  # a check answered from the lock's seal, without planning

    @property
    def differs(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.models_changed or self.problems)


@dataclass
class _Plan:
    deck: str
    deck_id: int
    notes: list[Note]
    media: list[MediaFile]
    models: dict[int, Any]
    model_hashes: dict[int, str]
    warnings: list[str] = field(default_factory=list)


def deck_stem(deck: str, muscles: Sequence[str] = (), facets: Sequence[str] = ()) -> str:
    """File stem of a deck: its slug, plus the selection for partial builds."""
    stem = slug(deck)
    if muscles or facets:
        stem += "--" + slug("-".join([*muscles, *facets]))[:60]
    return stem


def deck_id_for(deck: str) -> int:
    """A stable deck id from the deck name (Anki matches decks by name anyway)."""
    return 1_764_000_000_000 + int(hashlib.sha256(deck.encode()).hexdigest()[:12], 16) % 10**9


def load_media(kb: KnowledgeBase, wanted: set[str]) -> tuple[list[MediaFile], dict[str, str]]:
    """Pack each wanted entry's image under a content-hashed name; located errors otherwise."""
    root = Path(kb.root).resolve()
    files: dict[str, MediaFile] = {}
    images: dict[str, str] = {}
    diags: list[Diagnostic] = []
    for entry in kb.entries:
        if entry.media is None or entry.id not in wanted:
            continue
        where = entry.media.location or Location(entry.path)
        rel = entry.media.image
        target = (root / rel).resolve()
        if os.path.isabs(rel) or root not in target.parents:
            diags.append(Diagnostic(where, "E019", f"media path '{rel}' is outside the source folder"))
            continue
        try:
            data = read_regular(target, MAX_MEDIA_BYTES, root=root)
        except UnsafeRead as exc:
            diags.append(Diagnostic(where, "E019", f"media file '{rel}': {exc}"))
            continue
        name = f"tp-{hashlib.sha256(data).hexdigest()[:16]}{target.suffix.lower()}"
        files[name] = MediaFile(name, data)
        images[entry.id] = image_field(name, entry.media.caption)
    if diags:
        raise InputError(diags)
    return list(files.values()), images


def _merge_media(*groups: list[MediaFile]) -> list[MediaFile]:
    """One list of media files, sorted by name, each name once (the package's media order)."""
    files = {m.name: m for group in groups for m in group}
    return sorted(files.values(), key=lambda m: m.name)


def _model_hash(data: dict[str, Any]) -> str:
    content = {k: v for k, v in data.items() if k not in ("mod", "did")}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:20]


def plan(src: str | os.PathLike[str], deck: str, muscles: Sequence[str], facets: Sequence[str]) -> _Plan:
    """Load, select and render: everything but the mods and the files."""
    from studytool.questions.facts import derive_facts
    from studytool.selection import check_selection
    from studytool.source import load_kb_or_raise

    kb = load_kb_or_raise(src)
    check_selection(kb, muscles, facets)
    facts = derive_facts(kb, muscles=muscles, facets=facets)
    if not facts:
        raise UserError("the selection has no facts; nothing to build")
    media, images = load_media(kb, {f.entry for f in facts})
    maps = plan_maps(kb, facts)
    if maps.facts:
        facts = sorted([*facts, *maps.facts], key=lambda f: (f.order, f.id))
    notes = render_all(facts, images, maps.images, maps.fronts)
    media = _merge_media(media, maps.media)
    deck_id = deck_id_for(deck)
    mods = models()
    hashes = {mid: _model_hash(model_json(m, deck_id, 0)) for mid, m in mods.items()}
    return _Plan(deck, deck_id, notes, media, mods, hashes, left_out_of_maps(kb, facts))


def left_out_of_maps(kb: KnowledgeBase, facts: Sequence[Fact]) -> list[str]:
    """One warning per selected entry whose pattern is not fully coded, and so has no map."""
    selected = {f.entry for f in facts}
    return [
        f"{e.path}: no body map, map card or reverse referral question for {e.id}: "
        + "; ".join(e.referral_gaps())
        for e in kb.entries
        if e.id in selected and e.referral and not e.referral_complete
    ]


def _compare(p: _Plan, lock: Lock, report: BuildReport) -> None:
    current = {n.guid for n in p.notes}
    for n in p.notes:
        old = lock.notes.get(n.guid)
        if old is None:
            report.added.append(n.fact_id)
        elif old.hash != n.hash:
            report.changed.append(n.fact_id)
    report.removed = sorted(s.name for g, s in lock.notes.items() if g not in current)
    for mid, h in p.model_hashes.items():
        old = lock.models.get(str(mid))
        if old is None or old.hash != h:
            report.models_changed.append(p.models[mid].name)
    report.notes = len(p.notes)
    report.cards = sum(len(n.ords) for n in p.notes)
    report.media = len(p.media)


def _paths(out: Path, deck: str, muscles: Sequence[str], facets: Sequence[str]) -> tuple[Path, Path]:
    stem = deck_stem(deck, muscles, facets)
    return out / f"{stem}.apkg", out / f"{stem}.lock.json"


@paused_gc()
def build_deck(
    src: str | os.PathLike[str] = "cards_src",
    out: str | os.PathLike[str] = "decks",
    *,
    now: int,
    deck: str = DEFAULT_DECK,
    muscles: Sequence[str] = (),
    facets: Sequence[str] = (),
    tsv: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Build `<out>/<deck-slug>.apkg` and its lock; two builds from the same inputs are identical.

    The output folder is locked for the whole run, and the deck and its lock are written as one
    unit (`studytool.atomic.write_group`), so no reader ever sees a deck with another's lock.
    """
    out_dir = Path(out)
    apkg, lock_path = _paths(out_dir, deck, muscles, facets)
    tsv_path = _check_tsv(tsv, src, (apkg, lock_path))
    digest = input_digest(src, deck, muscles, facets, exclude=out_dir)  # before reading any input
    p = plan(src, deck, muscles, facets)
    with folder_lock(out_dir):
        return _write_locked(p, digest, apkg, lock_path, tsv_path, now, progress)


def _check_tsv(
    tsv: str | os.PathLike[str] | None, src: str | os.PathLike[str], outputs: Sequence[Path]
) -> Path | None:
    """The --tsv path, refused when it would overwrite an input or another output of the run."""
    if tsv is None:
        return None
    path = Path(tsv)
    target = path.resolve()
    if any(target == o.resolve() for o in outputs):
        raise UserError(f"--tsv {path} is the deck or its lock; choose another file")
    if target.is_relative_to(Path(src).resolve()):
        raise UserError(f"--tsv {path} is inside the source folder {src}; choose a file outside it")
    if target.is_dir():
        raise UserError(f"--tsv {path} is a folder; give a file name")
    return path


def _write_locked(
    p: _Plan,
    digest: str,
    apkg: Path,
    lock_path: Path,
    tsv: Path | None,
    now: int,
    progress: Progress | None,
) -> BuildReport:
    """Stamp and write a planned deck, with the output folder locked (see `build_deck`)."""
    from genanki import Deck

    deck, out_dir = p.deck, apkg.parent
    lock = read_lock(lock_path)
    if lock.deck and lock.deck != deck:
        raise UserError(
            f"{lock_path} is the lock of deck '{lock.deck}', not '{deck}'; "
            "restore this deck's lock (git checkout) or move that file away"
        )
    report = BuildReport(deck, apkg, lock_path, warnings=list(p.warnings))
    if not lock.notes and apkg.exists():
        report.warnings.append(
            f"{lock_path} is missing or empty, so every note gets a new modification time and a "
            "re-import will overwrite students' own edits of every note; to avoid that, restore "
            f"the lock first (git checkout -- {lock_path})"
        )
    _compare(p, lock, report)

    mods = [next_mod(lock.notes.get(n.guid), n.hash, now) for n in p.notes]
    models_json: dict[str, Any] = {}
    new_lock = Lock(deck=deck)
    for mid, model in p.models.items():
        mod = next_mod(lock.models.get(str(mid)), p.model_hashes[mid], now)
        models_json[str(mid)] = model_json(model, p.deck_id, mod)
        new_lock.models[str(mid)] = Stamp(model.name, p.model_hashes[mid], mod)
    for n, mod in zip(p.notes, mods, strict=True):
        new_lock.notes[n.guid] = Stamp(
            n.fact_id, n.hash, mod, field_history(lock.notes.get(n.guid), n.fields)
        )
    new_lock.layout = layout_digest(deck, p.deck_id, p.notes, p.media)
    deck_json = Deck(p.deck_id, deck, DECK_DESCRIPTION).to_json()

    # Scratch space inside the output folder: a killed run's leftovers are found and removed
    # by the next run's `folder_lock`, and nothing is left in the system's temp folder.
    with tempfile.TemporaryDirectory(prefix=WORK_PREFIX, dir=out_dir) as tmp:
        col = Path(tmp) / "collection.anki2"
        write_collection(
            col, deck_json=deck_json, models_json=models_json, notes=p.notes, mods=mods, progress=progress
        )
        package = Path(tmp) / apkg.name
        with package.open("wb") as fh:
            write_zip(fh, col, p.media)
        new_lock.package_sha256 = _sha256(package)
        write_group(
            out_dir,
            {apkg.name: package.read_bytes(), lock_path.name: sealed_lock_text(new_lock, digest)},
        )
    if tsv is not None:
        from studytool.anki.tsv import tsv_text

        names = {mid: m.name for mid, m in p.models.items()}
        write_atomic(Path(tsv), tsv_text(p.notes, deck, names))
        report.tsv = Path(tsv)
    report.written = True
    return report


def sealed_lock_text(lock: Lock, digest: str) -> str:
    """The lock's text with its seal: the input digest bound to the rest of the text."""
    lock.inputs = ""
    blank = format_lock(lock)
    lock.inputs = seal(digest, blank)
    return blank.replace(f'"{SEAL_KEY}": ""', f'"{SEAL_KEY}": "{lock.inputs}"', 1)


def _check_sealed(
    src: str | os.PathLike[str],
    out: Path,
    deck: str,
    muscles: Sequence[str],
    facets: Sequence[str],
) -> BuildReport | None:
    """An "up to date" report when the lock's seal matches the inputs and the .apkg its lock; else None."""
    apkg, lock_path = _paths(out, deck, muscles, facets)
    if not apkg.is_file():
        return None
    try:
        lock, text = read_lock_text(lock_path)
    except UserError:
        return None  # the full check reports it
    if not lock.inputs or lock.deck != deck or not lock.package_sha256:
        return None
    digest = input_digest(src, deck, muscles, facets, exclude=out)
    if seal(digest, blank_seal(text, lock.inputs)) != lock.inputs:
        return None
    if _sha256(apkg) != lock.package_sha256:
        return None
    report = BuildReport(deck, apkg, lock_path, sealed=True)
    report.notes = len(lock.notes)
    return report


def check_deck(
    src: str | os.PathLike[str] = "cards_src",
    out: str | os.PathLike[str] = "decks",
    *,
    deck: str = DEFAULT_DECK,
    muscles: Sequence[str] = (),
    facets: Sequence[str] = (),
) -> BuildReport:
    """Compare the committed deck and lock with the sources; write nothing.

    When the lock's seal matches the current inputs (code, options, every source and media
    file) and the .apkg matches the lock, the answer is "up to date" without planning;
    otherwise every note is planned and compared, so the report names what differs.
    """
    if not Path(out).is_dir():  # nothing to lock or compare against; report what is missing
        return _check_locked(src, Path(out), deck, muscles, facets)
    with folder_lock(Path(out)):
        return _check_locked(src, Path(out), deck, muscles, facets)


def _check_locked(
    src: str | os.PathLike[str], out: Path, deck: str, muscles: Sequence[str], facets: Sequence[str]
) -> BuildReport:
    """`check_deck` with the output folder locked: a build in progress is waited for."""
    fast = _check_sealed(src, out, deck, muscles, facets)
    if fast is not None:
        return fast
    apkg, lock_path = _paths(out, deck, muscles, facets)
    with paused_gc():
        p = plan(src, deck, muscles, facets)
    report = BuildReport(deck, apkg, lock_path, warnings=list(p.warnings))
    if not lock_path.is_file():
        report.problems.append(f"{lock_path} is missing")
        lock = Lock()
    else:
        lock = read_lock(lock_path)
    _compare(p, lock, report)
    if lock.deck and lock.deck != deck:
        report.problems.append(f"{lock_path} is for deck '{lock.deck}', not '{deck}'")
    if lock.layout and lock.layout != layout_digest(deck, p.deck_id, p.notes, p.media):
        report.problems.append("note order, card count or media changed")
    if not apkg.is_file():
        report.problems.append(f"{apkg} is missing")
    elif lock.package_sha256 and _sha256(apkg) != lock.package_sha256:
        report.problems.append(f"{apkg} does not match its lock file (edited or stale)")
    return report


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
