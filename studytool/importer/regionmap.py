"""Referral phrases ('outer hip', 'side of the thigh') -> region ids of `studytool.regions`."""

from __future__ import annotations

import re

from studytool.regions import REGIONS
from studytool.textnorm import fold

_DROP = frozenset(
    {"the", "a", "an", "of", "pain", "in", "area", "region", "whole", "deep", "sometimes", "occasionally"}
)

# Extra spellings seen on reference pages (display names and ids are added below).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "lateral-hip": ("outer hip", "side of the hip", "hip", "greater trochanter", "trochanter", "lateral hip"),
    "upper-buttock": ("buttock", "buttocks", "glutes", "gluteal", "upper gluteal", "gluteal area"),
    "lower-buttock": ("lower buttock", "gluteal fold", "bottom of the buttock"),
    "lateral-thigh": ("side of the thigh", "outer thigh", "lateral thigh", "side of the leg", "it band"),
    "posterior-thigh": ("back of the thigh", "posterior thigh", "hamstrings", "hamstring"),
    "anterior-thigh": ("front of the thigh", "anterior thigh", "quadriceps"),
    "medial-thigh": ("inner thigh", "medial thigh"),
    "lumbar": ("lower back", "low back", "lumbar", "lumbar spine", "lumbar area", "lumbosacral"),
    "sacrum": ("sacrum", "sacral", "sacral area"),
    "si-joint": ("si joint", "sacroiliac joint", "sacroiliac", "sij", "si"),
    "coccyx": ("coccyx", "tailbone"),
    "iliac-crest": ("iliac crest", "top of the pelvis", "pelvic rim"),
    "thoracolumbar": ("thoracolumbar junction", "thoracolumbar", "mid back"),
    "groin": ("groin", "inguinal"),
    "lower-abdomen": ("lower abdomen", "lower belly", "abdomen"),
    "lateral-knee": ("outer knee", "lateral knee", "side of the knee"),
    "anterior-knee": ("front of the knee", "kneecap", "patella", "anterior knee"),
    "medial-knee": ("inner knee", "medial knee", "inside of the knee"),
    "posterior-knee": ("back of the knee", "posterior knee", "popliteal fossa"),
    "anterior-calf": ("front of the lower leg", "shin", "anterior lower leg"),
    "lateral-calf": ("outer lower leg", "side of the lower leg", "lateral calf", "lateral lower leg"),
    "posterior-calf": ("calf", "back of the lower leg", "posterior calf"),
    "ankle": ("ankle", "outer ankle", "inner ankle"),
    "foot": ("foot", "heel", "sole", "sole of the foot", "top of the foot"),
}


def phrase_key(text: str) -> str:
    """Comparison form of a phrase: lowercase words, no filler words, singular nouns."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    out = []
    for w in words:
        if w in _DROP:
            continue
        if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us")):
            w = w[:-1]
        out.append(w)
    return " ".join(out)


def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for region_id, name in REGIONS.items():
        table.setdefault(phrase_key(re.sub(r"\(.*?\)", "", name)), region_id)
        table.setdefault(phrase_key(region_id.replace("-", " ")), region_id)
    for region_id, spellings in SYNONYMS.items():
        for s in spellings:
            table[phrase_key(s)] = region_id
    table.pop("", None)
    return table


PHRASES = _table()
_SPLIT = re.compile(
    r"\s*(?:,|;|/|&|\+|\b(?:and|or|into|down to|down|towards?|extending to|as far as|to)\b)\s*",
    re.IGNORECASE,
)


def map_regions(text: str) -> tuple[list[str], list[str]]:
    """Region ids named by a referral text, and the phrases that matched no region."""
    found: list[str] = []
    unmapped: list[str] = []
    previous: list[str] = []
    for phrase in _SPLIT.split(text):
        key = phrase_key(phrase)
        if not key:
            continue
        region = PHRASES.get(key)
        if region is None and len(key.split()) == 1 and len(previous) > 1:
            # 'outer hip and thigh': the modifier carries over ('outer thigh').
            region = PHRASES.get(" ".join([*previous[:-1], key]))
        if region is None:
            unmapped.append(" ".join(phrase.split()))
        elif region not in found:
            found.append(region)
        previous = key.split()
    return found, unmapped
