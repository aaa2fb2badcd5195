"""Turn facts into candidate items and pick a spread, non-overlapping set of them.

No-giveaway rule: every item carries ``topics``, the (entry id, topic) pairs it asks about or
shows in its stem (a matching item on nerves covers the nerve topic of each of its muscles; a
"which muscles share the superior gluteal nerve" item covers the nerve topic of all of them; a
body-map item covers the referral topic of the muscle it shows, like "which muscle refers mainly
to..."). The blueprint never picks two items that share a topic, so no stem or option set pairs a muscle with
the fact another question asks for.
"""

from __future__ import annotations

import dataclasses
import heapq
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from studytool import distractors as dx
from studytool.bodymap.render import anonymous_filename, describe, render_map
from studytool.errors import UserError
from studytool.exam.model import Image, Item
from studytool.facts import derive_facts, mid, unique_referrals
from studytool.model import Fact, KnowledgeBase

MCQ_WRONG = dx.MIN_DISTRACTORS  # 4 options: the key and 3 safe wrong ones
MAP_STEM = "Which muscle's trigger points produce this referral pattern?"
MULTI_OPTIONS = 5
MATCH_SIZE = 4
TOPIC = {
    "innervation": "innervation",
    "innervation-levels": "levels",
    "origin": "origin",
    "insertion": "insertion",
    "referral": "referral",
    "referral-reverse": "referral",
    "differentials": "differentials",
}


def _accepted(*values: str) -> tuple[str, ...]:
    """Accepted short answers, with an ASCII hyphen variant of any dash, without duplicates."""
    out: dict[str, None] = {}
    for v in values:
        out.setdefault(v, None)
        plain = v.replace("–", "-").replace("—", "-")
        out.setdefault(plain, None)
    return tuple(out)


