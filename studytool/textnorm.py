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
