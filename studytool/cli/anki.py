"""`anki apply`: bring a built deck into an Anki collection in place (needs `studytool[anki]`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from studytool.cli._app import app
from studytool.cli.quiz import StateOpt, reviews_app

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


@anki_app.command("sync")
def sync(
    collection: CollectionOpt,
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint", help="A self-hosted sync server's URL (default: AnkiWeb).", show_default=False
        ),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option(
            "--user", help="Sync user (default STUDYTOOL_ANKI_USER, else asked).", show_default=False
        ),
    ] = None,
    full: Annotated[
        str | None,
        typer.Option(
            "--full",
            help="When only a one-way sync can settle it: 'upload' (keep this collection) or 'download'.",
            show_default=False,
        ),
    ] = None,
    no_media: Annotated[bool, typer.Option("--no-media", help="Sync the collection only.")] = False,
) -> int:
    """Sync the collection with AnkiWeb or a self-hosted server, media included.

    The password comes from STUDYTOOL_ANKI_PASSWORD or a prompt and is never stored; the sync key
    the server returns is kept beside the collection (studytool-sync.json, owner-only), as Anki
    keeps it in its profile. A first sync uploads or downloads the whole collection. When both
    sides changed in a way only a one-way sync can settle, you are asked which side to keep
    (or say it with --full). Close desktop Anki first.

    Example: studytool anki sync --collection collection.anki2 --endpoint http://127.0.0.1:8080/
    """
    import os
    import sys

    from studytool.anki.sync import FULL_CHOICES, PASSWORD_ENV, USER_ENV, read_key, sync_collection
    from studytool.errors import UserError

    if full is not None and full not in FULL_CHOICES:
        raise UserError(f"--full takes 'upload' or 'download', not {full!r}")
    interactive = sys.stdin.isatty()

    def credentials() -> tuple[str, str]:
        name = user or os.environ.get(USER_ENV) or read_key(collection).get("user")
        password = os.environ.get(PASSWORD_ENV)
        if (not name or not password) and not interactive:
            raise UserError(f"log in needed: set {USER_ENV} and {PASSWORD_ENV}, or run on a terminal")
        name = name or typer.prompt("Sync user (e-mail)")
        password = password or typer.prompt(f"Password for {name}", hide_input=True)
        return name, password

    def ask_full() -> str | None:
        if full is not None:
            return full
        if not interactive:
            return None
        typer.echo(
            "This collection and the server's copy both changed in a way a normal sync cannot merge.\n"
            "  upload:   keep THIS collection, replace the server's (other devices then download it)\n"
            "  download: keep the SERVER's and replace this collection (changes made here are lost)"
        )
        answer = typer.prompt("Keep which side? upload / download / cancel", default="cancel")
        return answer.strip().lower() if answer.strip().lower() in FULL_CHOICES else None

    report = sync_collection(
        collection, endpoint=endpoint, credentials=credentials, ask_full=ask_full, media=not no_media
    )
    media = " and media" if report.media else ""
    typer.echo(f"synced{media} with {report.endpoint}: {report.kind}")
    if report.server_message:
        typer.echo(f"server says: {report.server_message}")
    return 0


def _move(direction: str, collection: Path, state: Path | None, deck_name: str) -> int:
    from studytool.anki.history import move_history

    report = move_history(direction, state, collection, deck_name)
    where = "into the collection" if direction == "push" else "into the built-in store"
    typer.echo(
        f"{direction}: {report.reviews} review(s) copied {where}, {report.cards} card(s) rescheduled, "
        f"{report.skipped} already there"
    )
    return 0


DeckNameOpt = Annotated[str, typer.Option("--deck-name", help="The deck in the collection.")]


@reviews_app.command("push")
def push(collection: CollectionOpt, state: StateOpt = None, deck_name: DeckNameOpt = "Trigger Points") -> int:
    """Carry the built-in store's review history into an Anki collection.

    Each answer becomes a review-log row on the fact's cards, and each card gets the FSRS memory
    state and due date the built-in store computed. A second run adds nothing. Close Anki first.

    Example: studytool reviews push --collection collection.anki2
    """
    return _move("push", collection, state, deck_name)


@reviews_app.command("pull")
def pull(collection: CollectionOpt, state: StateOpt = None, deck_name: DeckNameOpt = "Trigger Points") -> int:
    """Carry Anki's review history of the deck's cards into the built-in store.

    The built-in store then replays each fact's answers through FSRS in time order. A second run
    adds nothing.

    Example: studytool reviews pull --collection collection.anki2
    """
    return _move("pull", collection, state, deck_name)
