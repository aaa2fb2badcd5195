"""`check` and `facts`: validate the knowledge base and list its facts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from studytool.cli._app import FacetOpt, MuscleOpt, SrcArg, app, err


@app.command()
def check(
    src: SrcArg = Path("cards_src"),
    strict: Annotated[bool, typer.Option("--strict", help="Also warn about every empty facet.")] = False,
) -> int:
    """Validate every source entry; print problems as path:line:col: severity: message [CODE].

    Exit 0 when clean, 1 when the input has errors (or warnings with --strict), 2 when
    the tool cannot run.

    Example: studytool check cards_src --strict
    """
    from studytool.errors import summary
    from studytool.source import load_kb
    from studytool.source.discover import source_files

    kb, diags = load_kb(src, strict=strict)
    for d in diags:
        err(str(d))
    files = len(source_files(src))
    ok = len(kb.entries)
    err(summary(diags, files) + (f"; {ok} {'entry' if ok == 1 else 'entries'} ok" if not diags else ""))
    failing = [d for d in diags if d.is_error or strict]
    return 1 if failing else 0


@app.command()
def facts(
    src: SrcArg = Path("cards_src"),
    muscle: MuscleOpt = None,
    facet: FacetOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array on stdout.")] = False,
) -> int:
    """List the question/answer facts derived from the sources.

    Example: studytool facts --muscle gluteus-medius --facet innervation --json
    """
    import json

    from studytool.questions.facts import derive_facts
    from studytool.selection import check_selection
    from studytool.source import load_kb_or_raise

    kb = load_kb_or_raise(src)
    check_selection(kb, muscle or (), facet or ())
    found = derive_facts(kb, muscles=muscle or (), facets=facet or ())
    if as_json:
        typer.echo(json.dumps([f.to_json() for f in found], ensure_ascii=False, indent=2))
        return 0
    from rich.table import Table

    from studytool.cli.output import console

    table = Table(show_lines=True, title=f"{len(found)} facts")
    for col in ("id", "question", "answer"):
        table.add_column(col, overflow="fold")
    for f in found:
        table.add_row(f.id, f.question, "\n".join(f"• {i}" for i in f.items) or f.answer)
    console().print(table)
    return 0
