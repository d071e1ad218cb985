"""Deadlines a person set on a case ("the customer expects the fix by Fri 17:00", "the CFO call is Tue 10:00").

Unlike the SLA clocks these are not computed: a deadline falls due at exactly the instant the person gave, in
elapsed time, whatever the calendar, its holidays, the policy's targets or a pause say, and a change of any of
those never moves it (issue 5: "a deadline a person set never moves"). It is overdue once passed and not met.
It stops when met, or when the case is resolved; a cleared deadline is gone from the clocks (its history stays).

Each one reads as a ClockReading of kind DEADLINE, so the board's "next due", the overdue count and the notices
treat it like any other clock. Pure: no store types, a frozen `now` makes it exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from escdesk.clocks import ClockKind, ClockReading
from escdesk.durations import Span, SpanUnit

MAX_LABEL = 200
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class PersonDeadline:
    """One deadline as stored (escdesk.store.deadline_rows); every instant aware UTC."""

    id: str
    case_id: str
    label: str
    due_at: datetime
    set_by: str
    set_at: datetime
    met_at: datetime | None = None
    met_by: str | None = None
    cleared_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.met_at is None and self.cleared_at is None

    def overdue(self, now: datetime) -> bool:
        return self.is_open and self.due_at <= now


def deadline_reading(deadline: PersonDeadline, now: datetime, resolved_at: datetime | None = None) -> ClockReading:
    """The deadline as a clock reading at `now`: due at its instant; stopped when met (or when the case was
    resolved); remaining is elapsed time to the instant, negative once it passed."""
    stops = [at for at in (deadline.met_at, resolved_at) if at is not None and at <= now]
    stopped = min(stops, default=None)
    end = now if stopped is None else stopped
    start = min(deadline.set_at, deadline.due_at)  # set after the fact ("it was due yesterday"): no negative span
    return ClockReading(
        kind=ClockKind.DEADLINE,
        target=Span((deadline.due_at - start) // _MINUTE, SpanUnit.MINUTES),
        started_at=start,
        due_at=deadline.due_at,
        stopped_at=stopped,
        elapsed=max(end - start, timedelta(0)),
        remaining=deadline.due_at - end,
        paused=False,
        set_by_person=True,
        label=deadline.label,
    )


def check_label(label: str) -> str:
    """The label cleaned; ValueError when empty or too long (it is shown on the card and in the history)."""
    cleaned = " ".join(label.split())
    if not cleaned:
        raise ValueError("a deadline needs a label: what is due then (e.g. 'fix promised to the customer')")
    if len(cleaned) > MAX_LABEL:
        raise ValueError(f"the label is {len(cleaned)} characters long; the limit is {MAX_LABEL}")
    return cleaned


def utc_instant(at: datetime) -> datetime:
    """An aware instant as UTC; a naive one is refused (whose 17:00 would it be?)."""
    if at.tzinfo is None:
        raise ValueError("a deadline needs an instant with its time zone, not a naive date and time")
    return at.astimezone(UTC)
