"""`anki apply`: bring a built deck into an Anki collection in place (needs `studytool[anki]`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from studytool.cli._app import app

anki_app = typer.Typer(
    name="anki",
    help=(
        "Work on a student's Anki collection directly (needs: pip install 'studytool[anki]').\n\n"
        "Example: studytool anki apply --collection ~/.local/share/Anki2/User\\ 1/collection.anki2"
    ),
    no_args_is_help=True,
)
app.add_typer(anki_app)

CollectionOpt = Annotated[
    Path, typer.Option("--collection", help="The collection file (collection.anki2 in the profile folder).")
]


def _lines(kind: str, labels: list[str]) -> None:
    for label in labels:
        typer.echo(f"{kind}: {label}")


@anki_app.command("apply")
def apply(
    collection: CollectionOpt,
    deck: Annotated[
        Path, typer.Option("--deck", help="The built deck (its lock must sit beside it).")
    ] = Path("decks/trigger-points.apkg"),
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would change; write nothing.")
    ] = False,
    prefer: Annotated[
        str, typer.Option("--prefer", help="'upstream': on a conflict take the deck's text, not yours.")
    ] = "",
) -> int:
    """Bring a newer deck into the collection without erasing your edits or tags.

    New notes are added in curriculum order; a changed field is updated only where you did not
    edit it; where both changed, your text stays and the conflict is listed. Only TP:: tags are
    replaced. Scheduling and review history are never touched. Close desktop Anki first.

    Example: studytool anki apply --collection collection.anki2 --dry-run
    """
    from studytool.anki.apply import apply_deck
    from studytool.errors import UserError

    if prefer not in ("", "upstream"):
        raise UserError(f"--prefer takes 'upstream', not {prefer!r}")
    report = apply_deck(collection, deck, dry_run=dry_run, prefer_upstream=prefer == "upstream")
    would = "would " if dry_run else ""
    _lines(f"{would}add", report.added)
    _lines(f"{would}update", report.updated)
    _lines("kept your edit", report.kept)
    _lines(f"{would}retag", report.retagged)
    _lines("skipped (another note type in your collection)", report.skipped)
    resolution = "took the deck's text" if prefer else "kept yours; --prefer upstream takes the deck's"
    _lines(f"conflict ({resolution})", report.conflicts)
    typer.echo(
        f"{'dry run: ' if dry_run else ''}{len(report.added)} added, {len(report.updated)} fields updated, "
        f"{len(report.kept)} edits kept, {len(report.conflicts)} conflicts, {len(report.retagged)} retagged"
    )
    return 0
