"""The exam's fast paths agree with the plain definitions they replace."""

from __future__ import annotations

import gc
import random
from pathlib import Path

from studytool import distractors as d
from studytool.exam.blueprint import Slot, _Queue
from studytool.gcpause import paused_gc
from studytool.questions.facts import derive_facts
from studytool.source import load_kb_or_raise

ROOT = Path(__file__).resolve().parents[1]


def test_supports_any_is_choice_or_multi() -> None:
    facts = derive_facts(load_kb_or_raise(ROOT / "cards_src"))
    assert any(d.supports_any(f) for f in facts) and not all(d.supports_any(f) for f in facts)
    for f in facts:
        assert d.supports_any(f) == (d.supports_choice(f) or d.supports_multi(f)), f.id


def _slot(n: int, topics: frozenset[tuple[str, str]]) -> Slot:
    return Slot(f"s{n}", "mcq", topics, (), "origin", lambda: None)


def test_queue_returns_the_first_free_slots_in_order_as_used_grows() -> None:
    rng = random.Random(3)
    names = [f"m{k}" for k in range(30)]
    slots = [_slot(n, frozenset({(rng.choice(names), "origin")})) for n in range(300)]
    q = _Queue()
    q.stack = list(reversed(slots))
    used: set[tuple[str, str]] = set()
    remaining = list(slots)
    for step in range(40):
        want = [sl for sl in remaining if used.isdisjoint(sl.topics)][:7]
        got = q.first_free(used, 7)
        assert got == want, step
        if not got:
            break
        q.drop(got[-1])  # the last of the window, like a pick that cannot be built
        remaining.remove(got[-1])
        if step % 3 == 0:  # an item was added: more topics are used and the known-free run resets
            used |= got[0].topics
            q.free = 0


def test_index_values_are_built_per_kind_in_entry_order() -> None:
    kb = load_kb_or_raise(ROOT / "cards_src")
    idx = d.DistractorIndex(kb)
    assert not idx._values  # nothing is computed before an item needs it
    nerves = [v.text for v in idx.values_of("nerve")]
    assert nerves == [e.innervation.nerve for e in kb.entries if e.innervation]
    assert list(idx._values) == ["nerve"]
    assert [v.key for v in idx.values_of("nerve")] == [d.nerve_key(t) for t in nerves]


def test_paused_gc_restores_the_previous_state() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()