class _Builder:
    """Builds the candidate items of one knowledge base."""

    def __init__(self, kb: KnowledgeBase, rng: random.Random) -> None:
        self.kb = kb
        self.rng = rng
        self.index = dx.index_for(kb)
        self.entries = kb.by_id()
        self.skipped: Counter[str] = Counter()
        self._unique: dict[str, tuple[str, ...]] | None = None
        self._about: dict[str, tuple[frozenset[tuple[str, str]], tuple[str, ...]]] = {}
        self._nerve_groups: dict[str, tuple[frozenset[tuple[str, str]], tuple[str, ...]]] | None = None

    def unique(self) -> dict[str, tuple[str, ...]]:
        """Entries whose referral pattern no other entry covers (the only map-item subjects)."""
        if self._unique is None:
            self._unique = unique_referrals(self.kb.entries)
        return self._unique

    def topics(self, fact: Fact) -> frozenset[tuple[str, str]]:
        """The (entry id, topic) pairs a fact's items ask about."""
        return self.about(fact)[0]

    def muscles(self, fact: Fact) -> tuple[str, ...]:
        """The entry ids of ``topics``, sorted."""
        return self.about(fact)[1]

    def about(self, fact: Fact) -> tuple[frozenset[tuple[str, str]], tuple[str, ...]]:
        """Topics and sorted muscles of a fact, computed once per fact (and once per nerve)."""
        got = self._about.get(fact.id)
        if got is None:
            if dx.is_nerve_reverse(fact):
                got = self.nerve_groups().get(self.index.nerves.get(fact.entry, ""), (frozenset(), ()))
            else:
                key = dx.fact_key(fact)
                got = (frozenset({(fact.entry, TOPIC.get(key, key))}), (fact.entry,))
            self._about[fact.id] = got
        return got

    def nerve_groups(self) -> dict[str, tuple[frozenset[tuple[str, str]], tuple[str, ...]]]:
        """Nerve key -> the innervation topics and sorted ids of every entry that nerve supplies."""
        if self._nerve_groups is None:
            groups: dict[str, list[str]] = {}
            for e, n in self.index.nerves.items():
                groups.setdefault(n, []).append(e)
            self._nerve_groups = {
                n: (frozenset((e, "innervation") for e in g), tuple(sorted(g))) for n, g in groups.items()
            }
        return self._nerve_groups

    def material(self, fact: Fact, need: int, label: str) -> dx.Material | None:
        try:
            m = self.index.material(fact)
        except UserError:
            return None
        if len(m.candidates) < need:
            self.skipped[f"{label} on {fact.id} ({len(m.candidates)} safe wrong options, {need} needed)"] += 1
            return None
        return m

    def base(self, fact: Fact, type_: str, stem: str, correct: Sequence[str], wrong: Sequence[str]) -> Item:
        return Item(
            id=f"{fact.id}.{type_}",
            type=type_,
            fact_ids=(fact.id,),
            stem=stem,
            correct=tuple(correct),
            wrong=tuple(wrong),
            topics=self.topics(fact),
            muscles=self.muscles(fact),
            facet=fact.facet,
        )

    def single(self, fact: Fact, type_: str, stem: str) -> Item | None:
        """A single-best-answer item (mcq or map): the correct value and MCQ_WRONG safe distractors."""
        m = self.material(fact, MCQ_WRONG, type_)
        if m is None:
            return None
        wrong = dx.pick_distractors(m, self.rng, MCQ_WRONG)
        return self.base(fact, type_, stem, m.correct[:1], wrong)

    def mcq(self, fact: Fact) -> Item | None:
        return self.single(fact, "mcq", fact.question) if dx.supports_choice(fact) else None

    def multi(self, fact: Fact) -> Item | None:
        if not dx.supports_multi(fact):
            return None
        m = self.material(fact, dx.MIN_MULTI_DISTRACTORS, "multi")
        if m is None or not m.correct:
            return None
        most = MULTI_OPTIONS - dx.MIN_MULTI_DISTRACTORS  # correct options, leaving room for 2 wrong ones
        correct = self.rng.sample(list(m.correct), min(len(m.correct), most))
        wrong = dx.pick_distractors(m, self.rng, min(MULTI_OPTIONS - len(correct), len(m.candidates)))
        e = self.entries[fact.entry]
        key = dx.fact_key(fact)
        if key == "referral":
            stem = f"Which regions are main referral zones of {mid(e.name)} trigger points?"
        else:
            stem = fact.question
        return self.base(fact, "multi", f"{stem} Select all that apply.", correct, wrong)

    def has_map(self, fact: Fact) -> bool:
        """A map item is possible: the 'which muscle refers here?' fact of a unique pattern."""
        return dx.fact_key(fact) == "referral-reverse" and fact.entry in self.unique()

    def map(self, fact: Fact) -> Item | None:
        """'Which muscle?' under the entry's anonymous body map; distractors as for referral-reverse."""
        item = self.single(fact, "map", MAP_STEM) if self.has_map(fact) else None
        if item is None:
            return None
        e = self.entries[fact.entry]
        svg = render_map(e, anonymous=True)
        image = Image(anonymous_filename(svg), svg, describe(e, anonymous=True))
        return dataclasses.replace(item, image=image)

    def statement(self, fact: Fact, value: str) -> str:
        e = self.entries[fact.entry]
        key = dx.fact_key(fact)
        n = mid(e.name)
        if key == "innervation":
            return f"The {n} is supplied by the {mid(value)}."
        if key == "innervation-levels":
            return f"The motor supply of the {n} arises from spinal levels {value}."
        if key == "origin":
            return f"The {n} originates from: {mid(value)}."
        if key == "insertion":
            return f"The {n} inserts on: {mid(value)}."
        if dx.is_nerve_reverse(fact) and e.innervation:
            return f"The {mid(e.innervation.nerve)} supplies the {mid(value)}."
        raise ValueError(f"{fact.id}: no true/false statement for this fact")

    def tf(self, fact: Fact) -> Item | None:
        if not _tf_ok(fact):
            return None
        m = self.material(fact, 1, "tf")
        if m is None:
            return None
        false_value = dx.pick_distractors(m, self.rng, 1)[0]
        true_stem = self.statement(fact, m.correct[0])
        return self.base(fact, "tf", true_stem, ("True",), (self.statement(fact, false_value),))

    def has_short(self, fact: Fact) -> bool:
        return self.short(fact) is not None

    def short(self, fact: Fact) -> Item | None:
        key = dx.fact_key(fact)
        e = self.entries[fact.entry]
        if key == "innervation" and e.innervation:
            answers = _accepted(e.innervation.nerve, *e.innervation.aliases)
        elif key == "innervation-levels" and e.innervation and e.innervation.levels:
            answers = _accepted(e.innervation.levels)
        elif key in ("origin", "insertion"):
            struct = e.origin if key == "origin" else e.insertion
            if not struct or not struct.aliases:
                return None  # a long attachment text cannot be graded automatically
            answers = _accepted(struct.text, *struct.aliases)
        elif key == "referral-reverse" or (dx.is_nerve_reverse(fact) and fact.kind == "basic"):
            answers = _accepted(e.name, *e.aliases)
        else:
            return None
        return self.base(fact, "short", fact.question, answers, ())

    def matches(self, facts: Sequence[Fact], facet: str, limit: int) -> list[Item]:
        """Matching items (at most ``limit``): groups of up to 4 muscles whose values all differ."""
        key = "innervation" if facet == "innervation" else "insertion"
        chosen = [f for f in facts if dx.fact_key(f) == key]
        self.rng.shuffle(chosen)
        kind = "nerve" if key == "innervation" else "insertion"
        what = "nerve supply" if key == "innervation" else "insertion"
        full: list[list[tuple[Fact, str, frozenset[str]]]] = []
        open_: list[list[tuple[Fact, str, frozenset[str]]]] = []
        for f in chosen:
            if len(full) >= limit:
                break
            values = dx.entry_values(self.entries[f.entry], kind)
            if not values:
                continue
            value = values[0]
            words = frozenset({dx.nerve_key(value)} if kind == "nerve" else dx.value_key(value).split())
            for g in open_:
                if all(not _clash(kind, words, w) for _, _, w in g):
                    g.append((f, value, words))
                    if len(g) == MATCH_SIZE:
                        open_.remove(g)
                        full.append(g)
                    break
            else:
                open_.append([(f, value, words)])
        pairs = [[(f, v) for f, v, _ in g] for g in full + open_]
        items = []
        for grp in pairs:
            if len(grp) < 3:
                continue
            grp.sort(key=lambda fv: fv[0].id)
            items.append(
                Item(
                    id="match." + key + "." + "+".join(f.entry for f, _ in grp),
                    type="match",
                    fact_ids=tuple(f.id for f, _ in grp),
                    stem=f"Match each muscle to its {what}.",
                    correct=tuple(v for _, v in grp),
                    prompts=tuple(self.entries[f.entry].name for f, _ in grp),
                    topics=frozenset(t for f, _ in grp for t in self.topics(f)),
                    muscles=tuple(f.entry for f, _ in grp),
                    facet=facet,
                )
            )
        return items


