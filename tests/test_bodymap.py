"""Body maps: every entry's SVG shades exactly its referral regions, and is small and stable."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from studytool.bodymap import map_filename, render_map, trigger_regions, zones
from studytool.bodymap.geometry import REGION_SHAPES, VIEWS
from studytool.model import Entry, Referral, TriggerPoint
from studytool.regions import REGIONS
from studytool.source import load_kb
from tests.conftest import CARDS, run_cli

SVG = "{http://www.w3.org/2000/svg}"
SIZE_BUDGET = 10_000  # bytes; about 3 KB once gzipped into an .apkg


def _entries() -> list[Entry]:
    kb, _ = load_kb(CARDS)  # diagnostics are `check`'s business; maps need the entries
    return list(kb.entries)


ENTRIES = _entries()


def shaded(svg: str) -> dict[str, set[str]]:
    """Region ids per zone, read back from the SVG's data attributes."""
    out: dict[str, set[str]] = {"primary": set(), "spillover": set()}
    for el in ET.fromstring(svg).iter():
        if "data-region" in el.attrib:
            out[el.attrib["data-zone"]].add(el.attrib["data-region"])
    return out


def test_cards_src_has_entries() -> None:
    assert ENTRIES, "no entries loaded from cards_src"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_map_shades_exactly_the_referral_regions(entry: Entry) -> None:
    primary = {z for r in entry.referral for z in r.primary}
    spill = {z for r in entry.referral for z in r.spillover} - primary
    got = shaded(render_map(entry))
    assert got["primary"] == primary
    assert got["spillover"] == spill
    assert primary | spill, f"{entry.id} has no referral regions to draw"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_map_is_accessible_well_formed_and_small(entry: Entry) -> None:
    svg = render_map(entry)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.attrib["viewBox"] == f"0 0 {root.attrib['width']} {root.attrib['height']}"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and entry.name in (title.text or "")
    assert desc is not None and "Essential pain" in (desc.text or "")
    assert len(svg.encode()) <= SIZE_BUDGET
    marks = {el.attrib["data-trigger"] for el in root.iter() if "data-trigger" in el.attrib}
    assert marks == {tp.region for tp in entry.trigger_points if tp.region}


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_map_never_reaches_the_network(entry: Entry) -> None:
    svg = render_map(entry)
    assert re.findall(r"https?://[^\"' )]+", svg) == ["http://www.w3.org/2000/svg"]
    assert "@import" not in svg and "@font-face" not in svg
    local = {"#tpm-h", "#tpm-cfb", "#tpm-clt", "#tpm-cso", "#tpm-cdo"}
    assert set(re.findall(r"url\(([^)]*)\)", svg)) <= local


def test_map_is_deterministic_and_content_named() -> None:
    entry = ENTRIES[0]
    assert render_map(entry) == render_map(dataclasses.replace(entry))
    name = map_filename(entry)
    assert re.fullmatch(rf"tp-map-{entry.id}-[0-9a-f]{{8}}\.svg", name)
    moved = dataclasses.replace(entry, referral=(Referral("Knee", primary=("lateral-knee",)),))
    assert map_filename(moved) != name


def test_night_mode_styles_for_os_and_anki() -> None:
    svg = render_map(ENTRIES[0])
    assert "@media (prefers-color-scheme:dark)" in svg
    assert ".nightMode .p{" in svg


def test_text_is_escaped_and_primary_wins_over_spillover() -> None:
    entry = Entry(
        id="odd",
        name='Odd <b>"muscle"</b> & co',
        path="odd.yaml",
        referral=(Referral("x", primary=("groin",), spillover=("groin", "foot")),),
        trigger_points=(TriggerPoint("t", "groin"), TriggerPoint("u", "groin")),
    )
    svg = render_map(entry)
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == 'Odd <b>"muscle"</b> & co: referred pain pattern'  # type: ignore[union-attr]
    assert shaded(svg) == {"primary": {"groin"}, "spillover": {"foot"}}
    assert zones(entry) == (("groin",), ("foot",))
    assert trigger_regions(entry) == ("groin",)


