"""Unit tests for derive_facts: stable ids, one fact per facet, list items, reverse facts, filters."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from studytool.model import FACETS, Fact
from studytool.questions.facts import derive_facts, normal_nerve
from studytool.source import load_kb_or_raise
from tests.conftest import CARDS, run_cli

SHARED = Path(__file__).parent / "data" / "good" / "shared-nerve" / "src"


def _facts(src: Path = CARDS) -> list[Fact]:
    return derive_facts(load_kb_or_raise(src))


def test_ids_are_entry_and_facet_key_and_unique() -> None:
    for src in (CARDS, SHARED):
        facts = _facts(src)
        ids = [f.id for f in facts]
        assert len(ids) == len(set(ids)), "duplicate fact ids"
        for f in facts:
            head, sep, key = f.id.partition("__")
            assert sep and key and "__" not in key, f.id
            if not f.reverse or f.facet == "referral":
                assert head == f.entry, f.id
            assert key == key.lower() and " " not in f.id


def test_ids_survive_rewording(tmp_path: Path) -> None:
    """Fixing wording (answers, labels' text, notes, distinguishing text) keeps every id."""
    src = tmp_path / "cards"
    shutil.copytree(CARDS, src)
    path = src / "gluteus-medius.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["anatomy"]["origin"]["text"] = "Gluteal surface of the ilium (reworded)"
    data["anatomy"]["innervation"]["nerve"] = "Superior gluteal n."
    data["anatomy"]["innervation"]["levels"] = "L4, L5, S1"
    data["area"] = "Reworded area."
    for d in data["differentials"]:
        d["distinguish"] = "Reworded: " + d.get("distinguish", "")
    for item in data["actions"]:
        item["text"] = "Reworded: " + item["text"]
    data["indications"].reverse()
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    before = {f.id: f for f in _facts(CARDS)}
    after = {f.id: f for f in _facts(src)}
    assert set(after) == set(before)
    assert after["gluteus-medius__origin"].answer != before["gluteus-medius__origin"].answer


def test_every_facet_of_gluteus_medius_yields_a_fact() -> None:
    facets = {f.facet for f in _facts() if f.entry == "gluteus-medius"}
    # symptoms are asked with the indications (near-duplicates: one card, issue 11)
    assert set(FACETS) - {"symptoms"} <= facets, set(FACETS) - facets
    keys = {f.id.split("__", 1)[1] for f in _facts() if f.entry == "gluteus-medius"}
    assert {"origin", "insertion", "innervation", "innervation-levels", "referral", "differentials"} <= keys
    # one fact per differential on how to tell it apart
    assert sum(k.startswith("differential-") for k in keys) == 5


def test_every_cards_src_entry_has_the_core_facets() -> None:
    facts = _facts()
    for entry in load_kb_or_raise(CARDS).entries:
        mine = {f.facet for f in facts if f.entry == entry.id and not f.reverse}
        core = {"origin", "insertion", "innervation", "actions", "referral", "differentials", "treatment"}
        assert core <= mine, (entry.id, core - mine)


def test_list_facts_carry_their_items() -> None:
    for f in _facts():
        if f.kind == "list":
            assert f.items, f.id
            assert all(i.strip() for i in f.items)
            assert f.answer, f.id
        else:
            assert f.kind == "basic" and f.answer.strip(), f.id
    refer = next(f for f in _facts() if f.id == "gluteus-medius__referral")
    assert len(refer.items) == 3


def test_shared_nerve_reverse_fact_lists_every_muscle_despite_spelling() -> None:
    assert normal_nerve("The sup. gluteal n. (L4–S1)") == normal_nerve("Superior gluteal nerve")
    assert normal_nerve("Inferior gluteal nerve") != normal_nerve("Superior gluteal nerve")
    reverse = [f for f in _facts(SHARED) if f.reverse and f.facet == "innervation"]
    assert len(reverse) == 1, "the inferior gluteal nerve (one muscle) must not get a reverse question"
    (fact,) = reverse
    assert "superior gluteal" in fact.question.lower()
    assert sorted(fact.items) == ["Alpha muscle", "Beta muscle", "Gamma muscle"]
    assert {"TP::Muscle::Alpha_Muscle", "TP::Muscle::Gamma_Muscle", "TP::Reverse"} <= set(fact.tags)


def test_cards_src_superior_gluteal_answer_is_complete() -> None:
    kb = load_kb_or_raise(CARDS)
    sharing = sorted(
        e.name
        for e in kb.entries
        if e.innervation and normal_nerve(e.innervation.nerve) == "superior gluteal"
    )
    assert {"Gluteus medius", "Gluteus minimus", "Tensor fasciae latae"} <= set(sharing)
    fact = next(f for f in derive_facts(kb) if f.reverse and "superior gluteal" in f.question.lower())
    assert sorted(fact.items) == sharing


def test_referral_reverse_only_when_unique() -> None:
    reverse = {f.entry: f for f in _facts(SHARED) if f.reverse and f.facet == "referral"}
    # alpha and beta refer to the same zones: asking "which muscle?" would be ambiguous
    assert set(reverse) == {"gamma"}
    assert reverse["gamma"].answer == "Gamma muscle"
    assert "groin" in reverse["gamma"].question


def test_muscle_and_facet_filters() -> None:
    kb = load_kb_or_raise(SHARED)
    only = derive_facts(kb, muscles=["gamma"])
    assert {f.entry for f in only if not f.reverse} == {"gamma"}
    assert any(f.reverse and "Gamma muscle" in f.items for f in only), "shared-nerve fact tagged with gamma"
    inn = derive_facts(kb, facets=["innervation"])
    assert inn and {f.facet for f in inn} == {"innervation"}
    both = derive_facts(kb, muscles=["alpha"], facets=["actions", "origin"])
    assert {f.id for f in both} == {
        "alpha__origin",
        "alpha__actions",
    }


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (("--muscle", "alfa"), "unknown muscle 'alfa' (did you mean 'alpha'?)"),
        (("--facet", "inervation"), "unknown facet 'inervation' (did you mean 'innervation'?)"),
    ],
)
def test_unknown_selection_exits_2_with_did_you_mean(args: tuple[str, str], hint: str) -> None:
    code, out, err = run_cli("facts", str(SHARED), *args)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and hint in err


