"""Text normalisation shared by answer grading and distractor safety checks.

Two answers are "the same" when their normalised forms are equal: case, accents,
punctuation, dash style, articles, parenthesised spinal levels and common anatomy
abbreviations are ignored.
"""

from __future__ import annotations

import re
import unicodedata

ABBREVIATIONS: dict[str, str] = {
    "n": "nerve",
    "nn": "nerves",
    "nv": "nerve",
    "m": "muscle",
    "mm": "muscles",
    "sup": "superior",
    "inf": "inferior",
    "ant": "anterior",
    "post": "posterior",
    "lat": "lateral",
    "gt": "greater",
    "lig": "ligament",
    "proc": "process",
    "tp": "trigger point",
    "tps": "trigger points",
    "si": "sacroiliac",
    "sij": "sacroiliac joint",
    "itb": "iliotibial band",
    "it": "iliotibial",
    "tfl": "tensor fasciae latae",
    "ql": "quadratus lumborum",
    "asis": "anterior superior iliac spine",
    "psis": "posterior superior iliac spine",
}

STOPWORDS = frozenset({"the", "a", "an", "of", "its", "and"})

# A parenthesised or trailing run of spinal levels: (L4–S1), (L4, L5, S1), L5-S2 ...
_LEVELS = re.compile(
    r"\(\s*(?:ventral rami\s+)?[CTLS]\d{1,2}(?:\s*(?:[-–—,/]|to|and)\s*[CTLS]?\d{1,2})*\s*\)",
    re.IGNORECASE,
)


# Spinal segments in cranio-caudal order, for levels compared as sets ("L4, L5, S1" = "L4–S1").
SEGMENTS: tuple[str, ...] = (
    *(f"C{i}" for i in range(1, 9)),
    *(f"T{i}" for i in range(1, 13)),
    *(f"L{i}" for i in range(1, 6)),
    *(f"S{i}" for i in range(1, 6)),
    "Co1",
)
_SEGMENT_INDEX = {s.upper(): i for i, s in enumerate(SEGMENTS)}
# One segment or a range: L4, L4–S1, L4-5, L4 to S1, S2 through S4.
_SEGMENT_RUN = re.compile(
    r"\b(CO1|[CTLS]\d{1,2})(?:\s*(?:-|–|—|to|through)\s*(CO1|[CTLS]?\d{1,2})\b)?",
    re.IGNORECASE,
)


def spinal_segments(text: str) -> frozenset[str]:
    """The spinal segments a text names: 'L4–S1', 'L4, L5, S1' and 'L4-5, S1' all give {L4, L5, S1}."""
    out: set[str] = set()
    for first, last in _SEGMENT_RUN.findall(fold(text).upper()):
        if first not in _SEGMENT_INDEX:
            continue
        if last and last[0].isdigit():
            last = first[0] + last  # "L4-5": the region letter carries over
        lo = _SEGMENT_INDEX[first]
        hi = _SEGMENT_INDEX.get(last, lo) if last else lo
        lo, hi = min(lo, hi), max(lo, hi)
        out.update(SEGMENTS[lo : hi + 1])
    return frozenset(out)


def without_segments(text: str) -> str:
    """The text with every spinal segment or range taken out ('Superior gluteal nerve L4–S1')."""
    return _SEGMENT_RUN.sub(" ", text)


def segments_text(segments: frozenset[str]) -> str:
    """Segments written back as ranges: {L4, L5, S1} -> 'L4–S1'; {L2, L4} -> 'L2, L4'."""
    idx = sorted(_SEGMENT_INDEX[s.upper()] for s in segments)
    runs: list[list[int]] = []
    for i in idx:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return ", ".join(SEGMENTS[r[0]] if len(r) == 1 else f"{SEGMENTS[r[0]]}–{SEGMENTS[r[-1]]}" for r in runs)


def slug(text: str, *, limit: int = 0, empty: str = "x") -> str:
    """The one slug rule behind every identity (fact ids, item keys, entry ids, file stems).

    Lowercase ASCII words joined by single hyphens; accents are folded first ("Médius" ->
    "medius"), so a name with accents gets the id its plain spelling would. For ASCII text this
    is exactly the rule every released fact id was made with, so no id changes. `limit` cuts the
    slug (then trims a trailing hyphen); `empty` stands in when nothing is left.
    """
    out = _NON_SLUG.sub("-", fold(text)).strip("-")
    if limit:
        out = out[:limit].strip("-")
    return out or empty


_NON_SLUG = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Casefold, strip accents, unify dashes and quotes."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return text.casefold()


def strip_levels(text: str) -> str:
    """Remove parenthesised spinal levels such as '(L4–S1)'."""
    return _LEVELS.sub(" ", text)


def tokens(text: str, *, drop_stopwords: bool = True) -> list[str]:
    """Normalised word tokens with abbreviations expanded."""
    words = re.findall(r"[a-z0-9]+", fold(strip_levels(text)))
    out: list[str] = []
    for w in words:
        out.extend(ABBREVIATIONS.get(w, w).split())
    if drop_stopwords:
        out = [w for w in out if w not in STOPWORDS]
    return out


def normalize(text: str) -> str:
    """The comparison form of an answer: tokens joined by single spaces."""
    return " ".join(tokens(text))


def same_answer(a: str, b: str) -> bool:
    """True when two answers are equal after normalisation."""
    return normalize(a) == normalize(b)


_SUFFIXES = (
    "isation", "ization", "ations", "ation", "ising", "izing", "ises", "izes", "ised", "ized",
    "ise", "ize", "ions", "ion", "ities", "ity", "ing", "ies", "es", "ed", "is", "ic", "al", "s",
)  # fmt: skip


def stem(word: str) -> str:
    """A light stem, so 'stabilises the pelvis' meets 'pelvic stabilisation'."""
    for _ in range(2):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word
