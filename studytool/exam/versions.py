"""Versions A, B, C...: the same items in a shuffled order with shuffled options.

Each version draws from its own ``random.Random(f"{seed}:{name}")``. In each version the key
positions of the single-best-answer questions are balanced: every position (A-D) is used
``n // 4`` or ``n // 4 + 1`` times (body-map items are single best answer too and share
the balance).
"""

from __future__ import annotations

import random
import string
from collections.abc import Sequence

from studytool.exam.model import SINGLE, Item, Question, Version


def version_name(i: int) -> str:
    """A, B, ..., Z, AA, AB, ..."""
    letters = string.ascii_uppercase
    return letters[i] if i < 26 else version_name(i // 26 - 1) + letters[i % 26]


def make_version(items: Sequence[Item], seed: str, name: str, points: float) -> Version:
    """One form: shuffled question order, shuffled options, balanced key positions."""
    rng = random.Random(f"{seed}:{name}")
    order = list(items)
    rng.shuffle(order)
    n_mcq = sum(it.type in SINGLE for it in order)
    slots = [k % 4 for k in range(n_mcq)]
    rng.shuffle(slots)
    questions = []
    for number, it in enumerate(order, 1):
        prompts: tuple[str, ...] = ()
        correct: tuple[int, ...]
        if it.type in SINGLE:
            wrong = list(it.wrong)
            rng.shuffle(wrong)
            pos = slots.pop()
            options = (*wrong[:pos], it.correct[0], *wrong[pos:])
            correct = (pos,)
        elif it.type == "multi":
            opts = [*it.correct, *it.wrong]
            rng.shuffle(opts)
            options = tuple(opts)
            correct = tuple(sorted(options.index(c) for c in it.correct))
        elif it.type == "tf":
            options = ("True", "False")
            correct = (options.index(it.correct[0]),)
        elif it.type == "match":
            pairs = list(zip(it.prompts, it.correct, strict=True))
            rng.shuffle(pairs)
            answers = [a for _, a in pairs]
            rng.shuffle(answers)
            options = tuple(answers)
            prompts = tuple(p for p, _ in pairs)
            correct = tuple(options.index(a) for _, a in pairs)
        else:  # short answer
            options = ()
            correct = ()
        questions.append(Question(number, it, options, correct, prompts, points))
    return Version(name, tuple(questions))


def make_versions(items: Sequence[Item], seed: str, count: int, points: float) -> tuple[Version, ...]:
    """``count`` versions named A, B, C..."""
    return tuple(make_version(items, seed, version_name(i), points) for i in range(count))