def test_every_region_is_drawable_in_its_view() -> None:
    assert set(REGION_SHAPES) == set(REGIONS)
    views = {region: shape.view for region, shape in REGION_SHAPES.items()}
    assert set(views.values()) == set(VIEWS)
    for region in ("upper-buttock", "lower-buttock", "sacrum", "lumbar", "posterior-thigh", "posterior-calf"):
        assert views[region] == "posterior"
    for region in ("groin", "anterior-thigh", "lower-abdomen"):
        assert views[region] == "anterior"
    for region in ("lateral-hip", "lateral-thigh", "lateral-knee", "lateral-calf"):
        assert views[region] == "lateral"
    entry = Entry(id="all", name="All", path="all.yaml", referral=(Referral("all", primary=tuple(REGIONS)),))
    assert shaded(render_map(entry))["primary"] == set(REGIONS)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_every_view_drawn_shows_part_of_the_pattern(entry: Entry) -> None:
    """No map carries an empty figure: each view drawn holds a zone or a trigger point."""
    root = ET.fromstring(render_map(entry))
    views = [g for g in root.iter(f"{SVG}g") if "data-view" in g.attrib]
    assert views
    for g in views:
        drawn = [el for el in g.iter() if "data-region" in el.attrib or "data-trigger" in el.attrib]
        assert drawn, f"{entry.id}: the {g.attrib['data-view']} view is empty"


def test_foot_patterns_get_the_foot_views_and_body_patterns_do_not() -> None:
    def views(primary: tuple[str, ...], marks: tuple[str, ...] = ()) -> list[str]:
        entry = Entry(
            id="v",
            name="V",
            path="v.yaml",
            referral=(Referral("x", primary=primary),),
            trigger_points=tuple(TriggerPoint("t", m) for m in marks),
        )
        root = ET.fromstring(render_map(entry))
        return [g.attrib["data-view"] for g in root.iter(f"{SVG}g") if "data-view" in g.attrib]

    assert views(("heel", "sole")) == ["sole"]
    assert views(("great-toe",)) == ["sole"]
    # essential pain in the heel or a toe gets its large main view as well
    assert views(("heel", "posterior-calf")) == ["posterior", "sole"]
    assert views(("dorsum-foot", "great-toe")) == ["sole", "dorsum"]
    assert views(("lateral-hip",), marks=("lumbar",)) == ["posterior", "lateral"]


def test_trigger_point_crosses_sit_beside_the_midline() -> None:
    """A cross on x = 0 would sit on the spine; muscles lie beside it (QL, piriformis)."""
    for region, shape in REGION_SHAPES.items():
        if shape.view in ("posterior", "anterior"):
            assert abs(shape.mark[0]) >= 2, f"{region}: its cross would sit on the midline"


def test_spillover_in_a_second_view_rides_on_a_view_already_drawn() -> None:
    def views(primary: tuple[str, ...], spill: tuple[str, ...]) -> list[str]:
        entry = Entry(
            id="v", name="V", path="v.yaml", referral=(Referral("x", primary=primary, spillover=spill),)
        )
        root = ET.fromstring(render_map(entry))
        return [g.attrib["data-view"] for g in root.iter(f"{SVG}g") if "data-view" in g.attrib]

    assert views(("posterior-calf",), ("heel",)) == ["posterior"]  # the heel seen from behind
    assert views(("dorsum-foot",), ("great-toe",)) == ["dorsum"]  # the toe drawn from above
    assert views(("lumbar",), ("great-toe",)) == ["posterior", "sole"]  # nowhere else to draw it


def test_a_five_view_pattern_fits_the_card() -> None:
    entry = Entry(
        id="w", name="W", path="w.yaml",
        referral=(Referral("x", primary=("lumbar", "groin", "lateral-thigh", "sole", "dorsum-foot")),),
    )  # fmt: skip
    root = ET.fromstring(render_map(entry))
    assert root.attrib["width"] == "360"
    assert len([g for g in root.iter(f"{SVG}g") if "data-view" in g.attrib]) == 5
    scaled = [g for g in root.iter(f"{SVG}g") if "scale(0." in g.attrib.get("transform", "")]
    assert scaled, "five views are wider than the card and must be scaled to fit"


def test_unknown_region_is_refused() -> None:
    entry = Entry(id="x", name="X", path="x.yaml", referral=(Referral("?", primary=("elbow",)),))
    with pytest.raises(ValueError, match="elbow"):
        render_map(entry)


