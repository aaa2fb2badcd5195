"""`studytool import`: dry run, overwrite protection, --force, --id, bad documents, batches."""

from __future__ import annotations

from pathlib import Path

import pytest

from studytool.source import load_kb
from tests.conftest import run_cli, seed_path

DATA = Path(__file__).parent / "data" / "import"
PLAIN = DATA / "piriformis_plain.txt"


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_help_has_example() -> None:
    code, out, _ = run_cli("import", "--help")
    assert code == 0
    assert "Example: studytool import" in out and "--dry-run" in out and "--force" in out


def test_dry_run_prints_yaml_and_warnings_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "cards"
    code, stdout, stderr = run_cli("import", str(PLAIN), "--out", str(out), "--dry-run")
    assert code == 0
    assert stdout.startswith("# Imported from piriformis_plain.txt")
    assert "\nid: piriformis\n" in stdout and "W603" not in stdout
    assert f"{PLAIN}:29:1: warning:" in stderr and "dry run, nothing written" in stderr
    assert not out.exists()


def test_dry_run_output_equals_written_file(tmp_path: Path) -> None:
    _, stdout, _ = run_cli("import", str(PLAIN), "--out", str(tmp_path), "--dry-run")
    code, written, _ = run_cli("import", str(PLAIN), "--out", str(tmp_path))
    assert code == 0 and written.strip() == f"wrote {tmp_path / 'piriformis.yaml'}"
    assert (tmp_path / "piriformis.yaml").read_text(encoding="utf-8") == stdout
    assert files_in(tmp_path) == ["piriformis.yaml"]  # no temp file left behind


def test_refuses_overwrite_then_force(tmp_path: Path) -> None:
    target = tmp_path / "piriformis.yaml"
    assert run_cli("import", str(PLAIN), "--out", str(tmp_path))[0] == 0
    original = target.read_text(encoding="utf-8")
    target.write_text("id: piriformis\nname: Piriformis\n", encoding="utf-8")
    code, stdout, stderr = run_cli("import", str(PLAIN), "--out", str(tmp_path))
    assert code == 2 and stdout == ""
    assert "already exists; pass --force" in stderr
    code, _, stderr = run_cli("import", str(PLAIN), "--out", str(tmp_path), "--dry-run")
    assert code == 0 and "exists; writing it needs --force" in stderr
    assert target.read_text(encoding="utf-8") == "id: piriformis\nname: Piriformis\n"
    assert run_cli("import", str(PLAIN), "--out", str(tmp_path), "--force")[0] == 0
    assert target.read_text(encoding="utf-8") == original


def test_id_override(tmp_path: Path) -> None:
    code, _, stderr = run_cli("import", str(PLAIN), "--out", str(tmp_path), "--id", "piriformis-alt")
    assert code == 0, stderr
    assert files_in(tmp_path) == ["piriformis-alt.yaml"]
    assert load_kb(tmp_path)[0].entries[0].id == "piriformis-alt"
    assert run_cli("check", str(tmp_path))[0] == 0


@pytest.mark.parametrize("bad", ["Piriformis Alt", "a__b", "-x", ""])
def test_invalid_id_is_refused(tmp_path: Path, bad: str) -> None:
    code, _, stderr = run_cli("import", str(PLAIN), "--out", str(tmp_path), "--id", bad)
    if bad == "":  # an empty --id means "derive it"
        assert code == 0
        return
    assert code == 2 and "is not a slug" in stderr
    assert files_in(tmp_path) == []


def test_id_with_several_files_is_refused(tmp_path: Path) -> None:
    code, _, stderr = run_cli("import", str(PLAIN), str(seed_path()), "--out", str(tmp_path), "--id", "x")
    assert code == 2 and "single file" in stderr
    assert files_in(tmp_path) == []


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.txt", b"", ":1:1: error: file is empty"),
        ("blank.txt", b"  \n\r\n\t\n", ":1:1: error: file is empty"),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ":3:1: error: binary file"),
        (
            "latin1.txt",
            "Introduction\nMuscle Action\nCaf\xe9\n".encode("latin-1"),
            ":3:4: error: not valid UTF-8",
        ),
        ("prose.txt", (DATA / "not_a_page.txt").read_bytes(), ":1:1: error: not a trigger-point page"),
        ("nameless.md", b"## Introduction\nText.\n## Sources\nA book.\n", ":1:4: error: no muscle name"),
    ],
)
def test_bad_documents_exit_1_and_write_nothing(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    page = tmp_path / name
    page.write_bytes(content)
    out = tmp_path / "cards"
    code, stdout, stderr = run_cli("import", str(page), "--out", str(out))
    assert code == 1
    assert stdout == ""
    assert f"{page}{expected}" in stderr
    assert "Traceback" not in stderr and "nothing written" in stderr
    assert not out.exists()


def test_missing_file_is_a_located_error(tmp_path: Path) -> None:
    code, _, stderr = run_cli("import", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "cards"))
    assert code == 1 and "nope.txt:1:1: error: cannot read file" in stderr


def test_one_bad_page_in_a_batch_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("just a sentence\n", encoding="utf-8")
    out = tmp_path / "cards"
    code, _, _ = run_cli("import", str(PLAIN), str(bad), "--out", str(out))
    assert code == 1
    assert not out.exists()


def test_batch_links_pages_to_each_other(tmp_path: Path) -> None:
    """The seed names piriformis as associated; imported together, the link is a checked ref."""
    code, _, stderr = run_cli("import", str(seed_path()), str(PLAIN), "--out", str(tmp_path))
    assert code == 0, stderr
    assert files_in(tmp_path) == ["gluteus-medius.yaml", "piriformis.yaml"]
    assert run_cli("check", str(tmp_path))[0] == 0
    by_id = load_kb(tmp_path)[0].by_id()
    assert [a.ref for a in by_id["gluteus-medius"].associated] == ["", "", "piriformis", ""]
    assert [a.ref for a in by_id["piriformis"].associated] == ["gluteus-medius", ""]


def test_same_id_twice_in_a_batch_is_an_error(tmp_path: Path) -> None:
    code, _, stderr = run_cli("import", str(PLAIN), str(DATA / "piriformis_web.txt"), "--out", str(tmp_path))
    assert code == 1 and "E607" in stderr
    assert files_in(tmp_path) == []


def test_overlong_line_is_a_located_error(tmp_path: Path) -> None:
    page = tmp_path / "long.txt"
    page.write_text("Piriformis\nIntroduction\n" + "[(" * 3000 + "\nSources\nA book\n", encoding="utf-8")
    code, _, stderr = run_cli("import", str(page), "--out", str(tmp_path / "cards"))
    assert code == 1
    assert f"{page}:3:1: error: line is 6,000 characters; the limit is 2,000 [E605]" in stderr
