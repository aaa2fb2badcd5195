"""Choice mode questions, built on the shared `studytool.distractors` (never a second engine)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date

from studytool.model import Fact, KnowledgeBase
from studytool.quiz.grading import AGAIN, GOOD, HARD, Verdict


@dataclass(frozen=True)
class Choice:
    """Numbered options and the indices (0-based) of the correct ones."""

    options: tuple[str, ...]
    correct: tuple[int, ...]

    @property
    def multi(self) -> bool:
        return len(self.correct) > 1


def make_choice(fact: Fact, kb: KnowledgeBase, day: date) -> Choice | None:
    """Options for a fact, or None when it cannot be asked as choice (the caller asks it typed)."""
    from studytool import distractors as d

    rng = random.Random(f"{fact.id}:{day.isoformat()}")
    try:
        if d.supports_choice(fact):
            options, key = d.choice_options(fact, kb, rng)
            return Choice(tuple(options), (key,))
        if d.supports_multi(fact):
            options, keys = d.multi_options(fact, kb, rng)
            return Choice(tuple(options), tuple(keys))
    except d.NotEnoughDistractors:
        return None
    return None


def parse_picks(text: str, count: int) -> tuple[int, ...] | None:
    """'2', 'b', '1 3', '1,3', 'ac' → 0-based indices; None when the text is not a pick."""
    text = text.strip().lower()
    if not text:
        return None
    parts = re.findall(r"\d+|[a-z]", text)
    if not parts or re.sub(r"[\d\sa-z,;]", "", text):
        return None
    picks: set[int] = set()
    for p in parts:
        i = int(p) - 1 if p.isdigit() else ord(p) - ord("a")
        if not 0 <= i < count:
            return None
        picks.add(i)
    return tuple(sorted(picks))


def grade_choice(choice: Choice, picks: tuple[int, ...]) -> Verdict:
    """Exact pick → Good; a multi pick with some right → Hard or Again; otherwise Again."""
    right = set(choice.correct)
    got = set(picks)
    hits = len(got & right)
    wrong = len(got - right)
    total = len(right)
    missed = tuple(choice.options[i] for i in sorted(right - got))
    extra = tuple(choice.options[i] for i in sorted(got - right))
    if got == right:
        return Verdict(True, 1.0, GOOD, f"{hits}/{total}: correct", hits=hits, total=total)
    suggested = HARD if choice.multi and hits * 2 >= total and wrong == 0 else AGAIN
    return Verdict(
        False,
        max(0.0, (hits - wrong) / total),
        suggested,
        f"{hits}/{total}" + (f", {wrong} wrong pick(s)" if wrong else ""),
        hits=hits,
        total=total,
        missed=missed,
        extra=extra,
    )
