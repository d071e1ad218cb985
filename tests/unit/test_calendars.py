"""The business calendar engine: hours, holidays, DST in both directions, 24/7, and its arithmetic's properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from escdesk.calendars import BusinessCalendar, Holiday, WorkingRange

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
HOUR = timedelta(hours=1)


def calendar(zone: str, hours: object, holidays: list[object] | None = None, name: str = "") -> BusinessCalendar:
    return BusinessCalendar.from_dict({"time_zone": zone, "hours": hours, "holidays": holidays or [], "name": name})


def at(zone: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """An instant given by its local wall-clock reading in `zone` (fold=0 when the reading is ambiguous)."""
    return datetime(year, month, day, hour, minute, second, tzinfo=zone)


NINE_TO_FIVE = calendar("Europe/Berlin", {"mon-fri": "09:00-17:00"})


# -- construction and data -----------------------------------------------------------------------------------------


def test_round_trip_through_dict_keeps_everything() -> None:
    original = calendar(
        "Europe/Berlin",
        {"mon-thu": ["08:00-12:00", "13:00-17:00"], "fri": "08:00-14:00"},
        [{"date": "2025-12-24", "active": False, "name": "Christmas Eve"}, "2025-12-25"],
        name="Berlin office",
    )
    data = original.to_dict()
    assert data["hours"]["mon"] == ["08:00-12:00", "13:00-17:00"]
    assert data["hours"]["sat"] == []
    assert BusinessCalendar.from_dict(data) == original
    assert hash(BusinessCalendar.from_dict(data)) == hash(original)
    assert original.holidays_in_force == (Holiday(date(2025, 12, 25)),)


def test_24_7_round_trips_as_its_short_form() -> None:
    always = BusinessCalendar.always_open("America/New_York")
    assert always.to_dict()["hours"] == "24/7"
    assert BusinessCalendar.from_dict(always.to_dict()) == always
    assert calendar("UTC", {"daily": "00:00-24:00"}).is_24_7


@pytest.mark.parametrize(
    ("hours", "zone", "message"),
    [
        ({"tue": "17:00-09:00"}, "Europe/Berlin", "tue: range 17:00-09:00: the end must be after the start"),
        ({"wed": "09:00-25:00"}, "Europe/Berlin", "wed: range '09:00-25:00'"),
        ({"thu": "nine-five"}, "Europe/Berlin", "thu: range 'nine-five'"),
        ({"mon": ["08:00-13:00", "12:00-18:00"]}, "Europe/Berlin", "mon: ranges 08:00-13:00 and 12:00-18:00 overlap"),
        ({"funday": "09:00-17:00"}, "Europe/Berlin", "unknown day 'funday'"),
        ({"mon-fri": "09:00-17:00", "fri": "09:00-12:00"}, "Europe/Berlin", "fri is given twice"),
        ({"mon": "09:00-17:00"}, "Europe/Berlyn", "unknown time zone 'Europe/Berlyn'"),
        ({}, "UTC", "no working time on any weekday"),
        ({"sat": []}, "UTC", "no working time on any weekday"),
    ],
)
def test_bad_calendars_are_refused_naming_the_fault(hours: object, zone: str, message: str) -> None:
    with pytest.raises(ValueError, match="calendar 'Team'") as caught:
        calendar(zone, hours, name="Team")
    assert message in str(caught.value)


def test_holiday_listed_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="2025-12-25 is listed twice"):
        calendar("UTC", {"daily": "09:00-17:00"}, ["2025-12-25", {"date": "2025-12-25", "active": False}])


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware datetime"):
        NINE_TO_FIVE.is_open(datetime(2025, 1, 6, 10, 0))


def test_negative_durations_are_refused() -> None:
    start = at(BERLIN, 2025, 1, 6, 10)
    with pytest.raises(ValueError, match="negative"):
        NINE_TO_FIVE.add_business(start, -HOUR)
    with pytest.raises(ValueError, match="negative"):
        NINE_TO_FIVE.subtract_business(start, -HOUR)
    with pytest.raises(ValueError, match="negative"):
        NINE_TO_FIVE.add_business_days(start, -1)


# -- working hours -------------------------------------------------------------------------------------------------


def test_zero_duration_is_the_start_itself_even_when_closed() -> None:
    saturday = at(BERLIN, 2025, 1, 4, 10)
    assert NINE_TO_FIVE.add_business(saturday, timedelta(0)) == saturday
    assert NINE_TO_FIVE.add_business_days(saturday, 0) == saturday


def test_start_exactly_at_range_end_counts_from_next_opening() -> None:
    friday_close = at(BERLIN, 2025, 1, 3, 17)
    assert not NINE_TO_FIVE.is_open(friday_close)
    assert NINE_TO_FIVE.is_open(at(BERLIN, 2025, 1, 3, 9))  # [start, end): the opening minute is open
    assert NINE_TO_FIVE.add_business(friday_close, HOUR) == at(BERLIN, 2025, 1, 6, 10)


def test_due_time_may_be_the_end_of_the_working_day() -> None:
    assert NINE_TO_FIVE.add_business(at(BERLIN, 2025, 1, 3, 16), HOUR) == at(BERLIN, 2025, 1, 3, 17)


def test_lunch_break_does_not_count() -> None:
    lunch = calendar("Europe/Berlin", {"mon-fri": ["09:00-12:00", "13:00-17:00"]})
    assert lunch.add_business(at(BERLIN, 2025, 1, 6, 11, 30), HOUR) == at(BERLIN, 2025, 1, 6, 13, 30)
    assert lunch.business_between(at(BERLIN, 2025, 1, 6, 9), at(BERLIN, 2025, 1, 6, 17)) == 7 * HOUR
    assert not lunch.is_open(at(BERLIN, 2025, 1, 6, 12, 30))
    assert lunch.next_opening(at(BERLIN, 2025, 1, 6, 12, 30)) == at(BERLIN, 2025, 1, 6, 13)


def test_single_working_day_a_week() -> None:
    wednesdays = calendar("Europe/Berlin", {"wed": "10:00-14:00"})
    start = at(BERLIN, 2025, 1, 8, 13)  # a Wednesday
    assert wednesdays.add_business(start, 2 * HOUR) == at(BERLIN, 2025, 1, 15, 11)
    assert wednesdays.add_business(start, 9 * HOUR) == at(BERLIN, 2025, 1, 22, 14)  # the earliest instant
    assert wednesdays.business_between(start, at(BERLIN, 2025, 2, 5, 14)) == 17 * HOUR
    assert wednesdays.add_business_days(start, 2) == at(BERLIN, 2025, 1, 22, 13)


def test_active_holiday_closes_the_day_inactive_one_does_not() -> None:
    active = calendar("Europe/Berlin", {"mon-fri": "09:00-17:00"}, ["2025-01-07"])
    inactive = calendar("Europe/Berlin", {"mon-fri": "09:00-17:00"}, [{"date": "2025-01-07", "active": False}])
    monday_close = at(BERLIN, 2025, 1, 6, 17)
    assert active.add_business(monday_close, HOUR) == at(BERLIN, 2025, 1, 8, 10)
    assert inactive.add_business(monday_close, HOUR) == at(BERLIN, 2025, 1, 7, 10)
    assert inactive.add_business(monday_close, HOUR) == NINE_TO_FIVE.add_business(monday_close, HOUR)


def test_business_between_is_negative_backwards_and_zero_when_closed() -> None:
    monday, tuesday = at(BERLIN, 2025, 1, 6, 10), at(BERLIN, 2025, 1, 7, 10)
    assert NINE_TO_FIVE.business_between(monday, tuesday) == 8 * HOUR
    assert NINE_TO_FIVE.business_between(tuesday, monday) == -8 * HOUR
    assert NINE_TO_FIVE.business_between(at(BERLIN, 2025, 1, 4, 1), at(BERLIN, 2025, 1, 5, 23)) == timedelta(0)


def test_ten_business_days_across_weekends_and_holidays() -> None:
    with_holiday = calendar("Europe/Berlin", {"mon-fri": "09:00-17:00"}, ["2025-01-10"])
    start = at(BERLIN, 2025, 1, 6, 11)
    assert with_holiday.add_business(start, 80 * HOUR) == at(BERLIN, 2025, 1, 21, 11)
    assert with_holiday.add_business_days(start, 10) == at(BERLIN, 2025, 1, 21, 11)


def test_business_days_land_in_open_time_on_a_shorter_day() -> None:
    short_friday = calendar("Europe/Berlin", {"mon-thu": "09:00-17:00", "fri": "09:00-13:00"})
    assert short_friday.add_business_days(at(BERLIN, 2025, 1, 9, 15), 1) == at(BERLIN, 2025, 1, 10, 13)
    assert short_friday.add_business_days(at(BERLIN, 2025, 1, 4, 12), 1) == at(BERLIN, 2025, 1, 7, 9)


def test_subtract_business_counts_back_through_closed_time() -> None:
    monday_ten = at(BERLIN, 2025, 1, 6, 10)
    assert NINE_TO_FIVE.subtract_business(monday_ten, 2 * HOUR) == at(BERLIN, 2025, 1, 3, 16)
    assert NINE_TO_FIVE.subtract_business(monday_ten, HOUR) == at(BERLIN, 2025, 1, 6, 9)


def test_next_opening_holds_evening_instants_to_the_next_morning() -> None:
    assert NINE_TO_FIVE.next_opening(at(BERLIN, 2025, 1, 3, 17, 4)) == at(BERLIN, 2025, 1, 6, 9)
    assert NINE_TO_FIVE.next_opening(at(BERLIN, 2025, 1, 3, 16, 59)) == at(BERLIN, 2025, 1, 3, 16, 59)


# -- 24/7 and DST --------------------------------------------------------------------------------------------------


def test_24_7_across_several_midnights_has_no_gap() -> None:
    always = BusinessCalendar.always_open("Europe/Berlin")
    start = at(BERLIN, 2025, 1, 6, 22, 30)
    assert always.business_between(start, start + timedelta(days=3)) == 72 * HOUR
    assert always.add_business(start, 72 * HOUR) == at(BERLIN, 2025, 1, 9, 22, 30)
    assert always.is_open(at(BERLIN, 2025, 1, 7, 0, 0)) and always.is_open(at(BERLIN, 2025, 1, 6, 23, 59, 59))


def test_24_7_with_a_holiday_still_has_no_gap_at_other_midnights() -> None:
    mostly = calendar("Europe/Berlin", "24/7", ["2025-01-08"])
    start = at(BERLIN, 2025, 1, 6, 12)
    assert mostly.business_between(start, at(BERLIN, 2025, 1, 10, 12)) == 72 * HOUR
    assert mostly.add_business(start, 36 * HOUR) == at(BERLIN, 2025, 1, 8, 0)  # reached as the holiday begins


@pytest.mark.parametrize(
    ("zone", "saturday", "elapsed"),
    [
        (BERLIN, (2024, 3, 30), 47),  # spring forward: Sunday has 23 hours
        (BERLIN, (2024, 10, 26), 49),  # fall back: Sunday has 25 hours
        (NEW_YORK, (2024, 3, 9), 47),
        (NEW_YORK, (2024, 11, 2), 49),
    ],
)
def test_24_7_across_a_dst_change_counts_real_hours(
    zone: ZoneInfo, saturday: tuple[int, int, int], elapsed: int
) -> None:
    always = BusinessCalendar.always_open(str(zone))
    noon = at(zone, *saturday, 12)
    monday_noon = at(zone, *saturday, 12) + timedelta(days=2)  # same wall-clock time two days later
    assert always.business_between(noon, monday_noon) == elapsed * HOUR
    assert always.add_business(noon, elapsed * HOUR) == monday_noon


@pytest.mark.parametrize(
    ("zone", "sunday", "hours"),
    [
        ("Europe/Berlin", (2024, 3, 31), 2),  # 02:00 -> 03:00: the range 01:00-04:00 lasts 2 h
        ("Europe/Berlin", (2024, 10, 27), 4),  # 03:00 -> 02:00: it lasts 4 h
        ("America/New_York", (2024, 3, 10), 2),
        ("America/New_York", (2024, 11, 3), 4),
    ],
)
def test_working_range_spanning_the_change_has_its_real_length(
    zone: str, sunday: tuple[int, int, int], hours: int
) -> None:
    nights = calendar(zone, {"sun": "01:00-04:00"})
    tz = ZoneInfo(zone)
    opening, closing = at(tz, *sunday, 1), at(tz, *sunday, 4)
    assert nights.business_between(opening, closing) == hours * HOUR
    assert nights.add_business(opening, hours * HOUR) == closing
    # Compared in UTC: Python never finds an ambiguous local time equal to an instant in another zone (PEP 495).
    assert nights.next_opening(at(tz, *sunday, 0, 30)) == opening.astimezone(UTC)
    assert nights.is_open(opening) and not nights.is_open(closing)


def test_working_day_containing_dst_change_keeps_wall_clock_hours() -> None:
    sundays = calendar("Europe/Berlin", {"sun": "09:00-17:00"})
    saturday = at(BERLIN, 2024, 3, 30, 12)
    assert sundays.add_business(saturday, 3 * HOUR) == at(BERLIN, 2024, 3, 31, 12)
    assert at(BERLIN, 2024, 3, 31, 12).utcoffset() == 2 * HOUR
    autumn = sundays.add_business(at(BERLIN, 2024, 10, 26, 12), 3 * HOUR)
    assert autumn == at(BERLIN, 2024, 10, 27, 12) and autumn.astimezone(BERLIN).utcoffset() == HOUR


def test_weekday_calendar_over_a_dst_weekend_keeps_the_local_opening() -> None:
    new_york = calendar("America/New_York", {"mon-fri": "09:00-17:00"})
    assert new_york.add_business(at(NEW_YORK, 2024, 3, 8, 16), 2 * HOUR) == at(NEW_YORK, 2024, 3, 11, 10)
    assert NINE_TO_FIVE.add_business(at(BERLIN, 2024, 10, 25, 16), 2 * HOUR) == at(BERLIN, 2024, 10, 28, 10)


def test_boundary_inside_the_spring_gap_is_the_moment_of_the_jump() -> None:
    # 02:30 does not exist on 2024-03-31 in Berlin: a range from 02:30 opens when the clocks jump to 03:00.
    gap = calendar("Europe/Berlin", {"sun": ["01:00-02:30", "02:45-05:00"]})
    jump = datetime(2024, 3, 31, 1, 0, tzinfo=UTC)
    assert gap.business_between(at(BERLIN, 2024, 3, 31, 0), at(BERLIN, 2024, 3, 31, 6)) == 3 * HOUR
    assert gap.add_business(at(BERLIN, 2024, 3, 31, 0), HOUR) == jump
    assert gap.is_open(jump)


def test_ambiguous_boundary_is_its_first_occurrence() -> None:
    # 02:30 happens twice on 2024-10-27 in Berlin; the range starts at the first (00:30 UTC), so it lasts 2.5 h.
    autumn = calendar("Europe/Berlin", {"sun": "02:30-04:00"})
    first = datetime(2024, 10, 27, 0, 30, tzinfo=UTC)
    assert autumn.next_opening(at(BERLIN, 2024, 10, 27, 0)) == first
    assert autumn.business_between(first, at(BERLIN, 2024, 10, 27, 5)) == timedelta(hours=2, minutes=30)


def test_clocks_going_back_across_midnight_count_the_repeated_hour() -> None:
    # Santiago, 2024-04-07 00:00 -03 -> 2024-04-06 23:00 -04: Saturday evening until midnight lasts 5 real hours.
    santiago = ZoneInfo("America/Santiago")
    weekend = calendar("America/Santiago", {"sat": "20:00-24:00", "sun": "00:00-02:00"})
    evening = at(santiago, 2024, 4, 6, 20)
    assert weekend.add_business(evening, 5 * HOUR) == datetime(2024, 4, 7, 4, 0, tzinfo=UTC)
    assert weekend.business_between(evening, evening + timedelta(days=2)) == 7 * HOUR


def test_midnight_that_does_not_exist_opens_at_the_jump() -> None:
    # Santiago, 2024-09-08 00:00 -04 -> 01:00 -03: Sunday's 00:00-02:00 lasts 1 h and follows Saturday's range.
    weekend = calendar("America/Santiago", {"sat": "20:00-24:00", "sun": "00:00-02:00"})
    saturday_noon = at(ZoneInfo("America/Santiago"), 2024, 9, 7, 12)
    assert weekend.business_between(saturday_noon, saturday_noon + timedelta(days=2)) == 5 * HOUR
    assert weekend.add_business(saturday_noon, 5 * HOUR) == datetime(2024, 9, 8, 5, 0, tzinfo=UTC)


def test_business_positions_are_a_coordinate_for_business_time() -> None:
    monday, friday = at(BERLIN, 2025, 1, 6, 10), at(BERLIN, 2025, 1, 10, 16)
    distance = NINE_TO_FIVE.business_position(friday) - NINE_TO_FIVE.business_position(monday)
    assert timedelta(microseconds=distance) == NINE_TO_FIVE.business_between(monday, friday) == 38 * HOUR
    assert NINE_TO_FIVE.instant_at(NINE_TO_FIVE.business_position(monday) + 7 * 3_600_000_000) == at(
        BERLIN, 2025, 1, 6, 17
    )
    with pytest.raises(ValueError, match="business_position"):
        calendar("UTC", {"mon": "09:00-17:00"}).instant_at(0)


def test_business_days_duration_is_the_open_time_to_the_same_hour() -> None:
    start = at(BERLIN, 2025, 1, 9, 15)  # Thursday: Friday and Monday are the two working days after it
    assert NINE_TO_FIVE.add_business_days(start, 2) == at(BERLIN, 2025, 1, 13, 15)
    assert NINE_TO_FIVE.business_days_duration(start, 2) == 16 * HOUR
    assert NINE_TO_FIVE.business_days_duration(start, 0) == timedelta(0)


# -- properties ----------------------------------------------------------------------------------------------------

ZONES = ["Europe/Berlin", "America/New_York", "UTC", "Australia/Lord_Howe", "America/Santiago"]


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    week = []
    for _ in range(7):
        cuts = sorted(draw(st.sets(st.integers(0, 48), max_size=4)))
        week.append(tuple(WorkingRange(a * 30, b * 30) for a, b in zip(cuts[::2], cuts[1::2], strict=False)))
    if not any(week):
        week[draw(st.integers(0, 6))] = (WorkingRange(8 * 60, 17 * 60),)
    days = draw(st.lists(st.dates(date(2024, 1, 1), date(2025, 12, 31)), max_size=8, unique=True))
    holidays = tuple(Holiday(d, draw(st.booleans())) for d in days)
    return BusinessCalendar(draw(st.sampled_from(ZONES)), tuple(week), holidays)


# Anywhere in two years, and often within two days before a clock change in one of the zones drawn from.
CHANGES = [datetime(2024, m, d, tzinfo=UTC) for m, d in [(3, 10), (3, 31), (4, 7), (9, 8), (10, 6), (10, 27), (11, 3)]]
instants = st.one_of(
    st.datetimes(datetime(2024, 1, 1), datetime(2025, 12, 31), timezones=st.just(UTC)),
    st.builds(lambda c, d: c - d, st.sampled_from(CHANGES), st.timedeltas(timedelta(0), timedelta(days=2))),
)
# Up to 3 days of open time: on a sparse drawn calendar (one half hour a week) that is already years of days.
durations = st.timedeltas(timedelta(0), timedelta(days=3))


@settings(max_examples=100, deadline=None)
@given(calendars(), instants, durations)
def test_business_between_undoes_add_business(cal: BusinessCalendar, start: datetime, duration: timedelta) -> None:
    due = cal.add_business(start, duration)
    assert due >= start
    assert cal.business_between(start, due) == duration
    assert cal.business_between(cal.subtract_business(due, duration), due) == duration


@settings(max_examples=100, deadline=None)
@given(calendars(), instants, durations.filter(bool))
def test_a_due_time_is_reached_while_open(cal: BusinessCalendar, start: datetime, duration: timedelta) -> None:
    due = cal.add_business(start, duration)
    assert cal.is_open(due - timedelta(microseconds=1))
    assert cal.is_open(cal.next_opening(start))


@settings(max_examples=100, deadline=None)
@given(calendars(), instants, durations, durations, durations)
def test_add_business_is_monotonic(
    cal: BusinessCalendar, a: datetime, gap: timedelta, d1: timedelta, d2: timedelta
) -> None:
    b, (d1, d2) = a + gap, sorted((d1, d2))
    assert cal.add_business(a, d1) <= cal.add_business(a, d2)
    assert cal.add_business(a, d1) <= cal.add_business(b, d1)


@settings(max_examples=100, deadline=None)
@given(calendars(), instants, st.timedeltas(-timedelta(days=30), timedelta(days=30)), durations)
def test_business_between_adds_up(cal: BusinessCalendar, a: datetime, ab: timedelta, bc: timedelta) -> None:
    b, c = a + ab, a + ab + bc
    assert cal.business_between(a, b) + cal.business_between(b, c) == cal.business_between(a, c)
    assert cal.business_between(a, b) == -cal.business_between(b, a)
    assert abs(cal.business_between(a, b)) <= abs(b - a)


@settings(max_examples=100, deadline=None)
@given(calendars(), instants, st.integers(0, 12))
def test_business_days_land_in_open_time_and_measure_consistently(
    cal: BusinessCalendar, start: datetime, days: int
) -> None:
    due = cal.add_business_days(start, days)
    assert due >= start
    assert cal.business_days_duration(start, days) == cal.business_between(start, due)
    if days:
        assert cal.is_open(due) or cal.is_open(due - timedelta(microseconds=1))


def reference_boundary(zone: ZoneInfo, day: date, minute: int) -> datetime:
    """The documented rule, worked out naively: the first instant the wall clock reads that time or later."""
    naive = datetime.combine(day, datetime.min.time()) + timedelta(minutes=minute)
    instant = naive.replace(tzinfo=zone).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == naive:
        return instant
    while (instant - timedelta(minutes=1)).astimezone(zone).replace(tzinfo=None) >= naive:  # back to the jump
        instant -= timedelta(minutes=1)
    return instant


def reference_add(cal: BusinessCalendar, start: datetime, duration: timedelta) -> datetime | None:
    """add_business by walking every day's ranges one by one (None when 120 days are not enough)."""
    zone, closed = ZoneInfo(cal.time_zone), {h.on for h in cal.holidays_in_force}
    remaining, day = duration, start.astimezone(zone).date() - timedelta(days=1)
    for _ in range(120):
        for r in cal.week[day.weekday()] if day not in closed else ():
            begin = max(reference_boundary(zone, day, r.start), start)
            end = reference_boundary(zone, day, r.end)
            if end > begin:
                if remaining <= end - begin:
                    return begin + remaining
                remaining -= end - begin
        day += timedelta(days=1)
    return None


@settings(max_examples=100, deadline=None)
@given(calendars(), instants, st.timedeltas(timedelta(minutes=1), timedelta(days=2)))
def test_add_business_agrees_with_a_naive_reference(
    cal: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    expected = reference_add(cal, start, duration)
    assume(expected is not None)
    assert cal.add_business(start, duration) == expected


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(ZONES), instants, durations)
def test_24_7_is_plain_elapsed_time(zone: str, start: datetime, duration: timedelta) -> None:
    always = BusinessCalendar.always_open(zone)
    holiday_elsewhere = BusinessCalendar(zone, always.week, (Holiday(date(2030, 1, 1)),))  # forces the slow path
    assert always.add_business(start, duration) == start + duration
    assert holiday_elsewhere.add_business(start, duration) == start + duration
