"""The SQLite review store: one row per fact, an append-only review log, one transaction per answer.

Safety rules: WAL journal with `synchronous=FULL`, a busy timeout so a second session
waits instead of failing, `PRAGMA user_version` migrations applied forward, and every
check (not SQLite, corrupt, newer schema, read-only) done before anything is written.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studytool.clock import to_text
from studytool.errors import UserError
from studytool.review.migrations import MIGRATIONS, SCHEMA_VERSION
from studytool.review.scheduling import card_id, due_of, review, short_interval

if TYPE_CHECKING:
    from fsrs import Scheduler

    from studytool.model import Fact

STATE_ENV = "STUDYTOOL_STATE"
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15000
LEECH_FAILS = 8
NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3
STATE_NAMES = {NEW: "new", LEARNING: "learning", REVIEW: "review", RELEARNING: "relearning"}
# A log row `r` that counts: an answer that was not undone.
LIVE_ANSWER = "r.kind = 'review' AND NOT EXISTS (SELECT 1 FROM reviews u WHERE u.undoes = r.id)"


def default_state_path() -> Path:
    """`STUDYTOOL_STATE`, else `review.sqlite3` in the platform's user data folder."""
    env = os.environ.get(STATE_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("studytool", appauthor=False) / "review.sqlite3"


@dataclass(frozen=True)
class Snapshot:
    """The mutable part of a card row; stored as JSON before and after every log row."""

    state: int = NEW
    due: str | None = None
    card: dict[str, Any] | None = None
    reps: int = 0
    lapses: int = 0
    fails: int = 0
    leech: int = 0
    introduced: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Snapshot:
        try:
            data = json.loads(text)
            return _checked(cls(**data))
        except (ValueError, TypeError, KeyError, RecursionError) as exc:
            raise sqlite3.DatabaseError(f"a logged state cannot be read ({str(exc)[:120]})") from None


@dataclass(frozen=True)
class CardRow:
    """What the queue needs to know about one fact."""

    fact_id: str
    state: int
    due: str | None
    buried_until: str | None


@dataclass(frozen=True)
class Answer:
    """The outcome of one logged answer."""

    review_id: int
    fact_id: str
    rating: int
    before: Snapshot
    after: Snapshot
    cram: bool
    label: str = ""  # the store's own words for the new interval ("10m", "4d"), if it has them

    @property
    def became_leech(self) -> bool:
        return bool(self.after.leech and not self.before.leech)


# A card row the scheduler could not use: bad JSON, or counters and times of the wrong type.
_DAMAGED_ROW = """SELECT fact_id FROM cards
    WHERE (card IS NOT NULL AND NOT json_valid(card))
       OR typeof(state) != 'integer' OR typeof(reps) != 'integer' OR typeof(lapses) != 'integer'
       OR (due IS NOT NULL AND typeof(due) != 'text')
    LIMIT 1"""
OUR_TABLES = frozenset({"meta", "cards", "reviews"})
_SNAP_COLS = "state, due, card, reps, lapses, fails, leech, introduced"


def _snapshot(row: sqlite3.Row | tuple[Any, ...]) -> Snapshot:
    """A card row as a Snapshot; a damaged row is a `sqlite3.DatabaseError` (the store's guard
    reports it as a damaged state file, naming the fact)."""
    state, due, card, reps, lapses, fails, leech, introduced = tuple(row)
    try:
        data = json.loads(card) if card else None
        return _checked(Snapshot(state, due, data, reps, lapses, fails, leech, introduced))
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        raise sqlite3.DatabaseError(f"a card row cannot be read ({str(exc)[:120]})") from None


def _checked(snap: Snapshot) -> Snapshot:
    """Refuse a snapshot whose fields the scheduler could not use."""
    from fsrs import Card

    counts = (snap.state, snap.reps, snap.lapses, snap.fails, snap.leech)
    if not all(type(n) is int for n in counts):
        raise TypeError("a counter is not a whole number")
    for text in (snap.due, snap.introduced):
        if text is not None:
            datetime.fromisoformat(text)
    if snap.card is not None:
        if not isinstance(snap.card, dict):
            raise TypeError("the scheduler state is not a mapping")
        Card.from_dict(snap.card)  # type: ignore[arg-type]
    return snap


def _is_time(text: Any) -> bool:
    try:
        datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return False
    return True


def _reviewed(scheduler: Scheduler, fact_id: str, before: Snapshot, rating: int, now: datetime) -> Snapshot:
    """The state after one rating at `now`, FSRS computing the card."""
    card = review(scheduler, fact_id, before.card, rating, now)
    fails = before.fails + (rating == 1)
    return Snapshot(
        state=int(card["state"]),
        due=to_text(due_of(card)),
        card=card,
        reps=before.reps + 1,
        lapses=before.lapses + (rating == 1 and before.state == REVIEW),
        fails=fails,
        leech=int(bool(before.leech) or fails >= LEECH_FAILS),
        introduced=before.introduced or to_text(now),
    )


def _writable(path: Path) -> bool:
    """os.access alone says yes to root; also require a write bit in the mode."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return os.access(path, os.W_OK) and bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _identity(path: Path) -> tuple[int, int] | None:
    """Device and inode of a file, or None when it is gone."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _statements(script: str) -> Iterator[str]:
    """Split a schema script into complete statements (trigger bodies contain ';')."""
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                yield buf.strip()
            buf = ""


class Store:
    """An open review state. Use `open_store` to get one; close it when done."""

    live = False  # the engine keeps the queue (see studytool.review.base)

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self._identity = _identity(path)

    # -- plumbing ---------------------------------------------------------------
    @contextmanager
    def guard(self) -> Iterator[None]:
        """Turn SQLite failures into one-line user errors."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                raise UserError(f"review state {self.path} is busy (another session?): {text}") from None
            if "readonly" in text or "read-only" in text:
                raise UserError(f"review state {self.path} is read-only: {text}") from None
            raise UserError(f"review state {self.path} cannot be used: {text}") from None
        except sqlite3.DatabaseError as exc:
            raise UserError(f"review state {self.path} is damaged: {exc}") from None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT (rolled back on any error)."""
        with self.guard():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
                self._check_in_place()
            except BaseException:
                # SQLite rolls back by itself on some errors (a full disk); a second ROLLBACK
                # would then replace the real message with "no transaction is active".
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def _check_in_place(self) -> None:
        """Refuse to commit into a file that was deleted or replaced while open.

        SQLite keeps writing to an unlinked file without an error, so the answers would be lost.
        """
        if _identity(self.path) != self._identity:
            raise UserError(
                f"review state {self.path} was moved, deleted or replaced during the session; "
                "the last change was not saved"
            )

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- facts --------------------------------------------------------------------
    def sync(self, facts: Iterable[Fact], now: datetime) -> int:
        """Record every current fact; retire rows whose fact left the sources. Returns #retired."""
        rows = [
            (f.id, card_id(f.id), f.entry, f.muscle, f.facet, f.question, pos) for pos, f in enumerate(facts)
        ]
        with self.transaction() as db:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS current_ids (fact_id TEXT PRIMARY KEY)")
            db.execute("DELETE FROM current_ids")
            db.executemany("INSERT OR IGNORE INTO current_ids VALUES (?)", [(r[0],) for r in rows])
            db.executemany(
                """INSERT INTO cards (fact_id, card_id, entry, muscle, facet, question, position)
                   VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (fact_id) DO UPDATE SET
                     entry = excluded.entry, muscle = excluded.muscle, facet = excluded.facet,
                     question = excluded.question, position = excluded.position, retired = NULL
                   WHERE cards.entry IS NOT excluded.entry OR cards.muscle IS NOT excluded.muscle
                     OR cards.facet IS NOT excluded.facet OR cards.question IS NOT excluded.question
                     OR cards.position IS NOT excluded.position OR cards.retired IS NOT NULL""",
                rows,
            )
            cur = db.execute(
                "UPDATE cards SET retired = ? WHERE retired IS NULL "
                "AND fact_id NOT IN (SELECT fact_id FROM current_ids)",
                (to_text(now),),
            )
            return cur.rowcount

    def rows(self) -> dict[str, CardRow]:
        """Queue data for every fact that is not retired (read once per session)."""
        with self.guard():
            cur = self.conn.execute(
                "SELECT fact_id, state, due, buried_until FROM cards WHERE retired IS NULL"
            )
            rows = {r[0]: CardRow(*r) for r in cur}
            for row in rows.values():
                for text in (row.due, row.buried_until):
                    if text is not None and not _is_time(text):
                        raise sqlite3.DatabaseError(
                            f"fact {row.fact_id} has an unreadable time {text[:40]!r}"
                        )
            return rows

    def snapshot(self, fact_id: str) -> Snapshot:
        with self.guard():
            row = self.conn.execute(
                f"SELECT {_SNAP_COLS} FROM cards WHERE fact_id = ?", (fact_id,)
            ).fetchone()
            if row is None:
                raise UserError(f"unknown fact '{fact_id}' in the review state")
            try:
                return _snapshot(row)
            except sqlite3.DatabaseError as exc:
                raise sqlite3.DatabaseError(f"fact {fact_id}: {exc}") from None

    def introduced_between(self, start: datetime, end: datetime) -> int:
        """How many new facts had their first scheduled review in [start, end)."""
        with self.guard():
            row = self.conn.execute(
                "SELECT COUNT(*) FROM cards WHERE introduced >= ? AND introduced < ?",
                (to_text(start), to_text(end)),
            ).fetchone()
        return int(row[0])

    def next_due(self) -> datetime | None:
        with self.guard():
            row = self.conn.execute(
                "SELECT MIN(due) FROM cards WHERE state > 0 AND retired IS NULL"
            ).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def top(self) -> str | None:
        """Not a live store: the engine's queue decides."""
        return None

    def left(self) -> int | None:
        """Not a live store: the engine counts its queue."""
        return None

    def why_empty(self) -> str | None:
        """Not a live store: the engine explains an empty queue."""
        return None

    def previews(self, fact_id: str, now: datetime, scheduler: Scheduler | None) -> dict[int, str]:
        """Each rating's next interval from now ("1m", "10m", "4d"); {} when cramming."""
        if scheduler is None:
            return {}
        card = self.snapshot(fact_id).card
        return {
            r: short_interval((due_of(review(scheduler, fact_id, card, r, now)) - now).total_seconds())
            for r in (1, 2, 3, 4)
        }

    # -- answers ------------------------------------------------------------------
    def answer(
        self,
        fact_id: str,
        rating: int,
        now: datetime,
        *,
        scheduler: Scheduler | None,
        mode: str,
        typed: str | None = None,
        score: float | None = None,
        duration_ms: int | None = None,
        cram: bool = False,
        recalled: Sequence[bool] | None = None,
    ) -> Answer:
        """Log one answer and (unless cramming) reschedule the fact, in one transaction.

        The built-in store schedules a list fact as one card, so `recalled` (per item) is unused.
        """
        if rating not in (1, 2, 3, 4):
            raise ValueError(f"rating must be 1-4, not {rating}")
        with self.transaction() as db:
            row = db.execute(f"SELECT {_SNAP_COLS} FROM cards WHERE fact_id = ?", (fact_id,)).fetchone()
            if row is None:
                raise UserError(f"unknown fact '{fact_id}' in the review state")
            before = _snapshot(row)
            after = before
            if not cram:
                if scheduler is None:
                    raise ValueError("a scheduler is needed outside cram mode")
                after = _reviewed(scheduler, fact_id, before, rating, now)
                self._write(db, fact_id, after)
            cur = db.execute(
                """INSERT INTO reviews (fact_id, time, kind, rating, duration_ms, mode, typed, score,
                                       state_before, state_after, cram)
                   VALUES (?, ?, 'review', ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    fact_id,
                    to_text(now),
                    rating,
                    duration_ms,
                    mode,
                    typed,
                    score,
                    before.to_json(),
                    after.to_json(),
                    int(cram),
                ),
            )
            return Answer(int(cur.lastrowid or 0), fact_id, rating, before, after, cram)

    @staticmethod
    def _write(db: sqlite3.Connection, fact_id: str, snap: Snapshot) -> None:
        db.execute(
            """UPDATE cards SET state = ?, due = ?, card = ?, reps = ?, lapses = ?, fails = ?,
                                leech = ?, introduced = ? WHERE fact_id = ?""",
            (
                snap.state,
                snap.due,
                json.dumps(snap.card, sort_keys=True) if snap.card else None,
                snap.reps,
                snap.lapses,
                snap.fails,
                snap.leech,
                snap.introduced,
                fact_id,
            ),
        )

    def undo(self, review_id: int, now: datetime) -> Snapshot:
        """Cancel a review: restore the state before it and log an 'undo' row (nothing is deleted)."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT fact_id, kind, state_before, cram FROM reviews WHERE id = ?", (review_id,)
            ).fetchone()
            if row is None or row[1] != "review":
                raise UserError(f"review {review_id} cannot be undone")
            fact_id, _, before_json, cram = row
            later = db.execute(
                f"SELECT COUNT(*) FROM reviews r WHERE r.fact_id = ? AND r.id > ? AND {LIVE_ANSWER}",
                (fact_id, review_id),
            ).fetchone()[0]
            done = db.execute("SELECT 1 FROM reviews WHERE undoes = ?", (review_id,)).fetchone()
            if later or done:
                raise UserError(f"review {review_id} is no longer the latest answer of {fact_id}")
            current = _snapshot(
                db.execute(f"SELECT {_SNAP_COLS} FROM cards WHERE fact_id = ?", (fact_id,)).fetchone()
            )
            restored = current if cram else Snapshot.from_json(before_json)
            if not cram:
                self._write(db, fact_id, restored)
            db.execute(
                """INSERT INTO reviews (fact_id, time, kind, state_before, state_after, cram, undoes)
                   VALUES (?, ?, 'undo', ?, ?, ?, ?)""",
                (fact_id, to_text(now), current.to_json(), restored.to_json(), cram, review_id),
            )
            return restored

    def replay(self, fact_id: str, scheduler: Scheduler) -> Snapshot:
        """Recompute a fact's state from its live answers in time order (after pulling history)."""
        with self.transaction() as db:
            answers = db.execute(
                f"SELECT r.time, r.rating FROM reviews r WHERE r.fact_id = ? AND {LIVE_ANSWER} "
                "AND r.cram = 0 ORDER BY r.time, r.id",
                (fact_id,),
            ).fetchall()
            snap = Snapshot()
            for time, rating in answers:
                snap = _reviewed(scheduler, fact_id, snap, int(rating), datetime.fromisoformat(time))
            self._write(db, fact_id, snap)
        return snap

    def bury(self, fact_id: str, until: datetime) -> None:
        """Hide a fact from queues until `until` (the next study day)."""
        with self.transaction() as db:
            db.execute("UPDATE cards SET buried_until = ? WHERE fact_id = ?", (to_text(until), fact_id))


def open_store(path: str | os.PathLike[str] | None = None, *, create: bool = True) -> Store:
    """Open (and create or migrate) a review state, refusing anything unsafe with a `UserError`."""
    target = Path(path) if path is not None else default_state_path()
    target = target.expanduser()
    try:
        exists = target.exists()
    except OSError as exc:  # a name too long, a loop of links ...
        raise UserError(f"cannot use review state {target}: {exc.strerror}") from None
    if exists:
        if not target.is_file():
            raise UserError(f"review state {target} is not a file")
        try:
            with target.open("rb") as fh:
                head = fh.read(16)
        except OSError as exc:
            raise UserError(f"cannot read review state {target}: {exc.strerror}") from None
        if head and head != SQLITE_MAGIC:
            raise UserError(f"review state {target} is not a SQLite database; refusing to touch it")
        if not _writable(target):
            raise UserError(f"review state {target} is read-only")
        if not _writable(target.parent):
            raise UserError(f"folder of the review state {target.parent} is read-only (SQLite needs it)")
    else:
        if not create:
            raise UserError(f"no review state at {target} yet (run 'studytool quiz' first)")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot create the folder {target.parent}: {exc.strerror}") from None
        if not _writable(target.parent):
            raise UserError(f"cannot create review state in read-only folder {target.parent}")
    try:
        conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise UserError(f"cannot open review state {target}: {exc}") from None
    store = Store(target, conn)
    try:
        _prepare(store)
    except BaseException:
        conn.close()
        raise
    return store


def _prepare(store: Store) -> None:
    db = store.conn
    with store.guard():
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("BEGIN")  # read version and tables from one snapshot
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        db.execute("COMMIT")
        if (version == 0 and tables - {"sqlite_sequence"}) or (version and not tables >= OUR_TABLES):
            # Another program's database: refused before anything (journal mode included) changes.
            raise UserError(f"{store.path} is a SQLite database but not a studytool review state")
        if version > SCHEMA_VERSION:
            raise UserError(
                f"review state {store.path} was written by a newer studytool (schema {version}, "
                f"this version knows {SCHEMA_VERSION}); upgrade studytool"
            )
        if version:
            problem = db.execute("PRAGMA quick_check(1)").fetchone()[0]
            if problem != "ok":
                raise UserError(f"review state {store.path} is damaged: {problem}")
            bad = db.execute(_DAMAGED_ROW).fetchone()
            if bad is not None:
                raise UserError(
                    f"review state {store.path} is damaged: the row of fact {bad[0]} cannot be read"
                )
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise UserError(f"review state {store.path}: cannot switch to WAL mode ({mode})")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
    if version < SCHEMA_VERSION:
        with store.transaction():
            current = int(db.execute("PRAGMA user_version").fetchone()[0])
            for step in range(current, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[step]):
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),)
            )


__all__ = ["Answer", "CardRow", "Snapshot", "Store", "open_store"]
