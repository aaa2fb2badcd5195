"""Export the review log as CSV: our own columns, or the FSRS optimizer's."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from typing import TextIO

from studytool.review.scheduling import card_id
from studytool.review.store import LIVE_ANSWER, STATE_NAMES, Store

FORMATS = ("csv", "fsrs")
CSV_COLUMNS = (
    "review_id",
    "fact_id",
    "card_id",
    "time",
    "rating",
    "duration_ms",
    "mode",
    "typed",
    "score",
    "cram",
    "state_before",
    "state_after",
    "due_after",
)
FSRS_COLUMNS = ("card_id", "review_time", "review_rating", "review_state", "review_duration")

_QUERY = f"""SELECT r.id, r.fact_id, r.time, r.rating, r.duration_ms, r.mode, r.typed, r.score, r.cram,
                    r.state_before, r.state_after
             FROM reviews r WHERE {LIVE_ANSWER} ORDER BY r.id"""


def export(store: Store, out: TextIO, fmt: str = "csv") -> int:
    """Write every answer that was not undone; return the number of rows.

    `fsrs` leaves cram reviews out (they never touched the schedule); `csv` keeps them, flagged.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS if fmt == "csv" else FSRS_COLUMNS)
    n = 0
    with store.guard():
        for rid, fid, time, rating, dur, mode, typed, score, cram, before, after in store.conn.execute(
            _QUERY
        ):
            b, a = json.loads(before), json.loads(after)
            if fmt == "fsrs":
                if cram:
                    continue
                ms = int(datetime.fromisoformat(time).timestamp() * 1000)
                writer.writerow((card_id(fid), ms, rating, b["state"], dur if dur is not None else ""))
            else:
                writer.writerow(
                    (
                        rid,
                        fid,
                        card_id(fid),
                        time,
                        rating,
                        "" if dur is None else dur,
                        mode or "",
                        typed or "",
                        "" if score is None else round(score, 4),
                        cram,
                        STATE_NAMES.get(b["state"], b["state"]),
                        STATE_NAMES.get(a["state"], a["state"]),
                        a.get("due") or "",
                    )
                )
            n += 1
    return n
