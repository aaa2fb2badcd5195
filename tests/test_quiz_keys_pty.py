"""Terminal review features under a real pty: single keys, shown intervals, progress, "show me",
and an empty session that says why. (Pipes keep the line protocol: tests/test_quiz_pipe.py.)"""

from __future__ import annotations

from pathlib import Path

from tests.test_quiz_helpers import kb_dir, rows, state, studytool  # noqa: F401
from tests.test_quiz_pty import finish, spawn


def test_single_keys_reveal_and_grade_with_intervals_shown(kb_dir: Path, state: Path) -> None:  # noqa: F811
    child = spawn(kb_dir, state)
    child.expect(r"done 0 · left 3")  # the progress line
    child.expect("Enter to reveal")
    child.send(" ")  # a single key, no Enter: space reveals
    child.expect("Superior gluteal nerve")
    child.expect("Again 1m · Hard 6m · Good 10m · Easy \\d+d")
    child.expect("Grade")
    child.send("3")  # one key grades at once
    child.expect("next in 10 min")
    child.expect(r"done 1 · left 3")  # the fact comes back in 10 min, this session
    child.expect("Enter to reveal")
    child.send("q")
    child.expect("Reviewed 1")
    assert finish(child) == 0
    assert rows(state, "SELECT fact_id, rating FROM reviews") == [("gluteus-medius__innervation", 3)]


def test_e_before_reveal_keeps_the_answer_hidden(kb_dir: Path, state: Path) -> None:  # noqa: F811
    child = spawn(kb_dir, state)
    child.expect("Enter to reveal")
    child.send("e")
    child.expect("stays hidden until you reveal it")
    shown = str(child.before)
    assert "Superior gluteal nerve" not in shown.split("Which nerve supplies", 1)[-1]
    child.expect("Enter to reveal")
    child.send("q")
    assert finish(child) == 0


def test_an_empty_typed_answer_shows_the_answer_and_is_not_graded_again(kb_dir: Path, state: Path) -> None:  # noqa: F811
    child = spawn(kb_dir, state, "--mode", "type")
    child.expect("Your answer: ")
    child.sendline("")
    child.expect("here it is; grade yourself")
    child.expect("Superior gluteal nerve")
    child.expect("Grade 1 Again, 2 Hard, 3 Good, 4 Easy")
    child.send("4")
    child.expect("next in")
    child.expect("Your answer")  # the next card is a list: its prompt says how to type one
    child.sendeof()
    assert finish(child) == 0
    assert rows(state, "SELECT rating, typed FROM reviews") == [(4, None)]


def test_an_empty_session_says_why_and_how_to_go_on(kb_dir: Path, state: Path) -> None:  # noqa: F811
    one = studytool("quiz", str(kb_dir), "--new", "1", stdin="\n4\n", state=state)
    assert one.returncode == 0, one.stderr
    child = spawn(kb_dir, state, "--new", "1")
    child.expect("Nothing to study: today's new-card limit is used up")
    child.expect("run with --new 11 for more")
    assert finish(child) == 0
    empty = studytool("quiz", str(kb_dir), "--new", "0", stdin="", state=state, now="2026-03-01T09:05:00Z")
    assert "Nothing to study: today's new-card limit is used up" in empty.stdout
