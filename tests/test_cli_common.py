"""What every command shares: --version, --help with an example, lazy imports, exit codes, Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studytool import __version__
from tests.conftest import CARDS, ROOT, env_with, run_cli

HEAVY = ("genanki", "fsrs", "rapidfuzz", "yaml", "_yaml", "sqlite3", "rich", "lxml", "weasyprint", "anki")


def _command_paths() -> list[tuple[str, ...]]:
    """Every command and sub-command registered on the Typer app, found by walking click's tree."""
    import typer.main

    def walk(cmd: object, prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
        subs = getattr(cmd, "commands", None)
        if not subs:
            return [prefix]
        out = [prefix] if prefix else []
        for name, sub in sorted(subs.items()):
            out += walk(sub, (*prefix, name))
        return out

    from studytool.cli import app

    return walk(typer.main.get_command(app), ())


COMMANDS = _command_paths()


def test_the_kb_commands_are_registered() -> None:
    assert {("check",), ("facts",)} <= set(COMMANDS)


def test_version() -> None:
    assert run_cli("--version") == (0, f"studytool {__version__}\n", "")


def test_root_help_has_an_example() -> None:
    code, out, err = run_cli("--help")
    assert (code, err) == (0, "")
    assert "Example:" in out
    for name, *_ in COMMANDS:
        assert name in out


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) for p in COMMANDS])
def test_every_command_help_has_an_example(path: tuple[str, ...]) -> None:
    code, out, err = run_cli(*path, "--help")
    assert (code, err) == (0, "")
    assert f"Usage: studytool {' '.join(path)}" in out
    assert "Example:" in out, f"'studytool {' '.join(path)} --help' shows no example"


def test_unknown_command_and_option_exit_2_without_traceback() -> None:
    for args in (("frobnicate",), ("check", "--no-such-flag")):
        code, out, err = run_cli(*args)
        assert (code, out) == (2, ""), args
        assert err.strip() and "Traceback" not in err


def test_help_imports_no_heavy_module() -> None:
    """`--help` (root and every command) must stay as light as importing Typer.

    That includes the `anki` commands: Anki's library (AGPL-3.0, the optional `studytool[anki]`)
    is loaded only when one of them runs.
    """
    assert ("anki", "apply") in COMMANDS
    helps = [["--help"], *[[*p, "--help"] for p in COMMANDS]]
    child = (
        "import sys, contextlib, io\n"
        "from studytool.cli import run\n"
        f"for argv in {helps!r}:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        assert run(argv) == 0, argv\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", child], capture_output=True, text=True, timeout=120, env=env_with(), cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    loaded = set(proc.stdout.split())
    assert "typer" in loaded  # the probe really ran the CLI
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    assert heavy == [], f"--help imported {heavy}"


