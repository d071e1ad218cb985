"""The service-recovery checklist: templates and variants from the policy, due times, gating, adherence, cadence.

Pure: policy data and stored instants in, answers out (no store, no clock). escdesk.policy parses the file into
these types and escdesk.services applies them to a case. DESIGN.md section 4 gives the defaults.

- A step's due time is an offset from an *anchor*: the opening (most steps), the resolution ("thank and explain"
  +1 working day, "diagnose" +5 / +10) or the close (the follow-up ends the monitoring period, 14 / 30 days). Due
  times are computed when the anchor happens, in the case's own calendar, and stored on the item: a case keeps
  the template and the dates it was given, as it keeps its policy version.
- Business units ("bh", "bd") count on the case's calendar; plain units ("h", "d") are elapsed time. A fast
  step's "acknowledge" means the severity's acknowledgement target (30 min for S1, 1 working day for S3).
- A required step gates a transition: most must be done (or skipped, with a reason) before the case can be
  resolved; the steps after the fix (thank, diagnose) before it can be closed. One step is ticked by closing
  itself: the close records the customer's sign-off.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from escdesk.calendars import BusinessCalendar
from escdesk.domain import CaseType, FunctionalRole, Pace, Severity, StepStatus
from escdesk.durations import Span

ACKNOWLEDGE = "acknowledge"  # a due offset that means "the severity's acknowledgement target"


class Anchor(enum.StrEnum):
    """The moment a step's due offset counts from."""

    OPENED = "opened"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Gate(enum.StrEnum):
    """The transition a required step must be finished before."""

    RESOLVE = "resolve"
    CLOSE = "close"


Offset = Span | str  # a Span, or ACKNOWLEDGE


@dataclass(frozen=True, slots=True)
class ChecklistStepDef:
    """One step of a template: what to do, how good looks, who does it, by when, and what it holds back."""

    key: str
    title: str
    required: bool
    coaching: str = ""
    role: FunctionalRole = FunctionalRole.CSM
    anchor: Anchor = Anchor.OPENED
    due_fast: Offset | None = None  # None: no due time for fast cases ("-" in DESIGN.md)
    due_slow_burn: Offset | None = None
    gate: Gate = Gate.RESOLVE
    done_on_close: bool = False  # ticked by closing the case, with the sign-off as its note

    def offset(self, pace: Pace) -> Offset | None:
        return self.due_fast if pace is Pace.FAST else self.due_slow_burn


@dataclass(frozen=True, slots=True)
class ChecklistVariant:
    """Changes to the default template for some case types (and severities): steps added after a named step,
    steps replaced by key (the replacement keeps the key, so analytics compare like with like)."""

    key: str
    name: str
    case_types: frozenset[CaseType]
    severities: frozenset[Severity] | None  # None: any severity
    added: tuple[tuple[str, ChecklistStepDef], ...]  # (key of the step it follows, the new step)
    replaced: tuple[ChecklistStepDef, ...]

    def matches(self, case_type: CaseType, severity: Severity) -> bool:
        return case_type in self.case_types and (self.severities is None or severity in self.severities)


@dataclass(frozen=True, slots=True)
class ChecklistTemplate:
    """The steps a case gets, in order; `variant` names the variant applied (None: the default)."""

    variant: str | None
    steps: tuple[ChecklistStepDef, ...]

    def step(self, key: str) -> ChecklistStepDef | None:
        return next((s for s in self.steps if s.key == key), None)


def apply_variant(steps: Sequence[ChecklistStepDef], variant: ChecklistVariant | None) -> ChecklistTemplate:
    """The default `steps` changed by `variant`; ValueError when the variant names a step that is not there."""
    if variant is None:
        return ChecklistTemplate(None, tuple(steps))
    by_key = {s.key: s for s in variant.replaced}
    result = [by_key.pop(s.key, s) for s in steps]
    if by_key:
        raise ValueError(f"variant {variant.key!r} replaces {next(iter(by_key))!r}, which is not a default step")
    for after, step in variant.added:
        keys = [s.key for s in result]
        if after not in keys:
            raise ValueError(f"variant {variant.key!r} adds {step.key!r} after {after!r}, which is not a step")
        if step.key in keys:
            raise ValueError(f"variant {variant.key!r} adds {step.key!r}, which is already a step")
        result.insert(keys.index(after) + 1, step)
    return ChecklistTemplate(variant.key, tuple(result))


def choose_template(
    steps: Sequence[ChecklistStepDef], variants: Iterable[ChecklistVariant], case_type: CaseType, severity: Severity
) -> ChecklistTemplate:
    """The first variant that matches (like the calendar rules: order in the file decides), else the default."""
    chosen = next((v for v in variants if v.matches(case_type, severity)), None)
    return apply_variant(steps, chosen)


# -- due times ---------------------------------------------------------------------------------------------------


def add_offset(span: Span, calendar: BusinessCalendar, start: datetime) -> datetime:
    """`start` plus `span`, counted the way its unit says: working days to the same hour, business minutes on
    the calendar, plain units as elapsed time (a 14-day monitoring period is 14 days, weekends included)."""
    days = span.business_days
    if days is not None:
        return calendar.add_business_days(start, days)
    assert span.fixed is not None  # every unit but "bd" has a fixed length
    return calendar.add_business(start, span.fixed) if span.business else start + span.fixed


def step_due(
    step: ChecklistStepDef, pace: Pace, anchor_at: datetime, calendar: BusinessCalendar, acknowledge: Span | None
) -> datetime | None:
    """When `step` falls due, its anchor having happened at `anchor_at`; None when the step has no due time."""
    offset = step.offset(pace)
    if offset == ACKNOWLEDGE:
        offset = acknowledge
    if not isinstance(offset, Span):
        return None
    return add_offset(offset, calendar, anchor_at)


