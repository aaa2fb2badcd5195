"""The Typer application object and shared option helpers (no heavy imports here)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from studytool import __version__
from studytool.errors import printable

app = typer.Typer(
    name="studytool",
    help=(
        "Spaced-repetition study tool for clinical anatomy: one trigger-point knowledge base "
        "compiled to Anki decks, a terminal quiz and exam sets.\n\n"
        "Example: studytool check && studytool build"
    ),
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

SrcArg = Annotated[Path, typer.Argument(help="Folder of source entries (*.yaml).", show_default=True)]
MuscleOpt = Annotated[
    list[str] | None, typer.Option("--muscle", "-m", help="Only this entry id (repeatable).")
]
FacetOpt = Annotated[list[str] | None, typer.Option("--facet", "-f", help="Only this facet (repeatable).")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"studytool {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Spaced-repetition study tool for clinical anatomy."""


def err(message: str) -> None:
    """Write one line to stderr (control characters escaped, so a file name cannot drive the terminal)."""
    sys.stderr.write(printable(message.rstrip("\n")) + "\n")
