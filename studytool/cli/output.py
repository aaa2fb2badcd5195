"""Terminal output: one place that decides colour (NO_COLOR, TERM=dumb, pipes)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def color_enabled(stream: object = None) -> bool:
    """Colour only on a TTY, and never with NO_COLOR set or TERM=dumb."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def console(stderr: bool = False) -> Console:
    """A rich console for stdout (or stderr) that honours `color_enabled`."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    color = color_enabled(stream)
    return Console(
        file=stream,
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
        markup=False,  # a text such as '[bold]' or '[/x]' from a source prints as written
        emoji=False,
        soft_wrap=not color,
    )
