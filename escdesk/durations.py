"""Target spans as the policy writes them: "30m", "4h", "7d", "2w" (elapsed time) and "90bm", "4bh", "1bd"
(business time on the case's calendar).

The unit says how a span counts, so the policy file is the one place that decides it (DESIGN.md section 4 says
"1 business day" where it means business time and plain hours elsewhere). Plain units still stop while a clock is
paused (waiting on customer); they only ignore working hours and holidays.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import timedelta


class SpanUnit(enum.StrEnum):
    MINUTES = "m"
    HOURS = "h"
    DAYS = "d"  # 24 elapsed hours, so "daily" means daily even on a 9-to-5 calendar
    WEEKS = "w"
    BUSINESS_MINUTES = "bm"
    BUSINESS_HOURS = "bh"
    BUSINESS_DAYS = "bd"  # working days on the calendar, not a fixed number of hours

    @property
    def business(self) -> bool:
        return self.value.startswith("b")


_FIXED_MINUTES = {
    SpanUnit.MINUTES: 1,
    SpanUnit.HOURS: 60,
    SpanUnit.DAYS: 1440,
    SpanUnit.WEEKS: 7 * 1440,
    SpanUnit.BUSINESS_MINUTES: 1,
    SpanUnit.BUSINESS_HOURS: 60,
}
_SPAN = re.compile(r"(\d+)\s*(bm|bh|bd|m|h|d|w)")


@dataclass(frozen=True, slots=True)
class Span:
    """A whole number of one unit; `str(span)` gives back the policy spelling."""

    amount: int
    unit: SpanUnit
    # Derived once (plain attributes, not properties): the clocks read them thousands of times a board refresh.
    business: bool = field(init=False, repr=False, compare=False)  # counts only the calendar's open time
    fixed: timedelta | None = field(init=False, repr=False, compare=False)  # None for working days ("bd")
    fixed_us: int | None = field(init=False, repr=False, compare=False)  # `fixed` in microseconds

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError(f"target span {self}: must not be negative")
        per = _FIXED_MINUTES.get(self.unit)
        object.__setattr__(self, "business", self.unit.business)
        object.__setattr__(self, "fixed", None if per is None else timedelta(minutes=self.amount * per))
        object.__setattr__(self, "fixed_us", None if per is None else self.amount * per * 60_000_000)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit.value}"

    @property
    def business_days(self) -> int | None:
        """The number of working days for a "bd" span; None for a span of fixed length."""
        return self.amount if self.unit is SpanUnit.BUSINESS_DAYS else None


def parse_span(text: str) -> Span:
    """Parse "30m", "4h", "1bd", "2d" ...; ValueError names the text and lists the units."""
    match = _SPAN.fullmatch(text.strip().lower()) if isinstance(text, str) else None
    if match is None:
        units = ", ".join(u.value for u in SpanUnit)
        raise ValueError(f"target {text!r}: expected a whole number and a unit ({units}), e.g. '30m' or '1bd'")
    return Span(int(match.group(1)), SpanUnit(match.group(2)))
