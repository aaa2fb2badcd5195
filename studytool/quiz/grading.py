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
from studytool.textnorm import normalize, segments_text, spinal_segments, stem, tokens, without_segments

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

# Words the question already implies, so leaving them out costs nothing ("abduction" for
# "Hip abduction", "rotation" for "Assists hip rotation").
CONTEXT_WORDS = frozenset(
    """hip thigh knee leg ankle foot toe toes trunk spine joint muscle muscles assist assists
    helps aids bone""".split()  # noqa: SIM905
)
# A bone named alone does not say where on it a muscle attaches ("femur", "ilium").
BONES = frozenset(
    """ilium ischium pubis pubic sacrum coccyx femur tibia fibula patella calcaneus talus
    navicular cuboid cuneiform cuneiforms metatarsal metatarsals phalanx phalanges vertebra
    vertebrae rib ribs pelvis hip bone bones""".split()  # noqa: SIM905
)
ATTACHMENT_FACETS = ("origin", "insertion")


@dataclass(frozen=True)
class Match:
    """How one typed text compares with one accepted text."""

    ok: bool
    score: float  # 0–100
    target: str
    reason: str = ""
    overlap: int = 0  # words the two share: the failing target that explains a refusal best


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
    """A reason why `typed` names a different structure than `target`, or ''.

    A word that differs ('lesser' for 'greater') is the real difference, so it is reported
    before a word that is only missing or only added.
    """
    t_set, a_set = set(typed), set(target)
    found = [(group, a_set & group, t_set & group) for group in CONTRAST_GROUPS]
    for _group, want, got in found:
        if want and got and want != got:
            return f"'{' '.join(sorted(got))}' is not '{' '.join(sorted(want))}'"
    for _group, want, got in found:
        if want and not got:
            return f"'{' '.join(sorted(want))}' is missing"
    for _group, want, got in found:
        if got and not want:
            return f"'{' '.join(sorted(got))}' is not in the answer"
    return ""


def _digits_clash(typed: Sequence[str], target: Sequence[str]) -> bool:
    def nums(words: Sequence[str]) -> set[str]:
        return {w for w in words if any(c.isdigit() for c in w)}

    return bool(nums(target) or nums(typed)) and nums(target) != nums(typed)


def _levels_clash(typed: str, target: str) -> str:
    """Spinal levels compare as sets of segments; a reason when they differ, or ''."""
    want = spinal_segments(target)
    if not want:
        return ""
    got = spinal_segments(typed)
    if got == want:
        return ""
    if not got:
        return f"the spinal levels ({segments_text(want)}) are missing"
    return f"the spinal levels differ: {segments_text(got)} is not {segments_text(want)}"


def match(typed: str, target: str) -> Match:
    """Compare one typed text with one accepted text (see the module docstring)."""
    from rapidfuzz import fuzz

    if not tokens(typed):
        return Match(False, 0.0, target, "no answer")
    t_words, a_words = tokens(without_segments(typed)), tokens(without_segments(target))
    overlap = len({stem(w) for w in t_words} & {stem(w) for w in a_words})
    levels = _levels_clash(typed, target)
    if levels:
        return Match(False, 0.0, target, levels, overlap)
    clash = contrast_clash(t_words, a_words)
    if clash:
        return Match(False, 0.0, target, clash, overlap)
    if _digits_clash(t_words, a_words):
        return Match(False, 0.0, target, "the numbers differ", overlap)
    if t_words == a_words:
        return Match(True, 100.0, target, "", overlap)
    score = float(fuzz.ratio(" ".join(t_words), " ".join(a_words)))  # = normalize(), already tokenised
    if score >= TYPO_SCORE:
        return Match(True, score, target, "spelling", overlap)
    typed_stems, answer_stems = {stem(w) for w in t_words}, {stem(w) for w in a_words}
    context = {stem(w) for w in CONTEXT_WORDS}
    if typed_stems <= answer_stems and typed_stems - context:
        # Words the question implies count only when typed: leaving them out costs nothing.
        share = len(typed_stems) / len(answer_stems - (context - typed_stems))
        if share >= COVERAGE:
            reason = "" if share == 1 and typed_stems == answer_stems else "shortened"
            return Match(True, max(score, 100.0 * share), target, reason, overlap)
    return Match(False, score, target, "", overlap)


def best_match(typed: str, accepted: Sequence[str]) -> Match:
    """The best of `match` over every accepted text.

    A passing match wins; otherwise the accepted text sharing most words with the answer gives
    the reason, so the refusal names the difference that matters.
    """
    results = [match(typed, a) for a in accepted if a.strip()]
    if not results:
        return Match(False, 0.0, "", "nothing to compare")
    return max(results, key=lambda m: (m.ok, m.overlap, m.score))


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


