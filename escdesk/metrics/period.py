"""The dashboard's date window and its months: dates in, UTC instants out.

The window runs from `start` 00:00 UTC to the end of `end` (inclusive: --to 2026-11-30 includes the 30th). Months
are calendar months in UTC, cut to the window, so a window starting on the 15th has a short first month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class Month:
    label: str  # "2026-03"
    start: datetime
    end: datetime  # exclusive


def months(start: date, end: date) -> tuple[Month, ...]:
    """The calendar months touching [start, end], each cut to the window; none when end is before start."""
    found, day, stop = [], start, end + timedelta(days=1)
    while day < stop:
        following = min(_next_month(day), stop)
        found.append(Month(f"{day.year:04d}-{day.month:02d}", midnight(day), midnight(following)))
        day = following
    return tuple(found)


def month_bounds(label: str, window: tuple[datetime, datetime]) -> tuple[datetime, datetime]:
    """The instants of month "YYYY-MM" cut to the window (for drill-down)."""
    year, month = (int(part) for part in label.split("-"))
    first = date(year, month, 1)
    return max(midnight(first), window[0]), min(midnight(_next_month(first)), window[1])
