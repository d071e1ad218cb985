"""The injectable clock: UTC, aware, and frozen in tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from escdesk.clock import FrozenClock, SystemClock

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_frozen_clock_stands_still() -> None:
    clock = FrozenClock(AT)
    assert clock.now() == AT
    assert clock.now() == AT


def test_advance_and_set() -> None:
    clock = FrozenClock(AT)
    clock.advance(timedelta(hours=2, minutes=30))
    assert clock.now() == datetime(2026, 3, 2, 11, 30, tzinfo=UTC)
    clock.set(datetime(2026, 12, 31, 23, 59, tzinfo=UTC))
    assert clock.now() == datetime(2026, 12, 31, 23, 59, tzinfo=UTC)


def test_other_zones_become_utc() -> None:
    paris = timezone(timedelta(hours=1))
    clock = FrozenClock(datetime(2026, 3, 2, 10, 0, tzinfo=paris))
    assert clock.now() == AT
    assert clock.now().utcoffset() == timedelta(0)
    assert clock.now().tzinfo == UTC
    clock.set(datetime(2026, 3, 2, 5, 0, tzinfo=timezone(timedelta(hours=-5))))
    assert clock.now() == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert clock.now().tzinfo == UTC


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        FrozenClock(datetime(2026, 3, 2, 9, 0))
    clock = FrozenClock(AT)
    with pytest.raises(ValueError, match="aware"):
        clock.set(datetime(2026, 3, 2, 9, 0))
    assert clock.now() == AT


def test_system_clock_is_aware_utc() -> None:
    now = SystemClock().now()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(UTC)) < timedelta(minutes=1)
