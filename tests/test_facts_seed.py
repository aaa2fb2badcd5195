"""The gluteus medius facts carry every atomic fact of the instructors' seed document."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from studytool.model import Fact
from studytool.questions.facts import derive_facts
from studytool.source import load_kb_or_raise
from tests.conftest import CARDS, seed_path
from tests.seed_facts import SEED_FACTS, assert_covers_seed, matches, missing_seed_facts

ENTRY = "gluteus-medius"


def _facts(src: Path) -> list[Fact]:
    return [f for f in derive_facts(load_kb_or_raise(src)) if f.entry == ENTRY and not f.reverse]


def _edited_copy(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of cards_src whose gluteus medius entry went through `edit` (data, not text)."""
    src = tmp_path / "cards"
    shutil.copytree(CARDS, src)
    path = src / f"{ENTRY}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return src


def test_gluteus_medius_facts_cover_the_seed() -> None:
    assert_covers_seed(_facts(CARDS))


def test_the_list_covers_every_section_the_issue_names() -> None:
    facets = {s.facet for s in SEED_FACTS}
    assert facets >= {
        "innervation", "origin", "insertion", "referral", "differentials", "associated",
        "perpetuating", "examination", "treatment", "indications", "symptoms", "actions",
    }  # fmt: skip
    counts = {f: sum(s.facet == f for s in SEED_FACTS) for f in facets}
    # one per referral area, differential, associated muscle, examination step; 11 treatments
    assert counts["referral"] == 3 and counts["differentials"] == 5 and counts["associated"] == 4
    assert counts["examination"] == 4 and counts["perpetuating"] == 5 and counts["treatment"] == 11


def test_every_seed_fact_is_stated_in_the_seed_document() -> None:
    """Keeps the list honest: each keyword group set matches one line of the seed itself."""
    lines = seed_path().read_text(encoding="utf-8").splitlines()
    absent = [s.label for s in SEED_FACTS if not any(matches(line, s.groups) for line in lines)]
    assert absent == []


def test_missing_facts_are_all_listed(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["anatomy"]["innervation"].update(levels="L4–L5")
        data["anatomy"]["innervation"].pop("note")
        data["differentials"] = [d for d in data["differentials"] if d["condition"] != "Sciatica"]
        strengthening = data["treatment"]["strengthening"]
        strengthening[:] = [t for t in strengthening if t["label"] != "Clamshells"]

    src = _edited_copy(tmp_path, edit)
    facts = _facts(src)
    labels = {s.label for s in missing_seed_facts(facts)}
    assert labels == {"roots: L4 to S1", "sciatica", "clamshells"}
    with pytest.raises(AssertionError, match="3 seed fact") as info:
        assert_covers_seed(facts)
    assert "[treatment] clamshells" in str(info.value) and "[innervation] roots" in str(info.value)


def test_facts_in_the_wrong_facet_do_not_count(tmp_path: Path) -> None:
    """Mentioning hip flexors in the notes is not the same as teaching the stretch."""

    def edit(data: dict[str, Any]) -> None:
        data["treatment"]["stretches"][1]["label"] = "Quad stretch"

    src = _edited_copy(tmp_path, edit)
    facts = _facts(src)
    assert any("IT band" in f.extra or "IT band" in f.answer for f in facts)
    assert [s.label for s in missing_seed_facts(facts)] == ["hip flexor and IT band stretch"]


def test_matching_tolerates_wording_and_accepts_json_dicts(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["anatomy"]["innervation"].update(nerve="Sup. gluteal n.", levels="L4, L5 and S1")
        data["anatomy"]["innervation"].pop("note")
        data["treatment"]["strengthening"][0]["label"] = "Clam-shell exercise"

    src = _edited_copy(tmp_path, edit)
    assert_covers_seed([f.to_json() for f in _facts(src)])


def test_keyword_rules() -> None:
    assert matches("Abducts the hip", [("abduct*",), ("hip",)])
    assert not matches("Abducts the hip", [("abduct",)])  # whole words unless starred
    assert matches("Roots L4–S1", [("l4",), ("s1",)])
    assert not matches("Roots L45", [("l4",)])
    assert matches("Side-lying HIP abduction", [("side lying",)])