def test_importtime_of_help_lists_no_heavy_module() -> None:
    """The same through `python -X importtime -m studytool --help`, the way a user starts it."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "studytool", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env_with(),
        cwd=ROOT,
    )
    assert proc.returncode == 0 and "Example:" in proc.stdout
    names = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
    assert "typer" in names
    assert sorted(n for n in names if n.split(".")[0] in HEAVY) == []


def _many_entries(folder: Path, count: int = 3000) -> Path:
    folder.mkdir()
    notes = "notes:\n" + "".join(f"  - note {i} on this muscle and its trigger points\n" for i in range(300))
    for i in range(count):
        (folder / f"e{i:05d}.yaml").write_text(f"id: e{i:05d}\nname: Entry {i}\n{notes}", encoding="utf-8")
    return folder


def test_ctrl_c_exits_130_without_traceback(tmp_path: Path) -> None:
    """SIGINT while `check` reads a large folder. We wait until the child has loaded PyYAML's
    C extension (imported inside the command, so the error boundary is active) before
    interrupting; the check of 3,000 files then still has seconds to run."""
    src = _many_entries(tmp_path / "many")
    proc = subprocess.Popen(
        [sys.executable, "-m", "studytool", "check", str(src)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env_with(),
        cwd=ROOT,
    )
    proc_dir = Path(f"/proc/{proc.pid}")
    try:
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                # Right after fork the child is still a copy of this process (which has yaml
                # loaded): wait for exec (our command line), then for the child's own yaml.
                execd = b"studytool" in (proc_dir / "cmdline").read_bytes()
                if execd and "_yaml" in (proc_dir / "maps").read_text():
                    break
            except OSError:
                pass
            time.sleep(0.005)
        assert proc.poll() is None, "check finished before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    assert out == "" and "Traceback" not in err
    assert err.splitlines()[-1] == "interrupted"


def test_broken_pipe_is_quiet() -> None:
    """`studytool facts --json | head -c 10`: the reader goes away early; no traceback."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "studytool", "facts", str(ROOT / "cards_src"), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env_with(),
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    head = proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    proc.wait(timeout=60)
    assert head.startswith(b"[")
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert proc.returncode == 0, err


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"STUDYTOOL_NOW": "1772355600"}, 1772355600),
        ({"STUDYTOOL_NOW": "2026-03-01T09:00:00Z"}, 1772355600),  # the form the quiz documents
        ({"STUDYTOOL_NOW": "2026-03-01T10:00:00+01:00", "SOURCE_DATE_EPOCH": "5"}, 1772355600),
        ({"SOURCE_DATE_EPOCH": "1772355600"}, 1772355600),
    ],
)
def test_one_clock_variable_for_build_and_quiz(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: int
) -> None:
    from studytool.clock import epoch_seconds

    for name in ("STUDYTOOL_NOW", "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert epoch_seconds() == expected


def test_source_date_epoch_must_be_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    from studytool.clock import epoch_seconds
    from studytool.errors import UserError

    monkeypatch.delenv("STUDYTOOL_NOW", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "2026-03-01")
    with pytest.raises(UserError, match="SOURCE_DATE_EPOCH must be whole seconds since 1970, not"):
        epoch_seconds()


def test_unwritable_output_is_one_line_not_an_internal_error() -> None:
    # /proc refuses new folders (ENOENT): the OSError must reach the user as one plain line.
    code, out, err = run_cli("build", str(CARDS), "--out", "/proc/studytool-nope")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "internal error" not in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_early_ctrl_c_exits_130_without_traceback_at_any_moment(tmp_path: Path) -> None:
    """SIGINT at 25 moments, from the instant the entry point has its handlers (the test hook
    STUDYTOOL_TEST_STARTED marks it) through the heavy imports and into the command: every run
    exits 130 with one line and no traceback."""
    src = _many_entries(tmp_path / "many")
    for i in range(25):
        marker = tmp_path / f"started-{i}"
        proc = subprocess.Popen(
            [sys.executable, "-m", "studytool", "check", str(src)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env_with(STUDYTOOL_TEST_STARTED=str(marker), STUDYTOOL_NO_CACHE="1"),
            cwd=ROOT,
        )
        deadline = time.monotonic() + 30
        while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.0005)
        time.sleep(i * 0.005)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
        assert "Traceback" not in err, (i, err)
        assert proc.returncode == 130, (i, proc.returncode, err)
        assert err.splitlines()[-1] == "interrupted"


def test_sigterm_cleans_up_and_exits_143(tmp_path: Path) -> None:
    """SIGTERM while a build is about to swap its files in: exit 143 with no traceback, the
    previous deck untouched and no scratch or temp file left behind."""
    out = tmp_path / "decks"
    out.mkdir()
    (out / "trigger-points.apkg").write_bytes(b"previous deck")
    proc = subprocess.Popen(
        [sys.executable, "-m", "studytool", "build", str(ROOT / "cards_src"), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env_with(STUDYTOOL_TEST_PAUSE_BEFORE_REPLACE="30", STUDYTOOL_NO_CACHE="1"),
        cwd=ROOT,
    )
    paused = out / "trigger-points.apkg.paused"
    deadline = time.monotonic() + 60
    while not paused.exists() and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "Traceback" not in err
    assert (out / "trigger-points.apkg").read_bytes() == b"previous deck"
    left = sorted(p.name for p in out.iterdir())
    assert left == ["trigger-points.apkg", "trigger-points.apkg.paused"], left
