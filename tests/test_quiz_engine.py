"""The pure session engine: queue order, the per-day new budget with the 4 AM rollover, undo, bury."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studytool.errors import UserError
from studytool.model import KnowledgeBase
from studytool.quiz.engine import Session, SessionOptions
from studytool.review.store import NEW, Store, open_store
from studytool.source import load_kb_or_raise
from tests.conftest import CARDS
from tests.test_quiz_helpers import utc_local  # noqa: F401  (fixture)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb_or_raise(CARDS)


@pytest.fixture
def store(tmp_path: Path, utc_local: None) -> Iterator[Store]:  # noqa: F811
    with open_store(tmp_path / "s.sqlite3") as s:
        yield s


def opts(**kw: object) -> SessionOptions:
    return SessionOptions(fuzz=False, **kw)  # type: ignore[arg-type]


def drain(session: Session, rating: int, now: datetime, n: int) -> list[str]:
    done = []
    for _ in range(n):
        fact = session.next()
        assert fact is not None
        session.answer(fact, rating, now)
        done.append(fact.id)
    return done


def test_new_facts_come_in_curriculum_order_and_respect_the_budget(store: Store, kb: KnowledgeBase) -> None:
    s = Session.start(store, kb, opts(new_per_day=4), T0)
    ids = [f.id for f in s.queue]
    assert len(ids) == 4
    ordered = [f.id for f in sorted(s.facts.values(), key=lambda f: (f.order, f.id))][:4]
    assert ids == ordered


def test_new_budget_is_shared_across_sessions_and_rolls_over_at_4am(store: Store, kb: KnowledgeBase) -> None:
    s = Session.start(store, kb, opts(new_per_day=3), T0)
    drain(s, 4, T0, 2)  # Easy: straight to review, days away
    later = Session.start(store, kb, opts(new_per_day=3), T0 + timedelta(hours=3))
    assert len([f for f in later.queue if store.snapshot(f.id).state == NEW]) == 1
    night = datetime(2026, 3, 2, 3, 59, tzinfo=UTC)  # still the study day of March 1st
    assert not [f for f in Session.start(store, kb, opts(new_per_day=2), night).queue]
    morning = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
    assert len(Session.start(store, kb, opts(new_per_day=2), morning).queue) == 2


def test_day_start_is_configurable(store: Store, kb: KnowledgeBase) -> None:
    s = Session.start(store, kb, opts(new_per_day=1, day_start=0), T0)
    drain(s, 4, T0, 1)
    just_after_midnight = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
    assert len(Session.start(store, kb, opts(new_per_day=1, day_start=0), just_after_midnight).queue) == 1
    assert not Session.start(store, kb, opts(new_per_day=1, day_start=4), just_after_midnight).queue


def test_due_reviews_come_first_oldest_due_first(store: Store, kb: KnowledgeBase) -> None:
    s = Session.start(store, kb, opts(new_per_day=3), T0)
    first, second, third = drain(s, 4, T0, 3)  # Easy: all three due on the same later day
    # Review 'first' again on its due day, so its next due moves past 'second' and 'third'.
    due_first = datetime.fromisoformat(store.snapshot(first).due or "")
    store.answer(first, 3, due_first, scheduler=s.scheduler, mode="flip")
    store.answer(third, 3, due_first + timedelta(days=1), scheduler=s.scheduler, mode="flip")
    later = datetime.fromisoformat(max(store.snapshot(f).due or "" for f in (first, third)))
    s2 = Session.start(store, kb, opts(new_per_day=2), later)
    queue = [f.id for f in s2.queue]
    assert queue[:3] == [second, first, third]  # due dates ascending
    assert [store.snapshot(f).state for f in queue[3:]] == [NEW, NEW]


def test_learning_cards_come_back_in_the_same_session(store: Store, kb: KnowledgeBase) -> None:
    s = Session.start(store, kb, opts(new_per_day=1), T0)
    fact = s.next()
    assert fact is not None
    s.answer(fact, 1, T0)  # Again: due in a minute
    assert s.next() == fact
    s.answer(fact, 4, T0 + timedelta(minutes=1))
    assert s.next() is None


def test_limit_caps_the_session(store: Store, kb: KnowledgeBase) -> None:
    s = Session.start(store, kb, opts(new_per_day=10, limit=2), T0)
    drain(s, 4, T0, 2)
    assert s.next() is None


def test_undo_puts_the_fact_back_and_restores_its_state(store: Store, kb: KnowledgeBase) -> None:
    s = Session.start(store, kb, opts(new_per_day=2), T0)
    fact = s.next()
    assert fact is not None
    s.answer(fact, 1, T0)
    assert s.undo(T0) == fact
    assert s.next() == fact and list(s.queue).count(fact) == 1
    assert store.snapshot(fact.id).state == NEW
    assert s.undo(T0) is None
    assert s.summary(0).reviewed == 0


def test_bury_hides_until_the_next_study_day(store: Store, kb: KnowledgeBase) -> None:
    s = Session.start(store, kb, opts(new_per_day=2), T0)
    fact = s.next()
    assert fact is not None
    until = s.bury(fact, T0)
    assert until == datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
    assert fact not in s.queue
    assert fact not in Session.start(store, kb, opts(new_per_day=5), T0).queue
    assert fact in Session.start(store, kb, opts(new_per_day=5), until).queue


def test_cram_takes_the_selection_and_leaves_the_schedule_alone(store: Store, kb: KnowledgeBase) -> None:
    s = Session.start(store, kb, opts(cram=True, muscles=("gluteus-medius",), facets=("innervation",)), T0)
    assert s.scheduler is None
    ids = [f.id for f in s.queue]
    assert "gluteus-medius__innervation" in ids and len(ids) >= 2
    drain(s, 1, T0, len(ids))
    assert all(store.snapshot(i).state == NEW for i in ids)
    assert store.introduced_between(T0 - timedelta(days=1), T0 + timedelta(days=1)) == 0


def test_bad_options_are_user_errors(store: Store, kb: KnowledgeBase) -> None:
    for bad in (opts(mode="oral"), opts(new_per_day=-1), opts(limit=0), opts(retention=0.3)):
        with pytest.raises(UserError):
            Session.start(store, kb, bad, T0)
