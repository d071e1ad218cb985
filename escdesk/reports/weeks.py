"""ISO weeks in the reader's zone: "2026-W48" is Monday 00:00 to the next Monday 00:00 where the reader is.

The bounds are computed on local dates and converted to UTC instants for the queries, so a week that holds a
daylight-saving change is 167 or 169 hours long, as the reader's calendar says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from escdesk.errors import EscDeskError

_WEEK = re.compile(r"(\d{4})-?W(\d{1,2})")


class BadWeek(EscDeskError):
    """A --week value that is not an ISO week."""


@dataclass(frozen=True, slots=True, order=True)
class IsoWeek:
    year: int
    week: int

    def __post_init__(self) -> None:
        last = date(self.year, 12, 28).isocalendar().week  # 28 December is always in the year's last ISO week
        if not 1 <= self.week <= last:
            raise BadWeek(f"{self.year} has ISO weeks 1 to {last}; week {self.week} does not exist")

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def shifted(self, weeks: int) -> IsoWeek:
        year, week, _ = (self.monday + timedelta(weeks=weeks)).isocalendar()
        return IsoWeek(year, week)

    def bounds(self, zone: str) -> tuple[datetime, datetime]:
        """[start, end) of the week as UTC instants: local Monday midnight to the next one."""
        tz = ZoneInfo(zone)
        start = datetime.combine(self.monday, time(0), tz)
        end = datetime.combine(self.monday + timedelta(days=7), time(0), tz)
        return start.astimezone(UTC), end.astimezone(UTC)


def parse_week(text: str) -> IsoWeek:
    """ "2026-W48" (or 2026W48); BadWeek says what was wrong."""
    match = _WEEK.fullmatch(text.strip().upper())
    if match is None:
        raise BadWeek(f"invalid week {text!r}: use the ISO form YYYY-Www, e.g. 2026-W48")
    return IsoWeek(int(match.group(1)), int(match.group(2)))


def week_of(at: datetime, zone: str) -> IsoWeek:
    """The ISO week an instant falls in, in the reader's zone."""
    year, week, _ = at.astimezone(ZoneInfo(zone)).date().isocalendar()
    return IsoWeek(year, week)
