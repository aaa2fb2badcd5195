"""Shared fixtures: the repository root, the shared seed document, and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

# Keep the parse cache of the tests (and of every subprocess they start) out of the user's
# real cache folder.
os.environ.setdefault("STUDYTOOL_CACHE_DIR", tempfile.mkdtemp(prefix="studytool-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
CARDS = ROOT / "cards_src"
SEED_NAME = Path("shared") / "seeds" / "000_aad35b407585e8b9.txt"


def _find_seed() -> Path:
    """STUDYTOOL_SEED, else shared/ beside this checkout, else beside the repository it was
    cloned from (a local clone such as `git clone -q . /tmp/ci-check` keeps shared/ reachable)."""
    if os.environ.get("STUDYTOOL_SEED"):
        return Path(os.environ["STUDYTOOL_SEED"])
    candidates = [ROOT.parent / SEED_NAME]
    origin = subprocess.run(
        ["git", "-C", str(ROOT), "remote", "get-url", "origin"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if origin and Path(origin).is_dir():
        candidates.append(Path(origin).resolve().parent / SEED_NAME)
    return next((c for c in candidates if c.is_file()), candidates[0])


SEED = _find_seed()


def seed_path() -> Path:
    """The instructors' seed page (shared/, beside the clone; STUDYTOOL_SEED overrides).

    CI always lays shared/ beside the clone, so there a missing seed fails the test. On another
    machine the few tests that read it are skipped with this reason, never silently.
    """
    if SEED.is_file():
        return SEED
    if os.environ.get("CI"):
        pytest.fail(f"the seed document is missing at {SEED}; CI lays shared/ beside the clone")
    pytest.skip(f"the shared seed document is not at {SEED} (set STUDYTOOL_SEED); CI always has it")


@pytest.fixture(autouse=True)
def _no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("STUDYTOOL_DEBUG", raising=False)


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    import contextlib
    import io

    from studytool.cli import run

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(args))
    return code, out.getvalue(), err.getvalue()


def env_with(**extra: str) -> dict[str, str]:
    """The current environment plus `extra`, with colour off."""
    env = dict(os.environ, NO_COLOR="1")
    env.update(extra)
    return env
