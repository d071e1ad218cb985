"""The SLA clocks of every open case, as of the injected clock's `now`: the store read once, the engine run per case.

Nothing is stored: due times are computed from the case history and the policy in force at each evaluation, so a
changed calendar, holiday list or target moves the due times of the open cases that use it the next time the
board (or a rule, a notice, a report) asks (issue 5, case T5). A case opened by hand and one written by the demo
or an import go through exactly the same reading: opened_at starts every clock, whatever wrote the row (B3).

Reading a case (escdesk.clocks does the counting):
- acknowledged_at, and our outbound contacts, are the first response; every contact either way restarts the
  update clock, whatever the channel;
- the status periods come from the status_changed history: the case starts in the first change's `from` status
  (or, with no history, in its current status: an import with no events), then each change starts a period;
- the ceiling runs from level_entered_at until the level acknowledges (DESIGN.md: PagerDuty-like ladders); the
  level's acknowledgement is the case's when it came at or after the level was entered, else a later change to
  "acknowledged" or a level acknowledgement (escdesk.level_ack). A case moved *up* also runs the acknowledge
  clock again, from the move, until someone at the new level acknowledges it;
- the calendar: the one the customer names (customers.calendar) when the policy has it, else the first calendar
  rule matching severity, pace, the customer's region and segment (escdesk.policy_clocks);
- deadlines a person set (escdesk.deadlines) are read as they are, at their instant: a calendar or policy change
  never moves them; they join the readings, so "next due", the overdue count and the notices see them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import NamedTuple

from escdesk.calendars import BusinessCalendar
from escdesk.clock import Clock
from escdesk.clocks import (
    CaseTimeline,
    ClockKind,
    ClockReading,
    ClockTargets,
    Contact,
    StatusPeriod,
    compute_clocks,
    resolved_since,
)
from escdesk.deadlines import PersonDeadline, deadline_reading
from escdesk.domain import CaseStatus, Channel, Direction, EventKind, Pace, Severity
from escdesk.level_ack import level_acknowledged, moved_up
from escdesk.policy import Policy
from escdesk.policy_clocks import ClockPolicy
from escdesk.store import Store
from escdesk.store.clock_rows import ClockCaseRow, ClockEventRow, ClockRepository
from escdesk.store.deadline_rows import open_case_deadlines

Facts = Mapping[str, int | None]
_CONTACT, _STATUS = EventKind.CUSTOMER_CONTACT.value, EventKind.STATUS_CHANGED.value
_LEVEL_EVENTS = frozenset({EventKind.LEVEL_CHANGED.value, EventKind.LEVEL_ACKNOWLEDGED.value})
_OPEN = CaseStatus.OPEN.value
Deadlines = Mapping[str, Sequence[PersonDeadline]]  # by case id
# Stored values to members by dictionary: calling an Enum is several times slower, and this runs per event.
_SEVERITIES = {m.value: m for m in Severity}
_PACES = {m.value: m for m in Pace}
_STATUSES = {m.value: m for m in CaseStatus}
_DIRECTIONS = {m.value: m for m in Direction}
_CHANNELS = {m.value: m for m in Channel}
_ACTIVE = frozenset(m for m in CaseStatus if m.is_active)  # a set look-up: the enum's property is slow per case


class CaseClockView(NamedTuple):
    """One open case's clocks as of `evaluated_at`: immutable, so the board's Qt model can hold it (a named tuple:
    built far cheaper than a frozen dataclass, 2,000 times a minute).

    `next_kind` / `due_at` / `minutes_to_due` describe the running clock that falls due first (the most overdue
    one when several are); minutes are business minutes for business spans, negative when overdue. All None when
    no clock is running with a due time (all met, or paused)."""

    case_id: str
    severity: Severity
    calendar: str
    urgent: bool
    evaluated_at: datetime
    readings: tuple[ClockReading, ...]
    next_kind: ClockKind | None
    due_at: datetime | None
    minutes_to_due: int | None
    paused: bool  # nothing runs towards a due time, and a clock waits for its pause to end (not: resolved)
    facts: Facts
    next_label: str | None = None  # the next due is a deadline a person set: its label

    @property
    def overdue(self) -> bool:
        return self.minutes_to_due is not None and self.minutes_to_due < 0

    def reading(self, kind: ClockKind) -> ClockReading | None:
        return next((r for r in self.readings if r.kind is kind), None)


@dataclass(frozen=True, slots=True)
class OpenCase:
    """One open case as the clocks read it: what picks its calendar and targets, and its timeline."""

    id: str
    severity: Severity
    pace: Pace
    status: CaseStatus
    region: str | None
    timeline: CaseTimeline
    segment: str | None = None
    customer_calendar: str | None = None
    deadlines: tuple[PersonDeadline, ...] = ()


@dataclass
class ClockService:
    """Evaluates the clocks of every open case (off the GUI thread: it reads the store)."""

    store: Store
    clock: Clock
    policy: Policy

    def open_clocks(self) -> dict[str, CaseClockView]:
        """Clock views keyed by case id, for every open case (two queries, whatever the number of cases)."""
        return evaluate(self.load(), self.policy.clocks, self.clock.now())

    def load(self) -> list[OpenCase]:
        """Every open case's timeline, from one read transaction (so cases and events agree)."""
        with self.store.read() as uow:
            rows = ClockRepository(uow.session)
            cases, events = rows.open_cases(), rows.open_case_events()
            deadlines = open_case_deadlines(uow.session)
        return read_open_cases(cases, events, self.policy.clocks, deadlines)


