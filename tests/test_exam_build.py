"""Exam building: safety over many seeds, versions, key balance, the no-giveaway rule, errors."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from studytool import distractors as dx
from studytool.errors import UserError
from studytool.exam import build_exam
from studytool.exam.model import Exam
from studytool.model import KnowledgeBase
from studytool.source import load_kb, load_kb_or_raise
from studytool.textnorm import normalize

ROOT = Path(__file__).resolve().parent.parent
KB_DIR = Path(__file__).parent / "golden" / "exam" / "kb"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb_or_raise(KB_DIR)


def real_kb() -> KnowledgeBase:
    """The real cards_src; fails loudly (never skips) when it has errors."""
    kb, diags = load_kb(ROOT / "cards_src")
    errors = [str(d) for d in diags if d.is_error]
    assert not errors, errors
    return kb


_FACTS: dict[int, list[object]] = {}


def _facts(kb: KnowledgeBase) -> list:  # type: ignore[type-arg]
    from studytool.questions.facts import derive_facts

    key = id(kb)
    if key not in _FACTS:
        _FACTS[key] = list(derive_facts(kb))
    return _FACTS[key]


def assert_safe(kb: KnowledgeBase, exam: Exam) -> None:
    """No distractor is also correct, no duplicate options, the right number of keys."""
    entries = kb.by_id()
    for v in exam.versions:
        for q in v.questions:
            it = q.item
            assert len({normalize(o) for o in q.options}) == len(q.options), (it.id, q.options)
            assert not any(o.lower() in ("all of the above", "none of the above") for o in q.options)
            if it.type in ("mcq", "map"):
                assert len(q.options) == 4 and len(q.key) == 1, it.id
                fact = next(f for f in _facts(kb) if f.id == it.fact_ids[0])
                m = dx.material(fact, kb)
                right = [o for o in q.options if any(dx.same_value(m.kind, o, c) for c in m.correct)]
                assert right == [q.options[q.key[0]]], (it.id, q.options)
                e = entries[fact.entry]
                if dx.fact_key(fact) == "innervation" and e.innervation:
                    accepted = {dx.nerve_key(a) for a in (e.innervation.nerve, *e.innervation.aliases)}
                    wrong = [o for i, o in enumerate(q.options) if i != q.key[0]]
                    assert not {dx.nerve_key(o) for o in wrong} & accepted, it.id
            elif it.type == "multi":
                fact = next(f for f in _facts(kb) if f.id == it.fact_ids[0])
                m = dx.material(fact, kb)
                assert 1 <= len(q.key) <= len(q.options) - 2, it.id
                for i, o in enumerate(q.options):
                    is_true = any(dx.same_value(m.kind, o, c) for c in m.correct)
                    assert is_true == (i in q.key), (it.id, o)
            elif it.type == "tf":
                assert q.options == ("True", "False") and len(q.key) == 1
            elif it.type == "match":
                assert len(q.key) == len(q.prompts) == len(q.options) >= 3
                assert sorted(q.key) == list(range(len(q.options)))
            else:
                assert not q.key and it.correct


def assert_no_giveaway(exam: Exam) -> None:
    """Topics are disjoint, and no stem shows a muscle together with another item's answer."""
    seen: set[tuple[str, str]] = set()
    for it in exam.items:
        assert seen.isdisjoint(it.topics), it.id
        seen |= it.topics
    for a in exam.items:
        reverse = (
            a.id.startswith("nerve-") or "referral-reverse" in a.id
        )  # answer is a muscle: topics cover it
        if a.type not in ("mcq", "short") or reverse:
            continue
        answer = normalize(a.correct[0])
        for b in exam.items:
            if b is a:
                continue
            stem = normalize(b.stem)
            names = [normalize(m.replace("-", " ")) for m in a.muscles]
            rest = stem.replace(answer, " ")
            assert not (answer in stem and any(n in rest for n in names)), (a.id, b.id)


