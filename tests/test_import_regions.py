"""Referral wording mapped by anatomy (vocabulary, modifiers, pronouns, cues), and the rules for
sections written by another hand (sentence case, closing sentences, aliases, spinal levels)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studytool.importer import parse_page
from studytool.importer.anatomy import split_innervation, structure_aliases
from studytool.importer.items import label_case
from studytool.importer.lines import join_wrapped, split_lines
from studytool.importer.regionmap import FAMILIES, MODIFIERS, NOUNS, Coding, cue_only, map_regions
from studytool.regions import REGIONS


def test_the_vocabulary_names_only_known_regions() -> None:
    assert set(NOUNS) <= FAMILIES.keys() | REGIONS.keys()
    assert {r for parts in FAMILIES.values() for r in parts.values()} <= REGIONS.keys()
    # a one-word noun that is also a direction would never be read as a noun
    assert not {w for spellings in NOUNS.values() for w in spellings if " " not in w} & MODIFIERS.keys()


_WORDS = st.sampled_from(
    [*(s for spellings in NOUNS.values() for s in spellings), *MODIFIERS, "its", "and", ",", "/",
     "mainly", "occasionally", "above", "the", "of", "moon", "(", ")", "on the same side"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_WORDS, st.text(max_size=8)), max_size=12).map(" ".join))
def test_map_regions_never_raises_and_codes_only_known_regions(text: str) -> None:
    coding = map_regions(text)
    assert set(coding.primary) | set(coding.spillover) <= REGIONS.keys()
    assert not set(coding.primary) & set(coding.spillover)
    assert all(phrase.strip() for phrase in coding.unmapped)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_attachment_aliases_never_raise(text: str) -> None:
    assert all(alias.strip() and alias == " ".join(alias.split()) for alias in structure_aliases(text))


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_every_region_is_named_by_its_display_name(region: str) -> None:
    name = re.sub(r"\(.*?\)", "", REGIONS[region])
    assert map_regions(name) == Coding([region], [], [])


@pytest.mark.parametrize(
    ("phrase", "region"),
    [
        # lay and anatomical names of one zone
        ("calf", "posterior-calf"),
        ("the sural region", "posterior-calf"),
        ("heel", "heel"),
        ("calcaneal area", "heel"),
        ("shin", "anterior-calf"),
        ("anterior tibial area", "anterior-calf"),
        ("behind the knee", "posterior-knee"),
        ("popliteal fossa", "posterior-knee"),
        ("sacroiliac region", "si-joint"),
        ("SI joint", "si-joint"),
        ("Achilles tendon", "posterior-ankle"),
        ("instep", "medial-foot"),
        ("arch", "sole"),
        ("sole", "sole"),
        ("plantar surface of the foot", "sole"),
        ("underside of the foot", "sole"),
        ("bottom of the foot", "sole"),
        ("ball of the foot", "ball-of-foot"),
        ("metatarsal heads", "ball-of-foot"),
        ("big toe", "great-toe"),
        ("hallux", "great-toe"),
        ("lesser toes", "toes"),
        ("lateral malleolus", "lateral-ankle"),
        ("medial malleolus", "medial-ankle"),
        ("dorsum of the foot", "dorsum-foot"),
        ("top of the foot", "dorsum-foot"),
        ("outer border of the foot", "lateral-foot"),
        ("kneecap", "anterior-knee"),
        ("tailbone", "coccyx"),
        # a coarse zone alone stays coarse; modifiers narrow it to a part where there is one
        ("ankle", "ankle"),
        ("foot", "foot"),
        ("upper calf", "upper-calf"),
        ("the top of the calf", "upper-calf"),
        ("lower calf", "lower-calf"),
        ("back of the ankle", "posterior-ankle"),
        ("front of the ankle", "anterior-ankle"),
        ("inner ankle", "medial-ankle"),
        ("outside of the ankle", "lateral-ankle"),
        ("inner side of the knee", "medial-knee"),
        ("front of the lower leg", "anterior-calf"),
        ("the lower back of the thigh", "posterior-thigh"),
        # ... and are harmless where there is none
        ("deep in the calf", "posterior-calf"),
        ("inner calf", "posterior-calf"),
        ("the back of the heel", "heel"),
        ("the sacroiliac joint on the same side", "si-joint"),
        ("the calf on both sides", "posterior-calf"),
    ],
)
def test_vocabulary_and_modifiers(phrase: str, region: str) -> None:
    assert map_regions(phrase) == Coding([region], [], [])


@pytest.mark.parametrize(
    ("phrase", "primary"),
    [
        ("the heel and its underside", ["heel"]),
        ("the foot and its sole", ["foot", "sole"]),
        ("the ankle and its back", ["ankle", "posterior-ankle"]),
        ("sole of the foot and its inner border", ["sole", "medial-foot"]),
        ("the lateral malleolus, above, behind and below it", ["lateral-ankle"]),
        ("outer hip and thigh", ["lateral-hip", "lateral-thigh"]),
        ("inner and outer ankle", ["medial-ankle", "lateral-ankle"]),
        ("dorsal/medial big toe", ["great-toe"]),
        ("front and back of the knee", ["anterior-knee", "posterior-knee"]),
    ],
)
def test_pronouns_carried_and_shared_modifiers(phrase: str, primary: list[str]) -> None:
    assert map_regions(phrase) == Coding(primary, [], [])


@pytest.mark.parametrize(
    ("text", "primary", "spillover"),
    [
        ("mainly the heel, occasionally the calf", ["heel"], ["posterior-calf"]),
        ("heel pain that may spread to the instep", ["heel"], ["medial-foot"]),
        ("sometimes the lower calf", [], ["lower-calf"]),
        ("rarely the big toe", [], ["great-toe"]),
        ("spillover into the arch", [], ["sole"]),
        ("chiefly the shin, and can extend to the front of the ankle", ["anterior-calf"], ["anterior-ankle"]),
        ("the big toe, occasionally", [], ["great-toe"]),
        ("essential zone: the heel", ["heel"], []),
    ],
)
def test_primary_and_spillover_from_the_wording(text: str, primary: list[str], spillover: list[str]) -> None:
    assert map_regions(text) == Coding(primary, spillover, [])


@pytest.mark.parametrize(
    ("text", "unmapped"),
    [
        ("the knee", ["the knee"]),  # which side of it?
        ("down the back of the leg", ["the back of the leg"]),
        ("just above the heel", ["just above the heel"]),
        ("the heel and the elbow", ["the elbow"]),
    ],
)
def test_what_it_cannot_map_it_returns(text: str, unmapped: list[str]) -> None:
    assert map_regions(text).unmapped == unmapped


def test_cue_only() -> None:
    assert cue_only("Spillover zone") == cue_only("occasionally") == "spillover"
    assert cue_only("Essential zone") == cue_only("Primary") == "primary"
    assert cue_only("Heel") == cue_only("mainly the heel") == ""


def test_a_referral_item_it_cannot_code_is_marked_and_reported() -> None:
    page = (
        "Soleus\nIntroduction\nA calf muscle.\nTrigger Point Referral Pattern\n"
        "The heel and the moon\nThe knee\nThe calf (spillover)\nSpillover zone: the instep\n"
    )
    data, diags = parse_page(page, "p.txt")
    assert data is not None
    assert data["referral"] == [
        {"text": "Heel and the moon", "primary": ["heel"], "coded": False},
        {"text": "Knee", "coded": False},
        {"text": "Calf", "spillover": ["posterior-calf"]},
        {"text": "Instep", "spillover": ["medial-foot"]},
    ]
    assert [str(d) for d in diags] == [
        "p.txt:5:1: warning: referral phrase 'the moon' names no known body region; text kept [W603]",
        "p.txt:6:1: warning: referral phrase 'Knee' names no known body region; text kept [W603]",
        "p.txt:6:1: warning: referral item 2 names no region: add primary/spillover region ids [W605]",
    ]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Side-Lying Hip Abductions", "Side-lying hip abductions"),
        ("Abducts the Hip", "Abducts the hip"),
        ("SI Joint and Lumbar Spine Testing", "SI joint and lumbar spine testing"),
        ("TFL Release", "TFL release"),
        ("Check the Achilles Tendon", "Check the Achilles tendon"),
        ("Travell Flat Palpation", "Travell flat palpation"),
        ("Morton's Neuroma", "Morton's neuroma"),
        ("Palpation", "Palpation"),
        ("Hip abduction with Trendelenburg sign", "Hip abduction with Trendelenburg sign"),
    ],
)
def test_title_case_labels_become_sentence_case(label: str, expected: str) -> None:
    assert label_case(label) == expected


def test_closing_sentence_is_not_an_item_and_wrapped_items_are_one() -> None:
    page = (
        "# Soleus\n## Introduction\nA calf muscle.\n## Perpetuating Factors\n"
        "- High heels worn every day at work,\n  and on most evenings\n- Uphill hiking\n"
        "Correcting footwear and training load usually settles the problem.\n"
    )
    data, _ = parse_page(page, "p.md")
    assert data is not None
    assert data["perpetuating"] == [
        {"text": "High heels worn every day at work, and on most evenings"},
        {"text": "Uphill hiking"},
    ]
    assert data["notes"] == [
        "Perpetuating Factors: Correcting footwear and training load usually settles the problem."
    ]


def test_an_unindented_line_never_continues_an_item() -> None:
    lines = join_wrapped(split_lines("- one\n  two\nthree\n- four\n\n  five\n"))
    assert [ln.text for ln in lines] == ["one two", "three", "four", "five"]


@pytest.mark.parametrize(
    ("text", "aliases"),
    [
        ("Calcaneus via the Achilles tendon", ["calcaneus", "Achilles tendon"]),
        ("Greater trochanter of the femur", ["femur", "greater trochanter"]),
        ("Anterior surface of the sacrum", ["sacrum"]),
        (
            "Medial cuneiform and base of the first metatarsal",
            ["medial cuneiform", "base of the first metatarsal", "first metatarsal"],
        ),
        ("Head and upper third of the fibula", ["head of the fibula", "fibula"]),
        ("Medial and lateral condyles of the femur", ["femur", "medial and lateral condyles"]),
        ("Posterior fibula and tibia (soleal line)", ["posterior fibula", "tibia", "soleal line"]),
    ],
)
def test_attachment_aliases(text: str, aliases: list[str]) -> None:
    found = structure_aliases(text)
    assert set(aliases) <= set(found), found


@pytest.mark.parametrize(
    ("cell", "levels"),
    [
        ("Tibial nerve (S1, S2)", "S1–S2"),
        ("Tibial nerve S1-2", "S1–S2"),
        ("Tibial nerve, L4 to S1", "L4–S1"),
        ("Tibial nerve (L4-S1)", "L4–S1"),
        ("Tibial nerve (L4, L5, S1)", "L4–S1"),
        ("Tibial nerve, roots S2 and S3", "S2–S3"),
        ("Tibial nerve (L2, L4)", "L2, L4"),
    ],
)
def test_spinal_levels_in_range_form(cell: str, levels: str) -> None:
    assert split_innervation(cell) == ("Tibial nerve", levels)
