"""Pages for muscles of the leg and foot, each in its own style, against their expected entries.

Each page `tests/data/import/leg/<page>` has `<page>.expected.yaml`: the entry's id, name, nerve
and levels, aliases its origin and insertion must have, the regions of every referral item
(primary, spillover, or `coded: false`) and the phrases the import must warn it cannot map.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from studytool.importer import import_pages
from studytool.regions import REGIONS, related
from studytool.source import load_kb
from tests.conftest import run_cli

LEG = Path(__file__).parent / "data" / "import" / "leg"
PAGES = sorted(p for p in LEG.iterdir() if not p.name.endswith(".expected.yaml"))
_PHRASE = re.compile(r"referral phrase '(.*)' names no known body region")


def test_there_are_enough_pages_in_enough_styles() -> None:
    assert len(PAGES) >= 6
    assert {p.suffix for p in PAGES} == {".md", ".txt"}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_imports_to_its_expected_entry(page: Path, tmp_path: Path) -> None:
    expected: dict[str, Any] = yaml.safe_load(page.with_name(page.name + ".expected.yaml").read_text("utf-8"))
    report = import_pages([page], out=tmp_path)
    assert not report.errors, report.errors
    (entry,) = report.entries
    data = yaml.safe_load(entry.target.read_text(encoding="utf-8"))

    assert (data["id"], data["name"]) == (expected["id"], expected["name"])
    innervation = data["anatomy"]["innervation"]
    assert (innervation["nerve"], innervation.get("levels")) == (expected["nerve"], expected["levels"])
    for key in ("origin", "insertion"):
        aliases = data["anatomy"][key].get("aliases", [])
        assert set(expected[key]) <= set(aliases), (key, aliases)

    coded = [{k: r[k] for k in ("primary", "spillover", "coded") if k in r} for r in data["referral"]]
    assert coded == expected["referral"]
    warned = [m.group(1) for d in report.warnings if (m := _PHRASE.match(d.message))]
    assert warned == expected["unmapped"]
    for item in data["referral"]:
        regions = [*item.get("primary", []), *item.get("spillover", [])]
        assert set(regions) <= REGIONS.keys()
        assert len(set(regions)) == len(regions)  # never primary and spillover at once
        # a part and its whole in one item would draw the same zone twice
        assert not any(related(a, b) for i, a in enumerate(regions) for b in regions[i + 1 :])

    assert run_cli("check", str(tmp_path))[0] == 0


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_import_says_what_check_strict_will_ask_for(page: Path, tmp_path: Path) -> None:
    """Every rule `check --strict` raises on the entry was named by the import (W606), and each
    referral item it cannot fully code was reported at its line (W603/W605) and marked."""
    report = import_pages([page], out=tmp_path)
    said = {
        m.group(1)
        for d in report.warnings
        if (m := re.match(r"check --strict will warn \((\w+)\)", d.message))
    }
    _, diags = load_kb(tmp_path, strict=True)
    assert {d.code for d in diags if d.code != "W102"} == said
    uncoded = [d for d in diags if d.code == "W102"]
    data = yaml.safe_load(report.entries[0].target.read_text(encoding="utf-8"))
    assert len(uncoded) == sum(r.get("coded") is False for r in data["referral"])
    assert all(d.code in ("W603", "W605", "W606") for d in report.warnings)


def test_the_docs_show_a_page_in_another_style_and_its_entry(tmp_path: Path) -> None:
    page = Path(__file__).parent / "data" / "import" / "docs" / "soleus_notes.md"
    docs = (Path(__file__).parent.parent / "docs" / "import.md").read_text(encoding="utf-8")
    report = import_pages([page], out=tmp_path, dry_run=True)
    assert page.read_text(encoding="utf-8") in docs
    assert report.entries[0].yaml in docs
