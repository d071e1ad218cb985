"""ISO weeks in the reader's zone: parsing, bounds across a daylight-saving change, the last week of a year."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from escdesk.reports.weeks import BadWeek, IsoWeek, parse_week, week_of


@pytest.mark.parametrize("text", ["2026-W48", "2026W48", " 2026-w48 "])
def test_parse(text: str) -> None:
    assert parse_week(text) == IsoWeek(2026, 48)


@pytest.mark.parametrize(
    ("text", "message"),
    [("2026-48", "use the ISO form"), ("W48", "use the ISO form"), ("2026-W54", "2026 has ISO weeks 1 to 53"),
     ("2025-W53", "2025 has ISO weeks 1 to 52"), ("2026-W00", "week 0 does not exist")],
)  # fmt: skip
def test_bad_weeks_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(BadWeek, match=message):
        parse_week(text)


def test_bounds_are_local_midnights_and_follow_daylight_saving() -> None:
    start, end = IsoWeek(2026, 13).bounds("Europe/Berlin")  # clocks go forward on Sun 29 Mar 2026
    assert start == datetime(2026, 3, 22, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=167)


def test_week_of_uses_the_readers_zone_and_shifting_crosses_years() -> None:
    instant = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # Sunday in UTC, Monday 00:30 in Berlin
    assert week_of(instant, "UTC") == IsoWeek(2026, 9)
    assert week_of(instant, "Europe/Berlin") == IsoWeek(2026, 10)
    assert IsoWeek(2026, 1).shifted(-1) == IsoWeek(2025, 52)
    assert IsoWeek(2026, 53).shifted(1) == IsoWeek(2027, 1)
    assert str(IsoWeek(2026, 3)) == "2026-W03"
