"""`studytool stats`: figures computed from a known history, in JSON and on screen."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studytool.clock import to_text
from studytool.questions.facts import derive_facts
from studytool.review.scheduling import make_scheduler
from studytool.review.store import LEECH_FAILS, open_store
from studytool.source import load_kb_or_raise
from tests.conftest import CARDS
from tests.test_quiz_helpers import ANSI, studytool, utc_local  # noqa: F401

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def history(tmp_path: Path, utc_local: None) -> tuple[Path, datetime, dict[str, str]]:  # noqa: F811
    """A state with known answers: a leech, a passed and a failed mature review, a cram answer."""
    facts = derive_facts(load_kb_or_raise(CARDS))
    by = {f.id: f for f in facts}
    ids = {
        "passed": "gluteus-medius__innervation",
        "failed": "gluteus-medius__origin",
        "leech": "gluteus-medius__innervation-levels",
        "other": next(f.id for f in facts if f.entry != "gluteus-medius" and f.facet == "innervation"),
    }
    assert all(i in by for i in ids.values())
    path = tmp_path / "state.sqlite3"
    sched = make_scheduler(fuzz=False)
    with open_store(path) as store:
        store.sync(facts, T0)
        for key in ("passed", "failed", "other"):
            store.answer(ids[key], 4, T0, scheduler=sched, mode="flip")  # Easy: review state
        for i in range(LEECH_FAILS):
            store.answer(ids["leech"], 1, T0 + timedelta(minutes=i), scheduler=sched, mode="type")
        store.answer(ids["other"], 1, T0, scheduler=None, mode="flip", cram=True)
        due = datetime.fromisoformat(store.snapshot(ids["passed"]).due or "")
        store.answer(ids["passed"], 3, due, scheduler=sched, mode="flip")
        store.answer(ids["failed"], 1, due + timedelta(hours=1), scheduler=sched, mode="flip")
    return path, due + timedelta(hours=2), ids


def test_stats_json_figures(history: tuple[Path, datetime, dict[str, str]]) -> None:
    path, now, ids = history
    proc = studytool("stats", "--json", state=path, now=to_text(now))
    assert proc.returncode == 0, proc.stderr
    s = json.loads(proc.stdout)
    assert s["totals"]["reviews"] == 3 + LEECH_FAILS + 2
    assert s["totals"]["cram_reviews"] == 1
    assert s["totals"]["days_studied"] == 2
    assert s["cards"]["new"] == s["totals"]["facts"] - 4
    assert s["cards"]["review"] + s["cards"]["learning"] + s["cards"]["relearning"] == 4
    assert s["retention_30_days"] == {"reviews": 2, "passed": 1, "rate": 0.5}
    assert [lee["fact_id"] for lee in s["leeches"]] == [ids["leech"]]
    assert s["cards"]["leeches"] == 1
    assert len(s["forecast"]) == 14
    assert s["forecast"][0]["date"] == now.date().isoformat()
    assert s["due"]["today"] == s["forecast"][0]["due"] >= 1  # the failed card relearns today
    assert s["due"]["next_7_days"] == sum(r["due"] for r in s["forecast"][:7])
    rates = [r["rate"] for r in s["accuracy"]["facet"]]
    assert rates == sorted(rates)  # weakest first
    muscles = {r["name"]: r for r in s["accuracy"]["muscle"]}
    assert muscles["Gluteus medius"]["reviews"] == 2 + LEECH_FAILS + 2
    assert s["streak"] == {"current": 1, "longest": 1}


def test_streak_counts_consecutive_study_days(tmp_path: Path, utc_local: None) -> None:  # noqa: F811
    facts = derive_facts(load_kb_or_raise(CARDS))
    path = tmp_path / "s.sqlite3"
    with open_store(path) as store:
        store.sync(facts, T0)
        for day in (0, 1, 2, 4):  # March 1-3 and 5 (a gap on the 4th)
            when = T0 + timedelta(days=day)
            store.answer(facts[day].id, 3, when, scheduler=make_scheduler(fuzz=False), mode="flip")
        store.answer(
            facts[9].id, 3, datetime(2026, 3, 7, 3, 0, tzinfo=UTC), scheduler=None, mode="flip", cram=True
        )  # 03:00 belongs to the study day of March 6th
    s = json.loads(studytool("stats", "--json", state=path, now="2026-03-07T12:00:00Z").stdout)
    # today (the 7th) has no answer yet, so the run ends yesterday: 6th (via 03:00) and 5th
    assert s["streak"] == {"current": 2, "longest": 3}
    later = json.loads(studytool("stats", "--json", state=path, now="2026-03-09T12:00:00Z").stdout)
    assert later["streak"]["current"] == 0


def test_stats_screen_is_plain_text(history: tuple[Path, datetime, dict[str, str]]) -> None:
    path, now, ids = history
    proc = studytool("stats", state=path, now=to_text(now))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert ANSI not in out
    for text in (
        "Due forecast (14 days)",
        "█",
        "Retention, last 30 days",
        "50% (1/2)",
        "Accuracy per facet, weakest first",
        "Leeches (failed 8+ times)",
        ids["leech"],
    ):
        assert text in out, text


def test_stats_without_state_is_a_clean_error(tmp_path: Path) -> None:
    proc = studytool("stats", state=tmp_path / "none.sqlite3")
    assert proc.returncode == 2 and "no review state" in proc.stderr
    assert not (tmp_path / "none.sqlite3").exists()