def compute_open_clocks(
    cases: Sequence[ClockCaseRow],
    events: Iterable[ClockEventRow],
    policy: ClockPolicy,
    now: datetime,
    deadlines: Deadlines | None = None,
) -> dict[str, CaseClockView]:
    """The pure half of ClockService.open_clocks: rows in, one view per case out."""
    return evaluate(read_open_cases(cases, events, policy, deadlines), policy, now)


def read_open_cases(
    cases: Sequence[ClockCaseRow],
    events: Iterable[ClockEventRow],
    policy: ClockPolicy,
    deadlines: Deadlines | None = None,
) -> list[OpenCase]:
    """Rows to timelines (events in order per case). Status periods that pause nothing under `policy` are left
    out: the engine reads nothing else from them, and most cases then have none (its fast path)."""
    by_case: dict[str, list[ClockEventRow]] = defaultdict(list)
    for event in events:
        by_case[event.case_id].append(event)
    pausing = frozenset[CaseStatus]().union(*policy.pausing.values())
    set_by_people = deadlines or {}
    return [
        OpenCase(
            case.id,
            _SEVERITIES[case.severity],
            _PACES[case.pace],
            _STATUSES[case.status],
            case.region,
            timeline(case, by_case.get(case.id, ()), pausing),
            case.segment,
            case.customer_calendar,
            tuple(set_by_people.get(case.id, ())),
        )
        for case in cases
    ]


def evaluate(cases: Iterable[OpenCase], policy: ClockPolicy, now: datetime) -> dict[str, CaseClockView]:
    """Every case's clocks as of `now` under `policy` (its calendars, targets and pauses as they are now)."""
    # A handful of (severity, pace, region, segment, customer calendar) choices for thousands of cases: each is
    # looked up in the policy once.
    chosen: dict[_ChoiceKey, _Choice] = {}
    views = {}
    for case in cases:
        key = (case.severity, case.pace, case.region, case.segment, case.customer_calendar)
        choice = chosen.get(key)
        if choice is None:
            choice = chosen[key] = _choose(policy, *key)
        views[case.id] = _view(case, choice, policy.pausing, now)
    return views


_Choice = tuple[BusinessCalendar, ClockTargets, bool]  # what the policy picks for a kind of case; urgent or not
_ChoiceKey = tuple[Severity, Pace, str | None, str | None, str | None]


def _choose(
    policy: ClockPolicy, severity: Severity, pace: Pace, region: str | None, segment: str | None, named: str | None
) -> _Choice:
    calendar = policy.calendar_for(severity, pace, region, segment, named)
    return calendar, policy.targets_for(severity, pace), policy.is_urgent(severity)