def test_fixture_many_seeds_safe(kb: KnowledgeBase) -> None:
    for seed in range(200):
        exam = build_exam(kb, count=12, seed=str(seed), versions=2)
        assert len(exam.items) == 12
        assert_safe(kb, exam)
        assert_no_giveaway(exam)


def test_real_cards_src_many_seeds_safe() -> None:
    kb = real_kb()
    n_entries = len(kb.entries)
    count = min(4 * n_entries, 20)
    for seed in range(200):
        exam = build_exam(
            kb, count=count, seed=str(seed), versions=2, types=("mcq", "multi", "tf", "short", "match")
        )
        assert_safe(kb, exam)
        assert_no_giveaway(exam)


def test_versions_have_same_items_and_balanced_keys(kb: KnowledgeBase) -> None:
    exam = build_exam(kb, count=16, seed="9", versions=3, types=("mcq", "tf", "short", "multi"))
    ids = [sorted(q.id for q in v.questions) for v in exam.versions]
    assert ids[0] == ids[1] == ids[2]
    orders = [[q.id for q in v.questions] for v in exam.versions]
    assert len({tuple(o) for o in orders}) == 3
    for v in exam.versions:
        positions = Counter(q.key[0] for q in v.questions if q.type == "mcq")
        n = sum(positions.values())
        assert n >= 4
        assert all(n // 4 <= positions[p] <= n // 4 + 1 for p in range(4)), positions
        tf = Counter(q.key[0] for q in v.questions if q.type == "tf")
        assert abs(tf[0] - tf[1]) <= 1


def test_same_seed_same_exam_other_seed_other_exam(kb: KnowledgeBase) -> None:
    a = build_exam(kb, count=10, seed="x", versions=2)
    b = build_exam(kb, count=10, seed="x", versions=2)
    c = build_exam(kb, count=10, seed="y", versions=2)
    assert a.to_json() == b.to_json()
    assert a.to_json() != c.to_json()


def test_too_many_questions_for_one_muscle_is_a_clear_error(kb: KnowledgeBase) -> None:
    with pytest.raises(UserError) as info:
        build_exam(kb, count=50, muscles=["piriformis"])
    msg = str(info.value)
    assert "asked for 50 questions" in msg and "only" in msg and "1 muscle" in msg


def test_unknown_type_muscle_facet(kb: KnowledgeBase) -> None:
    with pytest.raises(UserError, match="unknown question type 'essay'"):
        build_exam(kb, types=["essay"])
    with pytest.raises(UserError, match="did you mean 'piriformis'"):
        build_exam(kb, muscles=["piriformus"])
    with pytest.raises(UserError, match="unknown facet"):
        build_exam(kb, facets=["nerve"])


def test_facet_filter_limits_items(kb: KnowledgeBase) -> None:
    exam = build_exam(kb, count=5, seed="1", facets=["innervation"])
    assert {it.facet for it in exam.items} == {"innervation"}


def test_types_filter_and_spread(kb: KnowledgeBase) -> None:
    exam = build_exam(kb, count=10, seed="4", types=["mcq", "short"])
    by_type = Counter(it.type for it in exam.items)
    assert set(by_type) == {"mcq", "short"} and abs(by_type["mcq"] - by_type["short"]) <= 1
    muscles = Counter(m for it in exam.items for m in it.muscles)
    assert max(muscles.values()) - min(muscles.values()) <= 2


def test_matching_item_pairs_each_muscle_with_its_own_value(kb: KnowledgeBase) -> None:
    exam = build_exam(kb, count=8, seed="2", types=["match", "mcq"])
    matches = [q for q in exam.versions[0].questions if q.type == "match"]
    assert matches
    by_name = {e.name: e for e in kb.entries}
    for q in matches:
        for prompt, k in zip(q.prompts, q.key, strict=True):
            e = by_name[prompt]
            value = q.options[k]
            assert value in (
                (e.innervation.nerve if e.innervation else ""),
                (e.insertion.text if e.insertion else ""),
            )
