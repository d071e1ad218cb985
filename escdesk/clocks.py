"""SLA clocks of one case: acknowledge, customer update, ceiling at the level, resolution.

Pure functions over plain frozen inputs (no store types), so they run for 2,000 open cases on every board refresh
and are exact in tests with a frozen `now`. A clock's *elapsed* time is the counted time (business time for
"b" spans, elapsed time otherwise) from its start to its stop or `now`, minus the pauses; it is *due* at the instant
where elapsed reaches the target, and *remaining* = target - elapsed (negative when overdue). This module says what
each clock counts; escdesk.clock_math does the counting (business positions, pauses as gaps, remembered plans).

Semantics (issue 5, cases T1-T3):
- first response = the acknowledgement or the first message we sent, whichever came first; it stops the
  acknowledge clock;
- the update clock does not run before the first response (a new case breaches on acknowledge first, T1); after
  it, it restarts from the latest contact either way, whatever the channel: the customer's message (T3) or our
  reply (T2);
- statuses the pause rules name pause a clock; resolved and closed pause every clock, so reopen cycles count only
  open time, and a case that is resolved now stops the resolution clock;
- a deadline a person set is kept as is: pauses and calendar changes never move it;
- acknowledgement is per level (DESIGN.md, PagerDuty-like ladders): after a move *up* the acknowledge clock
  restarts at the move and stops when someone at the new level acknowledges (not at a message we send); the
  starting level, and a level reached by a move down, keep the case's first response.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from escdesk.calendars import BusinessCalendar, epoch_us
from escdesk.clock_math import (
    CONTINUOUS,
    Pause,
    PauseUs,
    elapsed_between,
    pauses_us,
    plan,
    remember,
    remembered_plan,
    td,
)
from escdesk.domain import CaseStatus, Channel, Direction, Pace
from escdesk.durations import Span, parse_span

if TYPE_CHECKING:  # only an annotation: the policy module reads ClockKind from here, so no import at run time
    from escdesk.policy import SeverityDef

_MINUTE = timedelta(minutes=1)
_HOUR_US = 3_600_000_000


class ClockKind(enum.StrEnum):
    ACKNOWLEDGE = "acknowledge"
    UPDATE = "update"
    CEILING = "ceiling"
    RESOLUTION = "resolution"
    DEADLINE = "deadline"  # set by a person for one instant (escdesk.deadlines): never paused, never recomputed


POLICY_CLOCKS = (ClockKind.ACKNOWLEDGE, ClockKind.UPDATE, ClockKind.CEILING, ClockKind.RESOLUTION)


@dataclass(frozen=True, slots=True)
class Contact:
    at: datetime
    direction: Direction
    channel: Channel


@dataclass(frozen=True, slots=True)
class StatusPeriod:
    status: CaseStatus
    start: datetime
    end: datetime | None = None


@dataclass(frozen=True, slots=True)
class Deadline:
    """A due time a person set for one clock."""

    kind: ClockKind
    due_at: datetime


@dataclass(frozen=True, slots=True)
class ClockTargets:
    """The spans in force for a case (None: that clock is not kept)."""

    acknowledge: Span | None = None
    update: Span | None = None
    ceiling: Span | None = None
    resolution: Span | None = None


@dataclass(frozen=True, slots=True)
class CaseTimeline:
    """What the clocks read about one case; every instant aware (UTC from the store)."""

    opened_at: datetime
    acknowledged_at: datetime | None = None
    level_entered_at: datetime | None = None  # None: the case is still at its starting level
    level_acknowledged_at: datetime | None = None  # PagerDuty-like: stops the ceiling clock of this level
    level_moved_up: bool = False  # the level was reached by a move up: it needs its own acknowledgement
    contacts: tuple[Contact, ...] = ()
    statuses: tuple[StatusPeriod, ...] = ()
    deadlines: tuple[Deadline, ...] = ()


class ClockReading(NamedTuple):
    """One clock as of `now`: what it counts towards, where it stands, and whether it is overdue.

    A named tuple, not a frozen dataclass: as immutable, and built four times faster (a frozen dataclass sets each
    field through object.__setattr__), which counts at 6,000 readings per board refresh (issue 5's budget)."""

    kind: ClockKind
    target: Span
    started_at: datetime
    due_at: datetime | None  # None while paused: the due time moves until the pause ends
    stopped_at: datetime | None  # the clock was met (or the case resolved)
    elapsed: timedelta
    remaining: timedelta  # negative: overdue by that much (at the stop, or now)
    paused: bool
    set_by_person: bool
    label: str | None = None  # a deadline a person set: what it is for ("the CFO call")

    @property
    def overdue(self) -> bool:
        return self.remaining < timedelta(0)

    @property
    def minutes_to_due(self) -> int:
        """Business minutes (elapsed minutes for plain spans) to the due time, negative when overdue."""
        return self.remaining // _MINUTE


class CaseClocks(NamedTuple):
    """All clocks of one case (None: not kept by the policy, or not started, like updates before the first
    response). A named tuple for the reason ClockReading is one."""

    acknowledge: ClockReading | None
    update: ClockReading | None
    ceiling: ClockReading | None
    resolution: ClockReading | None
    first_response_at: datetime | None
    hours_at_level: int

    def readings(self) -> tuple[ClockReading, ...]:
        # filter(None, ...): a reading is always true, so this drops exactly the clocks not kept
        return tuple(filter(None, (self.acknowledge, self.update, self.ceiling, self.resolution)))

    def next_due(self) -> ClockReading | None:
        """The running clock that falls due first (the first breach, when nothing changes; on a tie the first in
        acknowledge, update, ceiling, resolution order)."""
        first, first_due = None, None
        for reading in (self.acknowledge, self.update, self.ceiling, self.resolution):
            if reading is None or reading.stopped_at is not None or reading.due_at is None:
                continue
            if first_due is None or reading.due_at < first_due:
                first, first_due = reading, reading.due_at
        return first

    def facts(self) -> dict[str, int | None]:
        """Numbers for rules and the board (DESIGN.md: time math stays out of rule conditions)."""
        ack, update, ceiling, resolution = self.acknowledge, self.update, self.ceiling, self.resolution
        return {
            "minutes_to_ack_due": None if ack is None else ack.remaining // _MINUTE,
            "minutes_to_update_due": None if update is None else update.remaining // _MINUTE,
            "minutes_to_ceiling_due": None if ceiling is None else ceiling.remaining // _MINUTE,
            "minutes_to_resolution_due": None if resolution is None else resolution.remaining // _MINUTE,
            "minutes_to_ack": _minutes_taken(ack),
            "minutes_to_resolve": _minutes_taken(resolution),
            "hours_at_level": self.hours_at_level,
        }


def _minutes_taken(reading: ClockReading | None) -> int | None:
    """Counted minutes from start to stop, for a clock that has stopped."""
    return None if reading is None or reading.stopped_at is None else reading.elapsed // _MINUTE


_NO_STATUSES: frozenset[CaseStatus] = frozenset()
# Resolved and closed: looked up in a set, several times faster than the enum's property in this loop.
_INACTIVE = frozenset(status for status in CaseStatus if not status.is_active)

# Zammad's default, and what vector 5 expects: waiting on the customer stops every clock. The policy may narrow it.
DEFAULT_PAUSING: Mapping[ClockKind, frozenset[CaseStatus]] = MappingProxyType(
    {kind: frozenset({CaseStatus.WAITING_ON_CUSTOMER}) for kind in POLICY_CLOCKS}
)


def targets_for(severity: SeverityDef, pace: Pace, resolution: str | None = None) -> ClockTargets:
    """The spans a policy severity sets for a case of this pace (`resolution` overrides the severity's own)."""
    fast = pace is Pace.FAST
    update = severity.update_fast if fast else severity.update_slow_burn
    resolution = resolution or (severity.resolution_fast if fast else severity.resolution_slow_burn)
    return ClockTargets(
        acknowledge=parse_span(severity.acknowledge),
        update=parse_span(update),
        ceiling=parse_span(severity.ceiling),
        resolution=parse_span(resolution) if resolution else None,
    )


def compute_clocks(
    case: CaseTimeline,
    targets: ClockTargets,
    calendar: BusinessCalendar,
    now: datetime,
    pausing: Mapping[ClockKind, frozenset[CaseStatus]] = DEFAULT_PAUSING,
) -> CaseClocks:
    """All clocks of one case as of `now` (events after `now` are ignored, so a replay sees the past)."""
    # Worked in integer microseconds since the epoch (exact, and much cheaper than datetime arithmetic): each
    # instant of the case is converted once, here, and carried with its datetime as an _Instant.
    now_us = epoch_us(now)
    responded = first_response(case, now)
    opened = (case.opened_at, epoch_us(case.opened_at))
    entered = opened if case.level_entered_at is None else _at(case.level_entered_at)
    periods = _periods(case.statuses, now_us) if case.statuses else ()
    context = (calendar, (now, now_us), periods, pausing, case.deadlines)
    if case.level_moved_up and case.level_entered_at is not None:  # acknowledged per level: restarts at the move
        acknowledge = _read(_ACKNOWLEDGE, targets.acknowledge, entered, _instant(_ceiling_stop(case, now)), context)
    else:
        acknowledge = _read(_ACKNOWLEDGE, targets.acknowledge, opened, _instant(responded), context)
    update = None
    if responded is not None:
        anchor = _at(_update_anchor(case, responded, now))
        update = _read(_UPDATE, targets.update, anchor, None, context)
    return CaseClocks(
        acknowledge=acknowledge,
        update=update,
        ceiling=_read(_CEILING, targets.ceiling, entered, _instant(_ceiling_stop(case, now)), context),
        resolution=_read(_RESOLUTION, targets.resolution, opened, _instant(_resolved_at(case, now)), context),
        first_response_at=responded,
        hours_at_level=(now_us - entered[1]) // _HOUR_US,
    )


# Module constants: an enum member looked up on its class costs more than the rest of some of these lines.
_ACKNOWLEDGE, _UPDATE, _CEILING, _RESOLUTION = POLICY_CLOCKS
_OUTBOUND = Direction.OUTBOUND
_Instant = tuple[datetime, int]  # an instant and the same in microseconds since the epoch
_Period = tuple[CaseStatus, bool, int, int | None]  # status, whether it is inactive, start and end (None: at now)
_Context = tuple[
    BusinessCalendar, _Instant, tuple[_Period, ...], Mapping[ClockKind, frozenset[CaseStatus]], tuple[Deadline, ...]
]


def _at(at: datetime) -> _Instant:
    return (at, epoch_us(at))


def _instant(at: datetime | None) -> _Instant | None:
    return None if at is None else (at, epoch_us(at))


def _read(
    kind: ClockKind, span: Span | None, start: _Instant, stop: _Instant | None, context: _Context
) -> ClockReading | None:
    """One clock of a case, or None when the policy keeps no such clock."""
    if span is None:
        return None
    calendar, now, periods, pausing, deadlines = context
    pauses = _pauses(periods, pausing.get(kind, _NO_STATUSES)) if periods else ()
    fixed = next((d.due_at for d in deadlines if d.kind is kind), None) if deadlines else None
    counting = calendar if span.business else CONTINUOUS
    # What is remembered on a calendar is kept for UTC instants only (the store's), so a remembered reading never
    # hands back another zone's datetimes.
    utc = start[0].tzinfo is UTC and (stop is None or stop[0].tzinfo is UTC)
    if stop is None or pauses or fixed is not None or stop[1] > now[1] or not utc:
        return _count(kind, span, counting, (start, stop), pauses, now, fixed, remember=utc)
    # Stopped by `now`, with no pause and no deadline set by hand (about half the clocks of a board: most cases
    # are acknowledged): the same reading at every evaluation.
    key = (kind, span.amount, span.unit, start[1], stop[1])
    known = counting.memo.get(key)
    if known is None:
        known = remember(counting, key, _count(kind, span, counting, (start, stop), (), now, None, remember=True))
    return known


def read_clock(
    kind: ClockKind,
    span: Span,
    calendar: BusinessCalendar,
    start_stop: tuple[datetime, datetime | None],
    pauses: Sequence[Pause],
    now: datetime,
    fixed_due: datetime | None = None,
) -> ClockReading:
    """One clock from `start` to its stop (or `now`), the pauses taken out."""
    start, stop = start_stop
    counting = calendar if span.business else CONTINUOUS
    instants = ((start, epoch_us(start)), _instant(stop))
    return _count(kind, span, counting, instants, pauses_us(pauses), _now(now), fixed_due)


def _count(
    kind: ClockKind,
    span: Span,
    counting: BusinessCalendar,
    start_stop: tuple[_Instant, _Instant | None],
    pauses: Sequence[PauseUs],
    now: _Instant,
    fixed_due: datetime | None,
    remember: bool = False,
) -> ClockReading:
    """One clock worked out in business positions (see BusinessCalendar.business_position) of `counting`."""
    (start, start_us), stop = start_stop
    now_us = now[1]
    end_us = stop[1] if stop is not None and stop[1] <= now_us else now_us
    paused = False
    if pauses:  # most cases have none, and this runs for every clock of every open case
        if stop is not None:  # what happened after the stop (closing, say) is no part of this clock's story
            pauses = [(low, end_us if high is None else min(high, end_us)) for low, high in pauses if low < end_us]
        paused = stop is None and any(low <= now_us and (high is None or high > now_us) for low, high in pauses)
    p_start, gaps, target, due = (remembered_plan if remember else plan)(counting, span, start, start_us, pauses)
    p_end = counting.position_us(end_us)
    elapsed = elapsed_between(p_start, p_end, gaps)
    if fixed_due is not None:
        due = fixed_due
        remaining = counting.position_us(epoch_us(fixed_due)) - p_end
    else:
        due = None if paused else due
        remaining = target - elapsed
    stopped = None if stop is None else stop[0]
    return ClockReading(kind, span, start, due, stopped, td(elapsed), td(remaining), paused, fixed_due is not None)


def first_response(case: CaseTimeline, now: datetime) -> datetime | None:
    """The acknowledgement or our first message to the customer, whichever came first (as of `now`)."""
    opened = case.opened_at
    sent = [c.at for c in case.contacts if c.direction is _OUTBOUND and opened <= c.at <= now]
    if case.acknowledged_at is not None and case.acknowledged_at <= now:
        sent.append(case.acknowledged_at)
    return min(sent, default=None)


def _update_anchor(case: CaseTimeline, responded: datetime, now: datetime) -> datetime:
    later = [c.at for c in case.contacts if responded <= c.at <= now]
    return max(later, default=responded)


def _ceiling_stop(case: CaseTimeline, now: datetime) -> datetime | None:
    entered, acked = case.level_entered_at or case.opened_at, case.level_acknowledged_at
    return acked if acked is not None and entered <= acked <= now else None


def resolved_since(case: CaseTimeline, now: datetime) -> datetime | None:
    """When the case became resolved (or closed), if it is so at `now`: a person's deadline stops there too."""
    return _resolved_at(case, now)


def _resolved_at(case: CaseTimeline, now: datetime) -> datetime | None:
    """The start of the inactive period the case is in at `now`, if any."""
    for period in case.statuses:
        if period.status in _INACTIVE and period.start <= now and (period.end is None or period.end > now):
            return period.start
    return None


def _now(now: datetime) -> _Instant:
    return (now, epoch_us(now))


def _periods(statuses: Iterable[StatusPeriod], now_us: int) -> tuple[_Period, ...]:
    """The periods begun by `now`, in microseconds, converted once per case (not once per clock); a period that
    ends after `now` is still open as of now."""
    found = []
    for period in statuses:
        low = epoch_us(period.start)
        if low <= now_us:
            high = None if period.end is None else epoch_us(period.end)
            inactive = period.status in _INACTIVE
            found.append((period.status, inactive, low, None if high is None or high > now_us else high))
    return tuple(found)


def _pauses(periods: Iterable[_Period], pausing: frozenset[CaseStatus]) -> list[PauseUs]:
    """The periods that pause a clock paused by the statuses `pausing` (inactive ones pause every clock)."""
    return [(low, high) for status, inactive, low, high in periods if inactive or status in pausing]
