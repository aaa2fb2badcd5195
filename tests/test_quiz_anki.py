"""`quiz --anki` in a real pty against a real Anki collection: Anki's queue, revlog, undo, lists."""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pexpect
import pytest

from studytool.anki import build_deck
from tests.conftest import ROOT, env_with
from tests.test_anki_support import T1, copy_kb, import_apkg, new_collection, note_by_fact

DUE = re.compile(r"→ (Again|Hard|Good|Easy) · next in (\S+) · due (\d{4}-\d\d-\d\d \d\d:\d\d)")


@pytest.fixture()
def desk(tmp_path: Path) -> tuple[Path, Path]:
    """(source folder, collection file): the fixture deck imported into a fresh collection."""
    src = copy_kb(tmp_path / "src")
    report = build_deck(src, tmp_path / "decks", now=T1)
    col = new_collection(tmp_path / "desktop")
    import_apkg(col, report.apkg)
    path = Path(col.path)
    col.close()
    return src, path


def spawn(src: Path, col: Path, *extra: str) -> pexpect.spawn:
    env = env_with(TERM="xterm-256color")
    env.pop("NO_COLOR")
    return pexpect.spawn(
        sys.executable,
        ["-m", "studytool", "quiz", str(src), "--anki", str(col), *extra],
        env=env,
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 200),
    )


def flip(child: pexpect.spawn, grade: str) -> tuple[str, str, str]:
    """Reveal, grade, and return the (rating, interval, due) line the quiz printed."""
    child.expect("Enter to reveal")
    child.sendline("")
    child.expect(r"Again \S+ · Hard \S+ · Good \S+ · Easy \S+")  # Anki's own button labels
    child.expect("Grade")
    child.sendline(grade)
    child.expect(DUE)
    m = child.match
    return m.group(1), m.group(2), m.group(3)


def _revlog(col: Any) -> list[tuple[int, int]]:
    return [(int(c), int(e)) for c, e in col.db.all("select cid, ease from revlog order by id")]


def _due_text(col: Any, cid: int) -> str:
    card = col.get_card(cid)
    if card.queue == 1:
        when = datetime.fromtimestamp(card.due).astimezone()
    else:
        cutoff = datetime.fromtimestamp(col.sched.day_cutoff).astimezone()
        when = cutoff + timedelta(days=card.due - col.sched.today - 1)
    return f"{when:%Y-%m-%d %H:%M}"


def test_three_answers_land_in_ankis_revlog_with_the_printed_due(desk: tuple[Path, Path]) -> None:
    src, path = desk
    child = spawn(src, path)
    child.expect(r"(\d+) card\(s\) in this session")
    printed = [flip(child, g) for g in ("3", "4", "1")]
    child.expect("Enter to reveal")
    child.sendline("q")
    child.expect("Reviewed 3")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    col = new_collection(path.parent)
    try:
        facts = ("levator-scapulae__area", "levator-scapulae__origin", "levator-scapulae__insertion")
        cids = [note_by_fact(col, f).cards()[0].id for f in facts]
        assert _revlog(col) == list(zip(cids, (3, 4, 1), strict=True))
        assert [p[0] for p in printed] == ["Good", "Easy", "Again"]
        assert [p[2] for p in printed] == [_due_text(col, cid) for cid in cids]
        assert col.db.scalar("select count() from revlog where usn = -1") == 3  # marked for sync
    finally:
        col.close()


def test_undo_and_bury_are_ankis_own(desk: tuple[Path, Path]) -> None:
    src, path = desk
    child = spawn(src, path)
    flip(child, "3")
    child.expect("Enter to reveal")
    child.sendline("u")
    child.expect("undone: Where does the levator scapulae lie")
    child.expect("Enter to reveal")
    child.sendline("s")
    child.expect("buried until")
    child.expect("Enter to reveal")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    col = new_collection(path.parent)
    try:
        assert _revlog(col) == []
        card = note_by_fact(col, "levator-scapulae__area").cards()[0]
        from anki.consts import QUEUE_TYPE_MANUALLY_BURIED

        assert card.queue == QUEUE_TYPE_MANUALLY_BURIED
    finally:
        col.close()


def test_a_list_grades_each_item_card_on_its_own(desk: tuple[Path, Path]) -> None:
    src, path = desk
    col = new_collection(path.parent)
    try:
        cids = sorted(c.id for c in note_by_fact(col, "levator-scapulae__actions").cards())
        col.sched.reposition_new_cards(
            card_ids=cids, starting_from=0, step_size=1, randomize=False, shift_existing=True
        )
        # The student's preset shows new cards in the order gathered, so the siblings come next.
        conf = col.decks.config_dict_for_deck_id(col.decks.id_for_name("Trigger Points"))
        conf["newSortOrder"] = 1  # NEW_CARD_SORT_ORDER_NO_SORT
        col.decks.update_config(conf)
    finally:
        col.close()
    child = spawn(src, path, "--mode", "type")
    child.expect("What are the actions of the levator scapulae")
    child.expect("Your answer")
    child.sendline("Elevates the scapula, Bends the neck to the same side")
    child.expect("missed: Rotates the glenoid downward")
    child.expect("Grade")
    child.sendline("3")
    child.expect(DUE)
    child.expect("Where does the levator scapulae lie")  # the siblings were answered, not asked
    child.expect("Your answer")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    col = new_collection(path.parent)
    try:
        by_ord = {col.get_card(cid).ord: ease for cid, ease in _revlog(col)}
        assert by_ord == {0: 3, 1: 1, 2: 3}
    finally:
        col.close()


def test_an_empty_anki_session_says_why(desk: tuple[Path, Path]) -> None:
    src, path = desk
    col = new_collection(path.parent)
    try:
        conf = col.decks.config_dict_for_deck_id(col.decks.id_for_name("Trigger Points"))
        conf["new"]["perDay"] = 1  # the student's preset: one new card a day
        col.decks.update_config(conf)
    finally:
        col.close()
    child = spawn(src, path)
    flip(child, "4")  # Easy: out of today's queue
    child.expect("Reviewed 1")
    child.expect(pexpect.EOF)
    child.close()
    again = spawn(src, path)
    again.expect("Nothing to study: today's limits of your Anki preset are used up")
    again.expect(pexpect.EOF)
    again.close()
    assert again.exitstatus == 0
