"""Body maps in the Anki deck, through the real Anki importer.

One scenario per module: build the real knowledge base, import it into a fresh collection,
study the map cards, change one entry's referral regions, check, rebuild and re-import.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from studytool.anki import BuildReport, build_deck
from studytool.anki.maps import MAP_QUESTION
from studytool.bodymap import describe, map_filename, render_map
from studytool.bodymap.render import anonymous_filename
from studytool.model import KnowledgeBase
from studytool.questions.facts import unique_referrals
from studytool.source import load_kb_or_raise
from tests.conftest import CARDS, run_cli
from tests.test_anki_reimport import _review_easy
from tests.test_anki_support import T1, edit, import_apkg, new_collection, note_by_fact, plain
from tests.test_bodymap_browser import CHROMIUM, decode_png, screenshot

EDITED = "gluteus-medius"
OLD_SPILL = "    spillover: [lateral-thigh]\n"
NEW_SPILL = "    spillover: [lateral-thigh, lateral-knee]\n"
STUDIED = (f"{EDITED}__referral-map", f"{EDITED}__referral")


@dataclass
class Story:
    src: Path
    out: Path
    col: Any
    kb: KnowledgeBase  # before the edit
    first: BuildReport
    before: dict[str, dict[str, Any]] = field(default_factory=dict)
    check: tuple[int, str] = (0, "")
    kb2: KnowledgeBase | None = None  # after the edit: what the collection holds at the end
    second: BuildReport | None = None
    second_log: Any = None
    after: dict[str, dict[str, Any]] = field(default_factory=dict)


def _snapshot(col: Any, fact_id: str) -> dict[str, Any]:
    note = note_by_fact(col, fact_id)
    card = note.cards()[0]
    revlog = col.db.scalar("select count() from revlog where cid = ?", card.id)
    return {"nid": note.id, "cid": card.id, "ivl": card.ivl, "due": card.due, "revlog": revlog}


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Story:
    base = tmp_path_factory.mktemp("maps")
    src = base / "src"
    shutil.copytree(CARDS, src)
    out = base / "decks"
    first = build_deck(src, out, now=T1)
    col = new_collection(base / "anki")
    s = Story(src, out, col, load_kb_or_raise(src), first)
    import_apkg(col, first.apkg)
    for fact_id in STUDIED:
        _review_easy(col, note_by_fact(col, fact_id).cards()[0].id)
        s.before[fact_id] = _snapshot(col, fact_id)

    edit(src / f"{EDITED}.yaml", OLD_SPILL, NEW_SPILL)
    s.check = run_cli("build", str(src), "--out", str(out), "--check")[::2]  # (code, stderr)
    s.kb2 = load_kb_or_raise(src)
    s.second = build_deck(src, out, now=int(time.time()) + 3600)
    s.second_log = import_apkg(col, s.second.apkg)
    s.after = {fact_id: _snapshot(col, fact_id) for fact_id in STUDIED}
    return s


def _final(story: Story) -> KnowledgeBase:
    assert story.kb2 is not None and story.second is not None
    return story.kb2


def _entry(kb: KnowledgeBase, entry_id: str) -> Any:
    return kb.by_id()[entry_id]


def test_referral_cards_show_the_map_and_it_imports_as_media(story: Story) -> None:
    kb = _final(story)
    media = Path(story.col.media.dir())
    with_regions = [e for e in kb.entries if any(r.primary or r.spillover for r in e.referral)]
    assert len(with_regions) == len(kb.entries) >= 7
    for entry in with_regions:
        name = map_filename(entry)
        note = note_by_fact(story.col, f"{entry.id}__referral")
        alt = html.escape(describe(entry), quote=True)
        assert note["Image"] == f'<img class="tp-map" src="{name}" alt="{alt}">'
        assert (media / name).read_bytes() == render_map(entry).encode("utf-8")
        back = note.cards()[0].answer()
        assert f'src="{name}"' in back and f'src="{name}"' not in note.cards()[0].question()


def test_package_media_mapping_uses_basenames(story: Story) -> None:
    kb = _final(story)
    assert story.second is not None
    with zipfile.ZipFile(story.second.apkg) as zf:
        mapping = json.loads(zf.read("media"))
        names = sorted(mapping.values())
        assert all("/" not in n and "\\" not in n for n in names)
        for number, name in mapping.items():
            assert zf.read(number).startswith(b"<svg"), name
    expected = {map_filename(e) for e in kb.entries}
    assert expected <= set(names)
    assert story.second.media == len(names)


def test_map_cards_exist_exactly_for_unique_patterns(story: Story) -> None:
    unique = unique_referrals(story.kb.entries)
    assert 0 < len(unique) < len(story.kb.entries)  # the fixture has both kinds
    rows = story.col.db.all("select id from notes")
    have = set()
    for (nid,) in rows:
        front = story.col.get_note(nid).fields[0]
        if front.startswith(html.escape(MAP_QUESTION)):
            have.add(nid)
    want = {note_by_fact(story.col, f"{e}__referral-map").id for e in unique}
    assert have == want
    for entry in story.kb.entries:
        if entry.id not in unique:
            from genanki import guid_for

            from studytool.anki.render import GUID_NAMESPACE

            guid = guid_for(GUID_NAMESPACE, f"{entry.id}__referral-map")
            assert story.col.db.scalar("select count() from notes where guid = ?", guid) == 0


def test_map_card_front_shows_the_map_but_not_the_name(story: Story) -> None:
    kb = _final(story)
    media = Path(story.col.media.dir())
    for entry_id in unique_referrals(kb.entries):
        entry = _entry(kb, entry_id)
        svg = render_map(entry, anonymous=True)
        for secret in (entry.name, entry.id, *entry.aliases):
            # as a word: a short alias ('TrA') may occur inside SVG syntax ('patternTransform')
            assert not re.search(rf"\b{re.escape(secret.lower())}\b", svg.lower()), (entry_id, secret)
        name = anonymous_filename(svg)
        assert (media / name).read_bytes() == svg.encode("utf-8")
        card = note_by_fact(story.col, f"{entry_id}__referral-map").cards()[0]
        front, back = card.question(), card.answer()
        assert f'src="{name}"' in front
        assert entry.name.lower() not in plain(front).lower()
        assert entry.name in plain(back.split('<hr id="answer">', 1)[1])
        # The map sits in the front only; the back repeats the front, with no second map.
        assert back.count("<img") == 1


def test_check_names_notes_whose_map_changed(story: Story) -> None:
    code, stderr = story.check
    assert code == 1
    for fact_id in (f"{EDITED}__referral", f"{EDITED}__referral-map", f"{EDITED}__referral-reverse"):
        assert f"changed note {fact_id}" in stderr
    assert "changed note gluteus-minimus" not in stderr


def test_reimport_updates_map_notes_in_place_with_new_media(story: Story) -> None:
    assert story.second is not None and story.kb2 is not None
    assert sorted(story.second.changed) == sorted(
        f"{EDITED}__{k}" for k in ("referral", "referral-map", "referral-reverse")
    )
    assert story.second.added == [] and story.second.removed == []
    assert len(story.second_log.updated) == 3 and len(story.second_log.new) == 0
    for fact_id in STUDIED:
        before, after = story.before[fact_id], story.after[fact_id]
        assert before["revlog"] == 1 and before["ivl"] > 0
        assert after == before, fact_id
    old, new = _entry(story.kb, EDITED), _entry(story.kb2, EDITED)
    assert map_filename(old) != map_filename(new)
    media = Path(story.col.media.dir())
    assert (media / map_filename(new)).read_bytes() == render_map(new).encode("utf-8")
    assert 'data-region="lateral-knee"' in render_map(new)
    assert f'src="{map_filename(new)}"' in note_by_fact(story.col, f"{EDITED}__referral")["Image"]
    question = map_filename(new, anonymous=True)
    assert (media / question).is_file()
    assert f'src="{question}"' in note_by_fact(story.col, f"{EDITED}__referral-map")["Front"]


def test_check_passes_after_rebuild(story: Story) -> None:
    code, _, stderr = run_cli("build", str(story.src), "--out", str(story.out), "--check")
    assert code == 0, stderr


def test_partial_builds_keep_maps_with_their_selection(tmp_path: Path) -> None:
    only = build_deck(CARDS, tmp_path, now=T1, muscles=["gluteus-medius"])
    medius = _entry(load_kb_or_raise(CARDS), "gluteus-medius")
    with zipfile.ZipFile(only.apkg) as zf:
        names = set(json.loads(zf.read("media")).values())
    assert names == {map_filename(medius), map_filename(medius, anonymous=True)}
    nerves = build_deck(CARDS, tmp_path, now=T1, facets=["innervation"])
    assert nerves.media == 0


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="needs headless Chromium: apt-get install -y chromium (CI installs it and never skips)",
)
@pytest.mark.parametrize(
    ("mode", "body", "primary"),
    [
        ("light", "card card1", (0xCF, 0x3D, 0x55)),
        ("night", "card card1 nightMode night_mode", (0xF0, 0x65, 0x7A)),
    ],
)
def test_map_card_renders_on_a_phone(
    story: Story, tmp_path: Path, mode: str, body: str, primary: tuple[int, ...]
) -> None:
    """The back of a map card, in a phone-sized window: the map is drawn, in the mode's palette."""
    folder = tmp_path / "card"
    shutil.copytree(story.col.media.dir(), folder)
    card = note_by_fact(story.col, f"{EDITED}__referral-map").cards()[0]
    page = folder / "back.html"
    page.write_text(
        '<!doctype html><html><head><meta charset="utf-8"></head>'
        f'<body class="{body}">{card.answer()}</body></html>',
        encoding="utf-8",
    )
    width, height, pixels = decode_png(
        screenshot(page, tmp_path / "shot.png", tmp_path / "profile", "390,844")
    )
    assert (width, height) == (390, 844)
    near = sum(1 for p in pixels if all(abs(a - b) <= 6 for a, b in zip(p, primary, strict=True)))
    assert near >= 300, f"{mode}: only {near} pixels of the primary-zone colour"
