"""The reads and writes behind escdesk.metrics.facts: which cases of a dashboard window have no valid cached
facts, their history, storing new ones, and the checklist step groups of the kept rows (the other aggregates
over the kept rows are in escdesk.store.metrics_groups). The history comes back as datetimes, since the
calendars need them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from escdesk.domain import EventKind
from escdesk.store.metric_rows import CaseMetricFacts
from escdesk.store.metrics_groups import LEVEL_COLUMNS, valid_facts
from escdesk.store.metrics_sql import Scope, fetched
from escdesk.store.models import CaseEventRow, ChecklistItem, Customer, Escalation

CHUNK = 5_000  # ids per IN list: well below every database's limit on bound parameters
HISTORY_KINDS = (EventKind.OPENED.value, EventKind.LEVEL_CHANGED.value, EventKind.CUSTOMER_CONTACT.value)


@dataclass(frozen=True, slots=True)
class StoredFacts:
    """One row of case_metric_facts (see escdesk.metrics.facts for what each part means)."""

    cadence_intervals: int
    cadence_within: int
    running_due_s: float | None
    levels: tuple[float | None, ...]  # seconds at L0..L5 before the current stay
    current_level: str | None
    current_since_s: float | None
    step_keys: str
    steps: str
    open_due: str


_F = CaseMetricFacts


def missing_facts(session: Session, scope: Scope, digest: str) -> list[str]:
    """The ids of the cases opened in the window without a facts row valid for their current version under this
    clock policy (an anti-join over ix_escalations_metrics and ix_case_metric_facts_reading)."""
    stmt = (
        select(Escalation.id).outerjoin(_F, valid_facts(digest))
        .where(*scope.opened(), _F.escalation_id.is_(None))
    )  # fmt: skip
    return [str(i) for (i,) in fetched(session, stmt)]


def step_groups(session: Session, scope: Scope, digest: str) -> list[tuple[str, str, str, int]]:
    """(step keys, step codes, open due times, cases) over the kept facts of the window's cases: most cases
    share a handful of code strings, so the database hands over hundreds of groups, not 400,000 steps."""
    stmt = (
        select(_F.step_keys, _F.steps, _F.open_due, func.count())
        .select_from(Escalation).join(_F, valid_facts(digest)).where(*scope.opened())
        .group_by(_F.step_keys, _F.steps, _F.open_due)
    )  # fmt: skip
    return [(str(k), str(c), str(d), int(n)) for k, c, d, n in fetched(session, stmt)]


@dataclass(frozen=True, slots=True)
class HistoryCase:
    id: str
    version: int
    severity: str
    pace: str
    region: str | None
    opened_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class CaseHistory:
    """What computing one case's facts needs: its row, level entries and contacts in order, its live steps."""

    case: HistoryCase
    events: list[tuple[datetime, str, str | None]]  # (at, kind, to_value)
    steps: list[tuple[str, int, str, datetime | None, datetime | None]]  # (key, position, status, due, done)


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def histories(session: Session, ids: Sequence[str]) -> list[CaseHistory]:
    """The histories of these cases (three queries per CHUNK ids)."""
    found: list[CaseHistory] = []
    for chunk in _chunks(ids):
        found += _histories(session, chunk)
    return found


def _histories(session: Session, ids: Sequence[str]) -> list[CaseHistory]:
    e = Escalation
    cases = session.connection().execute(
        select(e.id, e.version, e.severity, e.pace, Customer.region, e.opened_at, e.acknowledged_at, e.resolved_at,
               e.closed_at).outerjoin(Customer, Customer.id == e.customer_id).where(e.id.in_(ids))
    )  # fmt: skip
    events: dict[str, list[tuple[datetime, str, str | None]]] = {i: [] for i in ids}
    ev = CaseEventRow
    for case_id, at, kind, to_value in session.connection().execute(
        select(ev.escalation_id, ev.at, ev.kind, ev.to_value)
        .where(ev.escalation_id.in_(ids), ev.kind.in_(HISTORY_KINDS))
        .order_by(ev.escalation_id, ev.at, ev.id)
    ):
        events[case_id].append((at, kind, to_value))
    steps: dict[str, list[tuple[str, int, str, datetime | None, datetime | None]]] = {i: [] for i in ids}
    item = ChecklistItem
    for case_id, key, position, status, due, done in session.connection().execute(
        select(item.escalation_id, item.step_key, item.position, item.status, item.due_at, item.done_at)
        .where(item.escalation_id.in_(ids), item.deleted_at.is_(None))
        .order_by(item.escalation_id, item.position)
    ):
        steps[case_id].append((key, int(position), status, due, done))
    return [CaseHistory(HistoryCase(*row), events[row[0]], steps[row[0]]) for row in cases]


def store_facts(
    session: Session, rows: Sequence[tuple[str, int, StoredFacts]], digest: str, computed_at: datetime
) -> int:
    """Replace the facts rows of these (case id, case version, facts) (an old row, computed for an earlier
    version or policy, goes)."""
    for chunk in _chunks([case_id for case_id, _, _ in rows]):
        session.execute(delete(_F).where(_F.escalation_id.in_(chunk)))
    values = [_values(case_id, version, facts, digest, computed_at) for case_id, version, facts in rows]
    for i in range(0, len(values), CHUNK):
        session.execute(insert(_F), values[i : i + CHUNK])
    return len(values)


def _values(case_id: str, version: int, f: StoredFacts, digest: str, computed_at: datetime) -> dict[str, Any]:
    levels = {column.key: value for column, value in zip(LEVEL_COLUMNS, f.levels, strict=True)}
    return {
        "escalation_id": case_id, "case_version": version, "policy_digest": digest, "computed_at": computed_at,
        "cadence_intervals": f.cadence_intervals, "cadence_within": f.cadence_within,
        "running_due_s": f.running_due_s, **levels, "current_level": f.current_level,
        "current_since_s": f.current_since_s, "step_keys": f.step_keys, "steps": f.steps, "open_due": f.open_due,
    }  # fmt: skip