def _clash(kind: str, a: frozenset[str], b: frozenset[str]) -> bool:
    """Two values too alike to sit in one matching item (same nerve; one attachment inside the other)."""
    return a == b if kind == "nerve" else (a <= b or b <= a)


@dataclass(frozen=True)
class Slot:
    """A possible item, cheap to list: its distractors are drawn only if the blueprint picks it."""

    id: str
    type: str
    topics: frozenset[tuple[str, str]]
    muscles: tuple[str, ...]
    facet: str
    make: Callable[[], Item | None]


def candidates(
    kb: KnowledgeBase, facts: Sequence[Fact], types: Sequence[str], rng: random.Random, *, count: int = 0
) -> tuple[list[Slot], _Builder]:
    """Every item that could be asked, in a stable order (items are built lazily)."""
    b = _Builder(kb, rng)
    out: list[Slot] = []
    makers = {"mcq": b.mcq, "multi": b.multi, "tf": b.tf, "short": b.short, "map": b.map}
    eligible = {
        "mcq": dx.supports_choice,
        "tf": _tf_ok,
        "multi": dx.supports_multi,
        "short": b.has_short,
        "map": b.has_map,
    }
    asked = [t for t in types if t in makers]
    # Every item type needs a fact that can be asked as a choice question (short answers, maps
    # and matching are a subset of those): most facts are left out here at once.
    facts = [f for f in facts if dx.supports_any(f)]
    for fact in facts:
        for t in asked:
            if eligible[t](fact):
                topics, muscles = b.about(fact)
                out.append(Slot(f"{fact.id}.{t}", t, topics, muscles, fact.facet, partial(makers[t], fact)))
    if "match" in types:
        facets = {f.facet for f in facts}
        for facet in ("innervation", "insertion"):
            if facet in facets:
                for it in b.matches(facts, facet, limit=max(count, 1)):
                    out.append(Slot(it.id, it.type, it.topics, it.muscles, it.facet, partial(_same, it)))
    return out, b


