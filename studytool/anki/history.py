"""`reviews push` and `reviews pull`: move review history between the built-in store and Anki.

Push writes each answer of the built-in store (not cram, not undone, not itself pulled from
Anki) as a review-log row on the fact's cards (every item card of a list), and sets each card's
FSRS memory state, interval and due date to what the built-in store's FSRS computed. Pull
copies Anki's review-log rows of the deck's cards into the built-in store (mode `anki`) and
replays each touched fact's history through FSRS in time order. A review is recognised by its
time (Anki's revlog id is the answer time in milliseconds), so both are idempotent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from studytool.anki.render import guid_for
from studytool.clock import to_text
from studytool.review.store import LIVE_ANSWER, REVIEW, Store

PULLED_MODE = "anki"
SAME_REVIEW_MS = 100  # a pushed review's rows lie this close after the answer's time (unique ids)
_REVLOG_TYPE = {0: 0, 1: 0, 2: 1, 3: 2}  # our state before -> revlog type (learn, review, relearn)


@dataclass
class MoveReport:
    """How many review rows moved and how many cards were rescheduled."""

    reviews: int = 0
    cards: int = 0
    skipped: int = 0  # already there


def _ms(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() * 1000)


def _deck_notes(col: Any, deck_id: int) -> dict[str, int]:
    """guid -> note id for the notes with cards in the deck."""
    rows = col.db.all(
        "SELECT DISTINCT n.guid, n.id FROM notes n JOIN cards c ON c.nid = n.id WHERE c.did = ?", deck_id
    )
    return {str(g): int(n) for g, n in rows}


def push(store: Store, col: Any, deck_id: int) -> MoveReport:
    """The built-in store's history into the collection (see the module docstring)."""
    from anki.cards import FSRSMemoryState

    notes = _deck_notes(col, deck_id)
    report = MoveReport()
    answers = store.conn.execute(
        f"SELECT r.fact_id, r.time, r.rating, r.duration_ms, r.state_before, r.state_after FROM reviews r "
        f"WHERE {LIVE_ANSWER} AND r.cram = 0 AND r.mode IS NOT '{PULLED_MODE}' ORDER BY r.time, r.id"
    ).fetchall()
    touched: set[str] = set()
    for fact_id, time, rating, duration, before_json, after_json in answers:
        nid = notes.get(guid_for(fact_id))
        if nid is None:
            continue
        before, after = json.loads(before_json), json.loads(after_json)
        for offset, cid in enumerate(col.card_ids_of_note(nid)):
            base = _ms(time)
            if col.db.scalar(
                "SELECT 1 FROM revlog WHERE cid = ? AND id >= ? AND id < ?", cid, base, base + SAME_REVIEW_MS
            ):
                report.skipped += 1
                continue
            rid = base + offset  # revlog ids are unique: the next free millisecond
            while col.db.scalar("SELECT 1 FROM revlog WHERE id = ?", rid):
                rid += 1
            ivl = _interval(after.get("due"), time)
            col.db.execute(
                "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
                "VALUES (?, ?, -1, ?, ?, 0, 0, ?, ?)",
                rid,
                cid,
                int(rating),
                ivl,
                int(duration or 0),
                _REVLOG_TYPE.get(int(before.get("state", 0)), 0),
            )
            report.reviews += 1
            touched.add(fact_id)
    now = datetime.now(UTC)
    for fact_id in sorted(touched):
        snap = store.snapshot(fact_id)
        if not snap.card or not snap.due:
            continue
        due = datetime.fromisoformat(snap.due)
        for cid in col.card_ids_of_note(notes[guid_for(fact_id)]):
            card = col.get_card(cid)
            card.memory_state = FSRSMemoryState(
                stability=float(snap.card["stability"]), difficulty=float(snap.card["difficulty"])
            )
            card.type = snap.state
            card.reps = snap.reps
            card.lapses = snap.lapses
            if snap.state == REVIEW:
                days = max(1, round((due - now).total_seconds() / 86400))
                card.queue, card.due = 2, col.sched.today + days
                last = datetime.fromisoformat(str(snap.card.get("last_review") or snap.due))
                card.ivl = max(1, round((due - last).total_seconds() / 86400))
            else:
                card.queue, card.due = 1, int(due.timestamp())
            col.update_card(card, skip_undo_entry=True)
            report.cards += 1
    return report


def _interval(due: str | None, time: str) -> int:
    """Anki's revlog interval: days when a day or more ahead, else negative seconds."""
    if not due:
        return 0
    seconds = (datetime.fromisoformat(due) - datetime.fromisoformat(time)).total_seconds()
    return round(seconds / 86400) if seconds >= 86400 else -round(seconds)


def pull(store: Store, col: Any, deck_id: int, scheduler: Any) -> MoveReport:
    """Anki's history of the deck's cards into the built-in store (see the module docstring)."""
    facts = {guid_for(f): str(f) for (f,) in store.conn.execute("SELECT fact_id FROM cards")}
    known: dict[str, list[int]] = {}
    for f, t in store.conn.execute(f"SELECT r.fact_id, r.time FROM reviews r WHERE {LIVE_ANSWER}"):
        known.setdefault(str(f), []).append(_ms(str(t)))
    rows = col.db.all(
        "SELECT r.id, r.ease, r.time, n.guid FROM revlog r JOIN cards c ON c.id = r.cid "
        "JOIN notes n ON n.id = c.nid WHERE c.did = ? AND r.ease BETWEEN 1 AND 4 ORDER BY r.id",
        deck_id,
    )
    report = MoveReport()
    touched: set[str] = set()
    with store.transaction() as db:
        for rid, ease, duration, guid in rows:
            fact_id = facts.get(str(guid))
            if fact_id is None:
                continue
            when = to_text(datetime.fromtimestamp(int(rid) / 1000, UTC))
            # Already here: pulled before, or pushed from here (push adds 0..items-1 ms per card).
            if any(0 <= int(rid) - ms < SAME_REVIEW_MS for ms in known.get(fact_id, ())):
                report.skipped += 1
                continue
            known.setdefault(fact_id, []).append(int(rid))
            db.execute(
                "INSERT INTO reviews (fact_id, time, kind, rating, duration_ms, mode, state_before, "
                "state_after) VALUES (?, ?, 'review', ?, ?, ?, '{}', '{}')",
                (fact_id, when, int(ease), int(duration), PULLED_MODE),
            )
            report.reviews += 1
            touched.add(fact_id)
    for fact_id in sorted(touched):
        store.replay(fact_id, scheduler)
        report.cards += 1
    return report


def move_history(direction: str, state: Path | None, collection: Path, deck: str) -> MoveReport:
    """Open the built-in store and the collection, and `push` or `pull` (both idempotent)."""
    from studytool.anki.collection import open_collection
    from studytool.errors import UserError
    from studytool.review import open_store
    from studytool.review.scheduling import make_scheduler

    with open_store(state, create=direction == "pull") as store, open_collection(collection) as col:
        did = col.decks.id_for_name(deck)
        if not did:
            raise UserError(
                f"the collection has no deck '{deck}'; import the .apkg or run 'anki apply' first"
            )
        if direction == "push":
            return push(store, col, int(did))
        return pull(store, col, int(did), make_scheduler(fuzz=False))
