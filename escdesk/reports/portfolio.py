"""The weekly portfolio as a plain frozen object: what the report says, gathered in one read-only unit of work.

The week is an ISO week in the reader's zone. Snapshot figures (open cases by level, severity and type; ARR at
risk; overdue clocks; ageing; top five) are taken at the end of the week, or now for the week in progress. Flow
figures (opened, closed, reopened) count what happened inside the week; the trend shows them for the four weeks
ending with it; the root-cause Pareto covers the cases closed in the last quarter (13 weeks), because one week
rarely closes enough cases to rank causes.

Overdue figures for the week in progress come from the SLA clock service (escdesk.clock_service: business time,
pauses, level acknowledgements), the same reading the board shows. A past week's are counted in SQL from the stored
instants in elapsed time against the policy's targets (a business day counts as 24 hours), since the clocks are
computed for the open cases of now only; the report's notes say which was used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from escdesk.clock import Clock
from escdesk.clock_math import CONTINUOUS, target_duration
from escdesk.domain import CaseType, Level, Pace, RootCause, Severity
from escdesk.durations import parse_span
from escdesk.money import from_cents
from escdesk.policy import Policy
from escdesk.reports.weeks import IsoWeek
from escdesk.store import Store
from escdesk.store import portfolio as q
from escdesk.store.models import Escalation
from escdesk.store.uow import UnitOfWork

TREND_WEEKS = 4
PARETO_WEEKS = 13
AGE_BUCKETS = (("Under 1 day", 1), ("1 to 7 days", 7), ("7 to 30 days", 30), ("30 to 90 days", 90), ("Over 90 days", 0))
EXACT_NOTE = (
    "Overdue and ceiling counts are the SLA clocks as the board shows them (business time, pauses while waiting "
    "on the customer, a level's ceiling stopped by its acknowledgement)."
)
ELAPSED_NOTE = (
    "Overdue and ceiling counts for a past week use elapsed time against the policy targets (a business day counts "
    "as 24 hours; pauses are not taken out); the board's SLA clocks count business time."
)


@dataclass(frozen=True, slots=True)
class Group:
    """One row of a breakdown: its label, the number of cases and their ARR at risk."""

    key: str
    label: str
    count: int
    arr_at_risk: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class TopCase:
    number: int
    customer: str
    title: str
    arr: Decimal
    arr_at_risk: Decimal
    level: str
    severity: Severity
    owner: str | None
    opened_at: datetime

    @property
    def reference(self) -> str:
        return f"ESC-{self.number}"


@dataclass(frozen=True, slots=True)
class WeekFlow:
    week: IsoWeek
    opened: int
    closed: int
    reopened: int
    open_at_end: int


@dataclass(frozen=True, slots=True)
class WeeklyPortfolio:
    week: IsoWeek
    start: datetime
    end: datetime
    as_of: datetime
    generated_at: datetime
    time_zone: str
    open_cases: int
    accounts: int
    arr_at_risk: Decimal
    by_level: tuple[Group, ...]
    by_severity: tuple[Group, ...]
    by_type: tuple[Group, ...]
    overdue_acknowledgements: int
    overdue_updates: int
    over_ceiling: int
    ageing: tuple[Group, ...]
    top: tuple[TopCase, ...]
    root_causes: tuple[Group, ...]  # most frequent first; "not recorded" last
    trend: tuple[WeekFlow, ...]  # oldest first, the report's week last
    notes: tuple[str, ...] = ()

    @property
    def this_week(self) -> WeekFlow:
        return self.trend[-1]


def weekly_portfolio(store: Store, week: IsoWeek, *, clock: Clock, policy: Policy, time_zone: str) -> WeeklyPortfolio:
    now = clock.now()
    start, end = week.bounds(time_zone)
    as_of = min(end, now)
    overdue = _clock_counts(store, clock, policy) if as_of == now else None
    with store.read() as uow:
        snapshot = _snapshot(uow, as_of, policy)
        if overdue is not None:
            snapshot.update(overdue)
        return WeeklyPortfolio(
            week=week, start=start, end=end, as_of=as_of, generated_at=now, time_zone=time_zone, **snapshot,
            notes=(EXACT_NOTE if overdue is not None else ELAPSED_NOTE,),
            top=tuple(_top(row, policy) for row in q.top_by_arr(uow.session, as_of)),
            root_causes=_root_causes(uow, week, time_zone),
            trend=_trend(uow, week, time_zone),
        )  # fmt: skip


def _snapshot(uow: UnitOfWork, at: datetime, policy: Policy) -> dict[str, Any]:
    session = uow.session
    count, accounts, cents = q.totals(session, at)
    ack, update, ceiling = _cutoffs(policy, at)
    return {
        "open_cases": count,
        "accounts": accounts,
        "arr_at_risk": from_cents(cents),
        "by_level": _by_level(q.grouped(session, Escalation.level, at), policy),
        "by_severity": _by_severity(q.grouped(session, Escalation.severity, at), policy),
        "by_type": _by_type(q.grouped(session, Escalation.case_type, at)),
        "overdue_acknowledgements": q.overdue_acknowledgements(session, at, ack),
        "overdue_updates": q.overdue_updates(session, at, update),
        "over_ceiling": q.over_ceiling(session, at, ceiling),
        "ageing": _ageing(uow, at),
    }


def _clock_counts(store: Store, clock: Clock, policy: Policy) -> dict[str, Any]:
    """Running clocks past their due time, for every case open now (the clock service's reading)."""
    from escdesk.clock_service import ClockService  # the SLA engine: only needed for the week in progress
    from escdesk.clocks import ClockKind

    views = ClockService(store, clock, policy).open_clocks().values()

    def overdue(kind: ClockKind) -> int:
        readings = (view.reading(kind) for view in views)
        return sum(1 for r in readings if r is not None and r.stopped_at is None and r.overdue)

    return {
        "overdue_acknowledgements": overdue(ClockKind.ACKNOWLEDGE),
        "overdue_updates": overdue(ClockKind.UPDATE),
        "over_ceiling": overdue(ClockKind.CEILING),
    }


def _cutoffs(
    policy: Policy, at: datetime
) -> tuple[dict[str, datetime], dict[tuple[str, str], datetime], dict[str, datetime]]:
    """For each target, the instant before which a clock started is overdue at `at` (elapsed time)."""

    def before(span: str) -> datetime:
        return at - target_duration(parse_span(span), CONTINUOUS, at)

    ack = {s.severity.value: before(s.acknowledge) for s in policy.severities}
    ceiling = {s.severity.value: before(s.ceiling) for s in policy.severities}
    update = {}
    for s in policy.severities:
        update[(s.severity.value, Pace.FAST.value)] = before(s.update_fast)
        update[(s.severity.value, Pace.SLOW_BURN.value)] = before(s.update_slow_burn)
    return ack, update, ceiling


def _group(key: str, label: str, found: tuple[int, int] | None) -> Group:
    n, cents = found or (0, 0)
    return Group(key, label, n, from_cents(cents))


def _by_level(found: dict[object, tuple[int, int]], policy: Policy) -> tuple[Group, ...]:
    # Every level and severity, also those with no cases: a zero is information on a portfolio.
    return tuple(_group(lv.code, f"{lv.code} {policy.level_name(lv)}", found.get(int(lv))) for lv in Level)


def _by_severity(found: dict[object, tuple[int, int]], policy: Policy) -> tuple[Group, ...]:
    meanings = {s.severity: s.meaning for s in policy.severities}
    return tuple(_group(sev.value, meanings.get(sev, ""), found.get(sev.value)) for sev in Severity)


TYPE_NAMES = {CaseType.CONTRACT_LEGAL: "Contract / legal", CaseType.EXEC_CONTACT: "Executive contact"}


def type_name(case_type: str) -> str:
    known = CaseType(case_type) if case_type in CaseType.__members__.values() else None
    return TYPE_NAMES.get(known, case_type.replace("_", " ").capitalize()) if known else case_type


def _by_type(found: dict[object, tuple[int, int]]) -> tuple[Group, ...]:
    rows = [Group(str(t), type_name(str(t)), n, from_cents(c)) for t, (n, c) in found.items()]
    return tuple(sorted(rows, key=lambda g: (-g.count, g.label)))


def _ageing(uow: UnitOfWork, at: datetime) -> tuple[Group, ...]:
    edges = [at - timedelta(days=days) for _, days in AGE_BUCKETS if days]
    counts = q.ageing(uow.session, at, edges)
    return tuple(Group(str(days), label, n) for (label, days), n in zip(AGE_BUCKETS, counts, strict=True))


def _top(row: tuple[Any, ...], policy: Policy) -> TopCase:
    number, customer, title, arr, at_risk, level, severity, owner, opened = row
    level = Level(level)
    return TopCase(
        number, customer, title, from_cents(arr), from_cents(at_risk), f"{level.code} {policy.level_name(level)}",
        Severity(severity), owner, opened,
    )  # fmt: skip


ROOT_CAUSE_NAMES = {
    RootCause.PRODUCT_DEFECT: "Product defect",
    RootCause.PERFORMANCE_AVAILABILITY: "Performance / availability",
    RootCause.PRODUCT_GAP: "Product gap",
    RootCause.ONBOARDING: "Onboarding / implementation",
    RootCause.SUPPORT_EXPERIENCE: "Support experience",
    RootCause.EXPECTATION_MISMATCH: "Expectation mismatch",
    RootCause.COMMUNICATION: "Communication",
    RootCause.BILLING_COMMERCIAL: "Billing / commercial",
    RootCause.CUSTOMER_ORG_CHANGE: "Customer organisation change",
    RootCause.SECURITY_COMPLIANCE: "Security / compliance",
    RootCause.THIRD_PARTY: "Third party",
}


def _root_causes(uow: UnitOfWork, week: IsoWeek, zone: str) -> tuple[Group, ...]:
    window = (week.shifted(1 - PARETO_WEEKS).bounds(zone)[0], week.bounds(zone)[1])
    found = q.root_causes(uow.session, window)
    missing = found.pop(None, 0)
    rows = [Group(str(c), _cause_name(str(c)), n) for c, n in found.items()]
    rows.sort(key=lambda g: (-g.count, g.label))
    return (*rows, Group("", "Not recorded", missing)) if missing else tuple(rows)


def _cause_name(cause: str) -> str:
    known = {c.value: name for c, name in ROOT_CAUSE_NAMES.items()}
    return known.get(cause, cause.replace("_", " ").capitalize())


def _trend(uow: UnitOfWork, week: IsoWeek, zone: str) -> tuple[WeekFlow, ...]:
    weeks = [week.shifted(offset) for offset in range(1 - TREND_WEEKS, 1)]
    windows = [w.bounds(zone) for w in weeks]
    flows = q.counts_in(uow.session, [c for window in windows for c in q.flow_conditions(window)])
    reopened = q.reopened(uow.session, windows)
    return tuple(
        WeekFlow(w, opened=flows[3 * i], closed=flows[3 * i + 1], reopened=reopened[i], open_at_end=flows[3 * i + 2])
        for i, w in enumerate(weeks)
    )
