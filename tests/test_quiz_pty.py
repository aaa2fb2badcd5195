"""The quiz in a real pseudo-terminal (pexpect): prompts, keys, Ctrl-C → 130 with answers kept."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect

from tests.conftest import ROOT
from tests.test_quiz_helpers import kb_dir, quiz_env, rows, state  # noqa: F401


def spawn(kb: Path, st: Path, *extra: str) -> pexpect.spawn:
    env = quiz_env(st)
    env.pop("NO_COLOR")
    env["TERM"] = "xterm-256color"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "studytool", "quiz", str(kb), "--muscle", "gluteus-medius", "--facet", "innervation", *extra],
        env=env,
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 200),
    )
    return child


def reveal(child: pexpect.spawn) -> str:
    """Answer the flip prompt with Enter and wait for the grade prompt; returns what came between."""
    child.expect("Enter to reveal")
    child.sendline("")
    child.expect("Grade")
    return str(child.before)


def finish(child: pexpect.spawn) -> int | None:
    """Wait for the process to end and return its exit status."""
    child.expect(pexpect.EOF)
    child.close()
    status: int | None = child.exitstatus
    return status


def test_flip_session_in_a_pty(kb_dir: Path, state: Path) -> None:  # noqa: F811
    child = spawn(kb_dir, state)
    child.expect("Which nerve supplies the gluteus medius")
    assert "Superior gluteal nerve" in reveal(child)
    child.sendline("x")  # unknown key: a hint, then the same prompt
    child.expect("type 1 Again")
    child.sendline("3")
    child.expect("next in 10 min")
    child.expect("Enter to reveal")
    child.sendline("e")
    child.expect("innervation: Superior gluteal nerve")
    child.sendline("q")
    child.expect("Reviewed 1")
    assert finish(child) == 0
    assert rows(state, "SELECT fact_id, rating FROM reviews") == [("gluteus-medius__innervation", 3)]


def test_type_mode_in_a_pty_shows_diff_and_accepts_the_suggestion(kb_dir: Path, state: Path) -> None:  # noqa: F811
    child = spawn(kb_dir, state, "--mode", "type")
    child.expect("Your answer: ")
    child.sendline("gluteus minimus nerve")
    child.expect("not the answer")
    child.expect(r"Enter = 1 Again")
    child.sendline("")
    child.expect("Again")
    child.expect("Your answer")  # the next card is a list
    child.sendline("u")
    child.expect("undone")
    child.expect("Your answer: ")
    child.sendline("sup gluteal n.")
    child.expect("correct")
    child.expect(r"Enter = 3 Good")
    child.sendline("")
    child.expect("Your answer")
    child.sendeof()
    child.expect("Reviewed 1 · 100% correct")
    assert finish(child) == 0
    got = rows(state, "SELECT kind, rating, typed FROM reviews ORDER BY id")
    assert got == [
        ("review", 1, "gluteus minimus nerve"),
        ("undo", None, None),
        ("review", 3, "sup gluteal n."),
    ]


def test_ctrl_c_exits_130_and_keeps_answers(kb_dir: Path, state: Path) -> None:  # noqa: F811
    child = spawn(kb_dir, state)
    reveal(child)
    child.sendline("4")
    child.expect("next in")
    child.expect("Enter to reveal")
    child.sendintr()
    child.expect("Reviewed 1")
    assert finish(child) == 130
    assert "Traceback" not in (child.before or "")
    assert rows(state, "SELECT rating FROM reviews") == [(4,)]
    assert rows(state, "PRAGMA integrity_check") == [("ok",)]
