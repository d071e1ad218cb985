"""Amounts: integer cents in the store, Decimal above it, a short form for cards and headers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from escdesk.money import from_cents, short_amount, to_cents


@pytest.mark.parametrize(
    ("amount", "cents"),
    [
        (0, 0),
        (1, 100),
        ("1250000", 125_000_000),
        (Decimal("12.34"), 1234),
        ("12.345", 1235),  # half up, as money rounds
        ("12.344", 1234),
        ("-12.345", -1235),  # away from zero: a credit rounds like a charge
        (0.1 + 0.2, 30),  # the float's shortest repr, not its binary expansion
        (19.99, 1999),
        ("1e3", 100_000),
    ],
)
def test_to_cents(amount: Decimal | int | float | str, cents: int) -> None:
    assert to_cents(amount) == cents


def test_from_cents_is_exact() -> None:
    assert from_cents(1999) == Decimal("19.99")
    assert from_cents(-5) == Decimal("-0.05")
    assert from_cents(0) == 0


@pytest.mark.parametrize("cents", [0, 1, 99, 100, 123_456_789, -4_200, 10**15])
def test_round_trip(cents: int) -> None:
    assert to_cents(from_cents(cents)) == cents


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("0", "$0"),
        ("900", "$900"),
        ("999.49", "$999"),
        ("999.50", "$1k"),  # the unit is chosen after rounding
        ("1000", "$1k"),
        ("2500", "$3k"),  # half up
        ("49999", "$50k"),
        ("350000", "$350k"),
        ("949999", "$950k"),
        ("999499", "$999k"),
        ("999500", "$1.0M"),  # not "$1000k"
        ("999999", "$1.0M"),
        ("1000000", "$1.0M"),
        ("1200000", "$1.2M"),
        ("1250000", "$1.3M"),
        ("25000000", "$25.0M"),
        ("1E+6", "$1.0M"),  # no scientific notation leaks out
        ("-1200000", "-$1.2M"),
        ("-350", "-$350"),
    ],
)
def test_short_amount(amount: str, text: str) -> None:
    assert short_amount(Decimal(amount)) == text
