"""`import`: turn reference pages in the seed's section format into source entries."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from studytool.cli._app import app, err


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="Reference pages (plain text, web copy or Markdown).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder of source entries to write into.")] = Path(
        "cards_src"
    ),
    entry_id: Annotated[
        str | None, typer.Option("--id", help="Entry id (a slug); default: a slug of the muscle name.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Print the YAML on stdout; write nothing.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing entry file.")] = False,
) -> int:
    """Import reference pages as source entries (<out>/<id>.yaml), losing nothing.

    Lines the importer does not understand are kept in the entry's 'notes' and reported
    as warnings (path:line:col: warning: ...). Nothing is written when any page fails.
    Exit 0 on success, 1 when a page is not in the expected format, 2 when the tool
    cannot run (for example the target exists and --force is not given).

    Example: studytool import pages/piriformis.md --out cards_src --dry-run
    """
    from studytool.errors import summary
    from studytool.importer import import_pages

    report = import_pages(files, out=out, entry_id=entry_id or "", dry_run=dry_run, force=force)
    for d in report.diagnostics:
        err(str(d))
    if report.errors:
        err(summary(report.diagnostics, len(files)) + "; nothing written")
        return 1
    if dry_run:
        for i, entry in enumerate(report.entries):
            if len(report.entries) > 1:
                typer.echo(f"{'---' if i else ''}\n# {entry.target}".lstrip("\n"))
            typer.echo(entry.yaml, nl=False)
            if entry.target.exists():
                err(f"note: {entry.target} exists; writing it needs --force")
        err(summary(report.diagnostics, len(files)) + "; dry run, nothing written")
        return 0
    for entry in report.entries:
        typer.echo(f"wrote {entry.target}")
    err(summary(report.diagnostics, len(files)))
    return 0
