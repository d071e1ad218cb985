"""The one injectable clock. Everything that needs "now" takes a Clock, so tests can freeze time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to; for tests and deterministic demo data."""

    def __init__(self, at: datetime) -> None:
        self._at = _aware_utc(at)

    def now(self) -> datetime:
        return self._at

    def advance(self, delta: timedelta) -> None:
        self._at += delta

    def set(self, at: datetime) -> None:
        self._at = _aware_utc(at)


def _aware_utc(at: datetime) -> datetime:
    # A naive datetime would be read as local time by astimezone: refuse it rather than guess.
    if at.tzinfo is None:
        raise ValueError("FrozenClock needs an aware datetime")
    return at.astimezone(UTC)
