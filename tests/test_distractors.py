"""Distractor safety on a small fixture knowledge base (shared with the quiz's choice mode)."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from studytool import distractors as d
from studytool.errors import UserError
from studytool.facts import derive_facts
from studytool.model import Fact, KnowledgeBase
from studytool.source import load_kb_or_raise

KB_DIR = Path(__file__).parent / "golden" / "exam" / "kb"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb_or_raise(KB_DIR)


def fact(kb: KnowledgeBase, fid: str) -> Fact:
    return next(f for f in derive_facts(kb) if f.id == fid)


def test_shared_nerve_is_never_a_distractor(kb: KnowledgeBase) -> None:
    f = fact(kb, "gluteus-minimus__innervation")
    for seed in range(50):
        options, correct = d.choice_options(f, kb, random.Random(seed))
        assert options[correct] == "Superior gluteal nerve"
        assert [o for o in options if d.nerve_key(o) == "superior gluteal"] == ["Superior gluteal nerve"]
        assert len(options) == 4 and len(set(options)) == 4


def test_pool_alias_spelling_of_the_answer_is_excluded(kb: KnowledgeBase) -> None:
    m = d.material(fact(kb, "gluteus-medius__innervation"), kb)
    assert "Superior gluteal n." not in m.candidates
    assert set(m.candidates[: m.from_entries]) == {
        "Nerve to piriformis",
        "Inferior gluteal nerve",
        "Ventral rami of T12–L4",
    }


def test_which_muscle_never_offers_another_fitting_muscle(kb: KnowledgeBase) -> None:
    f = fact(kb, "nerve-superior-gluteal__muscles")
    assert d.supports_multi(f) and not d.supports_choice(f)
    for seed in range(30):
        options, correct = d.multi_options(f, kb, random.Random(seed))
        fitting = {"Gluteus medius", "Gluteus minimus", "Tensor fasciae latae"}
        assert {options[i] for i in correct} <= fitting
        assert all(o not in fitting for i, o in enumerate(options) if i not in correct)


def test_partial_attachment_is_not_a_distractor(kb: KnowledgeBase) -> None:
    m = d.material(fact(kb, "tensor-fasciae-latae__insertion"), kb)
    assert "Gluteal tuberosity of the femur and the iliotibial tract" not in m.candidates


def test_conditions_come_from_the_pool_only(kb: KnowledgeBase) -> None:
    m = d.material(fact(kb, "gluteus-medius__differentials"), kb)
    assert "Trochanteric bursitis" not in m.candidates
    # Other entries' conditions may be true differentials too (lists are never complete).
    assert m.from_entries == 0 and "Coccydynia" not in m.candidates
    assert m.candidates == (
        "Plantar fasciitis",
        "Carpal tunnel syndrome",
        "Lateral epicondylitis",
        "Achilles tendinopathy",
    )


def test_levels_subset_or_superset_is_excluded() -> None:
    assert d.level_set("L4–S1") == {"L4", "L5", "S1"}
    assert d.level_set("L4, L5 and S1") == d.level_set("L4-S1")
    assert d.level_set("ventral rami T12 to L3") == {"T12", "L1", "L2", "L3"}


def test_not_enough_distractors_is_a_user_error(kb: KnowledgeBase) -> None:
    # Without the curated pool, piriformis (S1–S2) keeps only two safe wrong levels: L5–S2
    # overlaps as a superset and is excluded.
    bare = dataclasses.replace(kb, pool={})
    f = fact(bare, "piriformis__innervation-levels")
    with pytest.raises(d.NotEnoughDistractors) as info:
        d.choice_options(f, bare, random.Random(0))
    assert isinstance(info.value, UserError)
    assert "needed" in str(info.value) and "levels" in str(info.value)


def test_every_distinct_level_range_is_a_candidate(kb: KnowledgeBase) -> None:
    """Levels are told apart by their segments (value_key drops level tokens)."""
    f = fact(kb, "gluteus-medius__innervation-levels")
    candidates = d.material(f, kb).candidates
    assert len(candidates) >= 3
    assert len({d.level_set(c) for c in candidates}) == len(candidates)
    assert all(not (d.level_set(c) <= d.level_set("L4–S1")) for c in candidates)


def test_same_rng_same_options(kb: KnowledgeBase) -> None:
    f = fact(kb, "piriformis__origin")
    a = d.choice_options(f, kb, random.Random("7:A"))
    b = d.choice_options(f, kb, random.Random("7:A"))
    assert a == b


def test_unsupported_fact_raises(kb: KnowledgeBase) -> None:
    with pytest.raises(UserError):
        d.choice_options(fact(kb, "gluteus-medius__referral"), kb, random.Random(0))
