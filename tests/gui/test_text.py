"""The board's wording: durations, column summaries, statuses."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from escdesk.domain import Level
from escdesk.policy import default_policy
from ui import text


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (timedelta(seconds=20), "now"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(hours=3, minutes=59), "3 h"),
        (timedelta(hours=47), "47 h"),
        (timedelta(days=12, hours=5), "12 d"),
    ],
)
def test_short_duration(delta: timedelta, shown: str) -> None:
    assert text.short_duration(delta) == shown


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (timedelta(seconds=20), "<1 min"),  # just overdue reads as overdue, not "overdue 0 min"
        (timedelta(minutes=25), "25 min"),
        (timedelta(hours=1, minutes=10), "1 h 10 m"),
        (timedelta(hours=3), "3 h"),
        (timedelta(days=3, hours=4), "3 d 4 h"),
        (timedelta(days=40, hours=4), "40 d"),
        (timedelta(minutes=-5), "<1 min"),
    ],
)
def test_clock_duration(delta: timedelta, shown: str) -> None:
    assert text.clock_duration(delta) == shown


def test_column_words() -> None:
    policy = default_policy()
    assert text.column_title(policy, Level.L0) == "L0 · CS owner"
    assert text.column_title(policy, Level.L5) == "L5 · CEO"
    assert text.column_summary(12, Decimal("3400000")) == "12 cases · $3.4M at risk"
    assert text.column_summary(1, Decimal("50000")) == "1 case · $50k at risk"
    assert text.column_summary(0, Decimal(0)) == "No cases"
    assert text.involved_text(0) == "none involved"
    assert text.involved_text(3) == "3 involved"
