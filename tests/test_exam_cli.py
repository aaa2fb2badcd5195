"""`studytool exam` end to end: files, exit codes, byte-identical output under any PYTHONHASHSEED."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import env_with, run_cli

KB_DIR = Path(__file__).parent / "golden" / "exam" / "kb"


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_one_command_gives_versions_and_keys(tmp_path: Path) -> None:
    out = tmp_path / "exam"
    code, stdout, stderr = run_cli(
        "exam", str(KB_DIR), "--out", str(out), "--count", "8", "--versions", "3", "--seed", "5"
    )
    assert code == 0, stderr
    names = {p.name for p in out.iterdir()}
    for v in "ABC":
        assert {f"exam-{v}.md", f"exam-{v}.html", f"key-{v}.html", f"key-{v}.md"} <= names
        assert {f"exam-{v}.gift.txt", f"exam-{v}.moodle.xml", f"exam-{v}.qti.zip"} <= names
    assert "exam.json" in names and not any(n.startswith(".") for n in names)
    assert stdout.splitlines() == [str(out / n) for n in sorted(names)]
    assert "8 questions, version(s) A, B, C" in stderr
    data = json.loads((out / "exam.json").read_text(encoding="utf-8"))
    assert set(data) == {"title", "seed", "versions"} and data["seed"] == "5"
    q = data["versions"][0]["questions"][0]
    assert {"id", "type", "fact_ids", "stem", "options", "correct", "points"} <= set(q)


def test_same_bytes_under_different_hash_seeds(tmp_path: Path) -> None:
    outs = []
    for hash_seed in ("0", "12345"):
        out = tmp_path / f"h{hash_seed}"
        args = ["exam", str(KB_DIR), "--out", str(out), "--count", "10", "--versions", "2", "--seed", "s"]
        proc = subprocess.run(
            [sys.executable, "-m", "studytool", *args],
            env=env_with(PYTHONHASHSEED=hash_seed),
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        outs.append(digest(out))
    assert outs[0] == outs[1]


def test_not_enough_material_exits_2_and_says_what_is_short(tmp_path: Path) -> None:
    code, stdout, stderr = run_cli(
        "exam", str(KB_DIR), "--out", str(tmp_path / "x"), "--count", "50", "--muscle", "piriformis"
    )
    assert code == 2 and stdout == ""
    assert "asked for 50 questions, but only" in stderr and "1 muscle" in stderr
    assert not (tmp_path / "x").exists()


def test_bad_options_exit_2(tmp_path: Path) -> None:
    out = str(tmp_path / "x")
    for args, message in (
        (["--format", "md,docx"], "unknown format 'docx'"),
        (["--types", "essay"], "unknown question type 'essay'"),
        (["--versions", "0"], "--versions must be between 1 and 26"),
        (["--muscle", "piriformus"], "did you mean 'piriformis'"),
    ):
        code, _, stderr = run_cli("exam", str(KB_DIR), "--out", out, *args)
        assert code == 2, (args, stderr)
        assert message in stderr and "Traceback" not in stderr


def test_pdf_one_document_per_version(tmp_path: Path) -> None:
    out = tmp_path / "pdf"
    code, _, stderr = run_cli(
        "exam", str(KB_DIR), "--out", str(out), "--count", "6", "--versions", "2", "--format", "pdf"
    )
    assert code == 0, stderr
    for name in ("exam-A.pdf", "exam-B.pdf", "key-A.pdf", "key-B.pdf"):
        data = (out / name).read_bytes()
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-32:]
    assert not (out / "exam-A.html").exists()


def test_pdf_without_weasyprint_is_a_clear_exit_2(tmp_path: Path) -> None:
    script = (
        "import sys; sys.modules['weasyprint'] = None\n"
        "from studytool.cli import run\n"
        f"sys.exit(run(['exam', {str(KB_DIR)!r}, '--out', {str(tmp_path / 'p')!r}, '--format', 'pdf',"
        " '--count', '4']))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env_with())
    assert proc.returncode == 2
    assert "pip install 'studytool[pdf]'" in proc.stderr and "Traceback" not in proc.stderr


def test_out_is_a_file_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    code, _, stderr = run_cli("exam", str(KB_DIR), "--out", str(target), "--count", "4")
    assert code == 2 and "not a folder" in stderr


def test_help_has_example() -> None:
    code, stdout, _ = run_cli("exam", "--help")
    assert code == 0 and "Example: studytool exam" in stdout
