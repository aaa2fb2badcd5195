"""Item builders: turn one fact (or a group of facts) into an exam item with safe options.

Wrong options come from ``studytool.distractors`` (shared with the quiz); this module only
phrases stems and statements and decides which item types a fact can become.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from collections.abc import Sequence

from studytool import distractors as dx
from studytool.bodymap.render import anonymous_filename, describe, render_map
from studytool.errors import UserError
from studytool.exam.model import Image, Item
from studytool.model import Entry, Fact, KnowledgeBase
from studytool.questions.facts import unique_referrals
from studytool.questions.phrasing import mid, subject

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

Topics = tuple[frozenset[tuple[str, str]], tuple[str, ...]]


def _accepted(*values: str) -> tuple[str, ...]:
    """Accepted short answers, with an ASCII hyphen variant of any dash, without duplicates."""
    out: dict[str, None] = {}
    for v in values:
        out.setdefault(v, None)
        plain = v.replace("–", "-").replace("—", "-")
        out.setdefault(plain, None)
    return tuple(out)


def _sentence(e: Entry, singular: str, plural: str) -> str:
    """'The gluteus medius is', 'The hamstrings are': the entry as a sentence's subject."""
    s = subject(e)
    return f"{s[:1].upper()}{s[1:]} {plural if e.plural else singular}"


def _clash(kind: str, a: frozenset[str], b: frozenset[str]) -> bool:
    """Two values too alike to sit in one matching item (same nerve; one attachment inside the other)."""
    return a == b if kind == "nerve" else (a <= b or b <= a)


class ItemBuilder:
    """Builds the candidate items of one knowledge base."""

    def __init__(self, kb: KnowledgeBase, rng: random.Random) -> None:
        self.kb = kb
        self.rng = rng
        self.index = dx.index_for(kb)
        self.entries = kb.by_id()
        self.skipped: Counter[str] = Counter()
        self._unique: dict[str, tuple[str, ...]] | None = None
        self._about: dict[str, Topics] = {}
        self._nerve_groups: dict[str, Topics] | None = None

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

    def about(self, fact: Fact) -> Topics:
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

    def nerve_groups(self) -> dict[str, Topics]:
        """Nerve key -> the innervation topics and sorted ids of every entry that nerve supplies."""
        if self._nerve_groups is None:
            groups: dict[str, list[str]] = {}
            for e, n in self.index.nerves.items():
                groups.setdefault(n, []).append(e)
            self._nerve_groups = {
                n: (frozenset((e, "innervation") for e in g), tuple(sorted(g))) for n, g in groups.items()
            }
        return self._nerve_groups

    def _enough(self, m: dx.Material | None, fact: Fact, need: int, label: str) -> dx.Material | None:
        if m is not None and len(m.candidates) < need:
            self.skipped[f"{label} on {fact.id} ({len(m.candidates)} safe wrong options, {need} needed)"] += 1
            return None
        return m

    def material(self, fact: Fact, need: int, label: str) -> dx.Material | None:
        try:
            m = self.index.material(fact)
        except UserError:
            return None
        return self._enough(m, fact, need, label)

    def base(self, fact: Fact, type_: str, stem: str, correct: Sequence[str], wrong: Sequence[str]) -> Item:
        return Item(
            id=f"{fact.id}.{type_}",
            type=type_,
            fact_ids=(fact.id,),
            stem=stem.replace(" in this deck", ""),  # on paper the options, not a deck, are the scope
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
        elif key == "differentials":  # the fact asks an open list ("Name two..."); this is recognition
            stem = f"Which of these conditions are trigger points in {subject(e)} often mistaken for?"
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
        """A true/false statement of the fact with ``value`` in the answer's place."""
        e = self.entries[fact.entry]
        key = dx.fact_key(fact)
        if dx.is_nerve_reverse(fact) and e.innervation:
            return f"The {mid(e.innervation.nerve)} supplies the {mid(value)}."
        if key == "innervation":
            return f"{_sentence(e, 'is', 'are')} supplied by the {mid(value)}."
        if key == "innervation-levels":
            return f"The motor supply of {subject(e)} arises from spinal levels {value}."
        if key == "origin":
            return f"{_sentence(e, 'originates', 'originate')} from: {mid(value)}."
        if key == "insertion":
            return f"{_sentence(e, 'inserts', 'insert')} on: {mid(value)}."
        raise ValueError(f"{fact.id}: no true/false statement for this fact")

    def has_tf(self, fact: Fact) -> bool:
        """A true/false item may be possible: a choice fact with a statement form that no note
        disputes ('refers mainly to' is never asked: a false one about another muscle is often half
        true). Cheap: the false values are looked for only when the item is built."""
        return dx.supports_choice(fact) and self.index.tf_allowed(fact)

    def tf(self, fact: Fact) -> Item | None:
        if not self.has_tf(fact):
            return None
        try:
            m = self._enough(self.index.false_material(fact), fact, 1, "tf")
        except UserError:
            return None
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
            value = values[0] if kind == "nerve" else dx.without_brackets(values[0])  # '(soleus)' would tell
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
