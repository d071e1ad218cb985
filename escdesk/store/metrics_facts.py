"""The reads and writes behind escdesk.metrics.facts: which cases of a dashboard window have no valid cached
facts, their history, storing new ones, and the checklist step groups of the kept rows (the other aggregates
over the kept rows are in escdesk.store.metrics_groups). The history's instants come back as datetimes, since the
calendars need them; the checklist comes back in the form kept, since it needs none.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Connection, Table, case, delete, func, insert, select
from sqlalchemy.orm import Session

from escdesk.domain import EventKind
from escdesk.store.metric_rows import CaseMetricFacts
from escdesk.store.metrics_groups import LEVEL_COLUMNS, valid_facts
from escdesk.store.metrics_sql import Scope, fetched, utc_text
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
_TABLE = cast(Table, CaseMetricFacts.__table__)


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
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class CaseHistory:
    """What computing one case's facts needs: its row, level entries and contacts in order, and its checklist
    as kept (the live steps' keys, codes and open due times: no calendar in them, see `_checklists`)."""

    case: HistoryCase
    events: list[tuple[datetime, str, str | None]]  # (at, kind, to_value)
    checklist: tuple[str, str, str]  # (step keys, step codes, open due times) in case_metric_facts' form


NO_STEPS = ("", "", "")


def missing_cases(session: Session, scope: Scope, digest: str) -> list[HistoryCase]:
    """The cases opened in the window without a facts row valid for their current version under this clock
    policy: an anti-join over ix_escalations_metrics and ix_case_metric_facts_reading. The index holds every
    column read here, so the cases' rows come with their ids (the account's region is a look-up per account)."""
    e, parse = Escalation, datetime.fromisoformat
    stmt = (
        select(e.id, e.version, e.severity, e.pace, Customer.region, utc_text(e.acknowledged_at),
               utc_text(e.resolved_at), utc_text(e.closed_at))
        .outerjoin(_F, valid_facts(digest)).outerjoin(Customer, Customer.id == e.customer_id)
        .where(*scope.opened(), _F.escalation_id.is_(None))
    )  # fmt: skip
    return [
        HistoryCase(str(case_id), version, severity, pace, region, parse(acknowledged) if acknowledged else None,
                    parse(resolved) if resolved else None, parse(closed) if closed else None)
        for case_id, version, severity, pace, region, acknowledged, resolved, closed in fetched(session, stmt)
    ]  # fmt: skip


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def histories(session: Session, cases: Sequence[HistoryCase]) -> list[CaseHistory]:
    """The histories of these cases (two queries per CHUNK cases)."""
    found: list[CaseHistory] = []
    for i in range(0, len(cases), CHUNK):
        chunk = cases[i : i + CHUNK]
        ids = [case.id for case in chunk]
        events, checklists = _events(session, ids), _checklists(session, ids)
        found += [CaseHistory(case, events.get(case.id, []), checklists.get(case.id, NO_STEPS)) for case in chunk]
    return found


def _events(session: Session, ids: Sequence[str]) -> dict[str, list[tuple[datetime, str, str | None]]]:
    """The level entries and contacts of the cases that have any, by case, in time order."""
    ev, parse = CaseEventRow, datetime.fromisoformat
    stmt = (
        select(ev.escalation_id, utc_text(ev.at), ev.kind, ev.to_value)
        .where(ev.escalation_id.in_(ids), ev.kind.in_(HISTORY_KINDS))
        .order_by(ev.escalation_id, ev.at, ev.id)
    )  # fmt: skip
    return {
        case_id: [(parse(at), kind, to_value) for _, at, kind, to_value in rows]
        for case_id, rows in groupby(fetched(session, stmt), itemgetter(0))
    }


# One letter per live step, as kept in case_metric_facts.steps: on time, late (done after its due time), skipped,
# pending (open without a due time), or DUE (open with one: overdue or pending depending on `now`, so its due
# instant is kept too). Worked out by the database, which hands over one letter instead of two instants for each
# of the 880,000 steps of the scale database (a quarter of the history read). On SQLite the instants compare as
# the stored text, which orders as the instants do: SQLAlchemy writes every one in the same fixed-width form.
_item = ChecklistItem
ON_TIME, LATE, SKIPPED, PENDING, DUE = "o", "l", "s", "p", "d"
_STEP_CODE = case(
    (_item.status == "skipped", SKIPPED),
    (_item.status == "done", case((_item.done_at > _item.due_at, LATE), else_=ON_TIME)),
    (_item.due_at.is_(None), PENDING),
    else_=DUE,
)
_OPEN_DUE = case((_item.status.not_in(("skipped", "done")), utc_text(_item.due_at)))  # NULL unless DUE


def _checklists(session: Session, ids: Sequence[str]) -> dict[str, tuple[str, str, str]]:
    """(step keys "acknowledge:1,listen:2", step codes "ol", open due times "3=1767225600.0;...") of the cases
    that have live steps, by case, in position order."""
    parse = datetime.fromisoformat
    stmt = (
        select(_item.escalation_id, _item.step_key, _item.position, _STEP_CODE, _OPEN_DUE)
        .where(_item.escalation_id.in_(ids), _item.deleted_at.is_(None))
        .order_by(_item.escalation_id, _item.position)
    )  # fmt: skip
    found: dict[str, tuple[str, str, str]] = {}
    for case_id, group in groupby(fetched(session, stmt), itemgetter(0)):
        steps = list(group)
        found[case_id] = (
            ",".join([f"{key}:{position}" for _, key, position, _, _ in steps]),
            "".join([code for _, _, _, code, _ in steps]),
            ";".join([f"{position}={parse(due).timestamp()!r}" for _, _, position, _, due in steps if due]),
        )
    return found


def store_facts(
    session: Session, rows: Sequence[tuple[str, int, StoredFacts]], digest: str, computed_at: datetime
) -> int:
    """Replace the facts rows of these (case id, case version, facts) (an old row, computed for an earlier
    version or policy, goes)."""
    connection, table = session.connection(), _TABLE
    for chunk in _chunks([case_id for case_id, _, _ in rows]):
        connection.execute(delete(table).where(table.c.escalation_id.in_(chunk)))
    values = [
        (case_id, version, digest, f.cadence_intervals, f.cadence_within, f.running_due_s, *f.levels,
         f.current_level, f.current_since_s, f.step_keys, f.steps, f.open_due, computed_at)
        for case_id, version, f in rows
    ]  # fmt: skip
    for i in range(0, len(values), CHUNK):
        _insert(connection, values[i : i + CHUNK])
    return len(values)


_COLUMNS = ("escalation_id", "case_version", "policy_digest", "cadence_intervals", "cadence_within",
            "running_due_s", *(column.key for column in LEVEL_COLUMNS), "current_level", "current_since_s",
            "step_keys", "steps", "open_due", "computed_at")  # fmt: skip


def _insert(connection: Connection, rows: list[tuple[Any, ...]]) -> None:
    """One executemany of these rows (values in _COLUMNS order). On SQLite straight to the driver, each value
    through its column type's bind processor as SQLAlchemy would (as escdesk.demo writes): SQLAlchemy's own
    executemany, dicts in, cost more than the database's inserts, index upkeep included."""
    table, dialect = _TABLE, connection.dialect
    if dialect.name != "sqlite":
        connection.execute(insert(table), [dict(zip(_COLUMNS, row, strict=True)) for row in rows])
        return
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
    for index, name in enumerate(_COLUMNS):
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            columns[index] = [None if value is None else process(value) for value in columns[index]]
    sql = f"INSERT INTO {table.name} ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
    connection.exec_driver_sql(sql, list(zip(*columns, strict=True)))
