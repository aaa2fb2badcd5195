"""The SQLite review store and the FSRS adapter, against the real fsrs package and real SQLite."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler

from studytool.clock import to_text
from studytool.errors import UserError
from studytool.model import Fact
from studytool.questions.facts import derive_facts
from studytool.review.migrations import SCHEMA_VERSION
from studytool.review.scheduling import LEARNING_STEPS, RELEARNING_STEPS, card_id, make_scheduler
from studytool.review.store import LEECH_FAILS, LIVE_ANSWER, NEW, open_store
from studytool.source import load_kb_or_raise
from tests.conftest import CARDS

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def facts() -> list[Fact]:
    return derive_facts(load_kb_or_raise(CARDS))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "review.sqlite3"


def test_new_state_is_wal_versioned_and_keyed_by_fact_id(db: Path, facts: list[Fact]) -> None:
    with open_store(db) as store:
        assert store.sync(facts, T0) == 0
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        ids = {r[0] for r in store.conn.execute("SELECT fact_id FROM cards")}
    assert ids == {f.id for f in facts}


def test_intervals_match_fsrs_itself(db: Path, facts: list[Fact]) -> None:
    fid = facts[0].id
    ratings = [3, 3, 1, 3, 4, 2]
    reference = Scheduler(
        desired_retention=0.9,
        learning_steps=LEARNING_STEPS,
        relearning_steps=RELEARNING_STEPS,
        enable_fuzzing=False,
    )
    ref = Card(card_id=card_id(fid), due=T0)
    sched = make_scheduler(0.9, fuzz=False)
    with open_store(db) as store:
        store.sync(facts, T0)
        when = T0
        for rating in ratings:
            ans = store.answer(fid, rating, when, scheduler=sched, mode="flip")
            ref, _ = reference.review_card(ref, Rating(rating), when)
            assert ans.after.due == to_text(ref.due)
            assert ans.after.card is not None
            assert ans.after.card["stability"] == pytest.approx(ref.stability)
            assert ans.after.state == int(ref.state)
            when = ref.due
    # the sequence ends in review state with a multi-day interval
    assert (ref.due - T0) > timedelta(days=1)


def test_retention_changes_intervals(db: Path, facts: list[Fact]) -> None:
    fid = facts[0].id
    dues: list[str] = []
    for r in (0.8, 0.95):
        path = db.with_name(f"r{r}.sqlite3")
        with open_store(path) as store:
            store.sync(facts, T0)
            ans = store.answer(fid, 4, T0, scheduler=make_scheduler(r, fuzz=False), mode="flip")
            assert ans.after.due is not None
            dues.append(ans.after.due)
    assert dues[0] > dues[1]  # lower desired retention, longer interval
    with pytest.raises(UserError):
        make_scheduler(1.5)


def test_undo_restores_state_and_keeps_the_log_append_only(db: Path, facts: list[Fact]) -> None:
    fid = facts[1].id
    sched = make_scheduler(fuzz=False)
    with open_store(db) as store:
        store.sync(facts, T0)
        first = store.answer(fid, 3, T0, scheduler=sched, mode="type", typed="x", score=0.5)
        second = store.answer(fid, 1, T0 + timedelta(minutes=10), scheduler=sched, mode="type")
        restored = store.undo(second.review_id, T0 + timedelta(minutes=11))
        assert restored == first.after == store.snapshot(fid)
        with pytest.raises(UserError):
            store.undo(second.review_id, T0)  # already undone
        store.undo(first.review_id, T0)
        assert store.snapshot(fid).state == NEW and store.snapshot(fid).introduced is None
        kinds = [r[0] for r in store.conn.execute("SELECT kind FROM reviews ORDER BY id")]
        assert kinds == ["review", "review", "undo", "undo"]
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            store.conn.execute("DELETE FROM reviews")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            store.conn.execute("UPDATE reviews SET rating = 4")


def test_log_row_holds_everything_needed_for_export(db: Path, facts: list[Fact]) -> None:
    fid = facts[0].id
    with open_store(db) as store:
        store.sync(facts, T0)
        store.answer(
            fid,
            2,
            T0,
            scheduler=make_scheduler(fuzz=False),
            mode="type",
            typed="abc",
            score=0.4,
            duration_ms=1234,
        )
        row = store.conn.execute(
            "SELECT fact_id, time, rating, duration_ms, mode, typed, score, state_before, state_after, cram "
            "FROM reviews"
        ).fetchone()
    assert row[:7] == (fid, to_text(T0), 2, 1234, "type", "abc", 0.4)
    assert json.loads(row[7])["state"] == NEW and json.loads(row[8])["state"] == 1
    assert row[9] == 0


def test_cram_logs_but_never_reschedules(db: Path, facts: list[Fact]) -> None:
    fid = facts[0].id
    with open_store(db) as store:
        store.sync(facts, T0)
        before = store.snapshot(fid)
        ans = store.answer(fid, 4, T0, scheduler=None, mode="flip", cram=True)
        assert ans.after == before == store.snapshot(fid)
        assert store.conn.execute("SELECT cram FROM reviews").fetchone()[0] == 1


def test_eight_fails_make_a_leech(db: Path, facts: list[Fact]) -> None:
    fid = facts[0].id
    sched = make_scheduler(fuzz=False)
    with open_store(db) as store:
        store.sync(facts, T0)
        when = T0
        for i in range(LEECH_FAILS):
            ans = store.answer(fid, 1, when, scheduler=sched, mode="flip")
            assert ans.became_leech == (i == LEECH_FAILS - 1)
            when += timedelta(days=1)
        assert store.snapshot(fid).leech == 1


def test_vanished_facts_are_retired_not_deleted(db: Path, facts: list[Fact]) -> None:
    fid = facts[0].id
    with open_store(db) as store:
        store.sync(facts, T0)
        store.answer(fid, 3, T0, scheduler=make_scheduler(fuzz=False), mode="flip")
        assert store.sync(facts[1:], T0) == 1
        assert fid not in store.rows()
        row = store.conn.execute("SELECT retired, reps FROM cards WHERE fact_id = ?", (fid,)).fetchone()
        assert row[0] == to_text(T0) and row[1] == 1
        assert store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 1
        store.sync(facts, T0)  # the fact comes back with its history
        assert fid in store.rows() and store.snapshot(fid).reps == 1


def test_per_answer_queries_use_indexes(db: Path, facts: list[Fact]) -> None:
    with open_store(db) as store:
        store.sync(facts, T0)
        plans = {
            "row": "SELECT state FROM cards WHERE fact_id = 'x'",
            "introduced": "SELECT COUNT(*) FROM cards WHERE introduced >= 'a' AND introduced < 'b'",
            "next_due": "SELECT MIN(due) FROM cards WHERE state > 0 AND retired IS NULL",
            "later": f"SELECT COUNT(*) FROM reviews r WHERE r.fact_id = 'x' AND r.id > 3 AND {LIVE_ANSWER}",
            "undone": "SELECT 1 FROM reviews WHERE undoes = 3",
        }
        for name, sql in plans.items():
            detail = " ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql))
            assert "USING" in detail and "SCAN" not in detail, (name, detail)


def test_two_connections_interleave_answers(db: Path, facts: list[Fact]) -> None:
    sched = make_scheduler(fuzz=False)
    with open_store(db) as a, open_store(db) as b:
        a.sync(facts, T0)
        b.sync(facts, T0)
        for i in range(6):
            (a if i % 2 else b).answer(facts[i].id, 3, T0, scheduler=sched, mode="flip")
        assert a.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 6


def test_busy_state_is_a_clean_user_error(
    db: Path, facts: list[Fact], monkeypatch: pytest.MonkeyPatch
) -> None:
    import studytool.review.store as store_mod

    with open_store(db) as a:
        a.sync(facts, T0)
        a.conn.execute("BEGIN IMMEDIATE")  # hold the write lock
        monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_MS", 50)
        b = open_store(db)
        try:
            with pytest.raises(UserError, match="busy"):
                b.answer(facts[0].id, 3, T0, scheduler=make_scheduler(fuzz=False), mode="flip")
        finally:
            b.close()
        a.conn.execute("ROLLBACK")


def _unchanged(path: Path, data: bytes) -> None:
    assert path.read_bytes() == data


def test_not_sqlite_is_refused_untouched(db: Path) -> None:
    db.write_bytes(b"this is my thesis, not a database\n" * 10)
    data = db.read_bytes()
    with pytest.raises(UserError, match="not a SQLite database"):
        open_store(db)
    _unchanged(db, data)
    assert not db.with_name(db.name + "-wal").exists()


def test_corrupt_sqlite_is_refused_untouched(db: Path, facts: list[Fact]) -> None:
    with open_store(db) as store:
        store.sync(facts, T0)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = bytearray(db.read_bytes())
    raw[100:4096] = b"\xff" * (4096 - 100)  # smash the schema page after the header
    db.write_bytes(bytes(raw))
    with pytest.raises(UserError):
        open_store(db)
    _unchanged(db, bytes(raw))


def test_foreign_sqlite_is_refused(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE thesis (chapter TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(UserError, match="not a studytool review state"):
        open_store(db)


def test_newer_schema_is_refused_untouched(db: Path, facts: list[Fact]) -> None:
    with open_store(db) as store:
        store.sync(facts, T0)
        store.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = db.read_bytes()
    with pytest.raises(UserError, match="newer studytool"):
        open_store(db)
    _unchanged(db, data)


def test_read_only_file_and_folder_are_refused(db: Path, facts: list[Fact]) -> None:
    with open_store(db) as store:
        store.sync(facts, T0)
    os.chmod(db, 0o444)
    try:
        with pytest.raises(UserError, match="read-only"):
            open_store(db)
    finally:
        os.chmod(db, 0o644)
    folder = db.parent / "ro"
    folder.mkdir()
    os.chmod(folder, 0o555)
    try:
        with pytest.raises(UserError, match="read-only"):
            open_store(folder / "new.sqlite3")
        assert not (folder / "new.sqlite3").exists()
    finally:
        os.chmod(folder, 0o755)


def test_missing_state_for_stats_is_a_user_error(db: Path) -> None:
    with pytest.raises(UserError, match="no review state"):
        open_store(db, create=False)
    assert not db.exists()


def test_full_disk_is_reported_as_such(db: Path, facts: list[Fact]) -> None:
    with open_store(db) as store:
        store.sync(facts, T0)
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own 'disk is full'
        with pytest.raises(UserError, match="disk is full"):
            for f in facts:
                store.answer(f.id, 3, T0, scheduler=make_scheduler(fuzz=False), mode="type", typed="x" * 4000)
        assert not store.conn.in_transaction


def test_state_folder_deleted_mid_session_is_an_error_not_a_silent_loss(
    tmp_path: Path, facts: list[Fact]
) -> None:
    folder = tmp_path / "state"
    with open_store(folder / "review.sqlite3") as store:
        store.sync(facts, T0)
        store.answer(facts[0].id, 3, T0, scheduler=make_scheduler(fuzz=False), mode="flip")
        shutil.rmtree(folder)  # SQLite alone would keep writing to the unlinked file
        with pytest.raises(UserError, match="deleted or replaced"):
            store.answer(facts[1].id, 3, T0, scheduler=make_scheduler(fuzz=False), mode="flip")
        assert not store.conn.in_transaction


def test_unusable_state_path_is_a_user_error(tmp_path: Path) -> None:
    too_long = tmp_path / ("a" * 300) / "review.sqlite3"
    for create in (True, False):
        with pytest.raises(UserError, match="too long"):
            open_store(too_long, create=create)
