"""Safe wrong options for choice questions, shared by the quiz's choice mode and exams.

Public API (all deterministic for a given ``random.Random``; never global random, never ``hash()``):

- ``supports_choice(fact)`` / ``supports_multi(fact)``: can this fact become a single-best-answer /
  a select-all-that-apply item?
- ``choice_options(fact, kb, rng, n_options=4) -> (options, correct_index)``: one correct answer
  plus ``n_options - 1`` safe distractors, shuffled.
- ``multi_options(fact, kb, rng, n_options=5) -> (options, correct_indices)``: several correct
  answers plus at least 2 safe distractors, shuffled.
- ``material(fact, kb)``: the raw ``Material`` (correct values, ordered safe candidates) for
  callers that place the key themselves (exam key balancing).
- ``NotEnoughDistractors``: raised when fewer safe distractors exist than needed. It subclasses
  ``UserError``, so an uncaught one becomes a one-line error with exit code 2; the quiz catches it
  and falls back to a typed answer.

Which facts qualify (by fact key, the part of the fact id after ``__``):

- ``innervation`` -> kind ``nerve``: other entries' nerves, then pool ``nerve``.
- ``innervation-levels`` -> kind ``levels``: other entries' levels, then pool ``levels``.
- ``origin`` / ``insertion`` -> same kind: other entries' attachments, then the pool list of that name.
- reverse nerve facts (``reverse`` and facet ``innervation``; one muscle -> choice, several ->
  multi) -> kind ``muscle``: entries on another nerve.
- ``referral-reverse`` -> kind ``muscle``: entries whose zones do not cover the asked pattern. The
  exam's body-map items ("which muscle's trigger points produce this referral pattern?" under the
  anonymous map) use this same material; their subjects are only ``facts.unique_referrals``.
- ``referral`` (multi only) -> kind ``region``: correct are the primary zones; distractors are body
  regions that are neither primary nor spillover zones of the entry.
- ``differentials`` (multi only) -> kind ``condition``: pool ``condition`` only (see below).

Safety rules (a distractor must be wrong for the subject):

- Values are compared by a *key*: ``textnorm.normalize`` with spinal levels removed (parenthesised or
  bare, e.g. ``L4–S1``); nerves also ignore the word "nerve". A candidate whose key equals the key
  of the correct value or of any accepted alias is dropped. So are duplicates among candidates.
- Attachments: a candidate whose words contain all words of the correct text, or the reverse, is
  dropped ("Gluteal tuberosity and the iliotibial tract" is half right for "Iliotibial tract").
- Spinal levels compare as sets of segments: a candidate that is a subset or superset of the correct
  set (``L4–L5`` against ``L4–S1``) is dropped, because some references would call it correct.
- Conditions come from the curated pool only, never from other entries: differential lists are
  never complete, and a neighbour's differential ("Sacroiliac joint dysfunction" from the
  quadratus lumborum, offered for the gluteus minimus) is often a true differential of the
  subject too. Pool conditions sharing a content word with a correct one are still dropped
  ("Trochanteric bursitis" against "Hip (trochanteric) bursitis").
- "Which muscle" questions never offer a muscle that also fits: same nerve key, or referral zones
  covering the asked pattern. Pool muscles are never used there, because their facts are unknown.
- Options are homogeneous (all one kind) and never "all/none of the above".

Entries come first (same facet of other entries; conditions excepted), then the curated pool
in ``cards_src/_pool.yaml``; pool names used: ``nerve``, ``levels``, ``origin``, ``insertion``, ``condition``.

Cost: each knowledge base gets one ``DistractorIndex`` (cached for the most recent ``kb``). It
computes the value keys of one kind the first time an item of that kind needs them, so an exam or
quiz that never asks for a kind never pays for it, and ``value_key`` remembers recent texts. One
item then costs O(entries + pool), never a pairwise search.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from studytool.errors import UserError
from studytool.facts import normal_nerve
from studytool.model import Entry, Fact, KnowledgeBase
from studytool.regions import REGIONS, region_name
from studytool.textnorm import SEGMENTS, normalize, spinal_segments

POOL_NAMES = ("nerve", "levels", "origin", "insertion", "condition")
SINGLE_KEYS = ("innervation", "innervation-levels", "origin", "insertion", "referral-reverse")
MULTI_KEYS = ("referral", "differentials")
MIN_DISTRACTORS = 3  # single best answer: at least 3 safe wrong options (4 options in all)
MIN_MULTI_DISTRACTORS = 2

# Words too generic to make two conditions "the same" when shared.
_GENERIC = frozenset({"syndrome", "dysfunction", "pain", "disease", "disorder", "strain", "injury", "joint"})
_SEG_INDEX = {s.upper(): i for i, s in enumerate(SEGMENTS)}
_LEVEL_TOKEN = re.compile(r"^[ctls]\d{1,2}$")


class NotEnoughDistractors(UserError):
    """Fewer safe wrong options exist than an item needs (exit code 2 when uncaught)."""

    def __init__(self, fact_id: str, found: int, needed: int, kind: str) -> None:
        self.fact_id, self.found, self.needed, self.kind = fact_id, found, needed, kind
        super().__init__(
            f"{fact_id}: only {found} safe wrong {kind} option(s), {needed} needed; "
            f"add entries or extend the '{kind}' list in cards_src/_pool.yaml"
        )


@dataclass(frozen=True)
class Material:
    """What a choice item is built from.

    ``correct``: every correct value (one for single-answer facts). ``candidates``: safe wrong
    values, entries first then pool, deduplicated, in a stable order. ``kind``: the option kind.
    """

    fact: Fact
    kind: str
    correct: tuple[str, ...]
    candidates: tuple[str, ...]
    from_entries: int  # how many leading candidates come from other entries


def fact_key(fact: Fact) -> str:
    """The facet key of a fact id: 'innervation', 'nerve-superior-gluteal', ..."""
    return fact.id.split("__", 1)[1] if "__" in fact.id else fact.id


def is_nerve_reverse(fact: Fact) -> bool:
    """A reverse 'which muscle(s) does this nerve supply?' fact."""
    return fact.reverse and fact.facet == "innervation"


def supports_choice(fact: Fact) -> bool:
    """True when the fact can be asked as a single-best-answer question."""
    if is_nerve_reverse(fact):
        return fact.kind == "basic"
    return fact_key(fact) in SINGLE_KEYS


def supports_multi(fact: Fact) -> bool:
    """True when the fact can be asked as select-all-that-apply."""
    if is_nerve_reverse(fact):
        return fact.kind == "list"
    return fact_key(fact) in MULTI_KEYS


def supports_any(fact: Fact) -> bool:
    """``supports_choice(fact) or supports_multi(fact)``, in one step."""
    if is_nerve_reverse(fact):
        return fact.kind in ("basic", "list")
    key = fact_key(fact)
    return key in SINGLE_KEYS or key in MULTI_KEYS


@lru_cache(maxsize=1 << 16)
def value_key(text: str) -> str:
    """Comparison key: normalised text without spinal levels (bare or parenthesised)."""
    return " ".join(t for t in normalize(text).split() if not _LEVEL_TOKEN.match(t))


@lru_cache(maxsize=1 << 14)
def nerve_key(text: str) -> str:
    """Comparison key for nerves: also ignores 'nerve'/'n.' and 'the'."""
    return value_key(normal_nerve(text))


def level_set(text: str) -> frozenset[str]:
    """Spinal segments named by a levels text: 'L4–S1' -> {L4, L5, S1}; 'L4, L5' -> {L4, L5}."""
    return spinal_segments(text)


def _content_words(text: str) -> set[str]:
    return {w for w in value_key(text).split() if w not in _GENERIC}


@dataclass(frozen=True)
class _Value:
    """A candidate value with its comparison forms computed once (``words``: content words for
    conditions, key words for attachments, segments for levels)."""

    entry: str
    text: str
    key: str
    words: frozenset[str] = frozenset()


def _segment_order(segment: str) -> tuple[int, str]:
    return (_SEG_INDEX.get(segment.upper(), len(_SEG_INDEX)), segment)


def _value(entry: str, kind: str, text: str) -> _Value:
    if kind == "nerve":
        return _Value(entry, text, nerve_key(text))
    key = value_key(text)
    if kind == "levels":
        # value_key drops level tokens, so a levels text is keyed by its segments instead
        # (otherwise every levels value would share the key '' and only one would survive).
        segments = level_set(text)
        return _Value(entry, text, " ".join(sorted(segments, key=_segment_order)), segments)
    if kind == "condition":
        return _Value(entry, text, key, frozenset(_content_words(text)))
    return _Value(entry, text, key, frozenset(key.split()))


def entry_values(e: Entry, kind: str) -> tuple[str, ...]:
    """An entry's own values of one option kind (empty when the facet is missing)."""
    inn = e.innervation
    if kind == "nerve":
        return (inn.nerve,) if inn else ()
    if kind == "levels":
        return (inn.levels,) if inn and inn.levels else ()
    if kind in ("origin", "insertion"):
        struct = e.origin if kind == "origin" else e.insertion
        return (struct.text,) if struct else ()
    if kind == "condition":
        return tuple(d.condition for d in e.differentials)
    if kind == "muscle":
        return (e.name,)
    raise ValueError(f"unknown option kind '{kind}'")


