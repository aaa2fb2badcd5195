"""`quiz`, `stats` and `reviews export`: study in the terminal with FSRS scheduling."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from studytool.cli._app import FacetOpt, MuscleOpt, SrcArg, app

if TYPE_CHECKING:
    from rich.console import Console

StateOpt = Annotated[
    Path | None,
    typer.Option(
        "--state",
        help="Review state file (default: STUDYTOOL_STATE, else the user data folder).",
        show_default=False,
    ),
]
DayStartOpt = Annotated[
    int | None,
    typer.Option("--day-start", help="Hour the study day starts (default STUDYTOOL_DAY_START or 4)."),
]

reviews_app = typer.Typer(
    name="reviews",
    help="Work with the review log.\n\nExample: studytool reviews export --format fsrs > revlog.csv",
    no_args_is_help=True,
)
app.add_typer(reviews_app)


@app.command()
def quiz(
    src: SrcArg = Path("cards_src"),
    state: StateOpt = None,
    mode: Annotated[str, typer.Option("--mode", help="flip, type or choice.")] = "flip",
    new: Annotated[int, typer.Option("--new", help="New facts per study day (all sessions).")] = 10,
    limit: Annotated[int | None, typer.Option("--limit", help="At most this many answers.")] = None,
    muscle: MuscleOpt = None,
    facet: FacetOpt = None,
    cram: Annotated[bool, typer.Option("--cram", help="Practise without touching the schedule.")] = False,
    retention: Annotated[float, typer.Option("--retention", help="Desired retention, 0.70-0.99.")] = 0.9,
    day_start: DayStartOpt = None,
    anki: Annotated[
        Path | None,
        typer.Option(
            "--anki",
            help="Study inside this Anki collection (collection.anki2), with Anki's own scheduler.",
            show_default=False,
        ),
    ] = None,
    deck_name: Annotated[str, typer.Option("--deck-name", help="The deck, with --anki.")] = "Trigger Points",
) -> int:
    """Study due and new facts in the terminal, scheduled with FSRS.

    Keys at any prompt: u undo, s bury until tomorrow, e show the source entry, q quit.
    Input that is not a terminal is read line by line. With --anki the session studies the
    deck inside your Anki collection: Anki's queue, limits, preset and FSRS, its review log
    and its undo (needs pip install 'studytool[anki]'; close desktop Anki first).

    Example: studytool quiz --mode type --muscle gluteus-medius --new 5
    """

    from studytool import clock
    from studytool.cli.output import console
    from studytool.quiz.engine import Session, SessionOptions
    from studytool.quiz.terminal import Terminal
    from studytool.review import open_store
    from studytool.selection import check_selection
    from studytool.source import load_kb_or_raise

    options = SessionOptions(
        mode=mode,
        new_per_day=new,
        limit=limit,
        cram=cram,
        retention=retention,
        day_start=clock.day_start_hour(day_start),
        muscles=tuple(muscle or ()),
        facets=tuple(facet or ()),
    )
    options.check()
    now = clock.now()
    kb = load_kb_or_raise(src)
    check_selection(kb, options.muscles, options.facets)
    stdin = sys.stdin
    if isinstance(stdin, io.TextIOWrapper):
        # A typed answer with bytes that are not UTF-8 is graded as typed (with U+FFFD), never a crash.
        stdin.reconfigure(errors="replace")
    if anki is not None:
        from studytool.anki.collection import open_collection
        from studytool.anki.study import AnkiStore
        from studytool.errors import UserError

        if cram or options.muscles or options.facets or state is not None:
            raise UserError("--anki studies Anki's own queue: drop --cram, --muscle, --facet and --state")
        with open_collection(anki) as col:
            session = Session.start(AnkiStore(col, deck_name), kb, options, now)
            Terminal(session, console(), stdin).run()
        return 0
    with open_store(state) as store:
        session = Session.start(store, kb, options, now)
        Terminal(session, console(), stdin).run()
    return 0


@app.command()
def stats(
    state: StateOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    day_start: DayStartOpt = None,
) -> int:
    """Show review statistics: totals, due forecast, retention, accuracy, streak and leeches.

    Example: studytool stats --json
    """
    import json

    from studytool import clock
    from studytool.review import open_store
    from studytool.review.stats import compute

    with open_store(state, create=False) as store:
        figures = compute(store, clock.now(), clock.day_start_hour(day_start))
    if as_json:
        typer.echo(json.dumps(figures, indent=2, ensure_ascii=False))
        return 0
    from studytool.cli.output import console

    render_stats(figures, console())
    return 0


@reviews_app.command("export")
def export_reviews(
    state: StateOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="csv (all columns) or fsrs (optimizer CSV).")] = "csv",
) -> int:
    """Write the review log to stdout as CSV (undone answers left out).

    Example: studytool reviews export --format fsrs > revlog.csv
    """

    from studytool.errors import UserError, did_you_mean
    from studytool.review import open_store
    from studytool.review.export import FORMATS, export

    if fmt not in FORMATS:
        raise UserError(f"unknown format '{fmt}'{did_you_mean(fmt, FORMATS)}; formats: {', '.join(FORMATS)}")
    with open_store(state, create=False) as store:
        export(store, sys.stdout, fmt)
    return 0


def render_stats(s: dict[str, Any], out: Console) -> None:
    """The stats screen: plain lines and a bar chart, readable without colour."""
    from rich.text import Text

    def line(text: str = "", style: str = "") -> None:
        out.print(Text(text, style=style))

    t, c, d = s["totals"], s["cards"], s["due"]
    line(f"Review state: {s['state']}  (study day {s['study_day']})", "dim")
    line(
        f"Facts {t['facts']} (retired {t['retired']}) · reviews {t['reviews']} · "
        f"cram {t['cram_reviews']} · undone {t['undone']} · days studied {t['days_studied']}",
        "bold",
    )
    line(
        f"Cards: new {c['new']} · learning {c['learning']} · review {c['review']} · "
        f"relearning {c['relearning']} · buried {c['buried']} · leeches {c['leeches']}"
    )
    line(f"Due: today {d['today']} · tomorrow {d['tomorrow']} · next 7 days {d['next_7_days']}")
    line()
    line("Due forecast (14 days)", "bold")
    peak = max((r["due"] for r in s["forecast"]), default=0) or 1
    for r in s["forecast"]:
        bar = "█" * round(30 * r["due"] / peak) if r["due"] else ""
        line(f"  {r['date'][5:]} {r['due']:>5} {bar}")
    r30 = s["retention_30_days"]
    rate = f"{100 * r30['rate']:.0f}% ({r30['passed']}/{r30['reviews']})" if r30["rate"] is not None else "—"
    line()
    line(f"Retention, last 30 days (mature reviews): {rate}")
    st = s["streak"]
    line(f"Streak: {st['current']} day(s) (longest {st['longest']})")
    for label, key in (("facet", "facet"), ("muscle", "muscle")):
        rows = s["accuracy"][key]
        if rows:
            line()
            line(f"Accuracy per {label}, weakest first", "bold")
            for row in rows[:10]:
                line(f"  {100 * row['rate']:>4.0f}%  {row['correct']:>4}/{row['reviews']:<4} {row['name']}")
    if s["leeches"]:
        line()
        line("Leeches (failed 8+ times)", "bold red")
        for lee in s["leeches"]:
            line(f"  {lee['fact_id']} ({lee['fails']} fails): {lee['question']}")
