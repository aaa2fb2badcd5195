"""The body-region vocabulary used by referral patterns (stable ids, display names)."""

from __future__ import annotations

from functools import lru_cache

# id -> display name. Ids are stable: they appear in source files and body maps.
REGIONS: dict[str, str] = {
    "thoracolumbar": "thoracolumbar junction",
    "lumbar": "lower back (lumbar)",
    "sacrum": "sacrum",
    "si-joint": "sacroiliac joint",
    "coccyx": "coccyx",
    "iliac-crest": "iliac crest",
    "upper-buttock": "upper buttock",
    "lower-buttock": "lower buttock",
    "lateral-hip": "lateral hip (over the greater trochanter)",
    "groin": "groin",
    "lower-abdomen": "lower abdomen",
    "anterior-thigh": "front of the thigh",
    "medial-thigh": "inner thigh",
    "lateral-thigh": "side of the thigh",
    "posterior-thigh": "back of the thigh",
    "anterior-knee": "front of the knee",
    "lateral-knee": "outer knee",
    "posterior-knee": "back of the knee",
    "anterior-calf": "front of the lower leg",
    "lateral-calf": "outer lower leg",
    "posterior-calf": "calf",
    "ankle": "ankle",
    "foot": "foot",
    "medial-knee": "inner knee",
    # Trunk and pelvis (added with the whole lower body).
    "mid-back": "mid-back (thoracic spine)",
    "lower-ribs": "lower ribs (back)",
    "chest": "front of the lower chest",
    "upper-abdomen": "upper abdomen",
    "perineum": "perineum and genitals",
    "anorectal": "anus and rectum",
    # Lower leg, ankle and foot, at the grain of Travell & Simons' drawings.
    "upper-calf": "upper calf",
    "lower-calf": "lower calf",
    "anterior-ankle": "front of the ankle",
    "posterior-ankle": "back of the ankle (Achilles tendon)",
    "lateral-ankle": "outer ankle (lateral malleolus)",
    "medial-ankle": "inner ankle (medial malleolus)",
    "heel": "heel",
    "sole": "sole of the foot (arch)",
    "ball-of-foot": "ball of the foot (metatarsal heads)",
    "dorsum-foot": "top of the foot",
    "medial-foot": "inner border of the foot (instep)",
    "lateral-foot": "outer border of the foot",
    "great-toe": "big toe",
    "toes": "lesser toes",
}

# A fine zone -> the coarse zone it is part of. A pattern coded with the coarse zone covers all
# its parts, and a part never serves as a wrong option against its whole (or the reverse).
PARENT: dict[str, str] = {
    "upper-calf": "posterior-calf",
    "lower-calf": "posterior-calf",
    **{part: "ankle" for part in ("anterior-ankle", "posterior-ankle", "lateral-ankle", "medial-ankle")},
    **{
        part: "foot"
        for part in (
            "heel",
            "sole",
            "ball-of-foot",
            "dorsum-foot",
            "medial-foot",
            "lateral-foot",
            "great-toe",
            "toes",
        )
    },
}


# Regions no entry refers pain to as its essential zone: the references give them only as
# spillover (tests/test_lower_body_coverage.py keeps this list true).
SPILLOVER_ONLY: frozenset[str] = frozenset(
    {
        "anterior-calf",  # the shin: tibialis anterior, long toe extensors, adductors, interossei
        "lower-calf",  # soleus
        "chest",  # rectus abdominis, abdominal obliques, thoracolumbar paraspinals
        "medial-ankle",  # gastrocnemius, long toe flexors
        "sole",  # the arch: tibialis posterior
    }
)


def related(a: str, b: str) -> bool:
    """True when one region is the other, or one is part of the other."""
    return a == b or PARENT.get(a) == b or PARENT.get(b) == a


def region_name(region_id: str) -> str:
    """Display name of a region id (the id itself when unknown)."""
    return REGIONS.get(region_id, region_id)


# --- Adjacency: which zones touch (distractors must be clearly outside a pattern) ----------

REMOTE = 3  # zone_distances value for regions three or more steps from the pattern

