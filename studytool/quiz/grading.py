"""Typed-answer grading: normalise, accept aliases, fuzzy-match with guards, suggest a grade.

A raw fuzzy score is never the verdict: 'inferior gluteal nerve' scores 86 against the
superior gluteal nerve. So a candidate only passes when

- no *contrast word* differs (superior/inferior, medius/minimus, ...), and a contrast
  word of the answer is not left out;
- every token carrying a digit (spinal levels, ribs) matches exactly;
- and it is either equal after `textnorm.normalize`, close by rapidfuzz (typos), or
  covers most of the answer's words without adding any.

List answers are matched item to item (one-to-one) and earn partial credit; a partial
answer suggests Hard or Again, never Good.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from studytool.model import Fact
from studytool.textnorm import normalize, tokens

CONTRAST_GROUPS: tuple[frozenset[str], ...] = tuple(
    frozenset(g)
    for g in (
        {"superior", "inferior"},
        {"medial", "lateral"},
        {"major", "minor"},
        {"medius", "minimus", "maximus"},
        {"anterior", "posterior"},
        {"greater", "lesser"},
        {"internal", "external"},
        {"superficial", "deep"},
        {"proximal", "distal"},
        {"upper", "lower"},
        {"flexion", "extension"},
        {"flexor", "extensor"},
        {"abduction", "adduction"},
        {"abductor", "adductor"},
        {"longus", "brevis"},
        {"dorsal", "ventral", "palmar", "plantar"},
        {"left", "right"},
        {"ipsilateral", "contralateral"},
        {"supination", "pronation"},
        {"inversion", "eversion"},
    )
)

TYPO_SCORE = 90.0  # rapidfuzz ratio on normalised text that counts as a typo of the answer
COVERAGE = 0.6  # share of the answer's words a shorter answer must contain
LONG_ANSWER = 9  # answers with more words than this are graded by keyword coverage
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


@dataclass(frozen=True)
class Match:
    """How one typed text compares with one accepted text."""

    ok: bool
    score: float  # 0–100
    target: str
    reason: str = ""


@dataclass(frozen=True)
class Verdict:
    """The grade of one typed answer."""

    correct: bool
    score: float  # 0–1
    suggested: int  # 1 Again … 4 Easy
    summary: str
    diff: str = ""
    hits: int = 0
    total: int = 1
    missed: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()


def contrast_clash(typed: Sequence[str], target: Sequence[str]) -> str:
    """A reason why `typed` names a different structure than `target`, or ''."""
    t_set, a_set = set(typed), set(target)
    for group in CONTRAST_GROUPS:
        want, got = a_set & group, t_set & group
        if want and got and want != got:
            return f"'{' '.join(sorted(got))}' is not '{' '.join(sorted(want))}'"
        if want and not got:
            return f"'{' '.join(sorted(want))}' is missing"
        if got and not want:
            return f"'{' '.join(sorted(got))}' is not in the answer"
    return ""


def _digits_clash(typed: Sequence[str], target: Sequence[str]) -> bool:
    def nums(words: Sequence[str]) -> set[str]:
        return {w for w in words if any(c.isdigit() for c in w)}

    return bool(nums(target) or nums(typed)) and nums(target) != nums(typed)


def match(typed: str, target: str) -> Match:
    """Compare one typed text with one accepted text (see the module docstring)."""
    from rapidfuzz import fuzz

    t_words, a_words = tokens(typed), tokens(target)
    if not t_words:
        return Match(False, 0.0, target, "no answer")
    clash = contrast_clash(t_words, a_words)
    if clash:
        return Match(False, 0.0, target, clash)
    if _digits_clash(t_words, a_words):
        return Match(False, 0.0, target, "the numbers differ")
    if t_words == a_words:
        return Match(True, 100.0, target)
    score = float(fuzz.ratio(" ".join(t_words), " ".join(a_words)))  # = normalize(), already tokenised
    if score >= TYPO_SCORE:
        return Match(True, score, target, "spelling")
    typed_set, answer_set = set(t_words), set(a_words)
    if typed_set <= answer_set and len(typed_set) >= COVERAGE * len(answer_set):
        return Match(True, max(score, 100.0 * len(typed_set) / len(answer_set)), target, "shortened")
    return Match(False, score, target, "")


def best_match(typed: str, accepted: Sequence[str]) -> Match:
    """The best of `match` over every accepted text (passing matches first)."""
    results = [match(typed, a) for a in accepted if a.strip()]
    if not results:
        return Match(False, 0.0, "", "nothing to compare")
    return max(results, key=lambda m: (m.ok, m.score))


def word_diff(typed: str, target: str) -> str:
    """A word diff of the normalised texts: [-missing-] and {+extra+} words."""
    a, b = tokens(typed, drop_stopwords=False), tokens(target, drop_stopwords=False)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(a[i1:i2])
        if op in ("delete", "replace"):
            out.append("{+" + " ".join(a[i1:i2]) + "+}")
        if op in ("insert", "replace"):
            out.append("[-" + " ".join(b[j1:j2]) + "-]")
    return " ".join(out)


def accepted_answers(fact: Fact, names: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """The answer, the fact's aliases and, when the answer is a muscle name, that muscle's aliases."""
    out = [fact.answer, *fact.aliases]
    out.extend(_name_aliases(fact.answer, names))
    return list(dict.fromkeys(out))


def _name_aliases(text: str, names: Mapping[str, Sequence[str]] | None) -> list[str]:
    if not names:
        return []
    return list(names.get(normalize(text), ()))


def grade(fact: Fact, typed: str, names: Mapping[str, Sequence[str]] | None = None) -> Verdict:
    """Grade a typed answer to a fact; `names` maps normalised muscle names to their aliases."""
    if fact.kind == "list" and fact.items:
        return grade_list(typed, fact.items, names)
    return grade_basic(typed, accepted_answers(fact, names))


def grade_basic(typed: str, accepted: Sequence[str]) -> Verdict:
    """Grade a single-answer fact."""
    if not tokens(typed):
        return Verdict(False, 0.0, AGAIN, "no answer", diff="", hits=0)
    answer = accepted[0]
    if len(tokens(answer)) > LONG_ANSWER:
        alias = best_match(typed, accepted[1:])
        if not alias.ok:
            return _coverage_verdict(typed, answer)
    best = best_match(typed, accepted)
    diff = word_diff(typed, best.target or answer)
    if best.ok:
        note = {"spelling": "accepted with a spelling slip", "shortened": "accepted (shortened)"}
        return Verdict(True, best.score / 100, GOOD, note.get(best.reason, "correct"), diff=diff, hits=1)
    why = f": {best.reason}" if best.reason else ""
    return Verdict(False, best.score / 100, AGAIN, f"not the answer{why}", diff=diff, hits=0)


def _coverage_verdict(typed: str, answer: str) -> Verdict:
    """Long prose answers: share of the answer's content words the user typed (a suggestion only)."""
    words = [w for w in tokens(answer) if len(w) > 3]
    have = set(tokens(typed))
    answer_words = set(tokens(answer))
    for group in CONTRAST_GROUPS:
        want, got = answer_words & group, have & group
        if want and got and not got <= want:
            clash = f"'{' '.join(sorted(got - want))}' is not '{' '.join(sorted(want))}'"
            return Verdict(False, 0.0, AGAIN, f"not the answer: {clash}", hits=0)
    share = sum(w in have for w in words) / max(1, len(words))
    grade_ = GOOD if share >= 0.5 else HARD if share >= 0.25 else AGAIN
    return Verdict(
        grade_ == GOOD,
        share,
        grade_,
        f"long answer: {share:.0%} of its key words typed; compare and grade yourself",
        hits=int(grade_ == GOOD),
    )


