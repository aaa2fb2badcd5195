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
        return f"{self.path}:{self.line}:{self.col}"


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
        message = self.message.translate(_ONE_LINE)
        return f"{self.location}: {self.severity}: {message} [{self.code}]"


_ONE_LINE = {c: repr(chr(c))[1:-1] for c in (*range(32), 127, 0x85, 0x2028, 0x2029)}


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
