"""`anki apply` against a real Anki collection: v1 imported and studied, the student's edits and
tags, v2 merged in place, v3 conflicting; and the plain re-import that loses the tag."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from studytool.anki import build_deck
from studytool.anki.apply import ApplyReport, apply_deck
from tests.conftest import env_with, run_cli
from tests.test_anki_support import T1, copy_kb, edit, import_apkg, new_collection, note_by_fact

EDITED = "levator-scapulae__origin"
MINE = "Transverse processes of C1–C4 (my mnemonic: one to four)"
OLD_SOURCE = 'sources: ["Travell & Simons, Vol. 1, ch. 19"]'
NEW_SOURCE = 'sources: ["Travell & Simons, Vol. 1, 2nd ed., ch. 19"]'
NEW_DIFF = (
    "  - condition: Cervical radiculopathy\n"
    "    distinguish: Radicular pain follows a dermatome and comes with neurological signs.\n"
)
NEW_FACT = "levator-scapulae__differential-cervical-radiculopathy"


def _review_good(col: Any, cid: int) -> None:
    from anki.scheduler.v3 import CardAnswer

    card = col.get_card(cid)
    card.start_timer()
    states = col._backend.get_scheduling_states(cid)
    col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD))


def _schedule(col: Any, fact_id: str) -> list[tuple[Any, ...]]:
    nid = note_by_fact(col, fact_id).id
    cards = col.db.all(
        "select id, due, ivl, type, queue, reps, data from cards where nid = ? order by id", nid
    )
    revlog = col.db.all("select * from revlog where cid in (select id from cards where nid = ?)", nid)
    return [*cards, *revlog]


@dataclass
class Story:
    base: Path
    col_path: Path
    v1_apkg: Path
    schedule_before: list[tuple[Any, ...]] = field(default_factory=list)
    dry: ApplyReport | None = None
    v2: ApplyReport | None = None
    v2_again: ApplyReport | None = None
    v3: ApplyReport | None = None
    v3_again: ApplyReport | None = None
    after_v2: dict[str, Any] = field(default_factory=dict)
    after_v3: dict[str, Any] = field(default_factory=dict)
    schedule_after: list[tuple[Any, ...]] = field(default_factory=list)
    pending_usn: int = 0
    differential_cards: int = 0
    col_bytes_before_dry: bytes = b""
    col_bytes_after_dry: bytes = b""


def _note_state(col: Any, fact_id: str) -> dict[str, Any]:
    note = note_by_fact(col, fact_id)
    return {"Back": note["Back"], "Source": note["Source"], "tags": sorted(note.tags), "usn": note.usn}


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Story:
    base = tmp_path_factory.mktemp("apply")
    src = copy_kb(base / "src")
    out = base / "decks"
    v1 = build_deck(src, out, now=T1)
    v1_copy = base / "v1.apkg"
    v1_copy.write_bytes(v1.apkg.read_bytes())
    col = new_collection(base / "student")
    col_path = Path(col.path)
    import_apkg(col, v1.apkg)
    _review_good(col, note_by_fact(col, EDITED).cards()[0].id)
    note = note_by_fact(col, EDITED)
    note["Back"] = MINE
    note.tags = [*note.tags, "marked", "mine"]
    col.update_note(note)
    s = Story(base, col_path, v1_copy, schedule_before=_schedule(col, EDITED))
    col.close()

    # v2: the source citation of every levator note changes, and a new differential arrives.
    edit(src / "levator-scapulae.yaml", OLD_SOURCE, NEW_SOURCE)
    edit(src / "levator-scapulae.yaml", "sources:", NEW_DIFF + "sources:")
    build_deck(src, out, now=T1 + 86_400)
    apkg = out / "trigger-points.apkg"
    s.col_bytes_before_dry = col_path.read_bytes()
    s.dry = apply_deck(col_path, apkg, dry_run=True)
    s.col_bytes_after_dry = col_path.read_bytes()
    s.v2 = apply_deck(col_path, apkg)
    s.v2_again = apply_deck(col_path, apkg)
    col = new_collection(base / "student")
    s.after_v2 = _note_state(col, EDITED)
    s.pending_usn = col.db.scalar("select count() from notes where usn = -1")
    s.differential_cards = len(note_by_fact(col, "levator-scapulae__differentials").cards())
    col.close()

    # v3: upstream corrects the very field the student edited.
    edit(src / "levator-scapulae.yaml", "Transverse processes of C1–C4", "Posterior tubercles of C1–C4")
    build_deck(src, out, now=T1 + 2 * 86_400)
    s.v3 = apply_deck(col_path, apkg)
    s.v3_again = apply_deck(col_path, apkg)
    col = new_collection(base / "student")
    s.after_v3 = _note_state(col, EDITED)
    s.schedule_after = _schedule(col, EDITED)
    col.close()
    return s


def test_v2_updates_the_changed_field_and_keeps_the_students(story: Story) -> None:
    assert story.v2 is not None
    assert f"{EDITED}: Source" in story.v2.updated
    assert f"{EDITED}: Back" in story.v2.kept
    assert story.v2.conflicts == []
    assert story.after_v2["Back"] == MINE
    assert "2nd ed." in story.after_v2["Source"]


def test_the_students_tags_survive_and_tp_tags_stay(story: Story) -> None:
    tags = story.after_v3["tags"]
    assert "marked" in tags and "mine" in tags
    assert "TP::Muscle::Levator_Scapulae" in tags


def test_scheduling_and_review_log_are_untouched(story: Story) -> None:
    assert story.schedule_before and story.schedule_after == story.schedule_before
    assert any(row for row in story.schedule_before if len(row) > 7)  # a revlog row is there


def test_changes_are_marked_for_sync(story: Story) -> None:
    assert story.after_v2["usn"] == -1
    assert story.pending_usn > 0


def test_new_notes_arrive_and_a_new_list_item_gets_its_card(story: Story) -> None:
    assert story.v2 is not None
    assert NEW_FACT in story.v2.added
    assert story.differential_cards == 2


def test_a_second_apply_changes_nothing(story: Story) -> None:
    assert story.v2_again is not None
    assert (story.v2_again.added, story.v2_again.updated, story.v2_again.conflicts) == ([], [], [])
    assert story.v2_again.retagged == []


def test_v3_reports_one_conflict_and_keeps_the_students_text(story: Story) -> None:
    assert story.v3 is not None and story.v3_again is not None
    assert story.v3.conflicts == [f"{EDITED}: Back"]
    assert story.after_v3["Back"] == MINE
    assert story.v3_again.conflicts == []  # reported once; the student's choice is remembered


def test_dry_run_writes_nothing(story: Story) -> None:
    assert story.dry is not None and story.v2 is not None
    assert story.col_bytes_after_dry == story.col_bytes_before_dry
    assert (story.dry.added, story.dry.updated) == (story.v2.added, story.v2.updated)


def test_prefer_upstream_takes_the_decks_text(story: Story, tmp_path: Path) -> None:
    col_path = tmp_path / "copy" / "collection.anki2"
    col_path.parent.mkdir()
    col_path.write_bytes(story.col_path.read_bytes())
    apkg = story.base / "decks" / "trigger-points.apkg"
    code, out, err = run_cli(
        "anki", "apply", "--collection", str(col_path), "--deck", str(apkg), "--prefer", "upstream"
    )
    assert code == 0, err
    assert "conflict (took the deck's text)" in out
    col = new_collection(col_path.parent)
    try:
        assert note_by_fact(col, EDITED)["Back"] == "Posterior tubercles of C1–C4"
        assert "marked" in note_by_fact(col, EDITED).tags
    finally:
        col.close()


def test_plain_reimport_loses_the_students_tag(tmp_path: Path) -> None:
    """Why apply exists: File › Import of a changed note replaces its tags (and fields)."""
    src = copy_kb(tmp_path / "src")
    out = tmp_path / "decks"
    v1 = build_deck(src, out, now=T1)
    col = new_collection(tmp_path / "student")
    try:
        import_apkg(col, v1.apkg)
        note = note_by_fact(col, EDITED)
        note.tags = [*note.tags, "marked"]
        col.update_note(note)
        edit(src / "levator-scapulae.yaml", OLD_SOURCE, NEW_SOURCE)
        v2 = build_deck(src, out, now=int(time.time()) + 3600)  # released after the student's edit
        log = import_apkg(col, v2.apkg)
        assert len(log.updated) > 0
        assert "marked" not in note_by_fact(col, EDITED).tags
    finally:
        col.close()


def test_a_collection_open_elsewhere_is_refused(tmp_path: Path) -> None:
    src = copy_kb(tmp_path / "src")
    v1 = build_deck(src, tmp_path / "decks", now=T1)
    col = new_collection(tmp_path / "student")
    try:
        col.db.scalar("select count() from notes")  # holds Anki's exclusive lock, as desktop Anki does
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "studytool",
                "anki",
                "apply",
                "--collection",
                col.path,
                "--deck",
                str(v1.apkg),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env=env_with(),
        )
    finally:
        col.close()
    assert proc.returncode == 2
    assert "is open in another program (desktop Anki?)" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_missing_collection_is_refused_not_created(tmp_path: Path) -> None:
    code, _, err = run_cli("anki", "apply", "--collection", str(tmp_path / "nope.anki2"))
    assert code == 2 and "no Anki collection at" in err
    assert not (tmp_path / "nope.anki2").exists()
