"""`reviews push` and `reviews pull` against a real Anki collection; both idempotent."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from studytool.anki import build_deck
from tests.conftest import run_cli
from tests.test_anki_support import T1, copy_kb, import_apkg, new_collection, note_by_fact
from tests.test_quiz_helpers import rows, studytool


def _collection(tmp_path: Path) -> tuple[Path, Path]:
    src = copy_kb(tmp_path / "src")
    deck = build_deck(src, tmp_path / "decks", now=T1)
    col = new_collection(tmp_path / "anki")
    import_apkg(col, deck.apkg)
    path = Path(col.path)
    col.close()
    return src, path


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _revlog(col: Any) -> list[tuple[int, int, int]]:
    return [tuple(r) for r in col.db.all("select id, cid, ease from revlog order by id")]


def test_push_carries_history_and_fsrs_state_and_is_idempotent(tmp_path: Path) -> None:
    src, path = _collection(tmp_path)
    state = tmp_path / "state" / "review.sqlite3"
    quiz = studytool("quiz", str(src), "--new", "2", stdin="\n4\n\n3\n", state=state, now=_now())
    assert quiz.returncode == 0, quiz.stderr
    code, out, err = run_cli("reviews", "push", "--collection", str(path), "--state", str(state))
    assert code == 0, err
    assert "push: 2 review(s) copied" in out
    code, out, _ = run_cli("reviews", "push", "--collection", str(path), "--state", str(state))
    assert "push: 0 review(s) copied" in out and "2 already there" in out
    easy = json.loads(
        str(rows(state, "select card from cards where fact_id = 'levator-scapulae__area'")[0][0])
    )
    col = new_collection(path.parent)
    try:
        area = note_by_fact(col, "levator-scapulae__area").cards()[0]
        origin = note_by_fact(col, "levator-scapulae__origin").cards()[0]
        assert [(cid, ease) for _, cid, ease in _revlog(col)] == [(area.id, 4), (origin.id, 3)]
        assert area.type == 2 and area.queue == 2
        due_days = (datetime.fromisoformat(easy["due"]) - datetime.now(UTC)).total_seconds() / 86400
        assert area.due - col.sched.today == max(1, round(due_days))
        assert abs(area.memory_state.stability - easy["stability"]) < 1e-3
        assert origin.queue == 1  # a learning step, due in minutes
        assert col.db.scalar("select count() from revlog where usn = -1") == 2  # marked for sync
    finally:
        col.close()

    # Pulling back what was pushed duplicates nothing either.
    code, out, _ = run_cli("reviews", "pull", "--collection", str(path), "--state", str(state))
    assert code == 0 and "pull: 0 review(s) copied" in out


def test_pull_brings_phone_reviews_and_is_idempotent(tmp_path: Path) -> None:
    from anki.scheduler.v3 import CardAnswer

    _, path = _collection(tmp_path)
    col = new_collection(path.parent)
    try:
        col.decks.select(col.decks.id_for_name("Trigger Points"))
        for rating in (CardAnswer.GOOD, CardAnswer.EASY):
            queued = col.sched.get_queued_cards(fetch_limit=1).cards[0]
            card = col.get_card(queued.card.id)
            card.start_timer()
            col.sched.answer_card(col.sched.build_answer(card=card, states=queued.states, rating=rating))
    finally:
        col.close()
    state = tmp_path / "state" / "review.sqlite3"
    # The built-in store knows the facts once a session has seen them.
    assert studytool("quiz", str(tmp_path / "src"), stdin="q\n", state=state, now=_now()).returncode == 0
    code, out, err = run_cli("reviews", "pull", "--collection", str(path), "--state", str(state))
    assert code == 0, err
    assert "pull: 2 review(s) copied" in out
    got = rows(state, "select fact_id, rating, mode from reviews order by time")
    assert got == [
        ("levator-scapulae__area", 3, "anki"),
        ("levator-scapulae__origin", 4, "anki"),
    ]
    assert rows(state, "select state from cards where fact_id = 'levator-scapulae__origin'") == [(2,)]
    code, out, _ = run_cli("reviews", "pull", "--collection", str(path), "--state", str(state))
    assert "pull: 0 review(s) copied" in out and "2 already there" in out
