"""A referral pattern that is not fully coded never becomes a map, map card or reverse question.

The entry's text names a site that its region ids miss (`coded: false`, or an item with no
region): drawing it would leave that zone blank, and asking "which muscle refers pain here?"
could have a second right answer. `check --strict` warns, and `build` says what it left out.
"""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from studytool.questions.facts import derive_facts, unique_referrals
from studytool.source import load_kb
from tests.conftest import CARDS, run_cli
from tests.test_anki_support import T1

# The first entry, in file order, whose pattern is unique in the deck (and so has a map card).
ENTRY = next(iter(unique_referrals(load_kb(CARDS)[0].entries)))
OTHER = next(e.id for e in load_kb(CARDS)[0].entries if e.id != ENTRY)


@pytest.fixture
def src(tmp_path: Path) -> Path:
    folder = tmp_path / "src"
    shutil.copytree(CARDS, folder)
    return folder


def _uncode(src: Path) -> None:
    """Mark the entry's first referral item `coded: false`, under its first key."""
    path = src / f"{ENTRY}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = lines.index("referral:\n") + 1
    assert lines[first].startswith("  - text:")
    lines.insert(first + 1, "    coded: false\n")
    path.write_text("".join(lines), encoding="utf-8")


def test_the_entry_is_unique_before_and_not_after(src: Path) -> None:
    kb, _ = load_kb(src)
    assert ENTRY in unique_referrals(kb.entries)
    assert any(f.id == f"{ENTRY}__referral-reverse" for f in derive_facts(kb))
    _uncode(src)
    kb, _ = load_kb(src)
    entry = kb.by_id()[ENTRY]
    assert not entry.referral_complete
    assert entry.referral_gaps() == (f"referral item 1 ('{entry.referral[0].text}') is marked coded: false",)
    assert ENTRY not in unique_referrals(kb.entries)
    ids = {f.id for f in derive_facts(kb)}
    assert f"{ENTRY}__referral-reverse" not in ids
    assert f"{ENTRY}__referral" in ids  # the forward card still teaches the pattern in words


def test_check_strict_warns_at_the_coded_key(src: Path) -> None:
    _uncode(src)
    lines = (src / f"{ENTRY}.yaml").read_text(encoding="utf-8").splitlines()
    line = lines.index("    coded: false") + 1
    code, _, err = run_cli("check", "--strict", str(src))
    assert code == 1  # --strict fails on warnings
    assert f"{ENTRY}.yaml:{line}:5: warning: referral item is marked 'coded: false'" in err
    assert "[W102]" in err


def test_build_leaves_the_map_out_and_says_why(
    src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUDYTOOL_NOW", str(T1))
    _uncode(src)
    out = tmp_path / "decks"
    code, _, err = run_cli("build", str(src), "--out", str(out))
    assert code == 0, err
    assert f"no body map, map card or reverse referral question for {ENTRY}" in err
    assert "is marked coded: false" in err
    (apkg,) = out.glob("*.apkg")
    with zipfile.ZipFile(apkg) as z:
        media = z.read("media").decode()
        z.extract("collection.anki2", tmp_path)
    assert f"tp-map-{ENTRY}-" not in media
    assert f"tp-map-{OTHER}-" in media  # the other entries keep their maps
    db = sqlite3.connect(tmp_path / "collection.anki2")
    fields = [row[0] for row in db.execute("select flds from notes")]
    db.close()
    assert fields and not [f for f in fields if f"tp-map-{ENTRY}-" in f]


def test_map_command_refuses_an_uncoded_pattern(src: Path, tmp_path: Path) -> None:
    _uncode(src)
    target = tmp_path / "m.svg"
    code, _, err = run_cli("map", ENTRY, str(src), "--out", str(target))
    assert code == 1
    lines = (src / f"{ENTRY}.yaml").read_text(encoding="utf-8").splitlines()
    line = lines.index("    coded: false") + 1
    assert f"{ENTRY}.yaml:{line}:5: error: {ENTRY} has no body map yet: referral item is marked" in err
    assert not target.exists()
