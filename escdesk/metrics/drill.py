"""Drill-down: the cases behind one number of the dashboard, fetched when asked (a UI opens one row at a time), so
the dashboard never carries 60,000 ids. Each metric's conditions repeat the SQL aggregate's filter for its row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from escdesk.domain import EventKind
from escdesk.metrics.definitions import REESCALATION_WINDOW
from escdesk.metrics.period import month_bounds
from escdesk.metrics.tables import Drill
from escdesk.store import metrics_sql as q
from escdesk.store.models import CaseEventRow, ChecklistItem, Customer, Escalation

Conditions = list[ColumnElement[bool]]


def _month(scope: q.Scope, key: tuple[str, ...]) -> Conditions:
    start, end = month_bounds(key[0], (scope.start, scope.end)) if key else (scope.start, scope.end)
    return [*scope.cases(), Escalation.opened_at >= start, Escalation.opened_at < end]


def _band(scope: q.Scope, key: tuple[str, ...]) -> Conditions:
    return [*scope.opened(), Escalation.customer_id.in_(select(Customer.id).where(Customer.band == key[0]))]


def _csm(scope: q.Scope, key: tuple[str, ...]) -> Conditions:
    csm = Customer.csm_id.is_(None) if not key[0] else Customer.csm_id == key[0]
    return [*scope.opened(), Escalation.customer_id.in_(select(Customer.id).where(csm))]


def _severity(key: tuple[str, ...]) -> Conditions:
    return [] if key[0] == "all" else [Escalation.severity == key[0]]


def _acknowledge(scope: q.Scope, key: tuple[str, ...]) -> Conditions:
    return [*scope.opened(), Escalation.acknowledged_at.is_not(None), *_severity(key)]


def _resolve(scope: q.Scope, key: tuple[str, ...]) -> Conditions:
    resolved = Escalation.resolved_at
    return [*scope.cases(), resolved >= scope.start, resolved < scope.end, *_severity(key)]


def _level(scope: q.Scope, key: tuple[str, ...]) -> Conditions:
    entered = exists().where(
        CaseEventRow.escalation_id == Escalation.id,
        CaseEventRow.kind.in_((EventKind.OPENED.value, EventKind.LEVEL_CHANGED.value)),
        CaseEventRow.to_value == key[0],
    )
    return [*scope.opened(), entered]


def _cadence(scope: q.Scope, key: tuple[str, ...]) -> Conditions:
    return [*scope.opened(), Escalation.acknowledged_at.is_not(None), Escalation.severity == key[0],
            Escalation.pace == key[1]]  # fmt: skip


def _reescalation(scope: q.Scope, key: tuple[str, ...]) -> Conditions:
    return [*_month(scope, key), q.is_repeat(REESCALATION_WINDOW)]


def _checklist(scope: q.Scope, key: tuple[str, ...]) -> Conditions:
    item = ChecklistItem
    step = exists().where(item.escalation_id == Escalation.id, item.step_key == key[0], item.deleted_at.is_(None))
    return [*scope.opened(), step]


def _root_cause(scope: q.Scope, key: tuple[str, ...]) -> Conditions:
    cause = Escalation.root_cause
    closed = and_(Escalation.closed_at >= scope.start, Escalation.closed_at < scope.end)
    return [*scope.cases(), closed, or_(cause.is_(None), cause == "") if not key[0] else cause == key[0]]


def _outcome(scope: q.Scope, key: tuple[str, ...]) -> Conditions:
    """Each escalated account's first case in the window (the outcome's anchor), of one band or all."""
    firsts = q.first_cases(scope)
    first = exists().where(firsts.c.customer_id == Escalation.customer_id, firsts.c.first == Escalation.opened_at)
    band = [] if not key or key[0] == "all" else [*_band(scope, key)[-1:]]
    return [*scope.opened(), first, *band]


METRICS: dict[str, Callable[[q.Scope, tuple[str, ...]], Conditions]] = {
    "rate_month": _month,
    "rate_band": _band,
    "rate_csm": _csm,
    "acknowledge": _acknowledge,
    "resolve": _resolve,
    "level": _level,
    "cadence": _cadence,
    "reescalation": _reescalation,
    "checklist": _checklist,
    "root_cause": _root_cause,
    "outcome": _outcome,
}


def drill_ids(session: Session, scope: q.Scope, drill: Drill, limit: int | None = None) -> list[str]:
    if drill.metric not in METRICS:
        raise ValueError(f"no drill-down for metric {drill.metric!r}; known: {', '.join(METRICS)}")
    return q.case_ids(session, METRICS[drill.metric](scope, drill.key), limit)


@dataclass(frozen=True, slots=True)
class DrilledCase:
    """One case behind a number, as a list shows it."""

    id: str
    reference: str  # ESC-1234
    title: str
    customer: str
    severity: str
    status: str
    opened_at: datetime


def drilled_cases(session: Session, scope: q.Scope, drill: Drill, limit: int | None = None) -> list[DrilledCase]:
    """The cases behind a row with what a list shows of them, oldest first."""
    ids = drill_ids(session, scope, drill, limit)
    if not ids:
        return []
    e = Escalation
    found = {
        row.id: DrilledCase(
            row.id, f"ESC-{row.number}", row.title, row.name or "", row.severity, row.status, row.opened_at
        )
        for chunk in (ids[i : i + 5000] for i in range(0, len(ids), 5000))
        for row in session.execute(
            select(e.id, e.number, e.title, Customer.name, e.severity, e.status, e.opened_at)
            .outerjoin(Customer, Customer.id == e.customer_id)
            .where(e.id.in_(chunk))
        )
    }
    return [found[i] for i in ids if i in found]
