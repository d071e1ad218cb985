"""Notices from the clocks: "due soon" and "overdue" per running clock, each with the instant to show it.

Non-urgent notices that fall outside the case's business hours are held to the calendar's next opening (T4: due
Friday 17:04 on a 9-to-5 calendar is shown Monday 09:00, not in the middle of the weekend); urgent ones (the
policy's `urgent_severities`, S1 by default) are shown at the instant they fall due, day or night.

"Due soon" comes a quarter of the target before the due time, at most DUE_SOON_MAX, counted the way the clock
counts (business time for business spans: "1 h before" a Monday 09:30 due time is Friday 16:30, not Monday
08:30). Pure functions over the frozen clock views of escdesk.clock_service; a frozen `now` makes them exact.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from escdesk.calendars import BusinessCalendar
from escdesk.clock_math import CONTINUOUS, notice_time
from escdesk.clock_service import CaseClockView
from escdesk.clocks import ClockKind, ClockReading

DUE_SOON_MAX = timedelta(hours=1)


class NoticeKind(enum.StrEnum):
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class Notice:
    case_id: str
    clock: ClockKind
    kind: NoticeKind
    due_at: datetime
    show_at: datetime  # when to show it: `due_at` (or the due-soon instant), held to business hours unless urgent
    urgent: bool
    label: str | None = None  # a deadline a person set: what it is for


def case_notices(view: CaseClockView, calendar: BusinessCalendar) -> list[Notice]:
    """Both notices of every running clock of one case (a met or paused clock has none)."""
    notices = []
    for reading in view.readings:
        if reading.stopped_at is not None or reading.due_at is None:
            continue
        soon = _due_soon_at(reading, calendar)
        for kind, at in ((NoticeKind.DUE_SOON, soon), (NoticeKind.OVERDUE, reading.due_at)):
            if at is not None:
                shown = notice_time(calendar, at, view.urgent)
                notices.append(
                    Notice(view.case_id, reading.kind, kind, reading.due_at, shown, view.urgent, reading.label)
                )
    return notices


def build_notices(views: Iterable[CaseClockView], calendars: Mapping[str, BusinessCalendar]) -> list[Notice]:
    """Every notice of these cases, in the order they are to be shown."""
    notices = [notice for view in views for notice in case_notices(view, calendars[view.calendar])]
    return sorted(notices, key=lambda n: (n.show_at, n.case_id, n.clock.value))


def pending(notices: Iterable[Notice], now: datetime) -> list[Notice]:
    """The notices to show at `now`: one per case and clock, overdue superseding due soon. A case may have several
    deadlines a person set (all of kind DEADLINE): their due instants tell them apart."""
    latest: dict[tuple[str, ClockKind, datetime], Notice] = {}
    for notice in notices:
        if notice.show_at > now:
            continue
        key = (notice.case_id, notice.clock, notice.due_at)
        known = latest.get(key)
        if known is None or notice.kind is NoticeKind.OVERDUE:
            latest[key] = notice
    return sorted(latest.values(), key=lambda n: (n.show_at, n.case_id, n.clock.value))


def overdue_now(
    views: Iterable[CaseClockView], calendars: Mapping[str, BusinessCalendar], now: datetime
) -> list[Notice]:
    """The overdue notices to show at `now`, one per case and clock (for the board's count). Only cases with an
    overdue running clock can have one, so the others are skipped before any notice is built; a case on a
    calendar the policy no longer has is skipped too (its clocks are re-evaluated under the new policy)."""
    late = [
        view
        for view in views
        if view.calendar in calendars
        and any(r.stopped_at is None and r.due_at is not None and r.overdue for r in view.readings)
    ]
    return [n for n in pending(build_notices(late, calendars), now) if n.kind is NoticeKind.OVERDUE]


def _due_soon_at(reading: ClockReading, calendar: BusinessCalendar) -> datetime | None:
    """A quarter of the target (at most DUE_SOON_MAX) before the due time; None when that is before the start."""
    assert reading.due_at is not None
    total = reading.elapsed + reading.remaining  # the target as counted time (business time for "b" spans)
    lead = DUE_SOON_MAX if reading.set_by_person else min(total / 4, DUE_SOON_MAX)
    if lead <= timedelta(0):
        return None
    counting = calendar if reading.target.business else CONTINUOUS
    soon = counting.subtract_business(reading.due_at, lead)
    return soon if soon > reading.started_at else None
