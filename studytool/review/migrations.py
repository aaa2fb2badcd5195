"""Schema versions of the review state, applied forward with `PRAGMA user_version`.

Each entry of `MIGRATIONS` moves the schema from version i to i + 1. Never edit a
released step; append a new one.
"""

from __future__ import annotations

SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- One row per fact ever seen, keyed by fact id. state: 0 new, 1 learning, 2 review, 3 relearning.
CREATE TABLE cards (
    fact_id      TEXT PRIMARY KEY,
    card_id      INTEGER NOT NULL,
    entry        TEXT NOT NULL,
    muscle       TEXT NOT NULL,
    facet        TEXT NOT NULL,
    question     TEXT NOT NULL,
    position     INTEGER NOT NULL DEFAULT 0,
    state        INTEGER NOT NULL DEFAULT 0,
    due          TEXT,
    card         TEXT,
    reps         INTEGER NOT NULL DEFAULT 0,
    lapses       INTEGER NOT NULL DEFAULT 0,
    fails        INTEGER NOT NULL DEFAULT 0,
    leech        INTEGER NOT NULL DEFAULT 0,
    introduced   TEXT,
    buried_until TEXT,
    retired      TEXT
);
CREATE INDEX cards_due ON cards (due) WHERE state > 0 AND retired IS NULL;
CREATE INDEX cards_introduced ON cards (introduced) WHERE introduced IS NOT NULL;
CREATE INDEX cards_leech ON cards (leech) WHERE leech = 1;

-- Append-only log. kind 'review' is an answer; kind 'undo' cancels the review named in `undoes`.
CREATE TABLE reviews (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    fact_id      TEXT NOT NULL,
    time         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('review', 'undo')),
    rating       INTEGER CHECK (rating BETWEEN 1 AND 4),
    duration_ms  INTEGER,
    mode         TEXT,
    typed        TEXT,
    score        REAL,
    state_before TEXT NOT NULL,
    state_after  TEXT NOT NULL,
    cram         INTEGER NOT NULL DEFAULT 0,
    undoes       INTEGER REFERENCES reviews (id)
);
CREATE INDEX reviews_fact ON reviews (fact_id, id);
CREATE INDEX reviews_time ON reviews (time);
CREATE UNIQUE INDEX reviews_undoes ON reviews (undoes) WHERE undoes IS NOT NULL;
CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
"""

MIGRATIONS: tuple[str, ...] = (SCHEMA_V1,)
SCHEMA_VERSION = len(MIGRATIONS)
