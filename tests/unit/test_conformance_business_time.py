"""The SLA and business-time vectors of shared/conformance/README.md (facts from Zammad's and Znuny's test files).

Each vector is its own test with the README's exact instants. Targets there are business minutes, so they are
written as "bm" spans here; vector 5 goes through the clock engine because it needs the pause.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from escdesk.calendars import BusinessCalendar
from escdesk.clocks import CaseTimeline, ClockTargets, Contact, StatusPeriod, compute_clocks
from escdesk.domain import CaseStatus, Channel, Direction
from escdesk.durations import parse_span

BERLIN = ZoneInfo("Europe/Berlin")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """Berlin wall-clock time, as the vectors marked "local" give it."""
    return datetime(year, month, day, hour, minute, second, tzinfo=BERLIN)


def berlin(hours: dict[str, object], holidays: list[object] | None = None) -> BusinessCalendar:
    return BusinessCalendar.from_dict({"time_zone": "Europe/Berlin", "hours": hours, "holidays": holidays or []})


def dues(calendar: BusinessCalendar, opened: datetime, *minutes: int) -> list[datetime]:
    return [calendar.add_business(opened, timedelta(minutes=m)) for m in minutes]


def test_vector_1_weekday_calendar_first_response_update_solution() -> None:
    calendar = berlin({"mon-fri": "09:00-17:00"})
    assert dues(calendar, utc(2013, 3, 21, 9, 30), 60, 180, 240) == [
        utc(2013, 3, 21, 10, 30),
        utc(2013, 3, 21, 12, 30),
        utc(2013, 3, 21, 13, 30),
    ]


def test_vector_2_active_holiday_skipped_inactive_holiday_worked() -> None:
    calendar = berlin(
        {"daily": "08:00-17:00"},
        [{"date": "2015-09-22", "active": True}, {"date": "2015-09-23", "active": False}],
    )
    assert dues(calendar, utc(2015, 9, 21, 14, 30), 120, 180, 240) == [
        utc(2015, 9, 23, 7, 30),
        utc(2015, 9, 23, 8, 30),
        utc(2015, 9, 23, 9, 30),
    ]


def test_vector_3_opened_before_opening_hours() -> None:
    calendar = berlin(
        {"daily": "08:00-17:00"},
        [{"date": "2015-09-22", "active": True}, {"date": "2015-09-23", "active": False}],
    )
    assert dues(calendar, utc(2013, 10, 21, 5, 30), 120) == [utc(2013, 10, 21, 8, 0)]


def test_vector_4_opened_on_a_holiday() -> None:
    calendar = berlin({"mon-fri": "08:00-20:00"}, ["2016-11-01"])
    assert dues(calendar, utc(2016, 11, 1, 13, 56, 21), 120, 1200) == [
        utc(2016, 11, 2, 9, 0),
        utc(2016, 11, 3, 15, 0),
    ]


def test_vector_5_pause_while_waiting_on_customer() -> None:
    calendar = berlin({"daily": "09:00-18:00"})
    case = CaseTimeline(
        opened_at=utc(2013, 6, 4, 9, 0),
        contacts=(Contact(utc(2013, 6, 4, 10, 45), Direction.OUTBOUND, Channel.EMAIL),),
        statuses=(
            StatusPeriod(CaseStatus.OPEN, utc(2013, 6, 4, 9, 0), utc(2013, 6, 4, 10, 0)),
            StatusPeriod(CaseStatus.WAITING_ON_CUSTOMER, utc(2013, 6, 4, 10, 0), utc(2013, 6, 4, 10, 30)),
            StatusPeriod(CaseStatus.OPEN, utc(2013, 6, 4, 10, 30), utc(2013, 6, 4, 12, 0)),
            StatusPeriod(CaseStatus.CLOSED, utc(2013, 6, 4, 12, 0)),
        ),
    )
    targets = ClockTargets(acknowledge=parse_span("120bm"), resolution=parse_span("250bm"))
    clocks = compute_clocks(case, targets, calendar, now=utc(2013, 6, 4, 15, 0))
    first, solution = clocks.acknowledge, clocks.resolution
    assert first is not None and solution is not None
    assert (first.due_at, first.stopped_at) == (utc(2013, 6, 4, 11, 30), utc(2013, 6, 4, 10, 45))
    assert (first.elapsed, first.remaining) == (timedelta(minutes=75), timedelta(minutes=45))
    assert (solution.due_at, solution.stopped_at) == (utc(2013, 6, 4, 13, 40), utc(2013, 6, 4, 12, 0))
    assert (solution.elapsed, solution.remaining) == (timedelta(minutes=150), timedelta(minutes=100))
    assert clocks.facts()["minutes_to_ack"] == 75
    assert clocks.facts()["minutes_to_resolve"] == 150


def test_vector_6_business_time_carries_over_to_the_next_morning() -> None:
    calendar = berlin({"mon-fri": "08:00-18:00"})
    due = calendar.add_business(local(2016, 2, 1, 16, 59, 30), timedelta(hours=3, minutes=30))
    assert due == local(2016, 2, 2, 10, 29, 30)


def test_vector_7_lunch_break_and_christmas_holidays() -> None:
    calendar = berlin(
        {"mon-fri": ["08:00-13:00", "14:00-18:00"]}, ["2015-12-24", "2015-12-25", "2015-12-26", "2015-12-31"]
    )
    due = calendar.add_business(local(2015, 12, 22, 16, 24, 49), timedelta(hours=20))
    assert due == local(2015, 12, 29, 8, 24, 49)


def test_vector_8_start_on_a_saturday_rolls_to_monday_opening() -> None:
    calendar = berlin({"mon-fri": "08:00-18:00"})
    due = calendar.add_business(local(2013, 3, 16, 10, 0), timedelta(minutes=1))
    assert due == local(2013, 3, 18, 8, 1)
    assert due.tzinfo is UTC
