"""One key from a terminal, without waiting for Enter (POSIX termios; the quiz's TTY grading)."""

from __future__ import annotations

import os
from typing import TextIO

ENTER = "\n"
EOF_KEY = "\x04"


def single_keys(stream: TextIO) -> bool:
    """True when `stream` is a terminal that can deliver single keys."""
    try:
        import termios

        termios.tcgetattr(stream.fileno())
    except (ImportError, OSError, ValueError, AttributeError):
        return False
    return True


def read_key(stream: TextIO) -> str:
    """The next key pressed ('' at end of input); Enter and space are ENTER, Ctrl-D is EOF_KEY.

    The terminal is in cbreak mode only while waiting (Ctrl-C still interrupts), and whatever
    followed the key in the same burst (the newline of "3⏎") is discarded.
    """
    import termios
    import tty

    fd = stream.fileno()
    old = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        data = os.read(fd, 16)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)
        termios.tcflush(fd, termios.TCIFLUSH)
    if not data:
        return ""
    key = data.decode("utf-8", errors="replace")[:1]
    return ENTER if key in ("\r", "\n", " ") else key
