"""Data-driven bad and good inputs, run through the real `studytool check`.

Each folder under tests/data/bad/<case>/ holds a source folder `src/` and an
`expected.yaml` listing every error diagnostic that run must print (file, line,
optional col, code, optional message substring). Folders under tests/data/good/
must pass `check`, and the facts they produce keep the listed text verbatim.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, env_with, run_cli

DATA = Path(__file__).parent / "data"
BAD = sorted(p for p in (DATA / "bad").iterdir() if p.is_dir())
GOOD = sorted(p for p in (DATA / "good").iterdir() if p.is_dir())
LINE = re.compile(
    r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning): (?P<msg>.+) \[(?P<code>[EW]\d{3})\]$"
)
SUMMARY = re.compile(r"^(\d+) errors?, (\d+) warnings? in (\d+) files?")


def _expected(case: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((case / "expected.yaml").read_text(encoding="utf-8"))
    return data


def _parse(stderr: str) -> tuple[list[re.Match[str]], str]:
    """Split stderr into diagnostic lines (each must match the format) and the summary line."""
    lines = stderr.splitlines()
    assert lines, "check printed nothing on stderr"
    *body, last = lines
    assert SUMMARY.match(last), f"last stderr line is not a summary: {last!r}"
    matches = []
    for line in body:
        m = LINE.match(line)
        assert m, f"stderr line is not 'path:line:col: severity: message [CODE]': {line!r}"
        matches.append(m)
    return matches, last


def test_enough_cases() -> None:
    assert len(BAD) >= 25
    assert len(GOOD) >= 3


def test_every_error_code_has_a_bad_case() -> None:
    """Every E-code the loader can emit is exercised by at least one data case."""
    emitted = set()
    for path in (ROOT / "studytool" / "source").glob("*.py"):
        emitted |= set(re.findall(r'"(E\d{3})"', path.read_text(encoding="utf-8")))
    covered = {d["code"] for case in BAD for d in _expected(case)["diagnostics"]}
    assert emitted - covered == set(), "error codes without a bad-input case"


@pytest.mark.parametrize("case", BAD, ids=[p.name for p in BAD])
def test_bad_case(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # anything a payload might write would land here
    src = case / "src"
    expected = _expected(case)["diagnostics"]
    code, out, err = run_cli("check", str(src))

    assert code == 1, err
    assert out == ""
    assert "Traceback" not in err and "internal error" not in err
    found, last = _parse(err)
    errors = [m for m in found if m["sev"] == "error"]
    for m in found:
        assert int(m["line"]) >= 1 and int(m["col"]) >= 1
    missing = []
    for want in expected:
        prefix = f"{src / want['file']}:{want['line']}:"
        if "col" in want:
            prefix += f"{want['col']}:"
        hits = [
            m
            for m in errors
            if m.group(0).startswith(prefix)
            and m["code"] == want["code"]
            and want.get("message", "") in m["msg"]
        ]
        if not hits:
            missing.append(want)
    assert not missing, f"missing diagnostics {missing}\nstderr:\n{err}"
    # All problems at once, and nothing unexpected: one error line per expected diagnostic.
    assert len(errors) == len(expected), err
    assert int(SUMMARY.match(last)[1]) == len(errors)  # type: ignore[index]
    assert list(tmp_path.iterdir()) == [], "checking a source folder wrote files"


@pytest.mark.parametrize("case", GOOD, ids=[p.name for p in GOOD])
def test_good_case(case: Path) -> None:
    src = case / "src"
    code, out, err = run_cli("check", str(src))
    assert (code, out) == (0, ""), err
    assert err.startswith("0 errors, 0 warnings")
    code, out, err = run_cli("facts", str(src), "--json")
    assert code == 0, err
    by_id = {f["id"]: f for f in json.loads(out)}
    for fact_id, text in _expected(case)["contains"].items():
        fact = by_id[fact_id]
        blob = "\n".join([fact["question"], fact["answer"], *fact["items"], fact["extra"]])
        assert text in blob, f"{fact_id}: {text!r} not kept verbatim"


def test_good_bom_and_crlf_keep_locations(tmp_path: Path) -> None:
    """With a BOM and CRLF endings, a later error still points at the right line and column."""
    (tmp_path / "x.yaml").write_bytes("\ufeffid: x\r\nname: X\r\narea: [a\r\n".encode())
    (tmp_path / "y.yaml").write_bytes("\ufeffid: y\r\nname: Y\r\nregion: yes\r\n".encode())
    code, _, err = run_cli("check", str(tmp_path))
    assert code == 1
    assert f"{tmp_path / 'y.yaml'}:3:9: error: 'region' must be a string" in err
    assert re.search(rf"{re.escape(str(tmp_path / 'x.yaml'))}:4:1: error: YAML syntax error", err), err


def _huge(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "huge.yaml"
    line = b"  - " + b"x" * 76 + b"\n"
    with path.open("wb") as fh:
        fh.write(b"id: huge\nname: Huge\nnotes:\n")
        fh.write(line * (20 * 1024 * 1024 // len(line) + 1))
    assert path.stat().st_size > 20 * 1024 * 1024
    return path


def test_twenty_megabyte_file_is_refused(tmp_path: Path) -> None:
    path = _huge(tmp_path / "src")
    code, out, err = run_cli("check", str(path.parent))
    assert (code, out) == (1, "")
    assert f"{path}:1:1: error: file is " in err and "the limit is" in err and "[E001]" in err


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_non_regular_yaml_is_refused_without_blocking(tmp_path: Path, kind: str) -> None:
    """A FIFO named *.yaml would block a plain open(); a folder named *.yaml cannot be read."""
    src = tmp_path / "src"
    src.mkdir()
    odd = src / "odd.yaml"
    if kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.fail("os.mkfifo is needed for this test (POSIX)")
        os.mkfifo(odd)
    else:
        odd.mkdir()
    proc = _check_subprocess(src)
    assert proc.returncode == 1, proc.stderr
    assert f"{odd}:1:1: error: not a regular file (" in proc.stderr


def _check_subprocess(src: Path) -> subprocess.CompletedProcess[str]:
    """`python -m studytool check SRC` in a child; the timeout only guards against a hang."""
    return subprocess.run(
        [sys.executable, "-m", "studytool", "check", str(src)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env_with(),
        cwd=ROOT,
        check=False,
    )


def test_huge_file_and_alias_bomb_return_promptly_in_a_subprocess(tmp_path: Path) -> None:
    huge = _huge(tmp_path / "huge")
    proc = _check_subprocess(huge.parent)
    assert proc.returncode == 1 and proc.stdout == ""
    assert "[E001]" in proc.stderr and "Traceback" not in proc.stderr

    proc = _check_subprocess(DATA / "bad" / "alias-bomb" / "src")
    assert proc.returncode == 1 and proc.stdout == ""
    assert "anchors and aliases are not allowed in source files [E005]" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "payload",
    [
        '!!python/object/apply:os.system ["touch {marker}"]',
        '!!python/object/apply:subprocess.call [["touch", "{marker}"]]',
        '!!python/object/new:subprocess.Popen [["touch", "{marker}"]]',
        "!!python/name:os.system",
    ],
)
def test_python_tags_are_never_executed(tmp_path: Path, payload: str) -> None:
    marker = tmp_path / "PWNED"
    src = tmp_path / "src"
    src.mkdir()
    (src / "evil.yaml").write_text(
        "id: evil\nname: Evil\nanatomy:\n  origin: " + payload.format(marker=marker) + "\n", encoding="utf-8"
    )
    code, out, err = run_cli("check", str(src))
    proc = _check_subprocess(src)
    assert (code, out) == (1, "")
    assert f"{src / 'evil.yaml'}:4:11: error: YAML tag" in err and "[E006]" in err
    assert proc.returncode == 1 and "[E006]" in proc.stderr
    assert not marker.exists(), "the payload ran"


def test_symlink_loops_are_diagnostics(tmp_path: Path) -> None:
    """A media symlink loop (RuntimeError in Path.resolve) and a looping *.yaml (ELOOP)."""
    src = tmp_path / "src"
    (src / "img").mkdir(parents=True)
    (src / "img" / "loop.png").symlink_to("loop.png")
    (src / "self.yaml").symlink_to("self.yaml")
    (src / "k.yaml").write_text("id: k\nname: K\nmedia: img/loop.png\n", encoding="utf-8")
    code, out, err = run_cli("check", str(src))
    assert (code, out) == (1, "")
    assert f"{src / 'k.yaml'}:3:8: error: media path 'img/loop.png' is not a usable file name" in err
    assert f"{src / 'self.yaml'}:1:1: error: cannot read file" in err and "[E002]" in err
    assert "internal error" not in err
