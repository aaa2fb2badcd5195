"""`exam`: versioned exam sets with answer keys, for print and for Moodle or Canvas."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from studytool.cli._app import FacetOpt, MuscleOpt, SrcArg, app, err


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


@app.command()
def exam(
    src: SrcArg = Path("cards_src"),
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the exam files (created).")] = Path(
        "exam"
    ),
    count: Annotated[int, typer.Option("--count", "-n", help="Number of questions.")] = 20,
    seed: Annotated[str, typer.Option("--seed", help="Seed: the same seed gives the same bytes.")] = "1",
    versions: Annotated[int, typer.Option("--versions", "-k", help="Versions A, B, C... (1-26).")] = 1,
    formats: Annotated[
        str, typer.Option("--format", help="Comma-separated: md,html,pdf,gift,moodle,qti,json.")
    ] = "md,html,gift,moodle,qti,json",
    types: Annotated[
        str,
        typer.Option(
            "--types",
            help="Comma-separated item types: mcq,multi,match,tf,short (add map for body-map items).",
        ),
    ] = "mcq,multi,match,tf,short",
    muscle: MuscleOpt = None,
    facet: FacetOpt = None,
    title: Annotated[str, typer.Option("--title", help="Exam title.")] = "Trigger point anatomy exam",
    points: Annotated[float, typer.Option("--points", help="Points per question.")] = 1.0,
) -> int:
    """Build exam versions with separate answer keys (Markdown, HTML, PDF, GIFT, Moodle XML, QTI, JSON).

    Every version has the same questions in a different order, with balanced key positions;
    the key of each version maps every question to its fact ids. Exit 2 when the material is
    too thin for the request (the message says what is short).

    Example: studytool exam cards_src --out exam --count 20 --versions 3 --seed 2026
    """
    from studytool.exam import build_exam
    from studytool.exam.write import check_formats, write_exam
    from studytool.source import load_kb_or_raise

    fmts = check_formats(_csv(formats))
    kb = load_kb_or_raise(src)
    built = build_exam(
        kb,
        count=count,
        seed=seed,
        versions=versions,
        types=_csv(types),
        muscles=muscle or (),
        facets=facet or (),
        title=title,
        points=points,
    )
    written = write_exam(built, out, fmts, src=Path(src))
    for path in written:
        typer.echo(str(path))
    names = ", ".join(v.name for v in built.versions)
    pictures = sum(item.type == "map" for item in built.items)
    if "gift" in fmts and pictures:
        err(f"warning: GIFT cannot hold images; {pictures} map question(s) are not in the .gift.txt files")
    err(f"{len(built.items)} questions, version(s) {names}: {len(written)} files in {out}")
    return 0