class DistractorIndex:
    """Per-kind values of every entry and of the pool, with comparison keys computed once.

    Each kind is computed on first use (``values_of``, ``pool_of``), not up front.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.entries: dict[str, Entry] = kb.by_id()
        self._values: dict[str, list[_Value]] = {}
        self._pool: dict[str, list[_Value]] = {}

    @cached_property
    def nerves(self) -> dict[str, str]:
        """Entry id -> nerve key, for entries with an innervation."""
        return {e.id: nerve_key(e.innervation.nerve) for e in self.kb.entries if e.innervation}

    @cached_property
    def zones(self) -> dict[str, frozenset[str]]:
        """Entry id -> every referral zone (primary and spillover)."""
        entries = self.kb.entries
        return {e.id: frozenset(z for r in e.referral for z in (*r.primary, *r.spillover)) for e in entries}

    def values_of(self, kind: str) -> list[_Value]:
        """Every entry's values of one kind, in entry order."""
        got = self._values.get(kind)
        if got is None:
            entries = self.kb.entries
            got = self._values[kind] = [_value(e.id, kind, t) for e in entries for t in entry_values(e, kind)]
        return got

    def pool_of(self, kind: str) -> list[_Value]:
        """The curated pool's values of one kind, in pool order."""
        got = self._pool.get(kind)
        if got is None:
            texts = self.kb.pool.get(kind, ()) if kind in POOL_NAMES else ()
            got = self._pool[kind] = [_value("", kind, v) for v in texts]
        return got

    def material(self, fact: Fact) -> Material:
        """Correct values and safe candidates for a fact (raises UserError when unsupported)."""
        key = fact_key(fact)
        e = self.entries.get(fact.entry)
        if e is None:
            raise UserError(f"{fact.id}: entry '{fact.entry}' is not in the knowledge base")
        if key == "innervation" and e.innervation:
            inn = e.innervation
            accepted = {nerve_key(v) for v in (inn.nerve, *inn.aliases)}
            return self._build(fact, "nerve", (inn.nerve,), lambda v: v.key not in accepted)
        if key == "innervation-levels" and e.innervation and e.innervation.levels:
            mine = level_set(e.innervation.levels)

            def levels_ok(v: _Value) -> bool:
                return bool(v.words) and not (v.words <= mine or mine <= v.words)

            return self._build(fact, "levels", (e.innervation.levels,), levels_ok)
        if key in ("origin", "insertion"):
            struct = e.origin if key == "origin" else e.insertion
            if struct:
                accepted = {value_key(v) for v in (struct.text, *struct.aliases)}
                words = set(value_key(struct.text).split())

                def attachment_ok(v: _Value) -> bool:
                    return v.key not in accepted and not (v.words <= words or words <= v.words)

                return self._build(fact, key, (struct.text,), attachment_ok)
        if is_nerve_reverse(fact) and e.innervation:
            target = nerve_key(e.innervation.nerve)
            members = tuple(m.name for m in self.kb.entries if self.nerves.get(m.id) == target)
            return self._build(
                fact, "muscle", members, lambda v: self.nerves.get(v.entry) not in (None, target), pool=False
            )
        if key == "referral-reverse":
            primary = {z for r in e.referral for z in r.primary}
            return self._build(
                fact, "muscle", (e.name,), lambda v: not primary <= self.zones.get(v.entry, set()), pool=False
            )
        if key == "referral":
            order = list(REGIONS)
            main = sorted({z for r in e.referral for z in r.primary}, key=order.index)
            zones = self.zones.get(e.id, frozenset())
            others = tuple(region_name(z) for z in order if z not in zones)
            return Material(fact, "region", tuple(region_name(z) for z in main), others, len(others))
        if key == "differentials":
            mine_words = [_content_words(d.condition) for d in e.differentials]
            mine_keys = {value_key(d.condition) for d in e.differentials}

            def condition_ok(v: _Value) -> bool:
                return v.key not in mine_keys and not any(v.words & m for m in mine_words)

            return self._build(
                fact,
                "condition",
                tuple(d.condition for d in e.differentials),
                condition_ok,
                values=(),  # the curated pool only: see the module docstring
            )
        raise UserError(f"{fact.id}: this fact cannot be asked as a choice question")

    def _build(
        self,
        fact: Fact,
        kind: str,
        correct: tuple[str, ...],
        ok: Callable[[_Value], bool],
        *,
        pool: bool = True,
        values: Sequence[_Value] | None = None,
    ) -> Material:
        seen: set[str] = set()
        out: list[str] = []

        def take(values: Iterable[_Value]) -> None:
            for v in values:
                if v.entry != fact.entry and v.key not in seen and ok(v):
                    seen.add(v.key)
                    out.append(v.text)

        take(self.values_of(kind) if values is None else values)
        n_entries = len(out)
        if pool:
            take(self.pool_of(kind))
        return Material(fact, kind, correct, tuple(out), n_entries)


