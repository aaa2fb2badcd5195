"""The real Anki importer: first import, edit + re-import, unchanged rebuild, removal.

One scenario runs once per module (build, import, review, edit sources, rebuild, re-import)
and records what Anki did; each test then checks one promise.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from studytool.anki import BuildReport, build_deck
from tests.test_anki_support import (
    T1,
    copy_kb,
    edit,
    expected,
    import_apkg,
    new_collection,
    note_by_fact,
    plain,
)

CHANGED = "levator-scapulae__origin"
USER_EDITED = "levator-scapulae__insertion"
REMOVED = ("levator-scapulae__differentials", "levator-scapulae__differential-cervical-facet-syndrome")


@dataclass
class Story:
    src: Path
    out: Path
    col: Any
    first: BuildReport
    first_log: Any = None
    before: dict[str, Any] = field(default_factory=dict)
    second: BuildReport | None = None
    second_log: Any = None
    after: dict[str, Any] = field(default_factory=dict)
    bytes_second: bytes = b""
    third: BuildReport | None = None
    bytes_third: bytes = b""
    third_log: Any = None
    mods_before_third: dict[int, int] = field(default_factory=dict)
    mods_after_third: dict[int, int] = field(default_factory=dict)
    removal: BuildReport | None = None
    notes_after_removal: int = 0


def _review_easy(col: Any, cid: int) -> None:
    from anki.scheduler.v3 import CardAnswer

    card = col.get_card(cid)
    card.start_timer()
    states = col._backend.get_scheduling_states(cid)
    col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=CardAnswer.EASY))


def _snapshot(col: Any, fact_id: str) -> dict[str, Any]:
    note = note_by_fact(col, fact_id)
    card = note.cards()[0]
    return {
        "nid": note.id,
        "cid": card.id,
        "ivl": card.ivl,
        "due": card.due,
        "type": card.type,
        "revlog": col.db.scalar("select count() from revlog where cid = ?", card.id),
        "fields": list(note.fields),
    }


def _mods(col: Any) -> dict[int, int]:
    return dict(col.db.all("select id, mod from notes"))


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Story:
    base = tmp_path_factory.mktemp("reimport")
    src = copy_kb(base / "src")
    out = base / "decks"
    first = build_deck(src, out, now=T1)
    col = new_collection(base / "anki")
    s = Story(src, out, col, first)
    s.first_log = import_apkg(col, first.apkg)

    # The student studies one card and annotates another, untouched, note.
    _review_easy(col, note_by_fact(col, CHANGED).cards()[0].id)
    mine = note_by_fact(col, USER_EDITED)
    mine["Back"] = mine["Back"] + " (my mnemonic)"
    col.update_note(mine)
    s.before = {CHANGED: _snapshot(col, CHANGED), USER_EDITED: _snapshot(col, USER_EDITED)}
    notes_before = col.note_count()

    # The instructors fix the origin; the deck is rebuilt and re-imported.
    edit(src / "levator-scapulae.yaml", "Transverse processes of C1–C4", "Posterior tubercles of C1–C4")
    # "now" lies after the student's edit, so only the lock can protect that edit.
    later = int(time.time()) + 3600
    s.second = build_deck(src, out, now=later)
    s.bytes_second = s.second.apkg.read_bytes()
    s.second_log = import_apkg(col, s.second.apkg)
    s.after = {CHANGED: _snapshot(col, CHANGED), USER_EDITED: _snapshot(col, USER_EDITED)}
    s.after["note_count_delta"] = col.note_count() - notes_before

    # A rebuild with nothing changed, re-imported.
    s.third = build_deck(src, out, now=later + 86_400)
    s.bytes_third = s.third.apkg.read_bytes()
    s.mods_before_third = _mods(col)
    s.third_log = import_apkg(col, s.third.apkg)
    s.mods_after_third = _mods(col)

    # Removing facts: the build reports them; the student's notes stay.
    edit(src / "levator-scapulae.yaml", "differentials:\n", "removed_differentials_marker: x\n")
    text = (src / "levator-scapulae.yaml").read_text(encoding="utf-8")
    head, _, tail = text.partition("removed_differentials_marker: x\n")
    tail = tail.split("sources:", 1)[1]
    (src / "levator-scapulae.yaml").write_text(head + "sources:" + tail, encoding="utf-8")
    s.removal = build_deck(src, out, now=later + 2 * 86_400)
    import_apkg(col, s.removal.apkg)
    s.notes_after_removal = col.note_count()
    return s


def test_first_import_note_count_matches_build_report(story: Story) -> None:
    assert (story.first.notes, story.first.cards) == expected()
    assert len(story.first_log.new) == story.first.notes
    assert story.col.card_count() == story.first.cards


def test_first_import_has_no_empty_front(story: Story) -> None:
    for cid in story.col.find_cards(""):
        assert plain(story.col.get_card(cid).question()).strip(), f"card {cid} has an empty front"


def test_first_import_tags_are_hierarchical(story: Story) -> None:
    note = note_by_fact(story.col, "levator-scapulae__innervation")
    assert sorted(note.tags) == [
        "TP::Facet::Innervation",
        "TP::Muscle::Levator_Scapulae",
        "TP::Region::Neck",
    ]


def test_cloze_list_has_one_card_per_item(story: Story) -> None:
    note = note_by_fact(story.col, "levator-scapulae__actions")
    assert sorted(c.ord for c in note.cards()) == [0, 1, 2]
    assert "{{c3::Bends the neck to the same side}}" in note["Text"]


def test_new_cards_arrive_in_curriculum_order(story: Story) -> None:
    from genanki import guid_for

    from studytool.anki.render import GUID_NAMESPACE
    from studytool.questions.facts import derive_facts
    from studytool.source import load_kb_or_raise
    from tests.test_anki_support import KB

    order = [guid_for(GUID_NAMESPACE, f.id) for f in derive_facts(load_kb_or_raise(KB))]
    rows = story.col.db.all(
        "select n.guid, min(c.due) from cards c join notes n on n.id = c.nid where c.type = 0 "
        "group by n.id order by min(c.due), n.id"
    )
    imported = [guid for guid, _ in rows]
    assert imported == [g for g in order if g in set(imported)]


def test_back_shows_source_and_image(story: Story) -> None:
    card = note_by_fact(story.col, "levator-scapulae__area").cards()[0]
    answer = card.answer()
    assert "Source: Travell &amp; Simons, Vol. 1, ch. 19" in answer
    assert '<img src="tp-' in answer
    media = Path(story.col.media.dir())
    assert [p.suffix for p in media.iterdir()] == [".svg"]


def test_escaped_text_shows_literally(story: Story) -> None:
    note = note_by_fact(story.col, "levator-scapulae__innervation-levels")
    assert note["Back"] == "C5 &lt;C6 (dorsal scapular n.) &gt; C4"
    assert "C5 <C6 (dorsal scapular n.) > C4" in plain(note.cards()[0].answer())


def test_edit_updates_note_in_place_keeping_schedule(story: Story) -> None:
    assert story.second is not None
    assert story.second.changed == [CHANGED]
    assert story.second.added == [] and story.second.removed == []
    before, after = story.before[CHANGED], story.after[CHANGED]
    assert before["ivl"] > 0 and before["revlog"] == 1
    for key in ("nid", "cid", "ivl", "due", "type", "revlog"):
        assert after[key] == before[key], key
    assert after["fields"][1] == "Posterior tubercles of C1–C4"
    assert len(story.second_log.updated) == 1
    assert len(story.second_log.new) == 0
    assert story.after["note_count_delta"] == 0


def test_user_edit_to_unchanged_note_survives(story: Story) -> None:
    assert story.after[USER_EDITED]["fields"][1].endswith(" (my mnemonic)")
    assert story.after[USER_EDITED]["nid"] == story.before[USER_EDITED]["nid"]


def test_unchanged_rebuild_is_byte_identical_and_changes_nothing(story: Story) -> None:
    assert story.third is not None
    assert story.bytes_third == story.bytes_second
    assert (story.third.added, story.third.changed, story.third.removed) == ([], [], [])
    assert len(story.third_log.new) == 0 and len(story.third_log.updated) == 0
    assert story.mods_after_third == story.mods_before_third


def test_removal_is_reported_and_notes_stay(story: Story) -> None:
    assert story.removal is not None
    assert story.removal.removed == sorted(REMOVED)
    assert story.removal.notes == story.first.notes - len(REMOVED)
    assert story.notes_after_removal == story.first.notes


def test_changed_note_type_updates_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from studytool.anki import notetypes

    src, out = copy_kb(tmp_path / "src"), tmp_path / "decks"
    col = new_collection(tmp_path / "anki")
    import_apkg(col, build_deck(src, out, now=T1).apkg)
    models_before = col.db.all("select id, name from notetypes order by id")  # (not the cached manager)
    monkeypatch.setattr(notetypes, "CSS", notetypes.CSS + ".tp-new { color: red; }\n")
    report = build_deck(src, out, now=int(time.time()) + 3600)
    assert sorted(report.models_changed) == ["Trigger Points: Basic", "Trigger Points: List (cloze)"]
    assert report.changed == []
    log = import_apkg(col, report.apkg)
    assert len(log.new) == 0 and len(log.updated) == 0
    basic = col.models.by_name("Trigger Points: Basic")
    assert basic is not None and ".tp-new" in basic["css"]
    assert col.db.all("select id, name from notetypes order by id") == models_before  # no "Name+" fork
    col.close()
