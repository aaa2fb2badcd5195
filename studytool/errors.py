"""Diagnostics (problems in the user's files) and user errors (the tool cannot run)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes shared by every command."""

    OK = 0
    INPUT = 1
    CANNOT_RUN = 2
    INTERRUPTED = 130


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based position in a source file."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{printable(self.path)}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in the user's input."""

    location: Location
    code: str
    message: str
    severity: str = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        # One line per diagnostic, whatever the message quotes from the file.
        return f"{self.location}: {self.severity}: {printable(self.message)} [{self.code}]"


# Control characters (C0, DEL, C1), line and paragraph separators, and the bidirectional
# overrides that reorder what a terminal shows: written as escapes, never sent raw.
_ESCAPES = {
    c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"
    for c in (*range(32), *range(0x7F, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
}
_ESCAPES.update({ord("\n"): "\\n", ord("\t"): "\\t", ord("\r"): "\\r"})


def printable(text: str) -> str:
    """Text safe for a terminal line: control characters escaped, undecodable bytes as \\xNN."""
    if any(0xDC80 <= ord(c) <= 0xDCFF for c in text):  # a file name with non-UTF-8 bytes
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text.translate(_ESCAPES)


class UserError(Exception):
    """The tool cannot run (missing folder, corrupt state, bad flags). Exit code 2."""

    exit_code = ExitCode.CANNOT_RUN


class InputError(Exception):
    """The user's input has problems; carries every diagnostic. Exit code 1."""

    exit_code = ExitCode.INPUT

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.location, d.code))
        super().__init__(f"{len(self.diagnostics)} problem(s) in the input")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ' (did you mean 'x'?)' for the closest choice, or ''."""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def summary(diagnostics: Iterable[Diagnostic], files: int) -> str:
    """One-line summary such as '2 errors, 1 warning in 7 files'."""
    diags = list(diagnostics)
    errors = sum(d.is_error for d in diags)
    warnings = len(diags) - errors

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in {plural(files, 'file')}"
