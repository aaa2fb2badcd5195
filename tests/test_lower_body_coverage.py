"""Issue 13: every muscle of Travell & Simons' Volume 2 (plus the low back) has an entry, and
every body region is the primary zone of some entry or is documented as spillover-only."""

from __future__ import annotations

import pytest

from studytool.regions import PARENT, REGIONS, SPILLOVER_ONLY
from studytool.source import load_kb_or_raise
from studytool.textnorm import normalize
from tests.conftest import CARDS

MUSCLES = """
iliocostalis lumborum; iliocostalis thoracis; longissimus thoracis; multifidus; rotatores;
rectus abdominis; external oblique; internal oblique; transversus abdominis;
serratus posterior inferior; levator ani; coccygeus; obturator internus; superior gemellus;
inferior gemellus; quadratus femoris; obturator externus; quadratus lumborum; iliopsoas;
gluteus maximus; gluteus medius; gluteus minimus; piriformis; tensor fasciae latae;
sartorius; pectineus; rectus femoris; vastus lateralis; vastus medialis; vastus intermedius;
adductor longus; adductor brevis; adductor magnus; gracilis; biceps femoris; semitendinosus;
semimembranosus; popliteus; gastrocnemius; soleus; plantaris; tibialis anterior;
fibularis longus; fibularis brevis; fibularis tertius; tibialis posterior;
extensor digitorum longus; extensor hallucis longus; flexor digitorum longus;
flexor hallucis longus; extensor digitorum brevis; extensor hallucis brevis;
abductor hallucis; flexor digitorum brevis; abductor digiti minimi; quadratus plantae;
flexor hallucis brevis; adductor hallucis; dorsal interossei; plantar interossei
"""
NAMES = [m.strip() for m in MUSCLES.replace("\n", " ").split(";") if m.strip()]
KB = load_kb_or_raise(CARDS)


def _covered(muscle: str) -> list[str]:
    """Entries whose name or an alias names the muscle (a group's aliases name its members)."""
    want = normalize(muscle)
    return [
        e.id
        for e in KB.entries
        if any(want == normalize(n) or want in normalize(n).split(" and ") for n in (e.name, *e.aliases))
    ]


@pytest.mark.parametrize("muscle", NAMES)
def test_every_muscle_has_an_entry(muscle: str) -> None:
    assert _covered(muscle), f"no entry names the {muscle} (by name or alias)"


def test_every_region_is_someones_primary_zone_or_documented_spillover_only() -> None:
    primary = {z for e in KB.entries for r in e.referral for z in r.primary}
    primary |= {PARENT[z] for z in primary if z in PARENT}  # a part's zone counts for its whole
    spill = {z for e in KB.entries for r in e.referral for z in r.spillover}
    assert set(REGIONS) >= SPILLOVER_ONLY
    assert not SPILLOVER_ONLY & primary, "a region documented as spillover-only is some entry's primary zone"
    assert spill >= SPILLOVER_ONLY, "a spillover-only region that no entry uses at all"
    assert set(REGIONS) - SPILLOVER_ONLY <= primary, sorted(set(REGIONS) - SPILLOVER_ONLY - primary)
