"""The round trip through a real `anki.syncserver` on 127.0.0.1: a "phone" collection driven by
the anki library directly (as AnkiDroid would be) and a "desktop" one driven by studytool."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pexpect
import pytest

from studytool.anki import build_deck
from tests.anki_server import Server, sync_server
from tests.conftest import ROOT, env_with
from tests.test_anki_support import T1, copy_kb, import_apkg, new_collection
from tests.test_quiz_anki import _due_text, flip, spawn


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with sync_server(tmp_path_factory.mktemp("syncserver")) as srv:
        yield srv


def phone_sync(col: Any, srv: Server) -> str:
    """What a phone does: log in, sync, settle a first full sync the obvious way, wait for media."""
    import time

    auth = col.sync_login(srv.user, srv.password, srv.endpoint)
    out = col.sync_collection(auth, True)
    if out.required in (out.FULL_UPLOAD, out.FULL_DOWNLOAD):
        col.close_for_full_sync()
        col.full_upload_or_download(
            auth=auth, server_usn=out.server_media_usn, upload=out.required == out.FULL_UPLOAD
        )
        col.reopen(after_full_sync=True)
        col.sync_media(auth)
    while col.media_sync_status().active:
        time.sleep(0.1)
    return str(out.required)


def phone_review(col: Any, rating: int = 3) -> int:
    """Answer the card at the top of the phone's queue; return its id."""
    from anki.scheduler.v3 import CardAnswer

    col.decks.select(col.decks.id_for_name("Trigger Points"))
    queued = col.sched.get_queued_cards(fetch_limit=1).cards[0]
    card = col.get_card(queued.card.id)
    card.start_timer()
    ratings = {1: CardAnswer.AGAIN, 3: CardAnswer.GOOD, 4: CardAnswer.EASY}
    col.sched.answer_card(col.sched.build_answer(card=card, states=queued.states, rating=ratings[rating]))
    return int(card.id)


