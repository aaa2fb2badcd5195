"""The injected clock: `STUDYTOOL_NOW` replaces the current time, and study days roll over at 4 AM.

Every datetime that leaves this module is timezone-aware UTC (`tzinfo is timezone.utc`),
which is what `fsrs` requires. Study days are computed in *local* time: a day starts at
`day_start` o'clock (default 4, like Anki) and ends at the same hour the next morning.
"""

from __future__ import annotations

import os
import time as time_
from datetime import UTC, date, datetime, time, timedelta

from studytool.errors import UserError

NOW_ENV = "STUDYTOOL_NOW"
SOURCE_DATE_EPOCH_ENV = "SOURCE_DATE_EPOCH"
DAY_START_ENV = "STUDYTOOL_DAY_START"
DEFAULT_DAY_START = 4
# Times the tool accepts: later arithmetic (a day ahead, an interval of years) must stay valid.
EARLIEST = datetime(1970, 1, 2, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def _in_range(value: datetime, text: str) -> datetime:
    if not EARLIEST <= value <= LATEST:
        raise UserError(
            f"time {text!r} is out of range; use a time from {EARLIEST.year} to {LATEST.year - 1}"
        )
    return value


def parse_utc(text: str) -> datetime:
    """Parse an ISO 8601 time; a value without an offset is taken as UTC."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UserError(f"not an ISO 8601 time: '{text}' (example: 2026-03-01T09:00:00Z)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return _in_range(value.astimezone(UTC), text)
    except OverflowError:  # year 1 with an offset, year 9999 +14:00
        raise UserError(f"time {text!r} is out of range") from None


def now() -> datetime:
    """The current UTC time, or `STUDYTOOL_NOW` (an ISO 8601 time or epoch seconds) when set."""
    fixed = os.environ.get(NOW_ENV, "").strip()
    if fixed:
        return (
            datetime.fromtimestamp(_fixed_seconds(NOW_ENV, fixed), UTC)
            if fixed.isdigit()
            else _fixed_time(fixed)
        )
    return datetime.now(UTC)


def _fixed_time(value: str) -> datetime:
    try:
        return parse_utc(value)
    except UserError as exc:
        raise UserError(f"{NOW_ENV}: {exc}") from None


def _fixed_seconds(name: str, value: str) -> int:
    seconds = int(value)
    if not EARLIEST.timestamp() <= seconds <= LATEST.timestamp():
        raise UserError(f"{name}: {value[:30]} seconds is out of range (years 1970 to {LATEST.year - 1})")
    return seconds


def epoch_seconds() -> int:
    """A build's 'now' in whole seconds since 1970: `STUDYTOOL_NOW` (seconds or an ISO 8601
    time, as for the quiz), else `SOURCE_DATE_EPOCH`, else the system clock."""
    for name in (NOW_ENV, SOURCE_DATE_EPOCH_ENV):
        value = os.environ.get(name, "").strip()
        if not value:
            continue
        if value.isdigit():
            return _fixed_seconds(name, value)
        if name == NOW_ENV:
            return int(_fixed_time(value).timestamp())
        raise UserError(f"{name} must be whole seconds since 1970, not {value!r}")
    return int(time_.time())


def to_text(value: datetime) -> str:
    """The one storage form of a time: UTC ISO 8601 with microseconds (sorts as text)."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def day_start_hour(value: int | None = None) -> int:
    """The hour a study day starts: the option, else `STUDYTOOL_DAY_START`, else 4."""
    if value is None:
        raw = os.environ.get(DAY_START_ENV, "").strip()
        if not raw:
            return DEFAULT_DAY_START
        try:
            value = int(raw)
        except ValueError:
            raise UserError(f"{DAY_START_ENV} must be an hour from 0 to 23, not '{raw}'") from None
    if not 0 <= value <= 23:
        raise UserError(f"the day start must be an hour from 0 to 23, not {value}")
    return value


def study_day(moment: datetime, start_hour: int = DEFAULT_DAY_START) -> date:
    """The local study day a moment belongs to (before `start_hour` counts as the previous day)."""
    local = moment.astimezone()
    return (local - timedelta(hours=start_hour)).date()


def day_bounds(day: date, start_hour: int = DEFAULT_DAY_START) -> tuple[datetime, datetime]:
    """UTC start (inclusive) and end (exclusive) of a local study day."""
    # A naive datetime's astimezone() reads it as local time, daylight saving included.
    start = datetime.combine(day, time(start_hour)).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(start_hour)).astimezone(UTC)
    return start, end
