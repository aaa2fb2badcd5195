"""A build killed with SIGKILL mid-write leaves the previous deck and lock valid."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from studytool.atomic import PAUSE_ENV
from tests.conftest import ROOT, env_with
from tests.test_anki_support import T1, copy_kb, edit, expected, import_apkg, new_collection


def _command(src: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "studytool", "build", str(src), "--out", str(out)]


def _build(src: Path, out: Path) -> None:
    done = subprocess.run(
        _command(src, out), cwd=ROOT, env=env_with(STUDYTOOL_NOW=str(T1)), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_sigkill_mid_write_keeps_previous_deck(tmp_path: Path) -> None:
    src, out = copy_kb(tmp_path / "src"), tmp_path / "decks"
    _build(src, out)
    apkg, lock = out / "trigger-points.apkg", out / "trigger-points.lock.json"
    old_apkg, old_lock = apkg.read_bytes(), lock.read_bytes()

    edit(src / "splenius-capitis.yaml", "Neck stiffness", "Stiff neck")
    env = env_with(STUDYTOOL_NOW=str(T1), **{PAUSE_ENV: "60"})
    proc = subprocess.Popen(_command(src, out), cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    marker = Path(f"{apkg}.paused")
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, "build ended before the pause point"
        assert time.monotonic() < deadline, "build never reached the pause point"
        time.sleep(0.05)
    temps = list(out.glob(".trigger-points.apkg.tmp-*"))
    assert len(temps) == 1 and temps[0].stat().st_size > 0  # the new deck was fully written aside
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL

    assert apkg.read_bytes() == old_apkg and lock.read_bytes() == old_lock
    with zipfile.ZipFile(apkg) as zf:
        assert zf.testzip() is None
    col = new_collection(tmp_path / "anki")
    assert len(import_apkg(col, apkg).new) == expected()[0]
    col.close()

    marker.unlink()
    _build(src, out)
    assert not list(out.glob(".trigger-points.*.tmp-*")), "stale temp files are cleaned up"
    assert apkg.read_bytes() != old_apkg
