"""Importing the shared seed page: the entry passes `check` and carries every seed fact."""

from __future__ import annotations

import shutil
from pathlib import Path

from studytool.questions.facts import derive_facts
from studytool.source import load_kb
from tests.conftest import CARDS, run_cli, seed_path
from tests.seed_facts import assert_covers_seed


def test_seed_import_covers_every_seed_fact(tmp_path: Path) -> None:
    out = tmp_path / "cards"
    code, stdout, stderr = run_cli("import", str(seed_path()), "--out", str(out))
    assert code == 0, stderr
    assert stdout.strip() == f"wrote {out / 'gluteus-medius.yaml'}"
    assert run_cli("check", str(out))[0] == 0
    kb, diags = load_kb(out)
    assert diags == []
    (entry,) = kb.entries
    assert entry.id == "gluteus-medius"
    assert entry.name == "Gluteus medius"
    assert entry.innervation is not None
    assert (entry.innervation.nerve, entry.innervation.levels) == ("Superior gluteal nerve", "L4–S1")
    assert_covers_seed(derive_facts(kb))


def test_seed_import_links_existing_entries(tmp_path: Path) -> None:
    """Into a copy of the real knowledge base: associated muscles become checked refs."""
    out = tmp_path / "cards"
    shutil.copytree(CARDS, out)
    code, _, stderr = run_cli("import", str(seed_path()), "--out", str(out), "--force")
    assert code == 0, stderr
    code, _, stderr = run_cli("check", str(out))
    assert code == 0, stderr
    entry = load_kb(out)[0].by_id()["gluteus-medius"]
    refs = [a.ref for a in entry.associated]
    assert refs == ["gluteus-minimus", "quadratus-lumborum", "piriformis", "tensor-fasciae-latae"]


def test_seed_import_keeps_lead_and_closing_sentences(tmp_path: Path) -> None:
    code, yaml_text, _ = run_cli("import", str(seed_path()), "--out", str(tmp_path), "--dry-run")
    assert code == 0
    flat = " ".join(yaml_text.split())
    for kept in (
        "Common causes of gluteus medius trigger points include:",
        "often confused with sciatica, SI joint dysfunction, or lumbar radiculopathy",
        "A thorough hip, pelvis, and lower back examination",
        "innervated by the superior gluteal nerve, which also controls",
        "prevent future dysfunction",
    ):
        assert kept in flat, kept
    assert "Learn more" not in yaml_text
    assert "Pain from this muscle is often mistaken" not in str(load_items(yaml_text, "indications"))


def load_items(yaml_text: str, key: str) -> list[object]:
    import yaml

    data = yaml.safe_load(yaml_text)
    return list(data.get(key, []))
