"""The session engine: queue, answers, undo and bury. Pure: no terminal I/O, `now` is a parameter.

The engine talks to any `ReviewStore` (the built-in SQLite store or an Anki collection). With
the built-in store the queue holds due facts first (oldest due first), then new facts in
curriculum order, up to the per-study-day budget (`new_per_day` minus the facts already
introduced today in any session); facts answered into a short learning step come back later
in the same session. A live store (Anki) keeps its own queue and the engine follows it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from studytool.clock import day_bounds, study_day, to_text
from studytool.errors import UserError
from studytool.model import Fact, KnowledgeBase
from studytool.questions.facts import derive_facts
from studytool.review.scheduling import make_scheduler
from studytool.review.store import NEW, REVIEW, Answer

if TYPE_CHECKING:
    from fsrs import Scheduler

    from studytool.review.base import ReviewStore

MODES = ("flip", "type", "choice")
LEARN_AHEAD = timedelta(minutes=20)


@dataclass(frozen=True)
class SessionOptions:
    """Everything that shapes one session."""

    mode: str = "flip"
    new_per_day: int = 10
    limit: int | None = None
    cram: bool = False
    retention: float = 0.9
    day_start: int = 4
    fuzz: bool | None = None
    muscles: tuple[str, ...] = ()
    facets: tuple[str, ...] = ()

    def check(self) -> None:
        if self.mode not in MODES:
            raise UserError(f"unknown mode '{self.mode}'; modes: {', '.join(MODES)}")
        if self.new_per_day < 0:
            raise UserError("--new must be 0 or more")
        if self.limit is not None and self.limit < 1:
            raise UserError("--limit must be 1 or more")


@dataclass
class Summary:
    """What a session did, for the closing screen."""

    reviewed: int
    correct: int
    seconds: float
    next_due: datetime | None
    new_seen: int
    leeches: list[str] = field(default_factory=list)
    retired: int = 0

    @property
    def percent_correct(self) -> float:
        return 100.0 * self.correct / self.reviewed if self.reviewed else 0.0


@dataclass
class _Done:
    answer: Answer
    fact: Fact
    requeued: bool


class Session:
    """One study session over a store. Create with `Session.start`."""

    def __init__(
        self,
        store: ReviewStore,
        kb: KnowledgeBase,
        facts: Sequence[Fact],
        options: SessionOptions,
        queue: Sequence[Fact],
        retired: int = 0,
        scheduler: Scheduler | None = None,
    ) -> None:
        self.store = store
        self.kb = kb
        self.facts = {f.id: f for f in facts}
        self.options = options
        self.queue: deque[Fact] = deque(queue)
        self.history: list[_Done] = []
        self.retired = retired
        self.scheduler = scheduler  # None when cramming

    # -- construction -----------------------------------------------------------------
    @classmethod
    def start(cls, store: ReviewStore, kb: KnowledgeBase, options: SessionOptions, now: datetime) -> Session:
        """Record the current facts (retiring vanished ones) and build the queue."""
        options.check()
        # Made (and --retention checked) before anything is written to the store.
        scheduler = None if options.cram else make_scheduler(options.retention, fuzz=options.fuzz)
        every = derive_facts(kb)
        retired = store.sync(every, now)
        chosen = (
            derive_facts(kb, muscles=options.muscles, facets=options.facets)
            if options.muscles or options.facets
            else every
        )
        queue = build_queue(store, chosen, options, now)
        return cls(store, kb, chosen, options, queue, retired, scheduler)

    # -- stepping -----------------------------------------------------------------------
    @property
    def answered(self) -> int:
        return len(self.history)

    def next(self) -> Fact | None:
        """The next fact to ask, or None when the session is over."""
        if self.options.limit is not None and self.answered >= self.options.limit:
            return None
        if self.store.live:
            top = self.store.top()
            return self.facts.get(top) if top else None
        return self.queue[0] if self.queue else None

    def left(self) -> int:
        """Cards left in this session (a live store counts Anki's cards left today)."""
        live = self.store.left() if self.store.live else None
        return len(self.queue) if live is None else live

    def why_empty(self, now: datetime) -> str:
        """Why there is nothing to study, and how to go on."""
        if not self.facts:
            return "the selection is empty: no facts match --muscle/--facet"
        live = self.store.why_empty()
        if live is not None:
            return live
        rows = self.store.rows()
        stamp = to_text(now)
        waiting = [
            fid
            for fid in self.facts
            if fid in rows and rows[fid].state == NEW and not (rows[fid].buried_until or "") > stamp
        ]
        if waiting and not self.options.cram:
            start, end = day_bounds(study_day(now, self.options.day_start), self.options.day_start)
            done = self.store.introduced_between(start, end)
            return (
                f"today's new-card limit is used up ({done} new today, --new {self.options.new_per_day}); "
                f"{len(waiting)} new fact(s) wait: run with --new {done + 10} for more, or come back tomorrow"
            )
        due = self.store.next_due()
        if due is None:
            return "nothing is due and no new facts are left (buried facts come back tomorrow)"
        return f"nothing is due; the next card is due {due.astimezone():%Y-%m-%d %H:%M}"

    def previews(self, fact: Fact, now: datetime) -> dict[int, str]:
        """Each rating's next interval for this fact ("10m", "4d"); {} when cramming."""
        return self.store.previews(fact.id, now, self.scheduler)

    def answer(
        self,
        fact: Fact,
        rating: int,
        now: datetime,
        *,
        typed: str | None = None,
        score: float | None = None,
        duration_ms: int | None = None,
        recalled: Sequence[bool] | None = None,
    ) -> Answer:
        """Log one answer (one transaction) and move on; `recalled` says, for a list, which items
        were recalled (a store that keeps one card per item grades each on its own)."""
        if self.queue and self.queue[0].id == fact.id:
            self.queue.popleft()
        ans = self.store.answer(
            fact.id,
            rating,
            now,
            scheduler=self.scheduler,
            mode=self.options.mode,
            typed=typed,
            score=score,
            duration_ms=duration_ms,
            cram=self.options.cram,
            recalled=recalled,
        )
        requeued = False
        if (
            not self.store.live
            and not self.options.cram
            and ans.after.due
            and ans.after.due <= to_text(now + LEARN_AHEAD)
        ):
            self.queue.append(fact)
            requeued = True
        self.history.append(_Done(ans, fact, requeued))
        return ans

    def undo(self, now: datetime) -> Fact | None:
        """Undo the latest answer of this session; that fact is asked again next."""
        if not self.history:
            return None
        done = self.history.pop()
        self.store.undo(done.answer.review_id, now)
        if done.requeued:
            for i in range(len(self.queue) - 1, -1, -1):
                if self.queue[i].id == done.fact.id:
                    del self.queue[i]
                    break
        self.queue.appendleft(done.fact)
        return done.fact

    def bury(self, fact: Fact, now: datetime) -> datetime:
        """Hide a fact until the next study day starts; returns that time."""
        today = study_day(now, self.options.day_start)
        until = day_bounds(today, self.options.day_start)[1]
        self.store.bury(fact.id, until)
        self.queue = deque(f for f in self.queue if f.id != fact.id)
        return until

    def summary(self, seconds: float) -> Summary:
        answers = [d.answer for d in self.history]
        return Summary(
            reviewed=len(answers),
            correct=sum(a.rating >= 2 for a in answers),
            seconds=seconds,
            next_due=self.store.next_due(),
            new_seen=len({a.fact_id for a in answers if a.before.state == NEW and not a.cram}),
            leeches=sorted({a.fact_id for a in answers if a.became_leech}),
            retired=self.retired,
        )


def build_queue(
    store: ReviewStore, facts: Sequence[Fact], options: SessionOptions, now: datetime
) -> list[Fact]:
    """Due facts (oldest first), then new facts within today's budget; cram takes everything."""
    rows = store.rows()
    stamp = to_text(now)

    def buried(fid: str) -> bool:
        until = rows[fid].buried_until
        return bool(until and until > stamp)

    present = [f for f in facts if f.id in rows and not buried(f.id)]
    if options.cram:
        return present
    ahead = to_text(now + LEARN_AHEAD)  # learning steps due within minutes count as due

    def is_due(fid: str) -> bool:
        row = rows[fid]
        limit = stamp if row.state == REVIEW else ahead
        return row.state != NEW and (row.due or "") <= limit

    due = sorted(
        (f for f in present if is_due(f.id)),
        key=lambda f: (rows[f.id].due or "", f.order),
    )
    start, end = day_bounds(study_day(now, options.day_start), options.day_start)
    budget = max(0, options.new_per_day - store.introduced_between(start, end))
    new = [f for f in present if rows[f.id].state == NEW][:budget]
    return due + new
