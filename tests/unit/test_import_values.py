"""Cell values: amounts in any locale, dates decided per column (a question when the column cannot tell),
missing-value markers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from escdesk.importing.values import (
    AmbiguousDates,
    DateOrder,
    MixedDates,
    decide_date_order,
    is_missing,
    parse_amount,
    parse_day,
    parse_instant,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("$1,234.56", "1234.56"),
        ("1 234,56 €", "1234.56"),
        ("1\u202f234,56\u00a0€", "1234.56"),
        ("EUR 1.000.000", "1000000"),
        ("1,234", "1234"),
        ("12,5", "12.5"),
        ("0.125", "0.125"),
        ("27.0", "27.0"),
        ("(500)", "-500"),
        ("-1'000.5", "-1000.5"),
        ("33432", "33432"),
    ],
)
def test_amounts(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "1.2.3,4,5x", "$", "12 apples"])
def test_not_amounts(text: str) -> None:
    with pytest.raises(ValueError, match="amount"):
        parse_amount(text)


@pytest.mark.parametrize("text", ["", " ", "?", "N/A", "null", "NULL", "none", "-"])
def test_missing_markers(text: str) -> None:
    assert is_missing(text)


def test_a_value_is_not_missing() -> None:
    assert not is_missing("0")


def test_day_first_when_a_value_only_reads_that_way() -> None:
    assert decide_date_order("Renewal", ["01.02.2025", "31.12.2025"]) is DateOrder.DAY_FIRST
    assert parse_day("31.12.2025", DateOrder.DAY_FIRST) == date(2025, 12, 31)
    assert parse_day("01.02.2025", DateOrder.DAY_FIRST) == date(2025, 2, 1)


def test_month_first_us_stamps() -> None:
    assert decide_date_order("First Response Time", ["6/1/2023 12:15", "6/13/2023 9:03"]) is DateOrder.MONTH_FIRST
    assert parse_instant("6/1/2023 12:15", DateOrder.MONTH_FIRST) == datetime(2023, 6, 1, 12, 15, tzinfo=UTC)


def test_a_column_that_reads_both_ways_is_a_question() -> None:
    decided = decide_date_order("Opened", ["03/04/2025", "05/06/2025", "07/07/2025"])
    assert isinstance(decided, AmbiguousDates)
    assert decided.examples == ("03/04/2025", "05/06/2025")
    assert "day-first" in decided.question
    with pytest.raises(ValueError, match="ambiguous"):
        parse_day("03/04/2025", None)


def test_a_column_mixing_both_orders_is_reported() -> None:
    assert isinstance(decide_date_order("Opened", ["13/01/2025", "01/13/2025"]), MixedDates)


def test_no_decision_needed_for_iso_or_month_names() -> None:
    assert decide_date_order("Created", ["2025-03-04", "15/Feb/26 4:37 PM", "5/5/2025"]) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/Feb/26 4:37 PM", datetime(2026, 2, 15, 16, 37, tzinfo=UTC)),
        ("18/jul/26 9:10 AM", datetime(2026, 7, 18, 9, 10, tzinfo=UTC)),
        ("03/Mär/26 12:00 AM", datetime(2026, 3, 3, 0, 0, tzinfo=UTC)),
        ("12/déc/25 12:30 PM", datetime(2025, 12, 12, 12, 30, tzinfo=UTC)),
        ("2025-12-03 16:29:08", datetime(2025, 12, 3, 16, 29, 8, tzinfo=UTC)),
        ("2025-12-03T16:29:08+01:00", datetime(2025, 12, 3, 15, 29, 8, tzinfo=UTC)),
        ("2023-07-27", datetime(2023, 7, 27, tzinfo=UTC)),
    ],
)
def test_instants(text: str, expected: datetime) -> None:
    assert parse_instant(text, None) == expected


def test_stamps_without_offset_are_in_the_exports_zone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert parse_instant("2025-12-03 10:00", None, berlin) == datetime(2025, 12, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["31/02/2025", "15/Foo/26 4:37 PM", "yesterday", "13:00 PM 1/1/2025"])
def test_not_dates(text: str) -> None:
    with pytest.raises(ValueError):
        parse_instant(text, DateOrder.DAY_FIRST)