def due_times(
    template: ChecklistTemplate,
    anchor: Anchor,
    pace: Pace,
    anchor_at: datetime,
    calendar: BusinessCalendar,
    acknowledge: Span | None = None,
) -> dict[str, datetime | None]:
    """The due time of every step counted from `anchor`, by key (steps with other anchors are left out)."""
    return {s.key: step_due(s, pace, anchor_at, calendar, acknowledge) for s in template.steps if s.anchor is anchor}


@dataclass(frozen=True, slots=True)
class ChecklistStep:
    """One stored checklist item of a case, as it leaves the store, with its template's guidance."""

    position: int
    step_key: str
    title: str
    required: bool
    due_at: datetime | None
    status: str
    done_by: str | None
    done_at: datetime | None
    note: str | None
    coaching: str
    role: FunctionalRole | None


# -- gating ------------------------------------------------------------------------------------------------------


class ItemState(Protocol):
    """What the pure functions read of a stored checklist item (ChecklistItem rows and ChecklistStep DTOs)."""

    @property
    def step_key(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def required(self) -> bool: ...
    @property
    def status(self) -> str: ...
    @property
    def due_at(self) -> datetime | None: ...
    @property
    def done_at(self) -> datetime | None: ...


def blocking_steps(items: Iterable[ItemState], template: ChecklistTemplate, gate: Gate) -> list[ItemState]:
    """The open required items that hold back `gate`: resolving waits for the resolve-gated ones, closing for
    all of them, except the step the close itself records. An item the template no longer knows (kept from an
    older template) gates resolving, the safe reading."""
    gates = (Gate.RESOLVE,) if gate is Gate.RESOLVE else (Gate.RESOLVE, Gate.CLOSE)
    blocking = []
    for item in items:
        step = template.step(item.step_key)
        if not item.required or item.status != StepStatus.OPEN.value or (step is not None and step.done_on_close):
            continue
        if (step.gate if step is not None else Gate.RESOLVE) in gates:
            blocking.append(item)
    return blocking


def refusal(reference: str, verb: str, blocking: Sequence[ItemState]) -> str:
    """ "ESC-1042 cannot be resolved: 3 required steps are open: Listen…, Written plan…, …" """
    count = len(blocking)
    steps = "1 required step is" if count == 1 else f"{count} required steps are"
    names = ", ".join(item.title for item in blocking)
    return f"{reference} cannot be {verb}: {steps} open: {names}. Complete them, or skip them with a reason."


# -- adherence ---------------------------------------------------------------------------------------------------


class StepTiming(enum.StrEnum):
    ON_TIME = "on_time"  # done by its due time (or done, with no due time)
    LATE = "late"
    SKIPPED = "skipped"
    OPEN_OVERDUE = "open_overdue"  # the panel highlights these
    OPEN = "open"  # not yet due, or no due time


@dataclass(frozen=True, slots=True)
class Adherence:
    on_time: int = 0
    late: int = 0
    skipped: int = 0
    open_overdue: int = 0
    open: int = 0

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.skipped + self.open_overdue + self.open


def step_timing(item: ItemState, now: datetime) -> StepTiming:
    if item.status == StepStatus.SKIPPED.value:
        return StepTiming.SKIPPED
    if item.status == StepStatus.DONE.value:
        late = item.due_at is not None and item.done_at is not None and item.done_at > item.due_at
        return StepTiming.LATE if late else StepTiming.ON_TIME
    overdue = item.due_at is not None and item.due_at < now
    return StepTiming.OPEN_OVERDUE if overdue else StepTiming.OPEN


def checklist_adherence(items: Iterable[ItemState], now: datetime) -> Adherence:
    """Per case: steps done on time, late, skipped, open past their due time, open. Computed from the stored
    items (due_at, done_at, status), so analytics read the same numbers straight from checklist_items."""
    counts = dict.fromkeys(StepTiming, 0)
    for item in items:
        counts[step_timing(item, now)] += 1
    return Adherence(*(counts[t] for t in StepTiming))


# -- the update cadence (step 8) ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CadenceReport:
    """Customer updates sent in the period and the due instants that passed without one."""

    updates: int
    missed: tuple[datetime, ...]
    next_due: datetime  # the next update is due here (after `end` when the period ended)


def cadence_misses(
    updates: Iterable[datetime], start: datetime, end: datetime, cadence: Span, calendar: BusinessCalendar
) -> CadenceReport:
    """Updates from `start` to `end` against one every `cadence`: each update sets the next due time; a due
    time that passes without one is a miss, and the cadence keeps counting from it (a silence of three cycles
    is three misses, not one)."""
    sent = sorted(at for at in updates if start <= at <= end)
    missed: list[datetime] = []
    due = add_offset(cadence, calendar, start)
    for at in sent:
        due = _misses_until(at, due, cadence, calendar, missed)
        due = add_offset(cadence, calendar, at)
    due = _misses_until(end, due, cadence, calendar, missed)
    return CadenceReport(len(sent), tuple(missed), due)


def _misses_until(
    at: datetime, due: datetime, cadence: Span, calendar: BusinessCalendar, missed: list[datetime]
) -> datetime:
    """Record every due time before `at`; the first due time not yet passed."""
    while due < at:
        missed.append(due)
        following = add_offset(cadence, calendar, due)
        if following <= due:  # a zero cadence would never move on
            break
        due = following
    return due