def desktop_sync(
    path: Path, srv: Server, *extra: str, login: bool = True
) -> subprocess.CompletedProcess[str]:
    env = (
        env_with(STUDYTOOL_ANKI_USER=srv.user, STUDYTOOL_ANKI_PASSWORD=srv.password) if login else env_with()
    )
    args = ["anki", "sync", "--collection", str(path), "--endpoint", srv.endpoint, *extra]
    return subprocess.run(
        [sys.executable, "-m", "studytool", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
    )


def revlog(col: Any) -> list[tuple[int, int, int]]:
    return [tuple(r) for r in col.db.all("select id, cid, ease from revlog order by id")]


def desktop_quiz(src: Path, path: Path, grades: tuple[str, ...]) -> list[tuple[str, str, str]]:
    child = spawn(src, path)
    printed = [flip(child, g) for g in grades]
    child.expect("Enter to reveal")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    return printed


def test_round_trip_phone_and_desktop(server: Server, tmp_path: Path) -> None:
    src = copy_kb(tmp_path / "src")
    deck = build_deck(src, tmp_path / "decks", now=T1)

    # 1. The phone imports the deck, syncs up and reviews two cards.
    phone = new_collection(tmp_path / "phone")
    try:
        import_apkg(phone, deck.apkg)
        assert phone_sync(phone, server) == "4"  # FULL_UPLOAD: the server was empty
        phone_cards = [phone_review(phone), phone_review(phone)]
        phone_sync(phone, server)

        # 2. studytool syncs the desktop down, answers three facts under a pty, syncs.
        desk = tmp_path / "desktop" / "collection.anki2"
        new_collection(desk.parent).close()
        first = desktop_sync(desk, server)
        assert first.returncode == 0, first.stderr
        assert "full download" in first.stdout
        key = (desk.parent / "studytool-sync.json").read_text(encoding="utf-8")
        assert server.password not in key and '"hkey"' in key
        assert (desk.parent / "studytool-sync.json").stat().st_mode & 0o077 == 0
        assert len(list((desk.parent / "collection.media").iterdir())) == 1  # the image came along
        printed = desktop_quiz(src, desk, ("3", "4", "3"))
        col = new_collection(desk.parent)
        desk_log = revlog(col)
        col.close()
        assert len(desk_log) == 5
        mine = desk_log[2:]
        assert {cid for _, cid, _ in desk_log[:2]} == set(phone_cards)
        again = desktop_sync(desk, server)
        assert again.returncode == 0 and "normal sync" in again.stdout, again.stdout + again.stderr

        # 3. The phone sees exactly those reviews on those cards, due where the quiz said.
        phone_sync(phone, server)
        assert revlog(phone) == desk_log
        assert [e for _, _, e in mine] == [3, 4, 3]
        assert [p[2] for p in printed] == [_due_text(phone, cid) for _, cid, _ in mine]
        # A second sync on each side duplicates nothing.
        phone_sync(phone, server)
        assert desktop_sync(desk, server).returncode == 0
        phone_sync(phone, server)
        assert revlog(phone) == desk_log

        # 4. Both review offline, then sync: every review survives on both sides.
        phone_extra = phone_review(phone, 1)
        desktop_quiz(src, desk, ("4",))
        assert desktop_sync(desk, server).returncode == 0
        phone_sync(phone, server)
        assert desktop_sync(desk, server).returncode == 0
        col = new_collection(desk.parent)
        final_desk = revlog(col)
        col.close()
        assert revlog(phone) == final_desk
        assert len(final_desk) == 7
        assert phone_extra in {cid for _, cid, _ in final_desk[5:]}
    finally:
        phone.close()


def test_a_conflict_needs_an_answer(server: Server, tmp_path: Path) -> None:
    """A schema change: without --full and without a terminal the sync stops with the question."""
    src = copy_kb(tmp_path / "src")
    deck = build_deck(src, tmp_path / "decks", now=T1)
    desk = tmp_path / "desktop" / "collection.anki2"
    col = new_collection(desk.parent)
    import_apkg(col, deck.apkg)
    col.close()
    assert desktop_sync(desk, server, "--full", "upload").returncode == 0
    col = new_collection(desk.parent)
    basic = col.models.by_name("Basic")  # the student adds a field to Anki's own Basic note type:
    col.models.add_field(basic, col.models.new_field("My hint"))  # a schema change, full sync only
    col.models.update_dict(basic)
    col.close()
    stuck = desktop_sync(desk, server)
    assert stuck.returncode == 2
    assert "--full upload" in stuck.stderr and "--full download" in stuck.stderr
    # On a terminal the same conflict is a question; the answer decides.
    env = env_with(STUDYTOOL_ANKI_USER=server.user, STUDYTOOL_ANKI_PASSWORD=server.password)
    args = ["-m", "studytool", "anki", "sync", "--collection", str(desk), "--endpoint", server.endpoint]
    child = pexpect.spawn(sys.executable, args, env=env, cwd=str(ROOT), encoding="utf-8", timeout=60)
    child.expect("both changed in a way a normal sync cannot merge")
    child.expect("Keep which side")
    child.sendline("upload")
    child.expect("full upload")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    after = desktop_sync(desk, server)
    assert after.returncode == 0 and "normal sync" in after.stdout, after.stderr


def test_a_wrong_password_is_a_clear_error_and_nothing_is_stored(server: Server, tmp_path: Path) -> None:
    desk = tmp_path / "desktop" / "collection.anki2"
    new_collection(desk.parent).close()
    wrong = Server(server.endpoint, server.user, "not the password", server.log)
    proc = desktop_sync(desk, wrong)
    assert proc.returncode == 2 and "login failed" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (desk.parent / "studytool-sync.json").exists()


def test_without_a_terminal_or_password_it_says_how_to_log_in(server: Server, tmp_path: Path) -> None:
    desk = tmp_path / "desktop" / "collection.anki2"
    new_collection(desk.parent).close()
    proc = desktop_sync(desk, server, login=False)
    assert proc.returncode == 2
    assert "STUDYTOOL_ANKI_PASSWORD" in proc.stderr