# --- the `map` command -------------------------------------------------------------------

ENTRY_YAML = """\
id: test-muscle
name: Test muscle
aliases: [tester]
referral:
  - text: Outer hip
    primary: [lateral-hip]
    spillover: [lateral-thigh]
trigger_points:
  - text: above the trochanter
    region: lateral-hip
"""


@pytest.fixture
def src(tmp_path: Path) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "test-muscle.yaml").write_text(ENTRY_YAML, encoding="utf-8")
    return folder


def test_map_command_writes_svg_atomically(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "m.svg"
    out.parent.mkdir()
    out.write_text("old", encoding="utf-8")
    code, stdout, stderr = run_cli("map", "test-muscle", str(src), "--out", str(out))
    assert (code, stderr) == (0, "")
    assert f"wrote {out}" in stdout
    kb, _ = load_kb(src)
    assert out.read_text(encoding="utf-8") == render_map(kb.entries[0])
    assert sorted(p.name for p in out.parent.iterdir()) == ["m.svg"]  # no temp file left behind


def test_map_command_finds_names_and_aliases_and_prints_to_stdout(src: Path) -> None:
    code, stdout, _ = run_cli("map", "Tester", str(src), "--out", "-")
    assert code == 0
    assert ET.fromstring(stdout).attrib["data-entry"] == "test-muscle"


def test_map_command_unknown_entry_suggests(src: Path) -> None:
    code, stdout, stderr = run_cli("map", "test-musle", str(src))
    assert code == 2
    assert stdout == ""
    assert "unknown entry 'test-musle' (did you mean 'test-muscle'?)" in stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize("name", ["m.pdf", "nowhere/m.svg"])
def test_map_command_bad_output_exits_2(src: Path, tmp_path: Path, name: str) -> None:
    code, _, stderr = run_cli("map", "test-muscle", str(src), "--out", str(tmp_path / name))
    assert code == 2
    assert stderr.startswith("error: ") and len(stderr.splitlines()) == 1


def test_map_command_png(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.png"
    code, _, stderr = run_cli("map", "test-muscle", str(src), "--out", str(out))
    try:
        import cairosvg  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:  # the optional dependency is missing: a clean exit 2, no file
        assert code == 2 and "cairosvg" in stderr and not out.exists()
        return
    assert code == 0, stderr
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_map_command_has_help() -> None:
    code, stdout, _ = run_cli("map", "--help")
    assert code == 0 and "Example:" in stdout


def test_docs_gallery_is_current() -> None:
    """docs/gallery.md and docs/img/maps/ match cards_src (run scripts/make_docs_pictures.py)."""
    import importlib.util

    from studytool.source import load_kb_or_raise

    script = CARDS.parent / "scripts" / "make_docs_pictures.py"
    spec = importlib.util.spec_from_file_location("make_docs", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    files = module.gallery_pictures(load_kb_or_raise(CARDS))
    stale = [str(p) for p, data in files.items() if not p.exists() or p.read_bytes() != data]
    assert not stale, "stale docs pictures; run: python scripts/make_docs_pictures.py"
    assert {p.stem for p in module.MAPS.glob("*.svg")} == {e.id for e in ENTRIES}


def test_memoised_geometry_matches_a_fresh_computation() -> None:
    from studytool.bodymap.geometry import FRONT_BACK_OUTLINE, LATERAL_OUTLINE, _num, smooth_path

    for outline in (FRONT_BACK_OUTLINE, LATERAL_OUTLINE):
        assert smooth_path(outline) == smooth_path.__wrapped__(outline)
        assert smooth_path(outline) is smooth_path(outline)
    for value in (-0.04, 0.0, 2.5, 12.25, -13.999, 351.25):
        assert _num(value) == _num.__wrapped__(value)


def test_maps_drawn_in_any_order_are_identical() -> None:
    # The memoised pieces (shapes, crosses, coordinates) must not leak between maps.
    from studytool.bodymap.render import named_filename

    mapped = [e for e in ENTRIES if e.referral]
    forward = {e.id: render_map(e) for e in mapped}
    backward = {e.id: render_map(e) for e in reversed(mapped)}
    assert forward == backward
    for e in mapped:
        assert map_filename(e) == named_filename(e.id, forward[e.id])