def _tf_ok(fact: Fact) -> bool:
    """A choice fact, except 'refers mainly to': a false one about another muscle is often half true."""
    return dx.supports_choice(fact) and dx.fact_key(fact) != "referral-reverse"


def _same(item: Item) -> Item:
    return item


WINDOW = 200  # free slots per type compared at each pick: keeps 1,250-entry exams fast


class _Queue:
    """One type's slots in seeded order, stored reversed so the next slot to look at is the last.

    ``free`` counts the entries at the end known to be free under the current ``used`` set. A
    slot found not free is dropped for good (``used`` only grows), so over a whole exam each slot
    is looked at about once, however many picks there are.
    """

    __slots__ = ("free", "stack")

    def __init__(self) -> None:
        self.stack: list[Slot] = []
        self.free = 0

    def first_free(self, used: set[tuple[str, str]], n: int) -> list[Slot]:
        """The first ``n`` slots (in seeded order) whose topics are all unused."""
        stack = self.stack
        if self.free < n and self.free < len(stack):
            found: list[Slot] = []
            top = len(stack) - self.free
            i = top
            while i and self.free + len(found) < n:
                i -= 1
                if used.isdisjoint(stack[i].topics):
                    found.append(stack[i])
            found.reverse()
            stack[i:top] = found
            self.free += len(found)
        m = min(n, self.free)
        return stack[len(stack) - m :][::-1]

    def drop(self, slot: Slot) -> None:
        """Remove a slot that ``first_free`` returned."""
        stack = self.stack
        for i in range(len(stack) - 1, -1, -1):
            if stack[i] is slot:
                del stack[i]
                self.free -= 1
                return


