"""Distractor safety on a small fixture knowledge base (shared with the quiz's choice mode), the
region tables (adjacency, bones, body parts), dispute detection and the pool file format."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from studytool import distractors as d
from studytool import regions
from studytool.errors import UserError
from studytool.model import Entry, Fact, Innervation, KnowledgeBase, Referral, Structure
from studytool.questions.facts import derive_facts
from studytool.regions import PARENT, REGIONS, related
from studytool.source import load_kb, load_kb_or_raise
from studytool.source.discover import load_pool

KB_DIR = Path(__file__).parent / "golden" / "exam" / "kb"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb_or_raise(KB_DIR)


def fact(kb: KnowledgeBase, fid: str) -> Fact:
    return next(f for f in derive_facts(kb) if f.id == fid)


def with_entry(kb: KnowledgeBase, entry: Entry) -> KnowledgeBase:
    """The knowledge base with one entry replaced (a new object, so the index is rebuilt)."""
    return dataclasses.replace(kb, entries=tuple(entry if e.id == entry.id else e for e in kb.entries))


# --- choice material on the fixture -----------------------------------------------------------


def test_shared_nerve_is_never_a_distractor(kb: KnowledgeBase) -> None:
    f = fact(kb, "gluteus-minimus__innervation")
    for seed in range(50):
        options, correct = d.choice_options(f, kb, random.Random(seed))
        assert options[correct] == "Superior gluteal nerve"
        assert [o for o in options if d.nerve_key(o) == "superior gluteal"] == ["Superior gluteal nerve"]
        assert len(options) == 4 and len(set(options)) == 4


def test_nerve_options_come_from_the_same_body_part(kb: KnowledgeBase) -> None:
    m = d.material(fact(kb, "gluteus-medius__innervation"), kb)
    assert "Superior gluteal n." not in m.candidates  # an alias spelling of the answer
    # The quadratus lumborum's ventral rami and the pool's trunk nerves belong to the trunk.
    assert "Ventral rami of T12–L4" not in m.candidates and "Subcostal nerve" not in m.candidates
    assert {"Nerve to piriformis", "Inferior gluteal nerve", "Femoral nerve"} <= set(m.candidates)
    trunk = d.material(fact(kb, "quadratus-lumborum__innervation"), kb)
    assert set(trunk.candidates) == {
        "Lateral branches of the dorsal rami",
        "Subcostal nerve",
        "Iliohypogastric nerve",
    }


def test_which_muscle_never_offers_another_fitting_muscle(kb: KnowledgeBase) -> None:
    f = fact(kb, "nerve-superior-gluteal__muscles")
    assert d.supports_multi(f) and not d.supports_choice(f)
    for seed in range(30):
        options, correct = d.multi_options(f, kb, random.Random(seed))
        fitting = {"Gluteus medius", "Gluteus minimus", "Tensor fasciae latae"}
        assert {options[i] for i in correct} <= fitting
        assert all(o not in fitting for i, o in enumerate(options) if i not in correct)


def test_a_muscle_whose_note_names_the_nerve_is_not_a_wrong_option(kb: KnowledgeBase) -> None:
    piri = kb.by_id()["piriformis"]
    assert piri.innervation is not None
    note = "Some fibres are said to get a twig from the superior gluteal nerve."
    changed = with_entry(
        kb, dataclasses.replace(piri, innervation=dataclasses.replace(piri.innervation, note=note))
    )
    before = d.material(fact(kb, "nerve-superior-gluteal__muscles"), kb)
    after = d.material(fact(changed, "nerve-superior-gluteal__muscles"), changed)
    assert "Piriformis" in before.candidates and "Piriformis" not in after.candidates


def test_partial_attachment_is_not_a_distractor(kb: KnowledgeBase) -> None:
    m = d.material(fact(kb, "tensor-fasciae-latae__insertion"), kb)
    assert "Gluteal tuberosity of the femur and the iliotibial tract" not in m.candidates


def test_attachment_options_lie_on_the_same_bones_with_balanced_lengths(kb: KnowledgeBase) -> None:
    for fid in ("gluteus-medius__origin", "gluteus-medius__insertion", "quadratus-lumborum__insertion"):
        f = fact(kb, fid)
        m = d.material(f, kb)
        key = m.correct[0]
        assert len(m.candidates) >= 3, (fid, m.candidates)
        for c in m.candidates:
            assert d.bone_regions(c) & d.bone_regions(key), (fid, c)
            assert max(len(c) / len(key), len(key) / len(c)) <= d.MAX_RATIO, (fid, c)
        # The rib/spine insertion of the quadratus lumborum never gets a femur option.
        assert not any(
            "trochanter" in c for c in d.material(fact(kb, "quadratus-lumborum__insertion"), kb).candidates
        )


def test_half_right_attachment_parts_are_dropped() -> None:
    parts = d.attachment_parts("Lateral border of the ischial tuberosity")
    assert d._overlaps(d.attachment_parts("Ischial tuberosity"), parts)
    assert not d._overlaps(d.attachment_parts("Pubic tubercle"), parts)
    # A part made only of qualifiers places nothing.
    assert d.attachment_parts("lateral, upper third") == ()


def test_conditions_are_pool_conditions_near_the_pattern_never_remote(kb: KnowledgeBase) -> None:
    f = fact(kb, "gluteus-medius__differentials")
    m = d.material(f, kb)
    assert m.candidates, m
    # Never another entry's differential, never an upper-limb or a foot condition.
    for gone in ("Coccydynia", "Carpal tunnel syndrome", "Lateral epicondylitis", "Plantar fasciitis"):
        assert gone not in m.candidates
    e = kb.by_id()["gluteus-medius"]
    coded = {z for r in e.referral for z in (*r.primary, *r.spillover)}
    zones = {t: k.split("/")[1] for k, ts in kb.pool.items() if k.startswith("condition/") for t in ts}
    for c in m.candidates:
        z = zones[c]
        assert not any(related(z, x) or regions.adjacent(z, x) for x in coded), (c, z)
    assert "Inguinal hernia" in m.candidates  # the groin is two steps from the lateral hip


def test_a_condition_the_entry_names_is_dropped(kb: KnowledgeBase) -> None:
    e = kb.by_id()["gluteus-medius"]
    changed = with_entry(
        kb, dataclasses.replace(e, notes=(*e.notes, "Often mistaken for an inguinal hernia."))
    )
    assert (
        "Inguinal hernia"
        not in d.material(fact(changed, "gluteus-medius__differentials"), changed).candidates
    )


def test_levels_subset_or_superset_is_excluded() -> None:
    assert d.level_set("L4–S1") == {"L4", "L5", "S1"}
    assert d.level_set("L4, L5 and S1") == d.level_set("L4-S1")
    assert d.level_set("ventral rami T12 to L3") == {"T12", "L1", "L2", "L3"}


def test_not_enough_distractors_is_a_user_error(kb: KnowledgeBase) -> None:
    # Without the curated pool, piriformis (S1–S2) keeps only two safe wrong levels.
    bare = dataclasses.replace(kb, pool={})
    f = fact(bare, "piriformis__innervation-levels")
    with pytest.raises(d.NotEnoughDistractors) as info:
        d.choice_options(f, bare, random.Random(0))
    assert isinstance(info.value, UserError)
    assert "needed" in str(info.value) and "levels" in str(info.value)


def test_every_distinct_level_range_is_a_candidate(kb: KnowledgeBase) -> None:
    """Levels are told apart by their segments (value_key drops level tokens)."""
    f = fact(kb, "gluteus-medius__innervation-levels")
    candidates = d.material(f, kb).candidates
    assert len(candidates) >= 3
    assert len({d.level_set(c) for c in candidates}) == len(candidates)
    assert all(not (d.level_set(c) <= d.level_set("L4–S1")) for c in candidates)


def test_same_rng_same_options(kb: KnowledgeBase) -> None:
    f = fact(kb, "piriformis__origin")
    a = d.choice_options(f, kb, random.Random("7:A"))
    b = d.choice_options(f, kb, random.Random("7:A"))
    assert a == b


def test_unsupported_fact_raises(kb: KnowledgeBase) -> None:
    with pytest.raises(UserError):
        d.choice_options(fact(kb, "gluteus-medius__referral"), kb, random.Random(0))


# --- referral material -------------------------------------------------------------------------


def test_referral_wrong_zones_are_clearly_outside_the_pattern(kb: KnowledgeBase) -> None:
    e = kb.by_id()["gluteus-medius"]
    m = d.material(fact(kb, "gluteus-medius__referral"), kb)
    names = {v: k for k, v in REGIONS.items()}
    coded = {z for r in e.referral for z in (*r.primary, *r.spillover)}
    ids = [names[c] for c in m.candidates]
    assert ids and not any(related(z, c) or regions.adjacent(z, c) for z in ids for c in coded)
    for near in ("lateral-thigh", "lower-buttock", "si-joint", "iliac-crest"):  # adjacent to a coded zone
        assert near not in ids
    # Regions two steps from a primary zone come first.
    main = regions.zone_distances(frozenset(z for r in e.referral for z in r.primary))
    assert [main[z] for z in ids] == sorted(main[z] for z in ids) and main[ids[0]] == 2
    assert all(main[z] == 2 for z in ids[: m.preferred]) and m.preferred < len(ids)


def test_referral_select_all_needs_a_fully_coded_pattern(kb: KnowledgeBase) -> None:
    e = kb.by_id()["gluteus-medius"]
    partly = dataclasses.replace(e, referral=(*e.referral, Referral("and somewhere else", coded=False)))
    changed = with_entry(kb, partly)
    assert not partly.referral_complete
    m = d.material(fact(changed, "gluteus-medius__referral"), changed)
    assert m.candidates == ()
    with pytest.raises(d.NotEnoughDistractors):
        d.multi_options(fact(changed, "gluteus-medius__referral"), changed, random.Random(0))


def test_reverse_options_never_share_most_zones_with_the_key(kb: KnowledgeBase) -> None:
    f = next(f for f in derive_facts(kb) if d.fact_key(f) == "referral-reverse")
    subject = kb.by_id()[f.entry]
    primary = tuple(sorted({z for r in subject.referral for z in r.primary}))
    other = next(e for e in kb.entries if e.id != subject.id and e.name in d.material(f, kb).candidates)
    # Give the other muscle all but one of the subject's primary zones: now it is too similar.
    similar = dataclasses.replace(other, referral=(Referral("similar", primary=primary[1:]),))
    changed = with_entry(kb, similar)
    assert other.name not in d.material(fact(changed, f.id), changed).candidates


# --- region tables -----------------------------------------------------------------------------


def test_adjacency_is_symmetric_over_known_regions_and_every_region_has_a_neighbour() -> None:
    assert set(regions.ADJACENT) <= set(REGIONS)
    for a, bs in regions.ADJACENT.items():
        for b in bs:
            assert b in REGIONS and a in regions.ADJACENT[b], (a, b)
    for z in REGIONS:
        assert any(regions.adjacent(z, other) for other in REGIONS), z


@pytest.mark.parametrize(
    ("a", "b", "touch"),
    [
        ("lateral-hip", "lateral-thigh", True),
        ("groin", "medial-thigh", True),
        ("ankle", "heel", True),  # a part of the ankle touches the heel
        ("foot", "lateral-ankle", True),
        ("heel", "toes", False),
        ("heel", "anterior-ankle", False),
        ("heel", "foot", False),  # part and whole are related, not adjacent
        ("lumbar", "anterior-knee", False),
    ],
)
def test_adjacent(a: str, b: str, touch: bool) -> None:
    assert regions.adjacent(a, b) is touch and regions.adjacent(b, a) is touch


def test_zone_distances() -> None:
    dist = regions.zone_distances(frozenset({"heel"}))
    assert dist["heel"] == dist["foot"] == 0
    assert dist["sole"] == dist["posterior-ankle"] == 1
    assert dist["ball-of-foot"] == 2
    assert dist["groin"] == regions.REMOTE
    assert all(v == regions.REMOTE for v in regions.zone_distances(frozenset()).values())
    assert set(PARENT) <= set(dist)


@pytest.mark.parametrize(
    ("text", "bones"),
    [
        ("Lesser trochanter of the femur", {"thigh"}),
        ("Tibial tuberosity through the patellar ligament", {"knee"}),
        ("Inferior border of the twelfth rib and the transverse processes of L1–L4", {"ribs", "spine"}),
        ("Medial process of the calcaneal tuberosity", {"foot"}),
        ("Posterior surfaces of the femoral condyles", {"knee"}),
        ("Anterior superior iliac spine", {"pelvis"}),
        ("Somewhere unnamed", set()),
    ],
)
def test_bone_regions(text: str, bones: set[str]) -> None:
    assert d.bone_regions(text) == bones


def test_body_parts_and_neighbouring_regions() -> None:
    assert d.body_part("Thigh") == d.body_part("Foot") == "lower-limb"
    assert d.body_part("Lower back") == d.body_part("Pelvis") == "trunk"
    assert d.body_part("Somewhere") == "somewhere"
    assert d.near_regions("leg", "foot") and d.near_regions("hip", "thigh")
    assert not d.near_regions("hip", "foot") and not d.near_regions("abdomen", "pelvis")


# --- disputes: a bad (disputed) and a good (undisputed) case per source of a note -----------------


def _entry(**kw: object) -> Entry:
    return Entry(id="m", name="M", path="m.yaml", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("entry", "disputed"),
    [
        (_entry(innervation=Innervation("Femoral nerve", "L2–L4")), set()),
        (
            _entry(
                innervation=Innervation("Femoral nerve", "L2–L4", note="Its branch enters the deep surface.")
            ),
            set(),
        ),
        (
            _entry(innervation=Innervation("Femoral nerve", "L2–L4", note="Some texts give L3–L4 only.")),
            {"innervation-levels"},
        ),
        (
            _entry(
                innervation=Innervation(
                    "Femoral nerve", "L2–L4", note="References disagree on the branch and levels."
                )
            ),
            {"innervation", "innervation-levels"},
        ),
        (
            _entry(innervation=Innervation("Femoral nerve", note="Which division supplies it varies.")),
            {"innervation", "innervation-levels"},
        ),
        (
            _entry(
                innervation=Innervation(
                    "Femoral nerve", "L2–L4", note="Gray's gives the obturator nerve (L3)."
                )
            ),
            {"innervation", "innervation-levels"},
        ),
        (_entry(origin=Structure("Ischial tuberosity", note="Also from the sacrotuberous ligament.")), set()),
        (_entry(origin=Structure("Ischial tuberosity", note="Gray's extends it to the ramus.")), {"origin"}),
        (_entry(insertion=Structure("Linea aspera", note="Texts differ on how far down.")), {"insertion"}),
        (_entry(notes=("The chapter number is given from memory.",)), set()),
        (_entry(notes=("Spinal levels differ between references: L2–L4 or L3–L4.",)), {"innervation-levels"}),
        (_entry(notes=("Attachment details differ between references.",)), {"origin", "insertion"}),
        (_entry(notes=("Which branch of the nerve supplies it is disputed.",)), {"innervation"}),
        (
            _entry(notes=("The origin is given as T11–L2; some texts extend it to L3.",)),
            {"origin", "innervation-levels"},
        ),
    ],
)
def test_disputed(entry: Entry, disputed: set[str]) -> None:
    assert d.disputed(entry) == disputed


def test_false_material_keeps_away_from_disputes_and_shares_no_segment(kb: KnowledgeBase) -> None:
    e = kb.by_id()["gluteus-medius"]
    levels = fact(kb, "gluteus-medius__innervation-levels")
    m = d.false_material(levels, kb)
    assert m is not None and m.candidates
    assert all(d.level_set(c).isdisjoint({"L4", "L5", "S1"}) for c in m.candidates)
    assert e.innervation is not None
    disputed = dataclasses.replace(
        e, innervation=dataclasses.replace(e.innervation, note="Some texts give L4–L5.")
    )
    changed = with_entry(kb, disputed)
    assert d.false_material(fact(changed, levels.id), changed) is None
    assert d.false_material(fact(changed, "gluteus-medius__innervation"), changed) is not None


# --- the pool file ------------------------------------------------------------------------------


def test_pool_regions_flatten_and_old_lists_still_load(tmp_path: Path) -> None:
    path = tmp_path / "_pool.yaml"
    path.write_text(
        "nerve:\n  foot: [Medial plantar nerve]\n  lower-limb: [Femoral nerve]\n"
        "condition:\n  groin: [Inguinal hernia]\n  remote: [Carpal tunnel syndrome]\n"
        "origin: [Ischial tuberosity]\n",
        encoding="utf-8",
    )
    pool, diags = load_pool(path)
    assert diags == []
    assert pool["nerve/foot"] == ("Medial plantar nerve",) and pool["condition/groin"] == ("Inguinal hernia",)
    assert pool["origin"] == ("Ischial tuberosity",)  # a plain list loads, but has no region
    assert d.pool_regions(pool, "nerve") == {
        "foot": ("Medial plantar nerve",),
        "lower-limb": ("Femoral nerve",),
    }


def test_unknown_pool_region_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    path = tmp_path / "_pool.yaml"
    path.write_text(
        "condition:\n  gorin: [Inguinal hernia]\norigin:\n  femur: [Lesser trochanter]\n", encoding="utf-8"
    )
    pool, diags = load_pool(path)
    assert [x.code for x in diags] == ["E018", "E018"]
    assert "did you mean 'groin'" in diags[0].message and ":2:" in str(diags[0])
    assert pool == {}


def test_unregioned_pool_values_are_never_offered(kb: KnowledgeBase) -> None:
    old = dataclasses.replace(kb, pool={"condition": ("Inguinal hernia",), "origin": ("Pubic tubercle",)})
    assert d.material(fact(old, "gluteus-medius__differentials"), old).candidates == ()
    assert "Pubic tubercle" not in d.material(fact(old, "piriformis__origin"), old).candidates


def test_the_real_pool_loads_clean() -> None:
    kb, diags = load_kb(Path(__file__).resolve().parent.parent / "cards_src")
    assert not [x for x in diags if "_pool" in str(x)]
    assert {k.split("/")[0] for k in kb.pool} == set(d.POOL_NAMES)
    assert all("/" in k for k in kb.pool)  # the curated file uses regions throughout


def test_a_trunk_and_its_branch_are_never_each_other_s_wrong_option(kb: KnowledgeBase) -> None:
    """'Tibial nerve' is arguably right for a muscle the lateral plantar nerve supplies."""
    assert d.nerves_related("tibial", "lateral plantar") and d.nerves_related("lateral plantar", "tibial")
    assert d.nerves_related("sciatic tibial division", "tibial")
    assert not d.nerves_related("superior gluteal", "inferior gluteal")  # siblings stay fair options
    assert not d.nerves_related("obturator", "to obturator internus")
    for e in kb.entries:
        if e.innervation and d.nerve_key(e.innervation.nerve) in ("lateral plantar", "medial plantar"):
            m = d.material(fact(kb, f"{e.id}__innervation"), kb)
            assert not {d.nerve_key(c) for c in m.candidates} & {"tibial", "sciatic"}, e.id
