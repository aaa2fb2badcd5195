"""The input seal in the lock: `build --check` answers at once when nothing changed, and
falls back to the full note-by-note comparison whenever anything (sources, media, options,
code, the lock or the package) differs."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from studytool.anki import build_deck, check_deck
from studytool.anki import inputs as inputs_mod
from studytool.anki.inputs import input_digest, package_fingerprint
from tests.conftest import run_cli
from tests.test_anki_support import T1, copy_kb, edit, expected

LOCK = "trigger-points.lock.json"
APKG = "trigger-points.apkg"


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    src, out = copy_kb(tmp_path / "src"), tmp_path / "decks"
    build_deck(src, out, now=T1)
    return src, out


def test_fresh_build_is_sealed_and_check_answers_from_the_seal(built: tuple[Path, Path]) -> None:
    src, out = built
    seal_value = json.loads((out / LOCK).read_text(encoding="utf-8"))["package"]["inputs"]
    assert len(seal_value) == 64
    report = check_deck(src, out)
    assert report.sealed and not report.differs
    assert report.notes == expected()[0]
    code, _, stderr = run_cli("build", str(src), "--out", str(out), "--check")
    assert code == 0 and f"up to date ({expected()[0]} notes)" in stderr


def test_unchanged_rebuild_keeps_lock_and_package_bytes(built: tuple[Path, Path]) -> None:
    src, out = built
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    build_deck(src, out, now=T1 + 1000)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_touching_a_file_without_changing_it_keeps_the_seal(built: tuple[Path, Path]) -> None:
    src, out = built
    yaml = src / "levator-scapulae.yaml"
    os.utime(yaml, (T1 + 5000, T1 + 5000))
    assert check_deck(src, out).sealed


def test_source_edit_falls_back_and_names_the_note(built: tuple[Path, Path]) -> None:
    src, out = built
    edit(src / "levator-scapulae.yaml", "Transverse processes of C1–C4", "Posterior tubercles of C1–C4")
    report = check_deck(src, out)
    assert not report.sealed
    assert report.changed == ["levator-scapulae__origin"]


def test_media_edit_falls_back_and_names_the_notes(built: tuple[Path, Path]) -> None:
    src, out = built
    svg = src / "levator.svg"
    svg.write_bytes(svg.read_bytes().replace(b"</svg>", b"<!-- v2 --></svg>"))
    report = check_deck(src, out)
    assert not report.sealed and report.differs
    assert report.changed and all(f.startswith("levator-scapulae__") for f in report.changed)


def test_unrelated_new_file_falls_back_but_stays_up_to_date(built: tuple[Path, Path]) -> None:
    src, out = built
    (src / "notes.txt").write_text("draft\n", encoding="utf-8")
    report = check_deck(src, out)
    assert not report.sealed and not report.differs


def test_symlink_target_is_part_of_the_inputs(tmp_path: Path) -> None:
    src = copy_kb(tmp_path / "src")
    (src / "a").mkdir()
    (src / "b").mkdir()
    (src / "img").symlink_to("a")
    first = input_digest(src, "Trigger Points")
    (src / "img").unlink()
    (src / "img").symlink_to("b")
    assert input_digest(src, "Trigger Points") != first


def test_options_are_part_of_the_inputs(tmp_path: Path) -> None:
    src = copy_kb(tmp_path / "src")
    base = input_digest(src, "Trigger Points")
    assert input_digest(src, "TP Neck") != base
    assert input_digest(src, "Trigger Points", muscles=["levator-scapulae"]) != base
    assert input_digest(src, "Trigger Points", facets=["origin"]) != base
    assert input_digest(src, "Trigger Points") == base


def test_output_folder_inside_the_sources_is_left_out(tmp_path: Path) -> None:
    src = copy_kb(tmp_path / "src")
    out = src / "decks"
    build_deck(src, out, now=T1)
    assert check_deck(src, out).sealed


def test_a_code_change_changes_the_fingerprint(tmp_path: Path) -> None:
    real = Path(inputs_mod.__file__).resolve().parent.parent
    assert inputs_mod.code_fingerprint.__wrapped__() == package_fingerprint(real)
    # Work on a copy: other work on the real tree must not race with the test.
    copy = tmp_path / "studytool"
    shutil.copytree(real, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = package_fingerprint(copy)
    (copy / "__pycache__").mkdir(exist_ok=True)
    (copy / "__pycache__" / "x.pyc").write_bytes(b"compiled")  # bytecode is not code to seal
    assert package_fingerprint(copy) == before
    render = copy / "anki" / "render.py"
    render.write_text(render.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert package_fingerprint(copy) != before


def test_a_deck_built_by_other_code_is_not_sealed(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out = built
    # What a checkout with different studytool code computes: another fingerprint.
    monkeypatch.setattr(inputs_mod, "code_fingerprint", lambda: "0" * 64)
    report = check_deck(src, out)
    assert not report.sealed and not report.differs


def test_hand_edited_lock_is_not_trusted(built: tuple[Path, Path]) -> None:
    src, out = built
    lock = out / LOCK
    data = json.loads(lock.read_text(encoding="utf-8"))
    guid = next(g for g, s in data["notes"].items() if s["fact"] == "levator-scapulae__origin")
    text = lock.read_text(encoding="utf-8")
    old = data["notes"][guid]["hash"]
    lock.write_text(text.replace(old, "0" * len(old), 1), encoding="utf-8")
    report = check_deck(src, out)
    assert not report.sealed
    assert report.changed == ["levator-scapulae__origin"]


def test_edited_package_is_not_trusted(built: tuple[Path, Path]) -> None:
    src, out = built
    apkg = out / APKG
    apkg.write_bytes(apkg.read_bytes() + b"\0")
    report = check_deck(src, out)
    assert not report.sealed
    assert any("does not match its lock file" in p for p in report.problems)


def test_lock_without_a_seal_is_checked_in_full(built: tuple[Path, Path]) -> None:
    src, out = built
    lock = out / LOCK
    data = json.loads(lock.read_text(encoding="utf-8"))
    del data["package"]["inputs"]  # a lock written before seals existed
    lock.write_text(json.dumps(data, indent=2), encoding="utf-8")
    report = check_deck(src, out)
    assert not report.sealed and not report.differs
