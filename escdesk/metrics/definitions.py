"""Metric definitions as pure functions over small frozen inputs: the reference the SQL in escdesk.store.metrics_sql
must agree with (the integration tests check both on the same hand-computed book).

Definitions (issue 9, DESIGN.md section 4 "Metrics"):
- escalation rate of a month = accounts with at least one case opened in the month / active accounts, where an
  account is active in a month when it was created before the month's end and is not soft-deleted. No active
  account gives None (no rate), not 0. ARR-weighted: the escalated accounts' ARR / the active accounts' ARR.
- percentiles are nearest-rank: the p-th percentile of n values is the value of rank ceil(p * n) in ascending
  order (a value that occurs in the data, never an interpolation); the median is p = 0.5, so for an even n it is
  the lower of the two middle values. No values give None.
- re-escalation: a case whose account had an earlier case still open at its opening, or closed at most 90 days
  before it (which covers "opened within 90 days" too, since a case closes after it opens).
- a level stay runs from entering the level (the opening or a level change) to the next level change, cut at
  the case's resolution, else its closure, else now.
- update cadence: the intervals from the acknowledgement to the first customer contact, between contacts, and
  from the last contact to the resolution (or closure); a contact either way counts (as on the board, T2/T3).
  An interval is within the cadence when it ends by the previous anchor plus the cadence counted on the case's
  calendar the way its unit says ("4bh" in working hours, "1bd" to the same hour the next working day, "1h"
  elapsed), as the checklist's update step counts it. The interval still running on an active case counts only
  once it is already over the cadence.
- checklist adherence: a step done at or before its due time (or with no due time) is on time, done after it is
  late, skipped is skipped; an open step is overdue once its due time has passed, else pending.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from escdesk.calendars import BusinessCalendar
from escdesk.checklist import add_offset
from escdesk.durations import Span

REESCALATION_WINDOW = timedelta(days=90)


def ratio(part: int | float, whole: int | float) -> float | None:
    """part / whole, None when there is no whole (an empty period has no rate)."""
    return None if whole == 0 else part / whole


def per_100(part: int, whole: int) -> float | None:
    share = ratio(part, whole)
    return None if share is None else 100 * share


def nearest_rank(values: Iterable[float], p: float) -> float | None:
    """The nearest-rank p-th percentile (0 < p <= 1): rank ceil(p * n) of the sorted values, 1-based."""
    return sorted_rank(sorted(values), p)


def sorted_rank(ordered: Sequence[float], p: float) -> float | None:
    """nearest_rank of values already in ascending order."""
    if not ordered:
        return None
    return ordered[max(1, math.ceil(p * len(ordered))) - 1]


@dataclass(frozen=True, slots=True)
class CaseFact:
    """What the pure definitions need of one case (instants in UTC)."""

    id: str
    customer_id: str
    opened_at: datetime
    closed_at: datetime | None = None


def is_reescalation(case: CaseFact, others: Iterable[CaseFact], window: timedelta = REESCALATION_WINDOW) -> bool:
    """An earlier case of the same account open at this one's opening or closed within `window` before it."""
    for other in others:
        if other.id == case.id or other.customer_id != case.customer_id or other.opened_at >= case.opened_at:
            continue
        if other.closed_at is None or other.closed_at >= case.opened_at - window:
            return True
    return False


@dataclass(frozen=True, slots=True)
class LevelStay:
    level: str
    hours: float


def level_stays(entries: Sequence[tuple[datetime, str]], stop: datetime) -> list[LevelStay]:
    """Stays from (instant, level code) entries in time order, the last one cut at `stop`; an entry after `stop`
    (a change recorded after resolution) gives a stay of zero."""
    stays = []
    for i, (entered, level) in enumerate(entries):
        left = entries[i + 1][0] if i + 1 < len(entries) else stop
        end = min(left, stop)
        stays.append(LevelStay(level, max(0.0, (end - entered).total_seconds() / 3600)))
    return stays


def update_intervals(
    acknowledged: datetime | None, contacts: Iterable[datetime], stop: datetime, *, active: bool, cadence: timedelta
) -> tuple[int, int]:
    """(intervals counted, intervals within the cadence) for one case in elapsed time; `stop` is its resolution,
    closure or now."""
    return _intervals(acknowledged, contacts, stop, active, lambda start: start + cadence)


def business_update_intervals(
    acknowledged: datetime | None,
    contacts: Iterable[datetime],
    stop: datetime,
    *,
    active: bool,
    cadence: Span,
    calendar: BusinessCalendar,
) -> tuple[int, int]:
    """The same with the cadence counted on the case's calendar, the way the span's unit says."""
    return _intervals(acknowledged, contacts, stop, active, lambda start: add_offset(cadence, calendar, start))


def _intervals(
    acknowledged: datetime | None,
    contacts: Iterable[datetime],
    stop: datetime,
    active: bool,
    due_after: Callable[[datetime], datetime],
) -> tuple[int, int]:
    if acknowledged is None:
        return 0, 0  # the update clock starts at the acknowledgement
    anchors = [acknowledged, *sorted(c for c in contacts if acknowledged < c < stop), stop]
    counted = within = 0
    for i in range(len(anchors) - 1):
        on_time = anchors[i + 1] <= due_after(anchors[i])
        running = active and i == len(anchors) - 2
        if running and on_time:
            continue  # not late yet: not known whether it will be
        counted += 1
        within += on_time
    return counted, within


class StepOutcome(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    SKIPPED = "skipped"
    OVERDUE = "overdue"
    PENDING = "pending"


def step_outcome(status: str, due_at: datetime | None, done_at: datetime | None, now: datetime) -> StepOutcome:
    if status == "skipped":
        return StepOutcome.SKIPPED
    if status == "done":
        late = due_at is not None and done_at is not None and done_at > due_at
        return StepOutcome.LATE if late else StepOutcome.ON_TIME
    return StepOutcome.OVERDUE if due_at is not None and due_at < now else StepOutcome.PENDING


@dataclass(frozen=True, slots=True)
class ParetoRow:
    key: str
    value: int
    share: float
    cumulative: float


def pareto(values: dict[str, int]) -> list[ParetoRow]:
    """Largest first (ties by key), each with its share and the running share; all zero gives shares of 0."""
    total = sum(values.values())
    rows, running = [], 0
    for key, value in sorted(values.items(), key=lambda kv: (-kv[1], kv[0])):
        running += value
        rows.append(ParetoRow(key, value, ratio(value, total) or 0.0, ratio(running, total) or 0.0))
    return rows


OUTCOME_DAYS = 180  # how long after an escalation a renewal or churn still counts as its outcome
TOO_EARLY = "too_early"  # the N days have not passed and nothing is recorded yet
NO_OUTCOME = "none_recorded"  # the N days passed with nothing recorded


def outcome_after(opened_on: date, outcomes: Iterable[tuple[date, str]], days: int, today: date) -> str:
    """The first outcome recorded from the escalation's opening day to `days` later (inclusive), by date then
    kind; with none, "too_early" while that span is still running at `today`, else "none_recorded"."""
    last = opened_on + timedelta(days=days)
    within = sorted((on, kind) for on, kind in outcomes if opened_on <= on <= last and on <= today)
    if within:
        return within[0][1]
    return TOO_EARLY if last >= today else NO_OUTCOME