def select(slots: Sequence[Slot], count: int, rng: random.Random) -> list[Item]:
    """Pick ``count`` items with disjoint topics, spreading types, muscles and facets evenly.

    At each pick: among the least-used types, the first ``WINDOW`` free slots (in seeded order) are
    compared by how often their muscles and facet were used already. A picked slot whose item
    cannot be built (too few safe distractors) is dropped, never replaced by an unsafe item.

    Cost: each slot is tested for freedom about once. The window's slots sit in a heap ordered
    like ``min`` over the window (rank, then window position); a pick whose item cannot be built
    changes no count, so the heap is kept and only the slot that moves into the window is added.
    """
    tiebreak = {sl.id: rng.random() for sl in slots}
    queues: dict[str, _Queue] = {}
    seq: dict[int, int] = {}  # id(slot) -> position in seeded order
    for n, sl in enumerate(sorted(slots, key=lambda sl: (tiebreak[sl.id], sl.id))):
        queues.setdefault(sl.type, _Queue()).stack.append(sl)
        seq[id(sl)] = n
    for q in queues.values():
        q.stack.reverse()
    used: set[tuple[str, str]] = set()
    # Use counts (plain dicts: a Counter's missing-key lookup runs Python code, and ranks read
    # these about 100,000 times at 1,250 entries).
    by_type: dict[str, int] = dict.fromkeys(queues, 0)
    by_muscle: dict[str, int] = {}
    by_facet: dict[str, int] = {}
    type_pos: dict[str, int] = {}  # a window type -> its place in the window

    def entry(sl: Slot) -> tuple[tuple[int, int, int, float], int, int, Slot]:
        ms = sl.muscles
        used_m = by_muscle.get
        most = used_m(ms[0], 0) if len(ms) == 1 else max(used_m(m, 0) for m in ms) if ms else 0
        rank = (by_type[sl.type], most, by_facet.get(sl.facet, 0), tiebreak[sl.id])
        return rank, type_pos[sl.type], seq[id(sl)], sl

    chosen: list[Item] = []
    heap: list[tuple[tuple[int, int, int, float], int, int, Slot]] = []
    while len(chosen) < count:
        if not heap:  # (re)build the window: the least-used types that still have free slots
            window: list[Slot] = []
            type_pos.clear()
            for t in sorted(queues, key=lambda t: (by_type[t], t)):
                if window and by_type[t] > by_type[window[0].type]:
                    break
                type_pos[t] = len(type_pos)
                window += queues[t].first_free(used, WINDOW)
            if not window:
                break
            heap = [entry(sl) for sl in window]
            heapq.heapify(heap)
        best = heapq.heappop(heap)[3]
        q = queues[best.type]
        q.drop(best)
        item = best.make()
        if item is None:
            # Nothing else changed: the window is the same minus ``best``, plus the next free
            # slot of its type. When the heap runs dry, the next pass rebuilds the window,
            # which then takes the next least-used types.
            known = q.free
            for sl in q.first_free(used, WINDOW)[known:]:
                heapq.heappush(heap, entry(sl))
            continue
        chosen.append(item)
        used |= item.topics
        by_type[item.type] += 1
        by_facet[item.facet] = by_facet.get(item.facet, 0) + 1
        for m in item.muscles:
            by_muscle[m] = by_muscle.get(m, 0) + 1
        heap = []
        for q in queues.values():
            q.free = 0
    return chosen


def balance_true_false(items: Sequence[Item], rng: random.Random) -> list[Item]:
    """Make about half of the true/false items false (using their stored false statement)."""
    tf = [i for i, it in enumerate(items) if it.type == "tf"]
    truths = [k % 2 == 0 for k in range(len(tf))]
    rng.shuffle(truths)
    out = list(items)
    for i, truth in zip(tf, truths, strict=True):
        it = out[i]
        if truth:
            out[i] = dataclasses.replace(it, wrong=())
        else:
            out[i] = dataclasses.replace(it, stem=it.wrong[0], correct=("False",), wrong=())
    return out


def blueprint(
    kb: KnowledgeBase,
    *,
    count: int,
    seed: str,
    types: Sequence[str],
    muscles: Sequence[str] = (),
    facets: Sequence[str] = (),
) -> list[Item]:
    """The exam's items in a stable order (same for every version); errors when material is short."""
    rng = random.Random(f"{seed}:blueprint")
    # Only the facts an item type can ask (the reverse facts are always derived).
    asked = (*dx.SINGLE_KEYS, *dx.MULTI_KEYS)
    facts = derive_facts(kb, muscles=muscles, facets=facets, keys=asked)
    slots, builder = candidates(kb, facts, types, rng, count=count)
    chosen = select(slots, count, rng)
    skipped = builder.skipped
    if len(chosen) < count:
        entries = sorted({m for sl in slots for m in sl.muscles})
        hint = (
            f"; {sum(skipped.values())} item(s) were not possible for lack of safe distractors"
            if skipped
            else ""
        )
        raise UserError(
            f"asked for {count} questions, but only {len(chosen)} can be set without two questions on the "
            f"same muscle and topic (material: {len(entries)} muscle(s), types {','.join(types)}{hint}); "
            "lower --count, allow more --types, or add entries"
        )
    chosen.sort(key=lambda it: it.id)
    return balance_true_false(chosen, rng)
