"""The real CLI through a real pipe: sessions, keys, faults, SIGKILL and concurrent sessions."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from studytool.review.migrations import SCHEMA_VERSION
from tests.conftest import ROOT
from tests.test_quiz_helpers import ANSI, NOW, kb_dir, quiz_env, rows, state, studytool, wait_for  # noqa: F401

SEL = ("--muscle", "gluteus-medius", "--facet", "innervation")
# The session's order: the nerve's back shows the levels dispute, so the levels card comes
# after the next one, the reverse "which muscles does this nerve supply?" (facts.spread).
NERVE, MUSCLES, LEVELS = (
    "gluteus-medius__innervation",
    "nerve-superior-gluteal__muscles",
    "gluteus-medius__innervation-levels",
)


def quiz(kb: Path, st: Path, stdin: str, *extra: str, now: str = NOW) -> subprocess.CompletedProcess[str]:
    return studytool("quiz", str(kb), *SEL, *extra, stdin=stdin, state=st, now=now)


def reviews(st: Path) -> list[tuple[object, ...]]:
    return rows(
        st,
        "SELECT fact_id, rating, mode, typed, cram FROM reviews r WHERE kind = 'review' "
        "AND NOT EXISTS (SELECT 1 FROM reviews u WHERE u.undoes = r.id) ORDER BY id",
    )


def test_flip_session_over_a_pipe(kb_dir: Path, state: Path) -> None:  # noqa: F811
    proc = quiz(kb_dir, state, "\n3\n\n4\n")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert ANSI not in proc.stdout
    assert "Which nerve supplies the gluteus medius?" in proc.stdout
    assert "Answer: Superior gluteal nerve" in proc.stdout
    assert "Reviewed 2 · 100% correct" in proc.stdout
    assert "Next due:" in proc.stdout
    assert [r[:3] for r in reviews(state)] == [(NERVE, 3, "flip"), (MUSCLES, 4, "flip")]
    # the reverse card's header names its facet, never the muscles that are its answer
    assert "[2] innervation\n" in proc.stdout and "Gluteus medius / Gluteus minimus" not in proc.stdout
    assert rows(state, "PRAGMA integrity_check") == [("ok",)]


def test_type_mode_near_miss_suggests_again_and_enter_accepts(kb_dir: Path, state: Path) -> None:  # noqa: F811
    muscles = "gluteus medius\ngluteus minimus\ntensor fasciae latae\n\n\n"
    stdin = f"inferior gluteal nerve\n\n{muscles}L4-S1\n\nq\n"
    proc = quiz(kb_dir, state, stdin, "--mode", "type")
    assert proc.returncode == 0, proc.stderr
    assert "'inferior' is not 'superior'" in proc.stdout
    assert "{+inferior+} [-superior-] gluteal nerve" in proc.stdout
    assert "[Enter = 1 Again]" in proc.stdout and "[Enter = 3 Good]" in proc.stdout
    got = {r[0]: (r[1], r[3]) for r in reviews(state)}
    assert got[NERVE] == (1, "inferior gluteal nerve") and got[LEVELS] == (3, "L4-S1")


def test_type_mode_list_partial_credit_and_override(kb_dir: Path, state: Path) -> None:  # noqa: F811
    # The nerve, then 'which muscles does the superior gluteal nerve supply?', then the levels.
    stdin = "superior gluteal nerve\n\nglute med\ngluteus minimus\n\n4\nL4-S1\n\n"
    proc = quiz(kb_dir, state, stdin, "--mode", "type")
    assert proc.returncode == 0, proc.stderr
    assert "2/3" in proc.stdout and "missed: Tensor fasciae latae" in proc.stdout
    assert "[Enter = 2 Hard]" in proc.stdout
    listed = next(r for r in reviews(state) if r[0] == MUSCLES)
    assert listed[1] == 4  # the user overrode the suggestion
    assert listed[3] == "glute med\ngluteus minimus"


def test_choice_mode_uses_safe_options(kb_dir: Path, state: Path) -> None:  # noqa: F811
    proc = quiz(kb_dir, state, "x\n9\n", "--mode", "choice", "--limit", "1")
    assert proc.returncode == 0, proc.stderr
    options = [ln.split(") ", 1)[1] for ln in proc.stdout.splitlines() if ln.startswith("  ") and ") " in ln]
    assert "Superior gluteal nerve" in options and len(options) == 4
    assert len({o.lower() for o in options}) == 4
    assert "type option number(s)" in proc.stdout  # 'x' and '9' were refused, then EOF ended it
    assert reviews(state) == []


def test_choice_mode_pick_is_graded(kb_dir: Path, state: Path) -> None:  # noqa: F811
    first = quiz(kb_dir, state, "q\n", "--mode", "choice")
    lines = first.stdout.splitlines()
    pick = next(ln.split(")")[0].strip() for ln in lines if ln.endswith(") Superior gluteal nerve"))
    st2 = state.with_name("other.sqlite3")
    proc = quiz(kb_dir, st2, f"{pick}\n\n", "--mode", "choice", "--limit", "1")
    assert "✓ 1/1: correct" in proc.stdout
    assert reviews(st2)[0][1:4] == (3, "choice", "Superior gluteal nerve")


def test_keys_undo_bury_entry_and_quit(kb_dir: Path, state: Path) -> None:  # noqa: F811
    stdin = "\n1\nu\ne\n\n3\ns\nq\n"
    proc = quiz(kb_dir, state, stdin)
    assert proc.returncode == 0, proc.stderr
    assert "undone: Which nerve supplies the gluteus medius?" in proc.stdout
    assert "── Gluteus medius (" in proc.stdout
    # `e` came before the answer was revealed: the entry's innervation line would give it away.
    assert "innervation: Superior gluteal nerve" not in proc.stdout
    assert "the line with the answer stays hidden until you reveal it" in proc.stdout
    assert "buried until 2026-03-02 04:00" in proc.stdout
    assert [r[:2] for r in reviews(state)] == [("gluteus-medius__innervation", 3)]
    kinds = [r[0] for r in rows(state, "SELECT kind FROM reviews ORDER BY id")]
    assert kinds == ["review", "undo", "review"]
    again = quiz(kb_dir, state, "q\n")
    assert "supplied by the superior gluteal nerve" not in again.stdout  # buried fact stays away today
    tomorrow = quiz(kb_dir, state, "\n3\n" * 4, now="2026-03-02T04:00:00Z")
    assert "supplied by the superior gluteal nerve" in tomorrow.stdout, MUSCLES


@pytest.mark.parametrize("stdin", ["", "\n\n\n", "zzz\n\x00\n7\nfoo\n", "\n", "é\n\t\n5\n0\n"])
def test_empty_unknown_and_eof_input_never_trace(kb_dir: Path, state: Path, stdin: str) -> None:  # noqa: F811
    for mode in ("flip", "type"):
        proc = quiz(kb_dir, state, stdin, "--mode", mode)
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stdout + proc.stderr
        assert "Reviewed" in proc.stdout


def test_cram_logs_as_cram_and_keeps_the_schedule(kb_dir: Path, state: Path) -> None:  # noqa: F811
    proc = quiz(kb_dir, state, "\n4\n\n4\n\n4\n", "--cram")
    assert proc.returncode == 0, proc.stderr
    assert "cram: schedule unchanged" in proc.stdout
    assert {r[4] for r in reviews(state)} == {1}
    assert rows(state, "SELECT COUNT(*) FROM cards WHERE state > 0") == [(0,)]
    stats = json.loads(studytool("stats", "--json", state=state).stdout)
    assert stats["totals"]["reviews"] == 0 and stats["totals"]["cram_reviews"] == 3


def test_new_limit_counts_across_sessions(kb_dir: Path, state: Path) -> None:  # noqa: F811
    one = studytool("quiz", str(kb_dir), "--new", "2", stdin="\n4\n\n4\n", state=state)
    assert "2 card(s) in this session" in one.stdout
    two = studytool("quiz", str(kb_dir), "--new", "2", stdin="", state=state, now="2026-03-01T20:00:00Z")
    assert "0 card(s) in this session" in two.stdout
    three = studytool("quiz", str(kb_dir), "--new", "2", stdin="", state=state, now="2026-03-02T05:00:00Z")
    assert "2 card(s) in this session" in three.stdout


def test_retired_facts_keep_their_history(kb_dir: Path, state: Path) -> None:  # noqa: F811
    assert quiz(kb_dir, state, "\n4\n\n4\n\n4\n").returncode == 0
    source = kb_dir / "gluteus-medius.yaml"
    text = source.read_text()
    assert "    levels: L4–S1\n" in text
    source.write_text(text.replace("    levels: L4–S1\n", ""))  # the levels fact disappears
    proc = studytool("quiz", str(kb_dir), "--limit", "1", stdin="q\n", state=state)
    assert proc.returncode == 0, proc.stderr
    assert "retired (history kept)" in proc.stdout
    gone = LEVELS
    assert rows(state, "SELECT reps, retired IS NOT NULL FROM cards WHERE fact_id = ?", gone) == [(1, 1)]
    assert [r[0] for r in reviews(state)] == [NERVE, MUSCLES, gone]
    stats = json.loads(studytool("stats", "--json", state=state).stdout)
    assert stats["totals"]["retired"] >= 1 and stats["totals"]["reviews"] == 3


@pytest.mark.parametrize("kind", ["garbage", "corrupt", "newer", "readonly"])
def test_bad_state_exits_2_and_overwrites_nothing(
    kb_dir: Path,  # noqa: F811
    state: Path,  # noqa: F811
    kind: str,
) -> None:
    state.parent.mkdir(parents=True)
    if kind == "garbage":
        state.write_text("not a database\n")
    else:
        assert quiz(kb_dir, state, "\n3\n").returncode == 0
        conn = sqlite3.connect(state)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if kind == "newer":
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
        conn.close()
        if kind == "corrupt":
            raw = bytearray(state.read_bytes())
            raw[100:2000] = os.urandom(1900)
            state.write_bytes(bytes(raw))
        if kind == "readonly":
            state.chmod(0o444)
    before = state.read_bytes()
    try:
        for args in (("quiz", str(kb_dir)), ("stats",), ("reviews", "export")):
            proc = studytool(*args, stdin="\n3\n", state=state)
            assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
            assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr
            assert "Traceback" not in proc.stderr
        assert state.read_bytes() == before
    finally:
        state.chmod(0o644)


def test_bad_flags_exit_2(kb_dir: Path, state: Path) -> None:  # noqa: F811
    for extra in (
        ("--muscle", "gluteus-medus"),
        ("--facet", "nerves"),
        ("--mode", "oral"),
        ("--retention", "2"),
    ):
        proc = studytool("quiz", str(kb_dir), *extra, stdin="", state=state)
        assert proc.returncode == 2, (extra, proc.stderr)
    proc = studytool("quiz", str(kb_dir), "--muscle", "gluteus-medus", stdin="", state=state)
    assert "did you mean 'gluteus-medius'" in proc.stderr
    bad_now = studytool("stats", state=state, now="yesterday")
    assert bad_now.returncode == 2 and "STUDYTOOL_NOW" in bad_now.stderr


def _spawn(kb: Path, st: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "studytool", "quiz", str(kb), "--new", "20", *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=quiz_env(st),
        cwd=ROOT,
    )


def _count(st: Path) -> int:
    try:
        n = rows(st, "SELECT COUNT(*) FROM reviews")[0][0]
    except sqlite3.Error:
        return -1
    assert isinstance(n, int)
    return n


def test_sigkill_mid_session_keeps_every_answer(kb_dir: Path, state: Path) -> None:  # noqa: F811
    with _spawn(kb_dir, state) as proc:
        assert proc.stdin is not None
        for _ in range(3):
            proc.stdin.write("\n3\n")
        proc.stdin.flush()
        wait_for(lambda: _count(state) == 3)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert rows(state, "PRAGMA integrity_check") == [("ok",)]
    assert len(reviews(state)) == 3
    # the next session starts cleanly and continues
    after = studytool("quiz", str(kb_dir), "--limit", "1", stdin="\n3\n", state=state)
    assert after.returncode == 0, after.stderr
    assert len(reviews(state)) == 4


def test_two_sessions_at_once_both_work(kb_dir: Path, state: Path) -> None:  # noqa: F811
    first = studytool("quiz", str(kb_dir), "--limit", "1", stdin="\n3\n", state=state)
    assert first.returncode == 0
    with _spawn(kb_dir, state, "--limit", "4") as a, _spawn(kb_dir, state, "--limit", "4") as b:
        for p in (a, b):
            assert p.stdin is not None
            p.stdin.write("\n3\n\n3\n")
            p.stdin.flush()
        wait_for(lambda: _count(state) == 5)
        outs = [p.communicate("\n1\n\n1\n", timeout=60) for p in (a, b)]
    for p, (out, err) in zip((a, b), outs, strict=True):
        assert p.returncode == 0, err
        assert "Reviewed 4" in out
    assert len(reviews(state)) == 9
    assert rows(state, "PRAGMA integrity_check") == [("ok",)]


def test_export_csv_and_fsrs(kb_dir: Path, state: Path) -> None:  # noqa: F811
    quiz(kb_dir, state, "\n1\n\n2\nu\n\n4\n\n3\n")
    table = list(csv.DictReader(io.StringIO(studytool("reviews", "export", state=state).stdout)))
    assert [r["rating"] for r in table] == ["1", "4", "3"]  # the undone '2' is left out
    assert {r["fact_id"] for r in table} >= {"gluteus-medius__innervation"}
    fsrs = studytool("reviews", "export", "--format", "fsrs", state=state).stdout.splitlines()
    assert fsrs[0] == "card_id,review_time,review_rating,review_state,review_duration"
    first = fsrs[1].split(",")
    assert first[1] == "1772355600000" and first[2] == "1" and first[3] == "0"
    bad = studytool("reviews", "export", "--format", "xlsx", state=state)
    assert bad.returncode == 2 and "unknown format" in bad.stderr


def test_choice_mode_asks_an_open_list_by_its_heading(kb_dir: Path, state: Path) -> None:  # noqa: F811
    """'Name two …' would contradict 'Pick all that apply': the list's heading is shown instead."""
    args = ("quiz", str(kb_dir), "--muscle", "gluteus-medius", "--facet", "differentials", "--mode", "choice")
    proc = studytool(*args, "--limit", "1", stdin="q\n", state=state)
    assert proc.returncode == 0, proc.stderr
    assert "Conditions that trigger points in the gluteus medius are often mistaken for:" in proc.stdout
    assert "Pick all that apply" in proc.stdout and "Name two" not in proc.stdout