_CACHE: list[tuple[KnowledgeBase, DistractorIndex]] = []


def index_for(kb: KnowledgeBase) -> DistractorIndex:
    """The (cached) index of a knowledge base; rebuilt when a different kb object is passed."""
    if _CACHE and _CACHE[0][0] is kb:
        return _CACHE[0][1]
    idx = DistractorIndex(kb)
    _CACHE[:] = [(kb, idx)]
    return idx


def material(fact: Fact, kb: KnowledgeBase) -> Material:
    """Correct values and ordered safe candidates for a fact."""
    return index_for(kb).material(fact)


def pick_distractors(m: Material, rng: random.Random, n: int) -> list[str]:
    """n safe distractors: random among other entries' values first, then pool values."""
    if len(m.candidates) < n:
        raise NotEnoughDistractors(m.fact.id, len(m.candidates), n, m.kind)
    own, pool = list(m.candidates[: m.from_entries]), list(m.candidates[m.from_entries :])
    chosen = rng.sample(own, min(n, len(own)))
    if len(chosen) < n:
        chosen += rng.sample(pool, n - len(chosen))
    return chosen


def choice_options(
    fact: Fact, kb: KnowledgeBase, rng: random.Random, n_options: int = 4
) -> tuple[list[str], int]:
    """Shuffled options for a single-best-answer question and the index of the correct one.

    Raises ``NotEnoughDistractors`` (a ``UserError``) when fewer than ``n_options - 1`` (and at
    least 3) safe distractors exist, and ``UserError`` when ``supports_choice(fact)`` is False.
    """
    if not supports_choice(fact):
        raise UserError(f"{fact.id}: this fact cannot be asked as a single-best-answer question")
    m = material(fact, kb)
    wrong = pick_distractors(m, rng, max(n_options - 1, MIN_DISTRACTORS))
    options = [m.correct[0], *wrong]
    rng.shuffle(options)
    return options, options.index(m.correct[0])


def multi_options(
    fact: Fact, kb: KnowledgeBase, rng: random.Random, n_options: int = 5
) -> tuple[list[str], list[int]]:
    """Shuffled options for select-all-that-apply and the sorted indices of the correct ones.

    Up to ``n_options - 2`` correct values are sampled; the rest are safe distractors (at least 2).
    """
    if not supports_multi(fact):
        raise UserError(f"{fact.id}: this fact cannot be asked as a select-all-that-apply question")
    m = material(fact, kb)
    correct = rng.sample(list(m.correct), min(len(m.correct), n_options - MIN_MULTI_DISTRACTORS))
    wrong = pick_distractors(m, rng, max(n_options - len(correct), MIN_MULTI_DISTRACTORS))
    options = correct + wrong
    rng.shuffle(options)
    return options, sorted(options.index(c) for c in correct)


def same_value(kind: str, a: str, b: str) -> bool:
    """Whether two option values count as the same answer for an option kind."""
    if kind == "nerve":
        return nerve_key(a) == nerve_key(b)
    if kind == "levels":
        return level_set(a) == level_set(b)
    return value_key(a) == value_key(b)
