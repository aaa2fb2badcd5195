"""The interface every review store offers the quiz engine: the built-in SQLite store
(`studytool.review.store.Store`) and a student's Anki collection (`studytool.anki.study.AnkiStore`).

A store either leaves the queue to the engine (`live` False: `rows` and `introduced_between`
feed `build_queue`), or keeps its own (`live` True: `top` names the next fact, as Anki's
scheduler decides it, and the engine follows).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from fsrs import Scheduler

    from studytool.model import Fact
    from studytool.review.store import Answer, CardRow


class ReviewStore(Protocol):
    """What the quiz engine asks of a store."""

    live: bool

    def sync(self, facts: Iterable[Fact], now: datetime) -> int: ...

    def rows(self) -> dict[str, CardRow]: ...

    def introduced_between(self, start: datetime, end: datetime) -> int: ...

    def top(self) -> str | None: ...

    def left(self) -> int | None: ...

    def why_empty(self) -> str | None: ...

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
    ) -> Answer: ...

    def undo(self, review_id: int, now: datetime) -> object: ...

    def bury(self, fact_id: str, until: datetime) -> None: ...

    def next_due(self) -> datetime | None: ...

    def previews(self, fact_id: str, now: datetime, scheduler: Scheduler | None) -> dict[int, str]: ...
