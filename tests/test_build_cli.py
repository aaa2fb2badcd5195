"""`studytool build` through the CLI: summary, --check exit codes, TSV export, errors."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.test_anki_support import T1, copy_kb, edit, expected, import_apkg, new_collection


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("STUDYTOOL_NOW", str(T1))
    src, out = copy_kb(tmp_path / "src"), tmp_path / "decks"
    code, stdout, stderr = run_cli("build", str(src), "--out", str(out))
    assert code == 0, stderr
    assert stderr == ""  # no progress bar or other noise when stderr is not a terminal
    notes, cards = expected()
    assert f"{notes} notes, {cards} cards, 1 media files" in stdout
    assert f"{notes} added, 0 changed, 0 removed" in stdout
    return src, out


def _listing(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(folder.iterdir())}


def test_check_passes_on_fresh_build_and_writes_nothing(built: tuple[Path, Path]) -> None:
    src, out = built
    before = _listing(out)
    code, _, stderr = run_cli("build", str(src), "--out", str(out), "--check")
    assert code == 0, stderr
    assert f"up to date ({expected()[0]} notes)" in stderr
    assert _listing(out) == before


def test_check_names_changed_added_and_removed_notes(built: tuple[Path, Path]) -> None:
    src, out = built
    yaml = src / "levator-scapulae.yaml"
    edit(yaml, "Transverse processes of C1–C4", "Posterior tubercles of C1–C4")
    edit(
        yaml,
        "  - condition: Cervical facet syndrome\n",
        "  - condition: Cervical facet syndrome\n    key: cfs\n",
    )
    before = _listing(out)
    code, _, stderr = run_cli("build", str(src), "--out", str(out), "--check")
    assert code == 1
    assert "changed note levator-scapulae__origin" in stderr
    assert "new note levator-scapulae__differential-cfs" in stderr
    assert "removed note levator-scapulae__differential-cervical-facet-syndrome" in stderr
    assert "out of date" in stderr
    assert _listing(out) == before


def test_check_fails_on_tampered_or_missing_deck(built: tuple[Path, Path]) -> None:
    src, out = built
    apkg = out / "trigger-points.apkg"
    apkg.write_bytes(apkg.read_bytes() + b"\0")
    code, _, stderr = run_cli("build", str(src), "--out", str(out), "--check")
    assert code == 1 and "does not match its lock file" in stderr
    apkg.unlink()
    code, _, stderr = run_cli("build", str(src), "--out", str(out), "--check")
    assert code == 1 and "trigger-points.apkg is missing" in stderr
    (out / "trigger-points.lock.json").unlink()
    code, _, stderr = run_cli("build", str(src), "--out", str(out), "--check")
    assert code == 1 and "lock.json is missing" in stderr


def test_check_notices_a_changed_note_type(built: tuple[Path, Path]) -> None:
    src, out = built
    lock = out / "trigger-points.lock.json"
    text = lock.read_text(encoding="utf-8")
    import json

    data = json.loads(text)
    data["models"]["1764000000101"]["hash"] = "0" * 20
    lock.write_text(json.dumps(data), encoding="utf-8")
    code, _, stderr = run_cli("build", str(src), "--out", str(out), "--check")
    assert code == 1 and "note type 'Trigger Points: Basic' changed" in stderr


def test_rebuild_reports_changes_and_keeps_lock_sorted(built: tuple[Path, Path]) -> None:
    src, out = built
    edit(src / "splenius-capitis.yaml", "Neck stiffness", "Stiff neck")
    code, stdout, _ = run_cli("build", str(src), "--out", str(out))
    assert code == 0
    assert "0 added, 1 changed, 0 removed" in stdout
    assert "changed: splenius-capitis__indications" in stdout  # symptoms are asked on that card
    assert "a student re-importing over the previous deck gets 0 new notes and 1 updated in place" in stdout
    lines = (out / "trigger-points.lock.json").read_text(encoding="utf-8").splitlines()
    guids = [line.split('": {"fact"')[0] for line in lines if '"fact"' in line]
    assert guids == sorted(guids) and len(guids) == expected()[0]


def test_apkg_zip_is_deterministic_and_deflated(built: tuple[Path, Path]) -> None:
    _, out = built
    with zipfile.ZipFile(out / "trigger-points.apkg") as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == ["0", "collection.anki2", "media"]
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
        assert zf.read("media").decode().startswith('{"0": "tp-')


def test_selection_builds_a_separate_deck(built: tuple[Path, Path]) -> None:
    src, out = built
    code, stdout, stderr = run_cli(
        "build", str(src), "--out", str(out), "--muscle", "splenius-capitis", "--facet", "origin"
    )
    assert code == 0, stderr
    assert "1 notes" in stdout
    assert (out / "trigger-points--splenius-capitis-origin.apkg").is_file()
    code, _, stderr = run_cli("build", str(src), "--out", str(out), "--muscle", "splenius-capitus")
    assert code == 2 and "did you mean 'splenius-capitis'" in stderr


def test_deck_name_option_names_deck_and_file(tmp_path: Path) -> None:
    src = copy_kb(tmp_path / "src")
    code, _, _ = run_cli("build", str(src), "--out", str(tmp_path / "o"), "--deck-name", "Neck TPs")
    assert code == 0
    col = new_collection(tmp_path / "anki")
    import_apkg(col, tmp_path / "o" / "neck-tps.apkg")
    assert "Neck TPs" in [d.name for d in col.decks.all_names_and_ids()]
    col.close()


def test_missing_media_is_a_located_error(tmp_path: Path) -> None:
    src = copy_kb(tmp_path / "src")
    (src / "levator.svg").unlink()
    code, _, stderr = run_cli("build", str(src), "--out", str(tmp_path / "o"))
    assert code == 1
    assert "levator-scapulae.yaml:" in stderr and "[E019]" in stderr
    assert not (tmp_path / "o").exists()


def test_media_outside_source_folder_is_refused_by_the_build(tmp_path: Path) -> None:
    import dataclasses

    from studytool.anki.build import load_media
    from studytool.errors import InputError, Location
    from studytool.model import Media
    from studytool.source import load_kb_or_raise

    kb = load_kb_or_raise(copy_kb(tmp_path / "src"))
    (tmp_path / "secret.png").write_bytes(b"x")
    bad = dataclasses.replace(
        kb.entries[0], media=Media("../secret.png", "", Location("src/levator-scapulae.yaml", 23, 10))
    )
    kb = dataclasses.replace(kb, entries=(bad, *kb.entries[1:]))
    with pytest.raises(InputError) as exc:
        load_media(kb, {bad.id})
    assert str(exc.value.diagnostics[0]).startswith("src/levator-scapulae.yaml:23:10: error: media path")


def test_tsv_imports_with_anki_text_importer(built: tuple[Path, Path], tmp_path: Path) -> None:
    from anki.collection import ImportCsvRequest

    src, out = built
    tsv = tmp_path / "deck.tsv"
    code, stdout, _ = run_cli("build", str(src), "--out", str(out), "--tsv", str(tsv))
    assert code == 0 and f"wrote {tsv}" in stdout
    # A GUID that starts with '#' must not be read as a comment line.
    from studytool.anki.render import Note
    from studytool.anki.tsv import tsv_text

    extra = Note(
        "x__y",
        "#guid-x",
        1764000000101,
        ("Q &lt;1&gt;", "A", "", "", "M", "f", "S"),
        ("TP::X",),
        (0,),
        "Q",
        "h",
    )
    with tsv.open("a", encoding="utf-8") as fh:
        fh.write(
            tsv_text([extra], "Trigger Points", {1764000000101: "Trigger Points: Basic"}).split("\n", 6)[-1]
        )

    col = new_collection(tmp_path / "anki")
    import_apkg(col, out / "trigger-points.apkg")  # the note types come with the deck
    notes_before = col.note_count()
    metadata = col.get_csv_metadata(path=str(tsv), delimiter=None)
    log = col.import_csv(ImportCsvRequest(path=str(tsv), metadata=metadata)).log
    assert len(log.new) == 1 and len(log.updated) == 0
    assert col.note_count() == notes_before + 1
    nid = col.db.scalar("select id from notes where guid = '#guid-x'")
    note = col.get_note(nid)
    assert note["Front"] == "Q &lt;1&gt;" and note.tags == ["TP::X"]
    assert col.decks.name(note.cards()[0].did) == "Trigger Points"
    col.close()


def test_check_with_tsv_is_a_usage_error(tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", "--check", "--tsv", str(tmp_path / "x.tsv"))
    assert code == 2 and "--check writes nothing" in stderr


def test_bad_now_is_a_user_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDYTOOL_NOW", "yesterday")
    code, _, stderr = run_cli("build", str(copy_kb(tmp_path / "src")), "--out", str(tmp_path / "o"))
    assert code == 2 and "STUDYTOOL_NOW: not an ISO 8601 time: 'yesterday'" in stderr
