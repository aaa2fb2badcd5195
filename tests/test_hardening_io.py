"""Hostile inputs and interrupted runs, with the real thing: FIFOs, devices, symlinks out of the
source folder, concurrent processes, SIGKILL and a full disk. Each test reproduces one attack
from the hardening review and checks the promise the README makes."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import env_with

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "cards_src"
HANG = 60  # seconds: a run that takes longer than this is hanging


def run(*args: str, timeout: float = HANG, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studytool", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env_with(STUDYTOOL_NO_CACHE="1", **env),
        cwd=ROOT,
    )


def one_line_error(proc: subprocess.CompletedProcess[str], code: int = 2) -> str:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    return proc.stderr


def small_src(tmp_path: Path, variant: str = "") -> Path:
    """A private copy of the small, self-contained fixture knowledge base (two neck muscles)."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "tests" / "data" / "anki" / "kb", src)
    if variant:
        entry = src / "levator-scapulae.yaml"
        text = entry.read_text(encoding="utf-8").replace("area: Side", f"area: ({variant}) Side", 1)
        entry.write_text(text, encoding="utf-8")
    return src


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pair_matches(out: Path) -> bool:
    lock = json.loads((out / "trigger-points.lock.json").read_text(encoding="utf-8"))
    return bool(lock["package"]["sha256"] == sha(out / "trigger-points.apkg"))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --- 1. special files never hang or exhaust a reader -----------------------------------------


@pytest.mark.parametrize("where", ["x.yaml", "sub/unused-fifo"])
def test_a_fifo_under_the_source_folder_never_hangs_build(tmp_path: Path, where: str) -> None:
    src = small_src(tmp_path)
    fifo = src / where
    fifo.parent.mkdir(exist_ok=True)
    os.mkfifo(fifo)
    out = tmp_path / "out"
    build = run("build", str(src), "--out", str(out))
    if where == "x.yaml":
        assert build.returncode == 1, build.stderr
        assert f"{fifo}:1:1: error: not a regular file (a FIFO) [E002]" in build.stderr
    else:
        assert build.returncode == 0, build.stderr
        assert run("build", str(src), "--out", str(out), "--check").returncode == 0


def test_a_link_to_dev_zero_is_an_error_not_an_exhausted_machine(tmp_path: Path) -> None:
    src = small_src(tmp_path)
    (src / "zero.yaml").symlink_to("/dev/zero")
    (src / "media").mkdir()
    (src / "media" / "zero.png").symlink_to("/dev/zero")  # read by the build's input digest
    check = run("check", str(src))
    assert check.returncode == 1
    assert "zero.yaml:1:1: error:" in check.stderr and "[E002]" in check.stderr
    assert run("build", str(src), "--out", str(tmp_path / "out")).returncode == 1


# --- 2. symlinks out of the source folder -------------------------------------------------------


def test_a_link_out_of_the_source_folder_is_refused_without_echoing_it(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:SECRET-HASH:19000:0:99999:7:::\n", encoding="utf-8")
    src = small_src(tmp_path)
    (src / "x.yaml").symlink_to(secret)
    check = run("check", str(src))
    assert check.returncode == 1
    assert "links outside the folder" in check.stderr
    assert "SECRET" not in check.stderr and "19000" not in check.stderr
    assert "SECRET" not in run("build", str(src), "--out", str(tmp_path / "o")).stderr


# --- 4. outputs are all-or-nothing ----------------------------------------------------------------


def test_two_concurrent_builds_into_one_folder_leave_a_consistent_pair(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = small_src(tmp_path / "a", "version A"), small_src(tmp_path / "b", "version B")
    out = tmp_path / "decks"
    for _ in range(4):
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "studytool", "build", str(s), "--out", str(out)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env_with(STUDYTOOL_NO_CACHE="1"),
                cwd=ROOT,
            )
            for s in (a, b)
        ]
        for p in procs:
            _, err = p.communicate(timeout=HANG)
            assert p.returncode == 0, err
        assert pair_matches(out)
        checks = [run("build", str(s), "--out", str(out), "--check").returncode for s in (a, b)]
        assert sorted(checks) == [0, 1], checks  # exactly one source built what is there
        assert leftovers(out) == []