def case_clocks(case: OpenCase, calendar: BusinessCalendar, policy: ClockPolicy, now: datetime) -> CaseClockView:
    choice = (calendar, policy.targets_for(case.severity, case.pace), policy.is_urgent(case.severity))
    return _view(case, choice, policy.pausing, now)


def _view(
    case: OpenCase, choice: _Choice, pausing: Mapping[ClockKind, frozenset[CaseStatus]], now: datetime
) -> CaseClockView:
    calendar, targets, urgent = choice
    clocks = compute_clocks(case.timeline, targets, calendar, now, pausing)
    readings = clocks.readings()
    first = clocks.next_due()
    if case.deadlines:  # few cases have any: the common case pays nothing
        resolved = resolved_since(case.timeline, now)
        set_by_people = tuple(deadline_reading(d, now, resolved) for d in case.deadlines if d.cleared_at is None)
        readings += set_by_people
        first = _earliest(first, set_by_people)
    waiting = first is None and any(r.paused and r.stopped_at is None for r in readings)
    return CaseClockView(
        case_id=case.id,
        severity=case.severity,
        calendar=calendar.name,
        urgent=urgent,
        evaluated_at=now,
        readings=readings,
        next_kind=None if first is None else first.kind,
        due_at=None if first is None else first.due_at,
        minutes_to_due=None if first is None else first.minutes_to_due,
        paused=waiting and case.status in _ACTIVE,
        facts=MappingProxyType(clocks.facts()),
        next_label=None if first is None else first.label,
    )


def _earliest(first: ClockReading | None, deadlines: Iterable[ClockReading]) -> ClockReading | None:
    """The running clock or deadline that falls due first (on a tie the policy's clock: it came first)."""
    for reading in deadlines:
        running = reading.stopped_at is None and reading.due_at is not None
        if running and (first is None or first.due_at is None or reading.due_at < first.due_at):  # type: ignore[operator]
            first = reading
    return first


def timeline(
    case: ClockCaseRow, events: Sequence[ClockEventRow], pausing: frozenset[CaseStatus] | None = None
) -> CaseTimeline:
    """What the clock engine reads about one case, from its row and its contacts and status changes (in order).

    With `pausing` (every status that pauses some clock) only the periods that pause something are kept: the
    engine reads nothing else from them, and most cases then have none, its fast path."""
    contacts = tuple(_contact(e) for e in events if e.kind == _CONTACT and e.direction is not None)
    changes = [e for e in events if e.kind == _STATUS and e.to_value is not None]
    levels = [e for e in events if e.kind in _LEVEL_EVENTS]
    periods = _status_periods(case, changes)
    if pausing is not None:
        periods = tuple(p for p in periods if p.status in pausing or p.status not in _ACTIVE)
    return CaseTimeline(
        opened_at=case.opened_at,
        acknowledged_at=case.acknowledged_at,
        level_entered_at=case.level_entered_at,
        level_acknowledged_at=level_acknowledged(case.level_entered_at, case.acknowledged_at, changes + levels),
        level_moved_up=bool(levels) and moved_up(levels),
        contacts=contacts,
        statuses=periods,
    )


def _contact(event: ClockEventRow) -> Contact:
    # A contact logged without a channel still counts (T3: any channel); e-mail is only a label here.
    return Contact(event.at, _DIRECTIONS[str(event.direction)], _CHANNELS.get(str(event.channel), Channel.EMAIL))


def _status_periods(case: ClockCaseRow, changes: Sequence[ClockEventRow]) -> tuple[StatusPeriod, ...]:
    if not changes:
        status = _STATUSES[case.status]
        # An open case with no status history has been open all along: no period is needed (the common case).
        return () if status is CaseStatus.OPEN else (StatusPeriod(status, case.opened_at),)
    starts = [(_STATUSES[changes[0].from_value or _OPEN], case.opened_at)]
    starts += [(_STATUSES[str(e.to_value)], e.at) for e in changes]
    ends = [start for _, start in starts[1:]] + [None]
    return tuple(StatusPeriod(status, start, end) for (status, start), end in zip(starts, ends, strict=True))