def test_facts_cli_filters_match_library() -> None:
    code, out, err = run_cli("facts", str(SHARED), "--muscle", "beta", "--facet", "referral", "--json")
    assert code == 0, err
    assert [f["id"] for f in json.loads(out)] == ["beta__referral"]


def test_keys_builds_exactly_the_filtered_facts_with_the_same_order() -> None:
    """derive_facts(keys=...) equals filtering the full list: the same facts, and no card in
    the smaller list gives the next away either (so its order may differ where that moved one)."""
    import dataclasses
    import itertools

    from studytool.questions.phrasing import reveals

    kb = load_kb_or_raise(CARDS)
    keys = {"origin", "innervation", "referral", "differentials"}
    full = derive_facts(kb)
    some = derive_facts(kb, keys=keys)
    expected = [f for f in full if f.reverse or f.key in keys]
    assert {f.id: dataclasses.replace(f, order=0) for f in some} == {
        f.id: dataclasses.replace(f, order=0) for f in expected
    }
    assert not [(a.id, b.id) for a, b in itertools.pairwise(some) if reveals(a, b)]
    assert len(some) < len(full)


def test_one_slug_rule_for_every_identity() -> None:
    """Fact ids, item keys and imported entry ids come from one rule: accents fold, ASCII is
    untouched (every released id keeps its value: tests/test_identity_pins.py)."""
    from studytool.importer import slugify
    from studytool.source.schema import item_key
    from studytool.textnorm import slug

    for text in ("Gluteus Médius", "Tensor fasciae latae", "L4–S1 (ventral rami)", "Trendelenburg’s sign"):
        assert slugify(text) == slug(text) == item_key("", text)
    assert slug("Gluteus Médius") == "gluteus-medius"
    assert item_key("", "x" * 70) == "x" * 60 and item_key("", "¿?") == "item" and slugify("¿?") == ""