def test_sigkill_at_random_moments_never_leaves_a_mismatched_pair(tmp_path: Path) -> None:
    src = small_src(tmp_path)
    out = tmp_path / "decks"
    assert run("build", str(src), "--out", str(out)).returncode == 0
    scratch = set(Path(os.environ.get("TMPDIR", "/tmp")).glob("studytool-build-*"))
    rng = random.Random(15)
    for i in range(12):
        # Each build changes a note, so a finished build and an interrupted one differ.
        (src / "extra.yaml").write_text(
            f"id: extra\nname: Extra {i}\narea: Somewhere {i}.\n", encoding="utf-8"
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "studytool", "build", str(src), "--out", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env_with(STUDYTOOL_NO_CACHE="1"),
            cwd=ROOT,
        )
        time.sleep(rng.uniform(0.2, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=HANG)
        # The next run (a check) finishes or clears what the killed one left, then reads.
        run("build", str(src), "--out", str(out), "--check")
        assert pair_matches(out), f"kill {i}: the deck and its lock do not match"
        assert leftovers(out) == [], leftovers(out)
    assert set(Path(os.environ.get("TMPDIR", "/tmp")).glob("studytool-build-*")) <= scratch


def test_interrupted_exam_over_an_existing_set_keeps_the_old_set(tmp_path: Path) -> None:
    out = tmp_path / "exam"
    args = ("exam", str(SRC), "--out", str(out), "--count", "5", "--format", "md")
    first = run(*args, "--seed", "1")
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "studytool", *args, "--seed", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env_with(STUDYTOOL_TEST_PAUSE_BEFORE_REPLACE="30", STUDYTOOL_NO_CACHE="1"),
        cwd=ROOT,
    )
    marker = Path(f"{out}.paused")
    deadline = time.monotonic() + HANG
    while not marker.exists():
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=HANG)
    assert proc.returncode == 130 and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exam", "exam.paused"]


def test_exam_never_replaces_the_source_folder_or_foreign_files(tmp_path: Path) -> None:
    src = Path(shutil.copytree(SRC, tmp_path / "src"))
    inside = run("exam", str(src), "--out", str(src), "--count", "3", "--format", "md")
    assert "overlaps the source folder" in one_line_error(inside)
    assert sorted(p.name for p in src.iterdir()) == sorted(p.name for p in SRC.iterdir())
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.docx").write_bytes(b"an instructor's file")
    foreign = run("exam", str(src), "--out", str(mine), "--count", "3", "--format", "md")
    assert "not an exam set" in one_line_error(foreign)
    assert (mine / "notes.docx").read_bytes() == b"an instructor's file"


def test_an_interrupted_import_writes_no_entry(tmp_path: Path) -> None:
    seed = ROOT / "tests" / "data" / "import"
    pages = [seed / "vastus_lateralis.md", seed / "piriformis_plain.txt"]
    assert pages, "import fixtures are missing"
    out = tmp_path / "cards"
    out.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "studytool", "import", *map(str, pages), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env_with(STUDYTOOL_TEST_PAUSE_BEFORE_REPLACE="30", STUDYTOOL_NO_CACHE="1"),
        cwd=ROOT,
    )
    deadline = time.monotonic() + HANG
    while not list(out.glob("*.paused")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=HANG)
    assert proc.returncode == 130, err
    assert not list(out.glob("*.yaml")) and not list(out.glob(".*tmp*"))


# --- 5. an output never overwrites an input ----------------------------------------------------


@pytest.mark.parametrize("target", ["deck", "lock", "source"])
def test_tsv_never_overwrites_the_deck_its_lock_or_a_source(tmp_path: Path, target: str) -> None:
    src = small_src(tmp_path)
    out = tmp_path / "decks"
    assert run("build", str(src), "--out", str(out)).returncode == 0
    path = {
        "deck": out / "trigger-points.apkg",
        "lock": out / "trigger-points.lock.json",
        "source": src / "levator-scapulae.yaml",
    }[target]
    before = path.read_bytes()
    proc = run("build", str(src), "--out", str(out), "--tsv", str(path))
    one_line_error(proc)
    assert path.read_bytes() == before


# --- 6 and 7. damaged files and odd values are one plain line ---------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe not utf-8",
        b'{"format": 1, "notes": {"g": {"fact": "x", "hash": "h", "mod": 1e400}}}',
        b"[" * 100_000,
    ],
    ids=["not-utf8", "huge-mod", "deep-json"],
)
def test_a_damaged_lock_is_one_line(tmp_path: Path, content: bytes) -> None:
    src = small_src(tmp_path)
    out = tmp_path / "decks"
    out.mkdir()
    (out / "trigger-points.lock.json").write_bytes(content)
    err = one_line_error(run("build", str(src), "--out", str(out)))
    assert "lock file" in err and "corrupt" in err


def test_a_lock_of_another_deck_is_refused(tmp_path: Path) -> None:
    src = small_src(tmp_path)
    out = tmp_path / "decks"
    assert run("build", str(src), "--out", str(out)).returncode == 0
    lock = out / "trigger-points.lock.json"
    lock.write_text(
        lock.read_text(encoding="utf-8").replace('"Trigger Points"', '"Other Deck"'), encoding="utf-8"
    )
    assert "is the lock of deck 'Other Deck'" in one_line_error(run("build", str(src), "--out", str(out)))


