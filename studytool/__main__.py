"""Entry point of the `studytool` script and of `python -m studytool`.

Signals are handled before anything heavy is imported: a Ctrl-C while the tool is still
starting exits 130 at once, with one line and no traceback (nothing has been written yet).
Only the Python interpreter's own start-up, before this module runs, is outside our reach.
Once the command runs, Ctrl-C raises KeyboardInterrupt so that every output's cleanup runs,
and SIGTERM does the same with exit status 143.
"""

import os
import signal


def _early_interrupt(signum: int, frame: object) -> None:
    os.write(2, b"interrupted\n")
    os._exit(130)


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main() -> None:
    """Install the signal handlers, then run the CLI."""
    signal.signal(signal.SIGINT, _early_interrupt)
    signal.signal(signal.SIGTERM, _terminate)
    started = os.environ.get("STUDYTOOL_TEST_STARTED")  # tests: the handlers are in place
    if started:
        os.close(os.open(started, os.O_WRONLY | os.O_CREAT, 0o600))
    from studytool.cli import main as cli_main

    signal.signal(signal.SIGINT, signal.default_int_handler)
    cli_main()


if __name__ == "__main__":
    main()
