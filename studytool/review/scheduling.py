"""FSRS adapter: the only module that talks to the `fsrs` package.

Card state travels as the JSON dict of `fsrs.Card` so the store never depends on the
library's classes. Card ids are derived from the fact id, so exports are stable.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from studytool.errors import UserError

if TYPE_CHECKING:
    from fsrs import Scheduler

LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
RELEARNING_STEPS = (timedelta(minutes=10),)
FUZZ_ENV = "STUDYTOOL_FUZZ"
RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def card_id(fact_id: str) -> int:
    """A stable positive 48-bit integer for a fact id."""
    return int.from_bytes(hashlib.sha256(fact_id.encode()).digest()[:6], "big")


def fuzz_default() -> bool:
    """Interval fuzzing is on unless `STUDYTOOL_FUZZ=0` (tests and demos turn it off)."""
    return os.environ.get(FUZZ_ENV, "1").strip().lower() not in {"0", "false", "no", "off"}


def make_scheduler(retention: float = 0.9, *, fuzz: bool | None = None) -> Scheduler:
    """An FSRS scheduler with our learning steps; `retention` must lie in 0.70–0.99."""
    if not 0.7 <= retention <= 0.99:
        raise UserError(f"--retention must be between 0.70 and 0.99, not {retention}")
    from fsrs import Scheduler

    return Scheduler(
        desired_retention=retention,
        learning_steps=LEARNING_STEPS,
        relearning_steps=RELEARNING_STEPS,
        enable_fuzzing=fuzz_default() if fuzz is None else fuzz,
    )


def review(
    scheduler: Scheduler, fact_id: str, card: dict[str, Any] | None, rating: int, now: datetime
) -> dict[str, Any]:
    """Apply one rating (1–4) at `now` (UTC) and return the new card dict."""
    from fsrs import Card, Rating

    if now.tzinfo is None or now.utcoffset() != timedelta(0):
        raise ValueError("review times must be UTC")
    now = now.astimezone(UTC)
    current = Card.from_dict(card) if card else Card(card_id=card_id(fact_id), due=now)  # type: ignore[arg-type]
    new, _log = scheduler.review_card(current, Rating(rating), now)
    return dict(new.to_dict())


def due_of(card: dict[str, Any]) -> datetime:
    """The due time stored in a card dict, as UTC."""
    return datetime.fromisoformat(str(card["due"])).astimezone(UTC)


def short_interval(seconds: float) -> str:
    """An interval the way Anki's buttons show it: '45s', '10m', '3h', '4d', '2mo', '1.5y'."""
    if seconds < 60:
        return f"{max(0, round(seconds))}s"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}".removesuffix(".0") + "mo"
    return f"{days / 365:.1f}".removesuffix(".0") + "y"
