"""Thin Typer layer: parse options, call one library function, print, map to an exit code.

`main` is the single error boundary: input problems exit 1, anything that stops the
tool from running exits 2 with one line on stderr, Ctrl-C exits 130, and no traceback
reaches the user (set STUDYTOOL_DEBUG=1 to see one).
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys

from studytool.cli import anki as _anki  # noqa: F401
from studytool.cli import build as _build  # noqa: F401
from studytool.cli import exam as _exam  # noqa: F401
from studytool.cli import importer as _importer  # noqa: F401  (registers commands)
from studytool.cli import kb as _kb  # noqa: F401  (registers commands)
from studytool.cli import map as _map  # noqa: F401
from studytool.cli import quiz as _quiz  # noqa: F401
from studytool.cli._app import app, err
from studytool.errors import ExitCode, InputError, UserError

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    code = run(argv)
    if code == ExitCode.INTERRUPTED:
        # CPython remembers a KeyboardInterrupt that passed through exec() (dataclass
        # creation during a lazy import does this) and, under `python -m`, kills itself
        # with SIGINT at exit even though we caught it. Leave now so the status is 130.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)
    # Everything left is garbage at exit; skip the final cyclic collection over a large
    # loaded knowledge base (about 0.1 s at 1,250 entries).
    gc.freeze()
    sys.exit(code)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code instead of raising."""
    import typer

    try:
        result = app(args=argv, prog_name="studytool", standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err("interrupted")
        return ExitCode.INTERRUPTED
    except typer.TyperException as exc:  # usage errors: bad option, missing argument
        show = getattr(exc, "show", None)
        if show:
            show()
        else:
            err(f"error: {exc}")
        return ExitCode.CANNOT_RUN
    except InputError as exc:
        for d in exc.diagnostics:
            err(str(d))
        err(f"{len(exc.diagnostics)} error(s); run 'studytool check' for the full report")
        return ExitCode.INPUT
    except UserError as exc:
        err(f"error: {exc}")
        return ExitCode.CANNOT_RUN
    except BrokenPipeError:
        _silence_stdout()
        return ExitCode.OK
    except OSError as exc:  # an unwritable --out, a vanished folder, a full disk
        if os.environ.get("STUDYTOOL_DEBUG"):
            raise
        where = f": {exc.filename}" if exc.filename else ""
        err(f"error: {exc.strerror or exc}{where}")
        return ExitCode.CANNOT_RUN
    except Exception as exc:
        if os.environ.get("STUDYTOOL_DEBUG"):
            raise
        err(f"error: internal error: {type(exc).__name__}: {exc} (set STUDYTOOL_DEBUG=1 for details)")
        return ExitCode.CANNOT_RUN
    if result == ExitCode.INTERRUPTED:  # typer turns KeyboardInterrupt into Exit(130)
        err("interrupted")
    return int(result) if isinstance(result, int) else ExitCode.OK


def _silence_stdout() -> None:
    """After EPIPE (e.g. `| head`), point stdout at devnull so interpreter exit stays quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
