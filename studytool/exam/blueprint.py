"""Turn facts into candidate items (built by ``items.ItemBuilder``) and pick a spread,
non-overlapping set of them.

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from studytool import distractors as dx
from studytool.errors import UserError
from studytool.exam.items import MAP_STEM, ItemBuilder
from studytool.exam.model import Item
from studytool.model import Fact, KnowledgeBase
from studytool.questions.facts import derive_facts

__all__ = ["MAP_STEM", "Slot", "balance_true_false", "blueprint", "candidates", "select"]


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
) -> tuple[list[Slot], ItemBuilder]:
    """Every item that could be asked, in a stable order (items are built lazily)."""
    b = ItemBuilder(kb, rng)
    out: list[Slot] = []
    makers = {"mcq": b.mcq, "multi": b.multi, "tf": b.tf, "short": b.short, "map": b.map}
    eligible = {
        "mcq": dx.supports_choice,
        "tf": b.has_tf,
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
