"""Exam items a lecturer would sign, over 200 seeds of the real cards_src.

- no referral select-all item keys a coded or adjacent zone wrong;
- no differential select-all item has a remote distractor (nor one inside the pattern);
- no true/false item is on a fact whose note records a dispute, and false values are plausible;
- attachment options share the key's bone region, with balanced lengths;
- "which muscle" options never share most zones with the key;
- the quiz's choice mode asks (nearly) every fact that can be asked as a choice.

The checks below are written from the data (regions.PARENT, the adjacency table, the pool file,
the notes), not with the selection code they test.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from studytool import distractors as dx
from studytool import regions
from studytool.exam import build_exam
from studytool.exam.model import Exam, Question
from studytool.model import Entry, KnowledgeBase
from studytool.questions.facts import derive_facts
from studytool.quiz.choice import make_choice
from studytool.regions import PARENT, REGIONS, related
from studytool.source import load_kb
from studytool.textnorm import normalize

ROOT = Path(__file__).resolve().parent.parent
SEEDS = range(200)
TYPES = ("mcq", "multi", "tf", "short", "match", "map")
NAMES = {name: rid for rid, name in REGIONS.items()}
# A sentence that records a disagreement (a simpler list than the code's, on purpose).
DISPUTE = re.compile(
    r"differ|disagree|disput|debat|controvers|\bsome (texts|references|summaries|anatomy)|other texts|"
    r"several|most anatomy|\bvar(y|ies|iable|iably)\b|minority|not re-?(checked|verified)|gray|moore|bogduk",
    re.IGNORECASE,
)
LEVELS = re.compile(r"\b[CTLS]\d{1,2}\b|\blevels?\b|\bsegments?\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    kb, diags = load_kb(ROOT / "cards_src")
    errors = [str(d) for d in diags if d.is_error and "_pool" in str(d)]
    assert not errors, errors
    return kb


@pytest.fixture(scope="module")
def exams(kb: KnowledgeBase) -> list[Exam]:
    count = min(4 * len(kb.entries), 20)
    return [build_exam(kb, count=count, seed=str(s), versions=1, types=TYPES) for s in SEEDS]


def questions(exams: list[Exam], type_: str, *keys: str) -> list[Question]:
    out = [q for ex in exams for q in ex.versions[0].questions if q.type == type_]
    return [q for q in out if not keys or q.item.fact_ids[0].split("__")[-1] in keys]


def entry_of(kb: KnowledgeBase, q: Question) -> Entry:
    return kb.by_id()[q.item.fact_ids[0].split("__")[0]]


def wrong(q: Question) -> list[str]:
    return [o for i, o in enumerate(q.options) if i not in q.key]


def coded(e: Entry) -> set[str]:
    return {z for r in e.referral for z in (*r.primary, *r.spillover)}


def with_parts(z: str) -> set[str]:
    return {z} | {p for p, whole in PARENT.items() if whole == z}


def touch(a: str, b: str) -> bool:
    """Adjacent in the table, a coarse region standing for its parts."""
    return any(y in regions.ADJACENT.get(x, ()) for x in with_parts(a) for y in with_parts(b))


def steps(z: str, pattern: set[str]) -> int:
    """0 inside the pattern (or part/whole of a zone), 1 touching it, 2 touching a zone that does."""
    if any(related(z, c) for c in pattern):
        return 0
    if any(touch(z, c) for c in pattern):
        return 1
    ring = {
        r for r in REGIONS if any(touch(r, c) for c in pattern) and not any(related(r, c) for c in pattern)
    }
    return 2 if any(touch(z, r) for r in ring) else 3


def pool_zones(kb: KnowledgeBase) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for key, values in kb.pool.items():
        name, _, region = key.partition("/")
        if name == "condition" and region and region != "remote":
            for v in values:
                out.setdefault(v, set()).add(region)
    return out


def test_referral_items_never_key_a_coded_or_adjacent_zone_wrong(
    kb: KnowledgeBase, exams: list[Exam]
) -> None:
    items = questions(exams, "multi", "referral")
    assert len(items) > 50
    for q in items:
        e = entry_of(kb, q)
        assert e.referral_complete, q.id
        primary = {z for r in e.referral for z in r.primary}
        assert {NAMES[q.options[i]] for i in q.key} <= primary, q.id
        for o in wrong(q):
            z = NAMES[o]
            assert steps(z, coded(e)) >= 2, (q.id, o)


def test_no_remote_differential_distractor(kb: KnowledgeBase, exams: list[Exam]) -> None:
    items = questions(exams, "multi", "differentials")
    zones = pool_zones(kb)
    assert len(items) > 50
    for q in items:
        e = entry_of(kb, q)
        own = {normalize(d.condition) for d in e.differentials}
        assert {q.options[i] for i in q.key} <= {d.condition for d in e.differentials}
        for o in wrong(q):
            assert o in zones, (q.id, o)  # a curated pool condition, never another entry's
            assert normalize(o) not in own
            assert min(steps(z, coded(e)) for z in zones[o]) >= 2, (q.id, o, zones[o])  # not in or beside it
            main = {z for r in e.referral for z in r.primary}
            assert min(steps(z, main) for z in zones[o]) <= 2, (q.id, o, zones[o])  # never remote


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if DISPUTE.search(s)]


def _other_nerves(kb: KnowledgeBase, e: Entry) -> set[str]:
    assert e.innervation is not None
    own = {dx.nerve_key(t) for t in (e.innervation.nerve, *e.innervation.aliases)}
    names = {m.innervation.nerve for m in kb.entries if m.innervation}
    names |= {v for k, vs in kb.pool.items() if k.startswith("nerve") for v in vs}
    return {
        k for k in (dx.nerve_key(n) for n in names) if k and k not in own and not any(k in o for o in own)
    }


def _statement_value(q: Question, marker: str) -> str:
    return q.item.stem.split(marker, 1)[1].rstrip(".")


def test_no_true_false_on_a_disputed_fact_and_false_values_are_plausible(
    kb: KnowledgeBase, exams: list[Exam]
) -> None:
    items = questions(exams, "tf")
    assert len(items) > 100 and any(q.options[q.key[0]] == "False" for q in items)
    for q in items:
        e = entry_of(kb, q)
        key = q.item.fact_ids[0].split("__")[-1]
        notes = [s for n in e.notes for s in _sentences(n)]
        false = q.options[q.key[0]] == "False"
        if key in ("origin", "insertion"):
            struct = e.origin if key == "origin" else e.insertion
            assert struct is not None
            assert not _sentences(struct.note), (q.id, struct.note)
            topic = r"origin|arise|attachment" if key == "origin" else r"insert|attachment"
            assert not [s for s in notes if re.search(topic, s, re.IGNORECASE)], q.id
            if false:
                value = _statement_value(q, "from: " if key == "origin" else "on: ")
                assert dx.bone_regions(value) & dx.bone_regions(struct.text), (q.id, value)
        elif key == "innervation-levels":
            assert e.innervation is not None
            assert not _sentences(e.innervation.note), q.id
            assert not [s for s in notes if LEVELS.search(s)], q.id
            if false:
                value = _statement_value(q, "spinal levels ")
                assert dx.level_set(value).isdisjoint(dx.level_set(e.innervation.levels)), q.id
        elif key == "innervation":
            assert e.innervation is not None
            others = _other_nerves(kb, e)
            for s in _sentences(e.innervation.note) + [
                s for s in notes if re.search(r"nerve|branch", s, re.I)
            ]:
                assert LEVELS.search(s), (q.id, s)  # a dispute about the levels only
                assert not [n for n in others if f" {n} " in f" {dx.nerve_key(s)} "], (q.id, s)
            if false:
                value = _statement_value(q, "supplied by the ")
                assert dx.nerve_key(value) not in {dx.nerve_key(e.innervation.nerve)}
                words = set(dx.value_key(e.innervation.note).split())
                assert not set(dx.nerve_key(value).split()) <= words, (q.id, value)  # not named in the note
                same_part = {
                    dx.nerve_key(m.innervation.nerve)
                    for m in kb.entries
                    if m.innervation and dx.body_part(m.region) == dx.body_part(e.region)
                }
                same_part |= {
                    dx.nerve_key(v)
                    for k, vs in kb.pool.items()
                    if k.startswith("nerve/") and dx.body_part(k.split("/")[1]) == dx.body_part(e.region)
                    for v in vs
                }
                assert dx.nerve_key(value) in same_part, (q.id, value)


def test_attachment_options_share_the_key_region_with_balanced_lengths(
    kb: KnowledgeBase, exams: list[Exam]
) -> None:
    filed: dict[str, set[str]] = {}
    for k, vs in kb.pool.items():
        name, _, region = k.partition("/")
        if name in ("origin", "insertion"):
            for v in vs:
                filed.setdefault(v, set()).add(region)
    items = questions(exams, "mcq", "origin", "insertion")
    assert len(items) > 50
    for q in items:
        key = q.options[q.key[0]]
        bones = dx.bone_regions(key)
        assert bones, (q.id, key)
        for o in wrong(q):
            assert bones & (dx.bone_regions(o) | filed.get(o, set())), (q.id, o)
            assert max(len(o) / len(key), len(key) / len(o)) <= dx.MAX_RATIO, (q.id, o)


def test_which_muscle_options_never_share_most_zones_with_the_key(
    kb: KnowledgeBase, exams: list[Exam]
) -> None:
    by_name = {e.name: e for e in kb.entries}
    items = questions(exams, "mcq", "referral-reverse") + questions(exams, "map")
    assert len(items) > 20
    for q in items:
        e = entry_of(kb, q)
        primary = {z for r in e.referral for z in r.primary}
        for o in wrong(q):
            other = by_name[o]
            assert other.referral_complete, (q.id, o)
            shared = sum(any(related(p, z) for z in coded(other)) for p in primary)
            assert 2 * shared <= len(primary), (q.id, o)


def test_choice_mode_asks_every_fact_that_has_a_safe_option_set(kb: KnowledgeBase) -> None:
    facts = [f for f in derive_facts(kb) if dx.supports_any(f)]
    asked = 0
    for f in facts:
        choice = make_choice(f, kb, date(2026, 3, 1))
        m = dx.material(f, kb)
        need = dx.MIN_DISTRACTORS if dx.supports_choice(f) else dx.MIN_MULTI_DISTRACTORS
        assert (choice is not None) == (len(m.candidates) >= need and bool(m.correct)), f.id
        asked += choice is not None
    # The pool grows with the content: nearly every such fact has a safe option set.
    assert asked >= 0.95 * len(facts), (asked, len(facts))


def test_attachment_options_never_carry_brackets_that_name_the_muscle(
    kb: KnowledgeBase, exams: list[Exam]
) -> None:
    """'(soleus)', '(medial head)', '(longus)' in an option would say whose attachment it is; a
    bracket that names a landmark ('(pes anserinus)') may stay."""
    bracketed = [e.id for e in kb.entries for s in (e.origin, e.insertion) if s and "(" in s.text]
    assert bracketed, "cards_src has bracketed attachments to test against"
    seen = 0
    for exam in exams:
        for q in exam.versions[0].questions:
            it = q.item
            if it.type in ("mcq", "tf", "match") and {t for _, t in it.topics} & {"origin", "insertion"}:
                seen += 1
                for text in (*it.correct, *it.wrong, it.stem if it.type == "tf" else ""):
                    for inside in re.findall(r"\(([^()]*)\)", text.split(":", 1)[-1]):
                        assert dx.bone_regions(inside), (it.id, text)  # only a landmark stays
    assert seen
