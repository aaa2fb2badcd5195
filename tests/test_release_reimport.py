"""The release, as a student who has the previous deck meets it: one re-import in real Anki.

`tests/data/anki/released/` holds the deck and lock of the first release (commit 1e1453d). A
student imported it and reviewed every card. Importing today's deck must add the new notes,
update in place only the notes whose text changed, keep every card's schedule and history, and
leave the retired notes where they were. The build's own summary must say exactly that.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from studytool.anki import build_deck
from tests.conftest import CARDS
from tests.test_anki_support import T1, import_apkg, new_collection

RELEASED = Path(__file__).parent / "data" / "anki" / "released"


def _review_all(col: Any) -> None:
    from anki.scheduler.v3 import CardAnswer

    for cid in col.find_cards(""):
        card = col.get_card(cid)
        card.start_timer()
        states = col._backend.get_scheduling_states(cid)
        col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD))


def _schedule(col: Any) -> dict[tuple[str, int], tuple[int, int, int, int, int]]:
    rows = col.db.all(
        "select n.guid, c.ord, c.type, c.queue, c.due, c.ivl, c.reps"
        " from cards c join notes n on n.id = c.nid"
    )
    return {(guid, ord_): tuple(rest) for guid, ord_, *rest in rows}


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("release")
    col = new_collection(tmp / "anki")
    import_apkg(col, RELEASED / "trigger-points.apkg")
    _review_all(col)
    notes_before = {guid: (mod, flds) for guid, mod, flds in col.db.all("select guid, mod, flds from notes")}
    sched_before = _schedule(col)
    revlog_before = col.db.scalar("select count() from revlog")
    out = tmp / "decks"
    out.mkdir()
    shutil.copy(RELEASED / "trigger-points.lock.json", out / "trigger-points.lock.json")
    report = build_deck(CARDS, out, now=T1 + 86_400 * 30)
    log = import_apkg(col, out / "trigger-points.apkg")
    notes_after = {guid: (mod, flds) for guid, mod, flds in col.db.all("select guid, mod, flds from notes")}
    return {
        "col": col,
        "report": report,
        "log": log,
        "before": notes_before,
        "after": notes_after,
        "sched_before": sched_before,
        "sched_after": _schedule(col),
        "revlog": (revlog_before, col.db.scalar("select count() from revlog")),
    }


def test_new_notes_are_added_as_the_build_said(story: dict[str, Any]) -> None:
    report, before, after = story["report"], story["before"], story["after"]
    added = set(after) - set(before)
    assert len(added) == len(report.added) > 0
    assert len(story["log"].new) == len(report.added)


def test_only_notes_whose_text_changed_are_updated(story: dict[str, Any]) -> None:
    report, before, after = story["report"], story["before"], story["after"]
    updated = {g for g in before if g in after and after[g][1] != before[g][1]}
    assert len(updated) == len(report.changed)
    untouched = {g for g in before if g in after and after[g][1] == before[g][1]}
    assert all(after[g][0] == before[g][0] for g in untouched)  # not even their mod time moved


def test_every_reviewed_card_keeps_its_schedule_and_history(story: dict[str, Any]) -> None:
    before, after = story["sched_before"], story["sched_after"]
    assert before and all(after.get(key) == value for key, value in before.items())
    old, new = story["revlog"]
    assert old > 0 and new == old


def test_retired_notes_stay_in_the_collection(story: dict[str, Any]) -> None:
    report, before, after = story["report"], story["before"], story["after"]
    assert len(report.removed) > 0  # the per-action cards were retired in this release
    assert set(before) <= set(after)


def test_the_release_notes_state_the_build_s_numbers(story: dict[str, Any]) -> None:
    report = story["report"]
    notes = (Path(__file__).parent.parent / "docs" / "release-notes.md").read_text(encoding="utf-8")
    assert f"**{len(report.added)} new notes**" in notes
    assert f"**{len(report.changed)} notes updated in place**" in notes
    assert f"**{len(report.removed)} notes no longer built**" in notes