def test_a_deleted_lock_is_warned_about(tmp_path: Path) -> None:
    src = small_src(tmp_path)
    out = tmp_path / "decks"
    assert run("build", str(src), "--out", str(out)).returncode == 0
    (out / "trigger-points.lock.json").unlink()
    again = run("build", str(src), "--out", str(out))
    assert again.returncode == 0
    assert "overwrite students' own edits" in again.stderr and "git checkout" in again.stderr


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "99999999999999999999"])
def test_studytool_now_out_of_range_is_one_line(tmp_path: Path, value: str) -> None:
    src = small_src(tmp_path)
    err = one_line_error(run("build", str(src), "--out", str(tmp_path / "o"), STUDYTOOL_NOW=value))
    assert "out of range" in err
    quiz = run("quiz", str(src), "--state", str(tmp_path / "s.sqlite"), STUDYTOOL_NOW=value)
    assert "out of range" in one_line_error(quiz)


@pytest.mark.parametrize("points", ["inf", "nan", "-1", "0"])
def test_exam_points_must_be_a_finite_positive_number(tmp_path: Path, points: str) -> None:
    proc = run("exam", str(SRC), "--out", str(tmp_path / "e"), "--count", "2", "--points", points)
    assert "--points" in one_line_error(proc)
    assert not (tmp_path / "e").exists()


def test_a_damaged_state_row_is_one_line_naming_the_fact(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    piped = "\n3\n" * 2 + "q\n"
    first = subprocess.run(
        [sys.executable, "-m", "studytool", "quiz", str(SRC), "--state", str(state), "--new", "2"],
        input=piped, capture_output=True, text=True, timeout=HANG, env=env_with(), cwd=ROOT,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    with sqlite3.connect(state) as db:
        fact = db.execute("SELECT fact_id FROM cards WHERE card IS NOT NULL LIMIT 1").fetchone()[0]
        db.execute("UPDATE cards SET card = '{not json' WHERE fact_id = ?", (fact,))
    again = run("quiz", str(SRC), "--state", str(state), STUDYTOOL_NOW="2030-01-01T00:00:00Z")
    err = one_line_error(again)
    assert "is damaged" in err


def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("PRAGMA user_version = 3")
        db.execute("CREATE TABLE contacts (name TEXT)")
    before = other.read_bytes()
    err = one_line_error(run("quiz", str(SRC), "--state", str(other)))
    assert "not a studytool review state" in err
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite"]  # no -wal, no -shm


def test_a_typed_answer_with_invalid_utf8_is_graded_and_saved(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    proc = subprocess.run(
        [sys.executable, "-m", "studytool", "quiz", str(SRC), "--mode", "type", "--state", str(state)],
        input=b"obturator \xff\xfe nerve\n\nq\n", capture_output=True, timeout=HANG, env=env_with(), cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert b"Traceback" not in proc.stderr
    with sqlite3.connect(state) as db:
        assert db.execute("SELECT COUNT(*) FROM reviews WHERE kind != 'undo'").fetchone()[0] == 1


def test_an_import_page_with_a_non_utf8_name_or_a_fifo_is_a_diagnostic(tmp_path: Path) -> None:
    odd = os.fsdecode(bytes(tmp_path) + b"/page-\xff.txt")
    Path(odd).write_text("Piriformis\n", encoding="utf-8")
    fifo = tmp_path / "page.txt"
    os.mkfifo(fifo)
    proc = run("import", odd, str(fifo), "--dry-run", "--out", str(tmp_path / "o"))
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert "page-\\xff.txt" in proc.stderr
    assert "not a regular file (a FIFO) [E602]" in proc.stderr


# --- 8. the parse cache follows every code change ------------------------------------------------


def test_the_parse_cache_is_keyed_by_the_whole_package(tmp_path: Path) -> None:
    from studytool import fingerprint
    from studytool.source import cache

    assert cache.code_fingerprint is fingerprint.code_fingerprint
    package = tmp_path / "studytool"
    shutil.copytree(ROOT / "studytool", package, ignore=shutil.ignore_patterns("__pycache__"))
    before = fingerprint.package_fingerprint(package)
    model = package / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "\n# a change to the model\n", encoding="utf-8")
    assert fingerprint.package_fingerprint(package) != before


# --- a full disk ---------------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> object:
    mount = tmp_path / "disk"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if proc.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"CI must be able to mount a small tmpfs (root): {proc.stderr!r}")
        pytest.skip("mounting a tmpfs needs root; the full-disk test runs in CI")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_keeps_the_previous_deck_and_says_so(tmp_path: Path, tiny_disk: Path) -> None:
    out = tiny_disk / "decks"
    assert run("build", str(small_src(tmp_path)), "--out", str(out)).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    free = shutil.disk_usage(tiny_disk).free
    (tiny_disk / "filler").write_bytes(b"\0" * max(0, free - 20_000))
    proc = run("build", str(SRC), "--out", str(out))
    err = one_line_error(proc)
    assert "No space left on device" in err or "full" in err, err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
