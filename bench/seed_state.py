"""Seed a quiz review state: the first `n` facts of a knowledge base, reviewed and due at `now`.

Uses the real review store (`open_store`, `Store.sync`, `Store.transaction`, `Store._write`)
and the real FSRS adapter, but writes every row in ONE transaction instead of running
thousands of quiz sessions. Each seeded fact gets a genuine FSRS review-state card (made by
`scheduling.review`, then re-stamped with its own card id and due time) and one log row, so
the database looks like a student's after weeks of study.

Usage: python bench/seed_state.py SRC STATE.sqlite3 N NOW_ISO
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from studytool.clock import parse_utc, to_text
from studytool.questions.facts import derive_facts
from studytool.review import Snapshot, Store, open_store
from studytool.review.scheduling import card_id, make_scheduler, review
from studytool.review.store import REVIEW
from studytool.source import load_kb_or_raise


def seed(src: str | Path, state_path: str | Path, n_facts: int, now_iso: str) -> int:
    """Create `state_path` with min(n_facts, #facts) facts in review state, due at or before `now`.

    Due times spread over the 30 days before `now` so the queue has a real order to sort.
    Returns how many facts were seeded. An existing file at `state_path` is replaced.
    """
    now = parse_utc(now_iso)
    target = Path(state_path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    facts = derive_facts(load_kb_or_raise(src))
    chosen = facts[: max(0, n_facts)]

    # One real FSRS history (Good, Good, Good) gives a genuine review-state card to copy.
    scheduler = make_scheduler(fuzz=False)
    start = now - timedelta(days=40)
    template = review(scheduler, "template", None, 3, start)
    template = review(scheduler, "template", template, 3, start + timedelta(minutes=10))
    template = review(scheduler, "template", template, 3, start + timedelta(days=3))

    store = open_store(target)
    try:
        store.sync(facts, start)
        with store.transaction() as db:
            log = []
            for i, fact in enumerate(chosen):
                due = now - timedelta(days=30) * ((i * 7919) % max(1, len(chosen))) / max(1, len(chosen))
                card = {
                    **template,
                    "card_id": card_id(fact.id),
                    "due": due.isoformat(),
                    "last_review": (due - timedelta(days=10)).isoformat(),
                }
                after = Snapshot(REVIEW, to_text(due), card, 3, 0, 0, 0, to_text(start))
                Store._write(db, fact.id, after)
                reviewed = to_text(due - timedelta(days=10))
                log.append((fact.id, reviewed, Snapshot().to_json(), after.to_json()))
            db.executemany(
                """INSERT INTO reviews (fact_id, time, kind, rating, duration_ms, mode,
                                       state_before, state_after, cram)
                   VALUES (?, ?, 'review', 3, 4000, 'flip', ?, ?, 0)""",
                log,
            )
    finally:
        store.close()
    return len(chosen)


if __name__ == "__main__":
    print(seed(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]))
