"""The seed document's atomic facts (gluteus medius), as keyword groups, and a coverage check.

Each `SeedFact` names the facet it belongs to and a few keyword groups. A fact is
covered when one *unit* of one derived fact of that facet (an item, a line of the
extra text, or question + answer) matches every group. A group matches when any of
its alternatives appears as whole words after normalisation: case, accents, dashes,
punctuation and abbreviations such as "n." or "SI" are ignored, and a trailing `*`
makes the last word a prefix ("abduct*" matches "abduction"). Wording may differ;
substance may not.

`assert_covers_seed(facts)` takes `Fact` objects or `facts --json` dicts, so the
import tests (issue 6) can run it on an imported entry too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from studytool.textnorm import ABBREVIATIONS, fold

Group = tuple[str, ...]


@dataclass(frozen=True)
class SeedFact:
    """One atomic fact of the seed: where it belongs and the keywords that carry it."""

    facet: str
    label: str
    groups: tuple[Group, ...]


# Facets the question layer asks as one card: symptoms are asked with the indications, whose
# presentations they near-duplicate (issue 11), so a seed symptom is covered by that card.
MERGED = {"symptoms": "indications"}


def _f(facet: str, label: str, *groups: Group | str) -> SeedFact:
    return SeedFact(facet, label, tuple((g,) if isinstance(g, str) else g for g in groups))


LOWER_BACK = ("lower back", "low back", "lumbar")
OUTER_HIP = ("outer hip", "lateral hip", "side of the hip")
THIGH_SIDE = ("side of the thigh", "lateral thigh", "outer thigh")
SI = ("si joint", "sacroiliac")
IT_BAND = ("it band", "iliotibial")

SEED_FACTS: tuple[SeedFact, ...] = (
    # Name and area
    _f("area", "lies on the outer pelvis / ilium", ("pelvis", "pelvic", "ilium")),
    _f("area", "runs to the greater trochanter", "greater trochanter"),
    # Anatomy and innervation
    _f("origin", "origin: outer surface of the ilium", "ilium", ("outer", "gluteal surface", "external")),
    _f("insertion", "insertion: greater trochanter of the femur", "greater trochanter", ("femur", "femoral")),
    _f("innervation", "nerve: superior gluteal nerve", "superior gluteal", ("nerve", "n")),
    _f("innervation", "roots: L4 to S1", "l4", "s1"),
    # Muscle action
    _f("actions", "abducts the hip", "abduct*", ("hip", "thigh", "leg")),
    _f("actions", "abduction matters for walking and balance", "abduct*", ("walk*", "gait", "step*")),
    _f("actions", "stabilises the pelvis against a drop", "pelvi*", ("stabili*", "level", "drop*")),
    _f("actions", "assists internal rotation", "rotat*", ("internal*", "inward*", "medial*")),
    _f("actions", "assists external rotation", "rotat*", ("external*", "outward*", "lateral*")),
    _f("actions", "rotation keeps leg alignment", "rotat*", "align*"),
    _f("actions", "single-leg stability, gait, lower-back health", ("single leg", "one leg"), LOWER_BACK),
    # Indications
    _f("indications", "outer hip and buttock pain", OUTER_HIP, "buttock*", "bursitis", "sciatica"),
    _f("indications", "pain to lower back or side of thigh", LOWER_BACK, "thigh", "nerve", SI),
    _f("indications", "weak abduction", "weak*", "abduct*", ("walk*", "one leg", "single leg")),
    _f("indications", "pain lying on the affected side", ("lying", "lie", "sleep*"), "side"),
    _f("indications", "tightness restricting movement", "tight*", ("restrict*", "limit*")),
    _f("indications", "worse with walking, running, standing", "walk*", "run*", "stand*"),
    # Signs and symptoms
    _f("symptoms", "deep ache in the outer hip", "deep", ("ach*", "sore*"), OUTER_HIP),
    _f("symptoms", "pain to lower back, SI joint, side of thigh", LOWER_BACK, SI, "thigh"),
    _f("symptoms", "resembles sciatica or hip bursitis", "sciatica", "bursitis"),
    _f("symptoms", "weak abduction: balance, stairs", "weak*", "abduct*", "balanc*", "stair*"),
    _f("symptoms", "pain sleeping on the affected side", "sleep*", "side"),
    _f("symptoms", "tightness limiting mobility", "tight*", ("mobility", "movement", "limit*")),
    _f("symptoms", "worse with walking, running, standing", "walk*", "run*", "stand*"),
    _f("symptoms", "worse with high-impact activity", "high impact"),
    # Perpetuating factors
    _f("perpetuating", "prolonged sitting, sedentary", ("sitting", "sedentary"), "weak*", "imbalanc*"),
    _f("perpetuating", "overuse: running, sprinting, long walks", "overuse", "run*", "sprint*", "walk*"),
    _f(
        "perpetuating",
        "weak core or hip muscles",
        "weak*",
        "core",
        ("overwork*", "compensat*", "overcompensat*"),
    ),
    _f("perpetuating", "pelvic imbalance / leg length", "pelvi*", "leg length", ("uneven*", "asymmetr*")),
    _f("perpetuating", "side sleeping without hip support", "sleep*", "side", "support*"),
    # Referral pattern
    _f("referral", "outer hip and buttock", OUTER_HIP, "buttock*", "bursitis", SI),
    _f("referral", "side of the thigh", THIGH_SIDE, IT_BAND, "knee"),
    _f("referral", "lower back and sacrum", LOWER_BACK, ("sacrum", "sacral"), ("herniat*", "disc*")),
    # Differential diagnosis: the condition, and how to tell it apart
    _f("differentials", "hip bursitis", "bursitis", OUTER_HIP, "activity", ("lying", "lie", "sleep*")),
    _f("differentials", "sciatica", "sciatica", ("sharp", "shooting", "radiat*"), "back of the leg", "nerve"),
    _f(
        "differentials", "SI joint dysfunction", SI, LOWER_BACK, "buttock*", ("movement", "moving"), "sitting"
    ),
    _f("differentials", "IT band syndrome", IT_BAND, ("outer thigh", "lateral thigh"), "run*", "cycl*"),
    _f("differentials", "lumbar radiculopathy", "radiculopathy", "leg", "disc*", "compress*"),
    # Associated trigger points
    _f("associated", "gluteus minimus", "gluteus minimus", "deep", "sciatic*"),
    _f("associated", "quadratus lumborum", "quadratus lumborum", LOWER_BACK, "pelvi*", "postur*"),
    _f("associated", "piriformis", "piriformis", "deep", "buttock*", "sciatic*"),
    _f("associated", "tensor fasciae latae", ("tensor fasciae latae", "tfl"), "thigh", IT_BAND),
    # Patient examination
    _f(
        "examination",
        "palpation of outer hip and iliac crest",
        "palpat*",
        "nodule*",
        OUTER_HIP,
        "iliac crest",
    ),
    _f("examination", "abduction strength test", "abduct*", ("strength*", "resist*"), "weak*"),
    _f("examination", "gait analysis", ("gait", "walk*"), "pelvi*", "limp*"),
    _f("examination", "SI joint and lumbar spine tests", SI, "lumbar"),
    # Corrective actions
    _f("treatment", "dry needling", "dry needling", "tight*", "function"),
    _f("treatment", "trigger point release", "pressure", OUTER_HIP, "iliac crest"),
    _f("treatment", "massage", "massage", "circulation", "tension"),
    _f("treatment", "seated glute stretch", "ankle", "knee", "lean*"),
    _f("treatment", "hip flexor and IT band stretch", "hip flexor", IT_BAND),
    _f("treatment", "clamshells", ("clamshell*", "clam shell*")),
    _f("treatment", "lateral band walks", "band walk*", "balance"),
    _f("treatment", "side-lying hip abduction", "side lying", "abduct*"),
    _f("treatment", "break up sitting every 30-60 minutes", "sitting", "30", "60"),
    _f("treatment", "walking mechanics: use the glutes", "walk*", "glute*"),
    _f("treatment", "supportive mattress, pillow between knees", "mattress", "pillow", "knees"),
)


def norm(text: str) -> str:
    """Lowercase words, common abbreviations expanded ('sup. gluteal n.'), space-separated and -padded."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    return " " + " ".join(ABBREVIATIONS.get(w, w) for w in words) + " "


