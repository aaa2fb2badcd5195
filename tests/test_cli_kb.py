"""`studytool check` and `studytool facts`: exit codes, stderr against stdout, --strict, --json."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import CARDS, run_cli

DATA = Path(__file__).parent / "data"
SHARED = DATA / "good" / "shared-nerve" / "src"
DIAG = re.compile(r"^.+:\d+:\d+: (error|warning): .+ \[[EW]\d{3}\]$")


def _minimal(folder: Path, *ids: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for entry_id in ids:
        (folder / f"{entry_id}.yaml").write_text(
            f"id: {entry_id}\nname: {entry_id.title()}\n", encoding="utf-8"
        )
    return folder


def test_check_clean_exits_0_with_summary_on_stderr_only() -> None:
    code, out, err = run_cli("check", str(SHARED))
    assert (code, out) == (0, "")
    assert err == "0 errors, 0 warnings in 4 files; 4 entries ok\n"


def test_check_cards_src_strict_is_clean() -> None:
    """The issue's 'done when': all seven shipped entries pass the strict check."""
    code, out, err = run_cli("check", "--strict", str(CARDS))
    assert (code, out) == (0, ""), err
    assert err.startswith("0 errors, 0 warnings in ")


def test_check_input_problems_exit_1_on_stderr(tmp_path: Path) -> None:
    src = _minimal(tmp_path / "src", "ok")
    (src / "bad.yaml").write_text("id: bad\nname: Bad\nregion: [x]\n", encoding="utf-8")
    code, out, err = run_cli("check", str(src))
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines == [
        f"{src / 'bad.yaml'}:3:9: error: 'region' must be a string, not a list [E012]",
        "1 error, 0 warnings in 2 files",
    ]


@pytest.mark.parametrize("command", ["check", "facts"])
def test_missing_folder_exits_2_with_one_line(tmp_path: Path, command: str) -> None:
    code, out, err = run_cli(command, str(tmp_path / "nope"))
    assert (code, out) == (2, "")
    assert err == f"error: source folder not found: {tmp_path / 'nope'}\n"


def test_folder_without_sources_and_file_argument_exit_2(tmp_path: Path) -> None:
    code, out, err = run_cli("check", str(tmp_path))
    assert (code, out, err.count("\n")) == (2, "", 1)
    assert "no source files" in err
    (tmp_path / "x.yaml").write_text("id: x\nname: X\n", encoding="utf-8")
    code, out, err = run_cli("check", str(tmp_path / "x.yaml"))
    assert (code, out, err.count("\n")) == (2, "", 1)


def test_strict_warns_about_every_empty_facet(tmp_path: Path) -> None:
    src = _minimal(tmp_path / "src", "bare")
    code, out, err = run_cli("check", str(src))
    assert (code, out, err) == (0, "", "0 errors, 0 warnings in 1 file; 1 entry ok\n")

    code, out, err = run_cli("check", "--strict", str(src))
    assert (code, out) == (1, "")
    *diags, summary = err.splitlines()
    assert all(DIAG.match(d) for d in diags), diags
    empty = {re.search(r"facet '([^']+)' is empty", d)[1] for d in diags if "[W101]" in d}  # type: ignore[index]
    assert empty == {
        "region",
        "area",
        "origin",
        "insertion",
        "innervation",
        "actions",
        "referral",
        "differentials",
        "associated",
        "indications",
        "symptoms",
        "perpetuating",
        "examination",
        "treatment.dry_needling",
        "treatment.manual_therapy",
        "treatment.stretches",
        "treatment.strengthening",
        "treatment.postural",
        "sources",
    }
    assert len(empty) == len([d for d in diags if "[W101]" in d])
    assert all(": warning: " in d for d in diags)
    assert summary == f"0 errors, {len(diags)} warnings in 1 file"


def test_strict_keeps_errors_and_warnings_apart(tmp_path: Path) -> None:
    src = _minimal(tmp_path / "src", "bare")
    (src / "broken.yaml").write_text("id: broken\n", encoding="utf-8")
    code, _, err = run_cli("check", "--strict", str(src))
    assert code == 1
    assert "broken.yaml:1:1: error: 'name' is required [E011]" in err
    assert re.search(r"^1 error, \d+ warnings in 2 files$", err.splitlines()[-1])


def test_facts_json_schema_on_stdout() -> None:
    code, out, err = run_cli("facts", str(SHARED), "--json")
    assert (code, err) == (0, "")
    facts = json.loads(out)
    assert isinstance(facts, list) and facts
    types = {
        "id": str,
        "entry": str,
        "muscle": str,
        "facet": str,
        "kind": str,
        "question": str,
        "answer": str,
        "items": list,
        "tags": list,
    }
    for f in facts:
        for key, kind in types.items():
            assert isinstance(f[key], kind), (f["id"], key)
        assert f["kind"] in {"basic", "list"}
        assert all(isinstance(i, str) for i in f["items"])
        assert all(isinstance(t, str) and " " not in t for t in f["tags"])
    by_id = {f["id"]: f for f in facts}
    assert by_id["alpha__origin"] == by_id["alpha__origin"] | {
        "entry": "alpha",
        "muscle": "Alpha muscle",
        "facet": "origin",
        "kind": "basic",
        "answer": "Outer ilium",
        "items": [],
    }
    assert by_id["alpha__differentials"]["items"] == ["Hip bursitis", "Sciatica"]


def test_facts_json_keeps_html_characters_verbatim() -> None:
    code, out, _ = run_cli("facts", str(DATA / "good" / "unicode-and-html" / "src"), "--json")
    assert code == 0
    answers = {f["id"]: f["answer"] for f in json.loads(out)}
    assert answers["unicode__area"] == "C5 <C6 (dorsal scapular n.) > C4"
    assert "&lt;" not in out


def test_facts_table_on_stdout() -> None:
    code, out, err = run_cli("facts", str(SHARED), "--muscle", "alpha", "--facet", "origin")
    assert (code, err) == (0, "")
    assert "alpha__origin" in out and "Outer ilium" in out


def test_facts_on_bad_input_exits_1_with_diagnostics(tmp_path: Path) -> None:
    src = _minimal(tmp_path / "src", "ok")
    (src / "bad.yaml").write_text("id: bad\nname: Bad\nactions: 3\n", encoding="utf-8")
    code, out, err = run_cli("facts", str(src), "--json")
    assert (code, out) == (1, "")
    assert f"{src / 'bad.yaml'}:3:10: error: 'actions' must be a list, not an integer [E012]" in err
    assert "Traceback" not in err


def test_strict_warns_about_regionless_referral_and_unlinked_muscle(tmp_path: Path) -> None:
    src = _minimal(tmp_path / "src", "piriformis")
    (src / "other.yaml").write_text(
        "id: other\nname: Other\nreferral:\n  - Outer hip\nassociated:\n  - name: piriformis\n",
        encoding="utf-8",
    )
    code, out, err = run_cli("check", "--strict", str(src))
    assert (code, out) == (1, "")
    other = src / "other.yaml"
    assert f"{other}:4:5: warning: referral item names no region [W102]" in err
    assert f"{other}:6:5: warning: 'piriformis' has an entry; write 'ref: piriformis'" in err
