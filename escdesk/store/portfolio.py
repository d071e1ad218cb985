"""The weekly portfolio's aggregates, computed in the database (GROUP BY and SUM(CASE ...)), never by loading cases.

A case is *open at* an instant when it was opened at or before it and not closed by then. Levels, severities and
types are the cases' current ones (the store keeps the history of levels as events, not as columns). Every
threshold is an instant computed by the caller (e.g. "acknowledge target S1 passed" = opened before as_of - 30 min),
so the same SQL runs on SQLite and PostgreSQL without date arithmetic in the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from escdesk.domain import CaseStatus, EventKind
from escdesk.store.models import CaseEventRow, Customer, Escalation, Person

Window = tuple[datetime, datetime]  # [start, end)
INACTIVE = (CaseStatus.RESOLVED.value, CaseStatus.CLOSED.value)


def open_at(at: datetime) -> ColumnElement[bool]:
    return and_(
        Escalation.deleted_at.is_(None),
        Escalation.opened_at <= at,
        or_(Escalation.closed_at.is_(None), Escalation.closed_at > at),
    )


def _active_at(at: datetime) -> ColumnElement[bool]:
    """Open and not yet resolved: a resolved case waits for sign-off and runs no clock."""
    return and_(open_at(at), or_(Escalation.resolved_at.is_(None), Escalation.resolved_at > at))


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def totals(session: Session, at: datetime) -> tuple[int, int, int]:
    """(open cases, accounts with an open case, ARR at risk in cents) at `at`."""
    stmt = select(
        func.count(), func.count(func.distinct(Escalation.customer_id)), func.sum(Escalation.arr_at_risk_cents)
    ).where(open_at(at))
    count, accounts, cents = session.execute(stmt).one()
    return int(count), int(accounts), int(cents or 0)


def grouped(session: Session, column: Any, at: datetime) -> dict[Any, tuple[int, int]]:
    """Open cases at `at` grouped by one column: value -> (count, ARR at risk in cents)."""
    stmt = select(column, func.count(), func.sum(Escalation.arr_at_risk_cents)).where(open_at(at)).group_by(column)
    return {value: (int(n), int(cents or 0)) for value, n, cents in session.execute(stmt)}


def counts_in(session: Session, conditions: Sequence[ColumnElement[bool]]) -> list[int]:
    """One SUM(CASE) per condition over every live case, in one scan."""
    stmt = select(*(_count_if(c) for c in conditions)).where(Escalation.deleted_at.is_(None))
    return [int(v) for v in session.execute(stmt).one()]


def flow_conditions(window: Window) -> list[ColumnElement[bool]]:
    """Opened in the window, closed in the window, open at its end."""
    start, end = window
    return [
        and_(Escalation.opened_at >= start, Escalation.opened_at < end),
        and_(Escalation.closed_at >= start, Escalation.closed_at < end),
        and_(Escalation.opened_at < end, or_(Escalation.closed_at.is_(None), Escalation.closed_at >= end)),
    ]


def reopened(session: Session, windows: Sequence[Window]) -> list[int]:
    """Cases reopened (resolved or closed -> active again) in each window, each case counted once per window."""
    low, high = min(w[0] for w in windows), max(w[1] for w in windows)
    changes = (
        select(CaseEventRow.escalation_id, CaseEventRow.at)
        .where(
            CaseEventRow.kind == EventKind.STATUS_CHANGED.value,
            CaseEventRow.from_value.in_(INACTIVE),
            CaseEventRow.to_value.not_in(INACTIVE),
            CaseEventRow.at >= low,
            CaseEventRow.at < high,
        )
        .subquery()
    )
    columns = [
        func.count(func.distinct(case((and_(changes.c.at >= s, changes.c.at < e), changes.c.escalation_id))))
        for s, e in windows
    ]
    return [int(v) for v in session.execute(select(*columns)).one()]


def overdue_acknowledgements(session: Session, at: datetime, cutoffs: Mapping[str, datetime]) -> int:
    """Not acknowledged by `at` although opened before the severity's acknowledge target (severity -> cutoff)."""
    late = or_(*(and_(Escalation.severity == sev, Escalation.opened_at < cut) for sev, cut in cutoffs.items()))
    unacknowledged = or_(Escalation.acknowledged_at.is_(None), Escalation.acknowledged_at > at)
    stmt = select(func.count()).where(_active_at(at), unacknowledged, late)
    return int(session.execute(stmt).scalar_one())