def _pattern(keyword: str) -> re.Pattern[str]:
    prefix = keyword.endswith("*")
    words = norm(keyword.rstrip("*")).strip()
    return re.compile(r" " + re.escape(words) + (r"" if prefix else r" "))


def matches(unit: str, groups: Iterable[Group]) -> bool:
    """True when the normalised unit contains one alternative of every group."""
    text = norm(unit)
    return all(any(_pattern(k).search(text) for k in group) for group in groups)


def _get(fact: Any, name: str) -> Any:
    return fact[name] if isinstance(fact, Mapping) else getattr(fact, name)


def units(fact: Any) -> list[str]:
    """The places one piece of knowledge can sit in a fact."""
    extra = _get(fact, "extra") or ""
    return [
        f"{_get(fact, 'question')} {_get(fact, 'answer')}",
        *_get(fact, "items"),
        *extra.splitlines(),
    ]


def missing_seed_facts(facts: Iterable[Any], seed: Iterable[SeedFact] = SEED_FACTS) -> list[SeedFact]:
    """The seed facts that no unit of any derived fact of the right facet carries."""
    by_facet: dict[str, list[str]] = {}
    for fact in facts:
        by_facet.setdefault(_get(fact, "facet"), []).extend(units(fact))
    return [
        s
        for s in seed
        if not any(matches(u, s.groups) for u in by_facet.get(MERGED.get(s.facet, s.facet), []))
    ]


def assert_covers_seed(facts: Iterable[Any]) -> None:
    """Fail, listing every missing one, unless the facts carry all of the seed's atomic facts."""
    missing = missing_seed_facts(list(facts))
    assert not missing, f"{len(missing)} seed fact(s) missing:\n" + "\n".join(
        f"  [{s.facet}] {s.label}: needs {' + '.join('/'.join(g) for g in s.groups)}" for s in missing
    )
