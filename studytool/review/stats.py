"""Study statistics computed from the review state alone (no sources needed)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from studytool.clock import day_bounds, study_day, to_text
from studytool.review.store import LIVE_ANSWER, STATE_NAMES, Store

FORECAST_DAYS = 14


def compute(store: Store, now: datetime, day_start: int = 4) -> dict[str, Any]:
    """Every figure `studytool stats` shows, as a JSON-ready dict."""
    db = store.conn
    today = study_day(now, day_start)
    bounds = [day_bounds(today + timedelta(days=i), day_start) for i in range(FORECAST_DAYS)]
    with store.guard():
        active = db.execute("SELECT COUNT(*) FROM cards WHERE retired IS NULL").fetchone()[0]
        retired = db.execute("SELECT COUNT(*) FROM cards WHERE retired IS NOT NULL").fetchone()[0]
        by_state = dict(
            db.execute("SELECT state, COUNT(*) FROM cards WHERE retired IS NULL GROUP BY state").fetchall()
        )
        buried = db.execute(
            "SELECT COUNT(*) FROM cards WHERE retired IS NULL AND buried_until > ?", (to_text(now),)
        ).fetchone()[0]
        counts = dict(
            db.execute(
                f"SELECT r.cram, COUNT(*) FROM reviews r WHERE {LIVE_ANSWER} GROUP BY r.cram"
            ).fetchall()
        )
        undone = db.execute("SELECT COUNT(*) FROM reviews WHERE kind = 'undo'").fetchone()[0]
        forecast = []
        for i, (start, end) in enumerate(bounds):
            lo = "" if i == 0 else to_text(start)  # today includes everything overdue
            n = db.execute(
                "SELECT COUNT(*) FROM cards WHERE state > 0 AND retired IS NULL AND due >= ? AND due < ?",
                (lo, to_text(end)),
            ).fetchone()[0]
            forecast.append({"date": (today + timedelta(days=i)).isoformat(), "due": n})
        since = to_text(now - timedelta(days=30))
        ret = db.execute(
            f"""SELECT COUNT(*), COALESCE(SUM(r.rating >= 2), 0) FROM reviews r
                WHERE {LIVE_ANSWER} AND r.cram = 0 AND r.time >= ?
                AND json_extract(r.state_before, '$.state') = 2""",
            (since,),
        ).fetchone()
        facet_rows = db.execute(
            f"""SELECT c.facet, COUNT(*), SUM(r.rating >= 2) FROM reviews r
                JOIN cards c ON c.fact_id = r.fact_id WHERE {LIVE_ANSWER} GROUP BY c.facet"""
        ).fetchall()
        entry_rows = db.execute(
            f"""SELECT c.entry, COUNT(*), SUM(r.rating >= 2) FROM reviews r
                JOIN cards c ON c.fact_id = r.fact_id WHERE {LIVE_ANSWER} GROUP BY c.entry"""
        ).fetchall()
        names = dict(
            db.execute("SELECT DISTINCT entry, muscle FROM cards WHERE instr(muscle, ' / ') = 0").fetchall()
        )
        hours = [
            r[0]
            for r in db.execute(f"SELECT DISTINCT substr(r.time, 1, 13) FROM reviews r WHERE {LIVE_ANSWER}")
        ]
        leeches = db.execute(
            """SELECT fact_id, muscle, question, fails FROM cards
               WHERE leech = 1 AND retired IS NULL ORDER BY fails DESC, fact_id"""
        ).fetchall()
    days = sorted({study_day(datetime.fromisoformat(h + ":30:00+00:00"), day_start) for h in hours})
    return {
        "state": str(store.path),
        "now": to_text(now),
        "study_day": today.isoformat(),
        "totals": {
            "facts": active,
            "retired": retired,
            "reviews": counts.get(0, 0),
            "cram_reviews": counts.get(1, 0),
            "undone": undone,
            "days_studied": len(days),
        },
        "cards": {
            **{name: by_state.get(code, 0) for code, name in STATE_NAMES.items()},
            "buried": buried,
            "leeches": len(leeches),
        },
        "due": {
            "today": forecast[0]["due"],
            "tomorrow": forecast[1]["due"],
            "next_7_days": sum(row["due"] for row in forecast[:7]),
        },
        "forecast": forecast,
        "retention_30_days": {
            "reviews": ret[0],
            "passed": ret[1],
            "rate": round(ret[1] / ret[0], 4) if ret[0] else None,
        },
        "accuracy": {
            "facet": _accuracy(facet_rows, {}),
            "muscle": _accuracy(entry_rows, names),
        },
        "streak": _streak(days, today),
        "leeches": [{"fact_id": f, "muscle": m, "question": q, "fails": n} for f, m, q, n in leeches],
    }


def _accuracy(rows: list[tuple[str, int, int]], names: dict[str, str]) -> list[dict[str, Any]]:
    out = [
        {"name": names.get(key, key), "id": key, "reviews": n, "correct": ok, "rate": round(ok / n, 4)}
        for key, n, ok in rows
        if n
    ]
    return sorted(out, key=lambda r: (r["rate"], -r["reviews"], r["name"]))


def _streak(days: list[date], today: date) -> dict[str, int]:
    """Current run of consecutive study days (ending today or yesterday) and the longest run."""
    longest = run = 0
    prev: date | None = None
    for d in days:
        run = run + 1 if prev is not None and d - prev == timedelta(days=1) else 1
        longest = max(longest, run)
        prev = d
    have = set(days)
    current = 0
    cursor = today if today in have else today - timedelta(days=1)
    while cursor in have:
        current += 1
        cursor -= timedelta(days=1)
    return {"current": current, "longest": longest}
