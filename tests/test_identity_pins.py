"""Identity: the fact ids and Anki GUIDs released with the first decks never change.

`tests/data/identity/pins.json` maps every fact id of the released deck to its GUID. A student's
review history hangs on these: a refactor of the question layer may reword a card, never move it
to a new id. A fact that is deliberately no longer asked is retired (its id is listed below with
the reason), so Anki keeps its history and the quiz marks it retired instead of losing it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from studytool.anki.maps import MAP_KEY
from studytool.anki.render import guid_for
from studytool.questions.facts import derive_facts, unique_referrals
from studytool.source import load_kb_or_raise
from tests.conftest import CARDS

PINS: dict[str, str] = json.loads(
    (Path(__file__).parent / "data" / "identity" / "pins.json").read_text(encoding="utf-8")
)

# Fact ids no longer asked, by pattern, with the reason (issue 11: cards a lecturer would sign).
RETIRED: dict[str, str] = {
    r".*__action-.*": "the label gave the answer away; the actions card now teaches each action's text",
    r".*__symptoms": "near-duplicate of indications; merged into the indications card",
    r"piriformis__innervation": (
        "the question contained its answer (the nerve to piriformis); the levels card names it"
    ),
}


def _retired(fact_id: str) -> bool:
    return any(re.fullmatch(pattern, fact_id) for pattern in RETIRED)


def _current() -> tuple[set[str], dict[str, tuple[str, ...]]]:
    """Every fact id the deck has today (the Anki-only map cards too), and the unique patterns."""
    kb = load_kb_or_raise(CARDS)
    unique = unique_referrals(kb.entries)
    return {f.id for f in derive_facts(kb)} | {f"{e}__{MAP_KEY}" for e in unique}, unique


def test_every_pinned_fact_keeps_its_id_and_guid_or_is_retired_on_purpose() -> None:
    facts, unique = _current()
    # "Which muscle refers pain here?" (and its map card) exists only while the pattern is unique
    # in the deck: a new entry with the same zones retires it rather than make it ambiguous.
    ambiguous = {
        fid
        for fid in PINS
        if fid.endswith(("__referral-reverse", f"__{MAP_KEY}")) and fid.split("__")[0] not in unique
    }
    missing = sorted(fid for fid in PINS if fid not in facts and not _retired(fid) and fid not in ambiguous)
    assert missing == [], "released fact ids disappeared without being retired"
    assert {fid: guid_for(fid) for fid in PINS} == PINS  # the GUID rule itself never changes


def test_retired_patterns_match_only_released_ids_and_are_really_gone() -> None:
    facts, _ = _current()
    for pattern in RETIRED:
        matched = [fid for fid in PINS if re.fullmatch(pattern, fid)]
        assert matched, f"{pattern} retires nothing"
        assert not [fid for fid in facts if re.fullmatch(pattern, fid)], f"{pattern} is still asked"