# Where a note names other levels: "several texts list only L4–L5". A parenthesis is an aside
# ("(with S1 variably)"), and 'and' only joins segments when a segment follows it.
_NOTE_SPLIT = re.compile(r"[.;]|\([^)]*\)|\bor\b|\band\b(?!\s*(?:CO1|[CTLS]\d))", re.IGNORECASE)


def note_alternatives(answer: str, note: str) -> list[frozenset[str]]:
    """Other segment sets that the fact's note records for a levels answer."""
    mine = spinal_segments(answer)
    if not mine or tokens(without_segments(answer)):
        return []  # not a pure levels answer
    found = (spinal_segments(part) for part in _NOTE_SPLIT.split(note) if part)
    return list(dict.fromkeys(s for s in found if s and s != mine))


def grade(fact: Fact, typed: str, names: Mapping[str, Sequence[str]] | None = None) -> Verdict:
    """Grade a typed answer to a fact; `names` maps normalised muscle names to their aliases."""
    if fact.kind == "list" and fact.items:
        return grade_list(typed, fact.items, names, item_aliases=fact.item_aliases, required=fact.required)
    if fact.facet in ATTACHMENT_FACETS:
        bare = _bare_bone(typed, fact.answer)
        if bare:
            return Verdict(
                False,
                0.5,
                HARD,
                f"partly: '{bare}' names the bone, not the part of it this muscle attaches to",
                diff=word_diff(typed, fact.answer),
            )
    verdict = grade_basic(typed, accepted_answers(fact, names))
    if not verdict.correct and fact.extra:
        typed_set = spinal_segments(typed)
        for alternative in note_alternatives(fact.answer, fact.extra):
            if typed_set == alternative:
                return Verdict(
                    True,
                    1.0,
                    GOOD,
                    f"accepted: some references give {segments_text(alternative)} "
                    f"(this deck teaches {segments_text(spinal_segments(fact.answer))}). {fact.extra}",
                    hits=1,
                )
    return verdict


def _bare_bone(typed: str, answer: str) -> str:
    """The bone named, when the typed answer is only a bone that the answer also names."""
    words = set(tokens(typed)) - {"bone", "surface"}
    answer_words = set(tokens(answer))
    if words and words <= BONES and words & answer_words and not answer_words <= BONES | {"bone"}:
        return " ".join(sorted(words))
    return ""


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
    words = [stem(w) for w in tokens(answer) if len(w) > 3]
    have = {stem(w) for w in tokens(typed)}
    answer_words = set(tokens(answer))
    typed_words = set(tokens(typed))
    for group in CONTRAST_GROUPS:
        want, got = answer_words & group, typed_words & group
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


def grade_list(
    typed: str,
    items: Sequence[str],
    names: Mapping[str, Sequence[str]] | None = None,
    *,
    item_aliases: Sequence[Sequence[str]] = (),
    required: int = 0,
) -> Verdict:
    """One-to-one matching of typed items to answer items, with partial credit.

    Each answer item is matched by its label, its other wordings (`item_aliases`, parallel to
    `items`) and the muscle aliases in `names`. With `required` (an open list: "name two of"),
    that many hits are a full answer, and an item not on the list is only pointed out: the
    list is not complete, so it may still be right.
    """
    given = split_items(typed)
    total = len(items)
    need = min(required, total) if required else total
    if not given:
        return Verdict(False, 0.0, AGAIN, f"0/{need}", hits=0, total=need, missed=tuple(items))
    accepted = [
        [item, *(item_aliases[i] if i < len(item_aliases) else ()), *_name_aliases(item, names)]
        for i, item in enumerate(items)
    ]
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
    open_list = need < total
    if hits >= need and (open_list or not extra):
        suggested, summary = (
            GOOD,
            f"{hits}/{need}: all items" if not open_list else f"{min(hits, need)}/{need}",
        )
        if open_list and extra:
            summary += f"; not on this entry's list (it may still be right): {', '.join(extra)}"
    elif hits >= need:
        suggested, summary = HARD, f"{hits}/{total}, but also {len(extra)} item(s) that are not in the answer"
    elif hits * 2 >= need:
        suggested, summary = HARD, f"{hits}/{need}"
    else:
        suggested, summary = AGAIN, f"{hits}/{need}"
    return Verdict(
        suggested == GOOD,
        min(1.0, hits / need) if need else 0.0,
        suggested,
        summary,
        hits=min(hits, need),
        total=need,
        missed=missed if not open_list or hits < need else (),
        extra=extra,
    )