def split_items(typed: str) -> list[str]:
    """Items of a list answer: one per line, or separated by commas or semicolons."""
    return [p.strip() for p in re.split(r"[\n,;]+", typed) if p.strip()]


def grade_list(typed: str, items: Sequence[str], names: Mapping[str, Sequence[str]] | None = None) -> Verdict:
    """One-to-one matching of typed items to answer items, with partial credit."""
    given = split_items(typed)
    total = len(items)
    if not given:
        return Verdict(False, 0.0, AGAIN, f"0/{total}", hits=0, total=total, missed=tuple(items))
    accepted = [[item, *_name_aliases(item, names)] for item in items]
    pairs: list[tuple[float, int, int]] = []
    for gi, g in enumerate(given):
        for ii, texts in enumerate(accepted):
            m = best_match(g, texts)
            if m.ok:
                pairs.append((m.score, gi, ii))
    # Best-first assignment: each typed item and each answer item is used at most once.
    used_g: set[int] = set()
    used_i: set[int] = set()
    for _score, gi, ii in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if gi not in used_g and ii not in used_i:
            used_g.add(gi)
            used_i.add(ii)
    hits = len(used_i)
    missed = tuple(items[i] for i in range(total) if i not in used_i)
    extra = tuple(given[g] for g in range(len(given)) if g not in used_g)
    if hits == total and not extra:
        suggested, summary = GOOD, f"{hits}/{total}: all items"
    elif hits == total:
        suggested, summary = HARD, f"{hits}/{total}, but also {len(extra)} item(s) that are not in the answer"
    elif hits * 2 >= total:
        suggested, summary = HARD, f"{hits}/{total}"
    else:
        suggested, summary = AGAIN, f"{hits}/{total}"
    return Verdict(
        suggested == GOOD,
        hits / total if total else 0.0,
        suggested,
        summary,
        hits=hits,
        total=total,
        missed=missed,
        extra=extra,
    )
