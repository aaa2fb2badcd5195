"""Each input variant (plain, web copy, Markdown) imports to a clean entry with the same facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from studytool.importer import import_pages, parse_page
from studytool.importer.anatomy import split_cells, split_innervation
from studytool.importer.items import split_label, split_note
from studytool.importer.lines import split_lines
from studytool.importer.regionmap import Coding, map_regions
from studytool.importer.sections import heading_key
from tests.conftest import run_cli

DATA = Path(__file__).parent / "data" / "import"
PLAIN = DATA / "piriformis_plain.txt"
WEB = DATA / "piriformis_web.txt"
MARKDOWN = DATA / "vastus_lateralis.md"
NO_PIPES = DATA / "piriformis_nopipes.md"


def imported(path: Path, out: Path) -> tuple[dict[str, Any], list[str]]:
    """Import one page into `out`, prove `check` accepts it, return its data and warnings."""
    report = import_pages([path], out=out)
    assert not report.errors, report.errors
    (entry,) = report.entries
    assert entry.written and entry.target.is_file()
    code, _, stderr = run_cli("check", str(out))
    assert code == 0, stderr
    return yaml.safe_load(entry.target.read_text(encoding="utf-8")), [str(d) for d in report.warnings]


def page_warnings(warnings: list[str]) -> list[str]:
    """The warnings about the page itself, without what `check --strict` will ask for (W606)."""
    return [w for w in warnings if not w.endswith("[W606]")]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Introduction", "introduction"),
        ("INTRODUCTION:", "introduction"),
        ("Name & Area", "name_area"),
        ("Muscle action 💪", "actions"),
        ("Signs and Symptoms", "symptoms"),
        ("perpetuating factors:", "perpetuating"),
        ("Trigger-Point Referral Pattern", "referral"),
        ("3. Differential Diagnosis", "differentials"),
        ("Associated Trigger Points", "associated"),
        ("Anatomy + Innervation", "anatomy"),
        ("Patient Examination", "examination"),
        ("CORRECTIVE ACTIONS", "corrective"),
        ("Dry needling:", "dry_needling"),
        ("Manual Therapy", "manual_therapy"),
        ("Stretching", "stretches"),
        ("Strengthening exercises", "strengthening"),
        ("Postural and Movement Adjustments", "postural"),
        ("Conclusion.", "conclusion"),
        ("Sources:", "sources"),
        ("Gluteus medius trigger points may contribute to:", None),
        ("Dry needling can release trigger points.", None),
    ],
)
def test_headings_whatever_case_and_punctuation(text: str, key: str | None) -> None:
    assert heading_key(text) == key


def test_line_cleanup_bullets_markdown_decorations() -> None:
    text = (
        "  • Pain here  \r\n\r\n- **Palpation:** Feel it.\r\n* *Soft* item ➡️ Learn more\r\n"
        "➡️ Read more\r\n## Stretching ##\n"
    )
    lines = split_lines(text)
    assert [(ln.number, ln.col, ln.text) for ln in lines] == [
        (1, 5, "Pain here"),
        (3, 3, "Palpation: Feel it."),
        (4, 3, "Soft item"),
        (6, 4, "Stretching"),
    ]
    assert lines[-1].md_level == 2


def test_item_rules() -> None:
    assert split_label("Palpation: Feel for nodules.") == ("Palpation", "Feel for nodules.")
    assert split_label("Pain in the hip (worse: at night)") == ("", "Pain in the hip (worse: at night)")
    assert split_note("Pain in the hip (mistaken for bursitis).") == (
        "Pain in the hip",
        "mistaken for bursitis",
    )
    assert split_note("Avoid sitting (breaks every 30–60 minutes (at least)).") == (
        "Avoid sitting",
        "breaks every 30–60 minutes (at least)",
    )
    assert split_note("Pain (left) in the hip") == ("Pain (left) in the hip", "")


def test_anatomy_helpers() -> None:
    assert split_cells("| a | b |") == split_cells("a | b") == split_cells("a | b |") == ["a", "b"]
    assert split_innervation("Superior gluteal nerve (L4–S1)") == ("Superior gluteal nerve", "L4–S1")
    assert split_innervation("Femoral nerve, L2-L4") == ("Femoral nerve", "L2–L4")
    assert split_innervation("Nerve to piriformis (S1, S2)") == ("Nerve to piriformis", "S1–S2")
    assert split_innervation("Tibial nerve S1-2") == ("Tibial nerve", "S1–S2")
    assert split_innervation("Deep fibular nerve, L4 to S1") == ("Deep fibular nerve", "L4–S1")
    assert split_innervation("Obturator nerve") == ("Obturator nerve", "")


@pytest.mark.parametrize(
    ("phrase", "regions"),
    [
        ("The outer hip and buttocks", ["lateral-hip", "upper-buttock"]),
        ("The side of the thigh", ["lateral-thigh"]),
        ("The lower back and sacrum", ["lumbar", "sacrum"]),
        ("outer hip and thigh", ["lateral-hip", "lateral-thigh"]),
        ("back of the knee", ["posterior-knee"]),
    ],
)
def test_region_phrases(phrase: str, regions: list[str]) -> None:
    assert map_regions(phrase) == Coding(regions, [], [])


def test_plain_page(tmp_path: Path) -> None:
    (tmp_path / "gluteus-medius.yaml").write_text(
        "id: gluteus-medius\nname: Gluteus medius\naliases: [glute med]\n", encoding="utf-8"
    )
    data, warnings = imported(PLAIN, tmp_path)
    assert data["id"] == "piriformis" and data["name"] == "Piriformis"
    assert data["anatomy"] == {
        "origin": {"text": "Anterior surface of the sacrum", "aliases": ["sacrum"]},
        "insertion": {"text": "Upper border of the greater trochanter", "aliases": ["greater trochanter"]},
        "innervation": {"nerve": "Nerve to piriformis", "levels": "S1–S2"},
    }
    assert data["indications"][0] == {
        "text": "Deep buttock pain when sitting",
        "note": "often blamed on a disc problem",
    }
    assert data["actions"][1]["label"] == "Abduction in flexion"  # Title Case -> sentence case
    assert data["associated"] == [
        {"ref": "gluteus-medius", "note": "outer hip pain"},
        {"name": "Obturator internus", "note": "deep pelvic pain"},
    ]
    assert data["referral"][0]["primary"] == ["si-joint", "upper-buttock"]
    assert data["referral"][2] == {"text": "Moon and stars", "coded": False}  # unmapped text is kept...
    assert (
        f"{PLAIN}:29:1: warning: referral phrase 'Moon' names no known body region; text kept [W603]"
        in warnings
    )
    assert "Piriformis trigger points may be behind:" in " ".join(data["notes"])  # lead sentence kept
    assert any("often blamed on sciatica" in n for n in data["notes"])  # closing sentence kept
    assert all("Learn more" not in n for n in data["notes"])
    assert data["treatment"]["postural"] == [
        {
            "text": "Take the wallet out of the back pocket before sitting",
            "note": "uneven sitting tilts the pelvis",
        }
    ]


def test_web_copy_matches_plain(tmp_path: Path) -> None:
    raw = WEB.read_bytes()
    assert b"\r\n" in raw and b"\t" in raw and b"   \r\n" in raw  # the fixture really is messy
    web, warnings = imported(WEB, tmp_path / "web")
    plain, _ = imported(PLAIN, tmp_path / "plain")
    assert page_warnings(warnings) == []
    for key in ("id", "name", "area", "anatomy", "indications", "associated"):
        assert web[key] == plain[key], key
    assert web["actions"][0] == plain["actions"][0]
    assert web["symptoms"] == plain["symptoms"][:2]
    assert web["referral"] == plain["referral"][:2]
    assert web["treatment"]["stretches"][0]["text"] == (
        "Cross the ankle over the other knee and pull the thigh toward the chest"
    )
    assert "dry_needling" in web["treatment"]
    assert "Read more" not in WEB.with_suffix("").name + str(web)


def test_markdown_page(tmp_path: Path) -> None:
    data, warnings = imported(MARKDOWN, tmp_path)
    assert data["id"] == "vastus-lateralis" and data["name"] == "Vastus lateralis"
    assert data["summary"].startswith("The vastus lateralis is the largest") and "runners." in data["summary"]
    assert data["anatomy"]["innervation"] == {"nerve": "Femoral nerve", "levels": "L2–L4"}
    assert data["anatomy"]["origin"]["text"].startswith("Greater trochanter, intertrochanteric line")
    assert data["actions"][0] == {
        "label": "Knee extension",
        "text": "Straightens the knee, for example when standing up from a squat",
    }
    assert data["differentials"][1] == {
        "condition": "Lateral meniscus tear",
        "distinguish": "joint-line pain, locking and a positive McMurray test",
    }
    assert data["indications"][0] == {
        "text": "Pain along the outer thigh when walking",
        "note": "often called IT band pain",
    }
    assert [r.get("primary") for r in data["referral"]] == [["lateral-thigh"], ["lateral-knee"], None]
    assert data["treatment"]["strengthening"][0]["label"] == "Step-downs"
    assert (
        f"{MARKDOWN}:62:4: warning: section 'Clinical Pearls' is not part of the page format; "
        "its 1 line(s) were kept in 'notes' [W601]"
    ) in warnings
    assert (
        "Clinical Pearls: Check both legs: runners often have trigger points on both sides." in data["notes"]
    )
    assert (
        f"{MARKDOWN}:39:3: warning: referral phrase 'Elbow' names no known body region; text kept [W603]"
        in warnings
    )


def test_markdown_table_without_outer_pipes(tmp_path: Path) -> None:
    data, warnings = imported(NO_PIPES, tmp_path)
    assert page_warnings(warnings) == []
    assert data["area"] == "Deep buttock, under the gluteus maximus."
    assert data["anatomy"]["innervation"] == {"nerve": "Nerve to piriformis", "levels": "S1–S2"}
    assert data["actions"] == [{"label": "Lateral rotation", "text": "Turns the extended thigh outward"}]


def test_unrecognised_lines_are_kept_and_located() -> None:
    text = (
        "Piriformis\nstray remark\nIntroduction\nA deep hip rotator.\n"
        "Name and Area\nShape: pear\nSources\nA book\n"
    )
    data, diags = parse_page(text, "p.txt")
    assert data is not None
    assert data["notes"] == ["stray remark", "Name and Area: Shape: pear"]
    assert [str(d) for d in diags] == [
        "p.txt:2:1: warning: text before the first section heading; kept in 'notes' [W602]",
        "p.txt:6:1: warning: line not understood under 'Name and Area'; kept in 'notes' [W602]",
    ]


def test_repeated_labels_get_distinct_keys(tmp_path: Path) -> None:
    page = tmp_path / "x.txt"
    page.write_text(
        "Teres Major\nMuscle Action\nRotation: inward\nRotation: with extension\n"
        "Differential Diagnosis\nBursitis (a)\nBursitis (b)\n",
        encoding="utf-8",
    )
    data, _ = imported(page, tmp_path / "out")
    assert [a.get("key") for a in data["actions"]] == [None, "rotation-2"]
    assert [d.get("key") for d in data["differentials"]] == [None, "bursitis-2"]


def test_emitter_orders_every_schema_key() -> None:
    """The emitter's reading order (label before text, as people write entries) is its own list,
    not the schema's: it must name exactly the keys the schema knows, or a new field would be
    written alphabetically after the others."""
    from studytool.importer.emit import ORDER
    from studytool.source.schema import ENTRY, ListOf, MapOf, Spec

    def keys(spec: Spec) -> set[str]:
        if isinstance(spec, ListOf):
            return keys(spec.item)
        if isinstance(spec, MapOf):
            return {k for name, sub in spec.fields.items() for k in (name, *keys(sub))}
        return set()

    assert len(ORDER) == len(set(ORDER))
    assert set(ORDER) == keys(ENTRY)
