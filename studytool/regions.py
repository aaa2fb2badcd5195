"""The body-region vocabulary used by referral patterns (stable ids, display names)."""

from __future__ import annotations

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
