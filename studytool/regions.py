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
}


def region_name(region_id: str) -> str:
    """Display name of a region id (the id itself when unknown)."""
    return REGIONS.get(region_id, region_id)
