"""How dates, times and amounts read on a brief.

English names from our own tables, not strftime: %a and %b follow the process locale, and a brief must read (and
hash) the same on every machine.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def money(amount: Decimal) -> str:
    """$1,240,000: whole dollars, because an executive reads ARR to the dollar at most."""
    whole = Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    sign = "-" if whole < 0 else ""
    return f"{sign}${abs(whole):,f}"


def day(on: date) -> str:
    return f"{on.day} {MONTHS[on.month - 1]} {on.year}"


def weekday_day(on: date) -> str:
    return f"{DAYS[on.weekday()]} {day(on)}"


def zone_abbreviation(at: datetime, zone: tzinfo) -> str:
    local = at.astimezone(zone)
    return local.tzname() or local.strftime("%z")


def moment(at: datetime, zone: tzinfo) -> str:
    """Thu 5 Mar 2026, 12:00 CET: a deadline, with the zone it is meant in."""
    local = at.astimezone(zone)
    return f"{weekday_day(local.date())}, {local:%H:%M} {zone_abbreviation(at, zone)}"


def stamp(at: datetime, zone: tzinfo, *, this_year: int) -> tuple[str, str]:
    """("5 Mar", "09:10") on a timeline, set as two lines; the year only when it is not the brief's own."""
    local = at.astimezone(zone)
    year = "" if local.year == this_year else f" {local.year}"
    return f"{local.day} {MONTHS[local.month - 1]}{year}", f"{local:%H:%M}"


def short_day(on: date, *, this_year: int) -> str:
    year = "" if on.year == this_year else f" {on.year}"
    return f"{on.day} {MONTHS[on.month - 1]}{year}"


def days_until(on: date, today: date) -> str:
    delta = (on - today).days
    if delta == 0:
        return "today"
    if delta < 0:
        return "yesterday" if delta == -1 else f"{-delta} days ago"
    return "tomorrow" if delta == 1 else f"in {delta} days"


def signed(value: int) -> str:
    """−21 / +4 with a true minus sign, which reads better than a hyphen in a figure."""
    return f"−{-value}" if value < 0 else f"+{value}"