def overdue_updates(session: Session, at: datetime, cutoffs: Mapping[tuple[str, str], datetime]) -> int:
    """Acknowledged cases whose last contact with the customer (either way, T2/T3) or acknowledgement is older than
    the update cadence of their severity and pace ((severity, pace) -> cutoff)."""
    last_contact = (
        select(func.max(CaseEventRow.at))
        .where(
            CaseEventRow.escalation_id == Escalation.id,
            CaseEventRow.kind == EventKind.CUSTOMER_CONTACT.value,
            CaseEventRow.at <= at,
        )
        .correlate(Escalation)
        .scalar_subquery()
    )
    late = or_(
        *(
            and_(Escalation.severity == sev, Escalation.pace == pace, Escalation.acknowledged_at < cut,
                 or_(last_contact.is_(None), last_contact < cut))
            for (sev, pace), cut in cutoffs.items()
        )
    )  # fmt: skip
    stmt = select(func.count()).where(_active_at(at), Escalation.acknowledged_at <= at, late)
    return int(session.execute(stmt).scalar_one())


def over_ceiling(session: Session, at: datetime, cutoffs: Mapping[str, datetime]) -> int:
    """Active cases at their level for longer than the severity's ceiling (severity -> cutoff) and not acknowledged
    since they entered it: an acknowledgement at the level stops its ceiling clock (as in escdesk.clock_service)."""
    late = or_(*(and_(Escalation.severity == sev, Escalation.level_entered_at < cut) for sev, cut in cutoffs.items()))
    acknowledged = Escalation.acknowledged_at
    unacknowledged = or_(acknowledged.is_(None), acknowledged < Escalation.level_entered_at, acknowledged > at)
    stmt = select(func.count()).where(_active_at(at), late, unacknowledged)
    return int(session.execute(stmt).scalar_one())


def ageing(session: Session, at: datetime, edges: Sequence[datetime]) -> list[int]:
    """Open cases by age: `edges` are opening instants, newest first; bucket i is opened in (edges[i], edges[i-1]]."""
    bounds = [at, *edges, None]
    conditions = []
    for newer, older in pairwise(bounds):
        upper = Escalation.opened_at <= newer
        conditions.append(upper if older is None else and_(upper, Escalation.opened_at > older))
    stmt = select(*(_count_if(c) for c in conditions)).where(open_at(at))
    return [int(v) for v in session.execute(stmt).one()]


def root_causes(session: Session, window: Window) -> dict[str | None, int]:
    """Cases closed in the window by root-cause category (None: closed without one recorded)."""
    start, end = window
    stmt = (
        select(Escalation.root_cause, func.count())
        .where(Escalation.deleted_at.is_(None), Escalation.closed_at >= start, Escalation.closed_at < end)
        .group_by(Escalation.root_cause)
    )
    return {cause: int(n) for cause, n in session.execute(stmt)}


def top_by_arr(session: Session, at: datetime, limit: int = 5) -> list[tuple[Any, ...]]:
    """The open cases of the largest accounts: number, customer, title, ARR, at risk, level, severity, owner,
    opened_at (cents as stored)."""
    owner = aliased(Person)
    stmt = (
        select(
            Escalation.number, Customer.name, Escalation.title, Customer.arr_cents, Escalation.arr_at_risk_cents,
            Escalation.level, Escalation.severity, owner.name, Escalation.opened_at,
        )
        .join(Customer, Customer.id == Escalation.customer_id)
        .outerjoin(owner, owner.id == Escalation.owner_id)
        .where(open_at(at))
        .order_by(Customer.arr_cents.desc(), Escalation.arr_at_risk_cents.desc(), Escalation.number)
        .limit(limit)
    )  # fmt: skip
    return [tuple(row) for row in session.execute(stmt)]
