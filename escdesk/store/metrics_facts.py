"""The reads and writes behind escdesk.metrics.facts: the cases of a dashboard window with their cached facts,
the history of the cases that have none, and storing new ones.

Instants the dashboard only subtracts come back as seconds since 1970 (`epoch`), which spares turning 100,000
stored instants into datetimes; the history of the cases computed afresh comes back as datetimes, since the
calendars need them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from escdesk.domain import EventKind
from escdesk.store.metric_rows import CaseMetricFacts
from escdesk.store.metrics_sql import Scope, epoch
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


class CaseLine(NamedTuple):
    """One case opened in the window, as the dashboard reads it, with its facts (all None when no valid ones are
    kept: see `has_facts`). A named tuple in the query's column order: 30,000 of them are built per reading."""

    id: str
    customer_id: str
    severity: str
    pace: str
    opened_s: float
    acknowledged_s: float | None
    resolved: bool  # 0 / 1 from the database: only whether, not when (a conversion saved per case)
    closed: bool
    cadence_intervals: int | None
    cadence_within: int | None
    running_due_s: float | None
    level_l0_s: float | None
    level_l1_s: float | None
    level_l2_s: float | None
    level_l3_s: float | None
    level_l4_s: float | None
    level_l5_s: float | None
    current_level: str | None
    current_since_s: float | None

    @property
    def has_facts(self) -> bool:
        return self.cadence_intervals is not None

    @property
    def levels(self) -> tuple[float | None, ...]:
        return self[11:17]

    def with_facts(self, f: StoredFacts) -> CaseLine:
        facts = (f.cadence_intervals, f.cadence_within, f.running_due_s, *f.levels, f.current_level, f.current_since_s)
        return CaseLine._make((*self[:8], *facts))


_F = CaseMetricFacts
LEVEL_COLUMNS = (_F.level_l0_s, _F.level_l1_s, _F.level_l2_s, _F.level_l3_s, _F.level_l4_s, _F.level_l5_s)


def _valid(digest: str) -> ColumnElement[bool]:
    return and_(_F.escalation_id == Escalation.id, _F.case_version == Escalation.version, _F.policy_digest == digest)


def case_lines(session: Session, scope: Scope, digest: str) -> list[CaseLine]:
    """Every case opened in the window (scope), driven by the covering index ix_escalations_metrics, each with
    its facts row (from ix_case_metric_facts_reading) when that was computed for the case's current version
    under the same clock policy. Core rows, not ORM ones: a third of the cost for 30,000 rows."""
    e = Escalation
    stmt = (
        select(e.id, e.customer_id, e.severity, e.pace, epoch(e.opened_at), epoch(e.acknowledged_at),
               e.resolved_at.is_not(None), e.closed_at.is_not(None), _F.cadence_intervals, _F.cadence_within,
               _F.running_due_s, *LEVEL_COLUMNS, _F.current_level, _F.current_since_s)
        .outerjoin(_F, _valid(digest)).where(*scope.opened())
    )  # fmt: skip
    return list(map(CaseLine._make, session.connection().execute(stmt)))


def step_groups(session: Session, scope: Scope, digest: str) -> list[tuple[str, str, str, int]]:
    """(step keys, step codes, open due times, cases) over the kept facts of the window's cases: most cases
    share a handful of code strings, so the database hands over hundreds of groups, not 400,000 steps."""
    stmt = (
        select(_F.step_keys, _F.steps, _F.open_due, func.count())
        .select_from(Escalation).join(_F, _valid(digest)).where(*scope.opened())
        .group_by(_F.step_keys, _F.steps, _F.open_due)
    )  # fmt: skip
    return [(str(k), str(c), str(d), int(n)) for k, c, d, n in session.connection().execute(stmt)]


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


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    band: str
    csm_id: str | None
    arr_cents: int
    created_s: float


def accounts(session: Session, scope: Scope) -> list[Account]:
    """The live accounts of the segment created before the window's end (from ix_customers_metrics alone)."""
    c = Customer
    stmt = select(c.id, c.band, c.csm_id, c.arr_cents, epoch(c.created_at)).where(
        *scope.accounts(), c.created_at < scope.end
    )
    rows = session.connection().execute(stmt)
    return [Account(i, b, csm, int(arr or 0), float(created)) for i, b, csm, arr, created in rows]


def case_history(session: Session, scope: Scope, window: timedelta) -> list[tuple[str, str, float, float | None]]:
    """(customer id, case id, opened, closed) of every live case of the segment opened before the window's end,
    by account and opening: what the re-escalation pass needs (from ix_escalations_customer_history alone)."""
    e = Escalation
    # A case closed over `window` before the start can make no case in the window a repeat: left out.
    relevant = or_(e.opened_at >= scope.start, e.closed_at.is_(None), e.closed_at >= scope.start - window)
    stmt = (
        select(e.customer_id, e.id, epoch(e.opened_at), epoch(e.closed_at))
        .where(*scope.cases(), e.opened_at < scope.end, relevant).order_by(e.customer_id, e.opened_at, e.id)
    )  # fmt: skip
    return [tuple(row) for row in session.connection().execute(stmt)]  # type: ignore[misc]
