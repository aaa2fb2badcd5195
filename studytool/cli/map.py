"""`map`: draw one entry's referral pattern as an SVG (or PNG) body map."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from studytool.cli._app import SrcArg, app


@app.command("map")
def map_(
    entry: Annotated[str, typer.Argument(help="Entry id, name or alias, e.g. gluteus-medius.")],
    src: SrcArg = Path("cards_src"),
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output file (.svg or .png); '-' prints the SVG. Default: <id>.svg"),
    ] = None,
) -> int:
    """Draw the referral pattern of one entry as a body map (the views its pattern lies in).

    Primary (essential) pain is solid, spillover hatched, trigger points marked with an ×.

    Example: studytool map gluteus-medius --out glute-med.png
    """
    from studytool.bodymap.output import entry_map, map_bytes, write_map

    found, svg = entry_map(src, entry)
    if out is not None and str(out) == "-":
        typer.echo(svg, nl=False)
        return 0
    target = out if out is not None else Path(f"{found.id}.svg")
    data = map_bytes(svg, target)
    write_map(target, data)
    typer.echo(f"wrote {target} ({len(data):,} bytes)")
    return 0