# Regions that touch, each pair written once. Parts of a coarse region (``regions.PARENT``) carry
# its edges: ``adjacent`` compares the parts too.
_EDGES: dict[str, str] = {
    "mid-back": "lower-ribs thoracolumbar",
    "lower-ribs": "thoracolumbar lumbar chest upper-abdomen",
    "chest": "upper-abdomen",
    "upper-abdomen": "lower-abdomen",
    "thoracolumbar": "lumbar",
    "lumbar": "sacrum si-joint iliac-crest",
    "sacrum": "si-joint coccyx upper-buttock lower-buttock",
    "si-joint": "iliac-crest upper-buttock",
    "coccyx": "anorectal lower-buttock",
    "iliac-crest": "upper-buttock lateral-hip lower-abdomen",
    "lower-abdomen": "groin perineum",
    "perineum": "anorectal groin medial-thigh",
    "anorectal": "lower-buttock",
    "groin": "anterior-thigh medial-thigh",
    "upper-buttock": "lower-buttock lateral-hip",
    "lower-buttock": "posterior-thigh lateral-hip",
    "lateral-hip": "lateral-thigh anterior-thigh",
    "anterior-thigh": "medial-thigh lateral-thigh anterior-knee",
    "medial-thigh": "posterior-thigh medial-knee",
    "lateral-thigh": "posterior-thigh lateral-knee",
    "posterior-thigh": "posterior-knee",
    "anterior-knee": "medial-knee lateral-knee anterior-calf",
    "lateral-knee": "posterior-knee lateral-calf",
    "medial-knee": "posterior-knee anterior-calf posterior-calf",
    "posterior-knee": "posterior-calf upper-calf",
    "anterior-calf": "lateral-calf posterior-calf anterior-ankle",
    "lateral-calf": "posterior-calf upper-calf lower-calf lateral-ankle",
    "upper-calf": "lower-calf",
    "lower-calf": "posterior-ankle medial-ankle lateral-ankle",
    "anterior-ankle": "medial-ankle lateral-ankle dorsum-foot",
    "posterior-ankle": "medial-ankle lateral-ankle heel",
    "lateral-ankle": "lateral-foot heel",
    "medial-ankle": "medial-foot heel",
    "heel": "sole medial-foot lateral-foot",
    "sole": "ball-of-foot medial-foot lateral-foot",
    "ball-of-foot": "toes great-toe",
    "dorsum-foot": "toes great-toe medial-foot lateral-foot",
    "medial-foot": "great-toe",
    "lateral-foot": "toes",
    "great-toe": "toes",
}


def _symmetric(edges: dict[str, str]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for a, bs in edges.items():
        for b in bs.split():
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in out.items()}


ADJACENT: dict[str, frozenset[str]] = _symmetric(_EDGES)
_PARTS: dict[str, frozenset[str]] = {
    whole: frozenset(p for p, w in PARENT.items() if w == whole) for whole in set(PARENT.values())
}


def _with_parts(region: str) -> frozenset[str]:
    return _PARTS.get(region, frozenset()) | {region}


def adjacent(a: str, b: str) -> bool:
    """Two regions touch (neither is the other or part of it); a coarse region touches what its
    parts touch."""
    if related(a, b):
        return False
    nb = _with_parts(b)
    return any(not nb.isdisjoint(ADJACENT.get(x, ())) for x in _with_parts(a))


@lru_cache(maxsize=256)
def _touching(region: str) -> frozenset[str]:
    """Every region adjacent to one region."""
    return frozenset(z for z in REGIONS if adjacent(z, region))


@lru_cache(maxsize=1024)
def zone_distances(coded: frozenset[str]) -> dict[str, int]:
    """Every region's distance from a pattern: 0 coded or related to a coded zone, 1 adjacent,
    2 adjacent to an adjacent one, ``REMOTE`` for the rest (and for all when nothing is coded)."""
    out = dict.fromkeys(REGIONS, REMOTE)
    reached = {z for z in REGIONS if any(related(z, c) for c in coded)}
    out.update(dict.fromkeys(reached, 0))
    ring: set[str] = set(coded)  # grow from the zones themselves, not from their wholes
    for d in range(1, REMOTE):
        ring = {z for r in ring for z in _touching(r)} - reached
        out.update(dict.fromkeys(ring, d))
        reached |= ring
    return out
