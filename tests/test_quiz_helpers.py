"""Shared helpers for the quiz, review and stats tests: a copied knowledge base and a CLI runner.

Every run gets a fixed clock (STUDYTOOL_NOW), its own state file (STUDYTOOL_STATE), fuzzing
off and TZ=UTC, so study days start at 04:00 UTC.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CARDS, ROOT, env_with

NOW = "2026-03-01T09:00:00Z"
ANSI = "\x1b["


def quiz_env(state: Path, now: str = NOW, **extra: str) -> dict[str, str]:
    """Environment for one CLI run: fixed clock, given state, no fuzz, UTC, no colour."""
    return env_with(STUDYTOOL_STATE=str(state), STUDYTOOL_NOW=now, STUDYTOOL_FUZZ="0", TZ="UTC", **extra)


def studytool(
    *args: str, stdin: str = "", state: Path, now: str = NOW, cwd: Path | None = None, **extra: str
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess, feeding `stdin` through a real pipe."""
    return subprocess.run(
        [sys.executable, "-m", "studytool", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=quiz_env(state, now, **extra),
        cwd=cwd or ROOT,
        timeout=120,
    )


def copy_kb(dest: Path) -> Path:
    """A private copy of the real knowledge base (tests may edit or delete entries)."""
    target = dest / "kb"
    shutil.copytree(CARDS, target, ignore=shutil.ignore_patterns("*.png", "*.jpg", "*.svg"))
    return target


def rows(state: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Query a state file read-only from outside the tool."""
    conn = sqlite3.connect(f"file:{state}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def wait_for(path_check: object, timeout: float = 30.0) -> None:
    """Poll a zero-argument callable until it returns true (no timing assertion, just a wait)."""
    assert callable(path_check)
    end = time.monotonic() + timeout
    while not path_check():
        if time.monotonic() > end:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    return copy_kb(tmp_path)


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state" / "review.sqlite3"


@pytest.fixture
def utc_local(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process tests: make local time UTC so the 4 AM rollover is at 04:00Z."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def test_helpers_run_the_real_cli(tmp_path: Path) -> None:
    proc = studytool("--version", state=tmp_path / "s.db")
    assert proc.returncode == 0 and proc.stdout.startswith("studytool ")
    assert os.environ.get("STUDYTOOL_STATE") != str(tmp_path / "s.db")
