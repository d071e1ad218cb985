"""The escalation analytics' aggregates, computed in the database (GROUP BY, SUM(CASE), window functions), never
by loading cases: the scale database holds 60,000 historical cases and half a million events.

Definitions are those of escdesk.metrics.definitions (the pure reference). As in escdesk.store.portfolio, months
and thresholds are instants computed by the caller (months are CASE buckets over their start instants), so the
SQL is the same on SQLite and PostgreSQL; durations need the database's clock arithmetic, which `epoch` hides.
Percentiles are nearest-rank, done with ROW_NUMBER() and COUNT() OVER a partition: rank r is the p-th percentile
of n values when r >= p * n > r - 1, i.e. r = ceil(p * n), without a CEIL function SQLite lacks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, String, case, cast, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from escdesk.store.models import Customer, Escalation

QUANTILES = (0.5, 0.9)


class epoch(FunctionElement[float]):
    """Seconds since 1970 of a stored UTC instant (naive text on SQLite, timestamptz on PostgreSQL)."""

    type = Float()
    inherit_cache = True


@compiles(epoch, "sqlite")
def _epoch_sqlite(element: epoch, compiler: SQLCompiler, **kw: Any) -> str:
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


@compiles(epoch)
def _epoch_default(element: epoch, compiler: SQLCompiler, **kw: Any) -> str:
    # A float, not the numeric PostgreSQL 14+ gives: the dashboard does float arithmetic on it.
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS DOUBLE PRECISION)"


class scanned(FunctionElement[str]):
    """The column as is, but on SQLite written `+column`, which keeps the planner from driving the query by that
    column's index: an IN (60,000 case ids) probed while scanning the events is three times faster than 60,000
    index walks followed by a table read each."""

    type = String()
    inherit_cache = True


@compiles(scanned, "sqlite")
def _scanned_sqlite(element: scanned, compiler: SQLCompiler, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


@compiles(scanned)
def _scanned_default(element: scanned, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@dataclass(frozen=True, slots=True)
class Scope:
    """Which cases and accounts count: the dashboard's date window [start, end) and segment filters."""

    start: datetime
    end: datetime
    now: datetime
    band: str | None = None
    csm_id: str | None = None

    def accounts(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [Customer.deleted_at.is_(None)]
        if self.band is not None:
            conditions.append(Customer.band == self.band)
        if self.csm_id is not None:
            conditions.append(Customer.csm_id == self.csm_id)
        return conditions

    def cases(self) -> list[ColumnElement[bool]]:
        """Live cases of live accounts in the segment: an IN / NOT IN list rather than a join, which SQLite probes
        in a small in-memory index, three times faster than looking up each case's customer by its text id.
        Without a segment, NOT IN (the few deleted accounts), so the opening index still drives the scan."""
        live = Escalation.deleted_at.is_(None)
        if self.band is None and self.csm_id is None:
            return [live, Escalation.customer_id.not_in(select(Customer.id).where(Customer.deleted_at.is_not(None)))]
        return [live, Escalation.customer_id.in_(select(Customer.id).where(*self.accounts()))]

    def opened(self) -> list[ColumnElement[bool]]:
        return [*self.cases(), Escalation.opened_at >= self.start, Escalation.opened_at < self.end]


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum_if(condition: ColumnElement[bool], value: Any) -> Any:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def bucket(column: Any, starts: Sequence[datetime]) -> Any:
    """The index of the month (or any period) a stored instant falls in, given the periods' start instants in
    order; the caller keeps the column within [starts[0], end)."""
    whens = [(column < later, i) for i, later in enumerate(starts[1:])]
    return case(*whens, else_=len(starts) - 1) if whens else literal(0)


def _cases_from() -> Any:
    return select().select_from(Escalation)


def _in_scope(column: Any, scope: Scope) -> ColumnElement[bool]:
    """Events and checklist items of the cases opened in the window: a scan with an IN probe beats walking the
    (case, instant) index case by case."""
    return scanned(column).in_(select(Escalation.id).where(*scope.opened()))


OPEN_FOREVER = 1e15  # seconds: an earlier case still open beats any closure instant


def _repeats(scope: Scope, window_s: float) -> Any:
    """(id, opened_at, repeat 0/1) of every live case in the segment opened before the window's end. Earlier =
    before in opening order, the order of the (customer, opened) index, which spares the database a sort; of two
    cases of one account opened at the same instant, either may count as the earlier."""
    closed = func.coalesce(epoch(Escalation.closed_at), OPEN_FOREVER)
    latest = func.max(closed).over(partition_by=Escalation.customer_id, order_by=Escalation.opened_at, rows=(None, -1))
    columns = select(Escalation.id, Escalation.opened_at, epoch(Escalation.opened_at).label("opened_s"),
                     latest.label("latest")).where(*scope.cases(), Escalation.opened_at < scope.end)  # fmt: skip
    flagged = columns.subquery()
    repeat = case((flagged.c.latest >= flagged.c.opened_s - window_s, 1), else_=0)
    return select(flagged.c.id, flagged.c.opened_at, repeat.label("repeat")).subquery()


def repeat_ids(scope: Scope, window_s: float) -> Any:
    """The ids of the re-escalations (for drill-down)."""
    marked = _repeats(scope, window_s)
    return select(marked.c.id).where(marked.c.repeat == 1)


# -- checklist, root causes, outcomes -----------------------------------------------------------------------------


def root_causes(session: Session, scope: Scope) -> dict[str | None, tuple[int, int, int]]:
    """Cases closed in the window by root cause: cause -> (cases, accounts' ARR in cents, ARR at risk in cents)."""
    stmt = (
        _cases_from().join(Customer, Customer.id == Escalation.customer_id)
        .add_columns(Escalation.root_cause, func.count(), func.sum(Customer.arr_cents),
                     func.sum(Escalation.arr_at_risk_cents))
        .where(*scope.cases(), Escalation.closed_at >= scope.start, Escalation.closed_at < scope.end)
        .group_by(Escalation.root_cause)
    )  # fmt: skip
    return {cause: (int(n), int(arr or 0), int(risk or 0)) for cause, n, arr, risk in session.execute(stmt)}


def case_ids(session: Session, conditions: Sequence[ColumnElement[bool]], limit: int | None = None) -> list[str]:
    """The ids behind a number (drill-down), oldest first; conditions on Escalation."""
    stmt = _cases_from().add_columns(Escalation.id).where(*conditions).order_by(Escalation.opened_at, Escalation.id)
    return [str(i) for i in session.scalars(stmt.limit(limit))]


def resolve_durations(session: Session, scope: Scope) -> list[tuple[str, float]]:
    """(severity, seconds from opening to resolution) of the cases resolved in the window."""
    resolved = Escalation.resolved_at
    stmt = _cases_from().add_columns(Escalation.severity, epoch(resolved) - epoch(Escalation.opened_at))
    rows = session.execute(stmt.where(*scope.cases(), resolved >= scope.start, resolved < scope.end))
    return [(str(s), float(v)) for s, v in rows]


def first_cases(scope: Scope) -> Any:
    """(customer_id, first opened) of every account with a case opened in the window."""
    stmt = select(Escalation.customer_id.label("customer_id"), func.min(Escalation.opened_at).label("first"))
    return stmt.where(*scope.opened()).group_by(Escalation.customer_id).subquery()


def outcomes_since(session: Session, since: date) -> list[tuple[str, date, str, int]]:
    """(customer id, date, kind, ARR change in cents) of every outcome recorded on or after `since`."""
    from escdesk.store.metric_rows import CustomerOutcome as O

    # The date as ISO text (SQLite and PostgreSQL both write YYYY-MM-DD): fromisoformat is ten times faster than
    # the SQLite dialect's parser, and an escalated book has tens of thousands of renewals.
    day = cast(O.occurred_on, String)
    stmt = select(O.customer_id, day, O.kind, O.arr_change_cents).where(O.occurred_on >= since)
    parse = date.fromisoformat
    return [(c, parse(on[:10]), k, int(v or 0)) for c, on, k, v in session.connection().execute(stmt)]
