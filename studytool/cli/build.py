"""`build`: compile the knowledge base to an Anki deck (or check the committed one)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from studytool.cli._app import FacetOpt, MuscleOpt, SrcArg, app, err


class _LazyProgress:
    """A rich progress bar that appears only on a TTY and only once a build passes one second."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.bar: Any = None
        self.task: Any = None
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.start < 1.0:
                return
            from rich.progress import Progress

            from studytool.cli.output import console

            self.bar = Progress(console=console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("writing notes", total=total)
        self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _names(ids: list[str], limit: int = 20) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f", … ({len(ids) - limit} more)" if len(ids) > limit else "")


@app.command()
def build(
    src: SrcArg = Path("cards_src"),
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the .apkg and its lock.")] = Path(
        "decks"
    ),
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if the committed deck is stale.")
    ] = False,
    muscle: MuscleOpt = None,
    facet: FacetOpt = None,
    deck_name: Annotated[str, typer.Option("--deck-name", help="Name of the Anki deck.")] = "Trigger Points",
    tsv: Annotated[
        Path | None, typer.Option("--tsv", help="Also write a TSV file for Anki's text importer.")
    ] = None,
) -> int:
    """Compile the facts to decks/<deck>.apkg plus a lock file that keeps re-imports safe.

    Notes keep their identity (GUID from the fact id) and their modification time while their
    content is unchanged, so students can re-import every release and keep their reviews.
    With --check nothing is written: exit 1 when the committed deck differs from the sources.
    Set STUDYTOOL_NOW (or SOURCE_DATE_EPOCH) to fix the time stamped on changed notes.

    Example: studytool build cards_src --out decks --tsv decks/trigger-points.tsv
    """
    from studytool.anki import build_deck, check_deck
    from studytool.clock import epoch_seconds
    from studytool.errors import UserError

    if not deck_name.strip():
        raise UserError("--deck-name must not be empty")
    muscles, facets = tuple(muscle or ()), tuple(facet or ())
    if check:
        if tsv is not None:
            raise UserError("--check writes nothing; drop --tsv")
        report = check_deck(src, out, deck=deck_name, muscles=muscles, facets=facets)
        for label, ids in (
            ("new", report.added),
            ("changed", report.changed),
            ("removed", report.removed),
        ):
            for fact_id in ids:
                err(f"{report.apkg}: {label} note {fact_id}")
        for name in report.models_changed:
            err(f"{report.apkg}: note type '{name}' changed")
        for problem in report.problems:
            err(f"{report.apkg}: {problem}")
        if report.differs:
            err(f"{report.apkg} is out of date; run 'studytool build' and commit {out}/")
            return 1
        err(f"{report.apkg} is up to date ({report.notes} notes)")
        return 0

    progress = _LazyProgress()
    try:
        report = build_deck(
            src,
            out,
            now=epoch_seconds(),
            deck=deck_name,
            muscles=muscles,
            facets=facets,
            tsv=tsv,
            progress=progress,
        )
    finally:
        progress.close()
    for warning in report.warnings:
        err(f"warning: {warning}")
    typer.echo(f"wrote {report.apkg}: {report.notes} notes, {report.cards} cards, {report.media} media files")
    typer.echo(
        f"versus lock: {len(report.added)} added, {len(report.changed)} changed, "
        f"{len(report.removed)} removed"
    )
    if report.added or report.changed or report.removed:
        typer.echo(
            f"a student re-importing over the previous deck gets {len(report.added)} new notes and "
            f"{len(report.changed)} updated in place (their text changed; schedules kept); "
            f"{len(report.removed)} are no longer built and stay in Anki with their history"
        )
    if report.changed:
        typer.echo(f"changed: {_names(report.changed)}")
    if report.removed:
        typer.echo(f"removed (stay in students' collections): {_names(report.removed, 1000)}")
    if report.models_changed:
        typer.echo(f"note types updated: {', '.join(report.models_changed)}")
    if report.tsv:
        typer.echo(f"wrote {report.tsv}")
    return 0
