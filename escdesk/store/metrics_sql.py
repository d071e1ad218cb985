"""The escalation analytics' scope and shared SQL pieces (the window and segment, epoch seconds, month buckets, the
re-escalation check), root causes and drill-down ids: the database does the work, never by loading cases (the
scale database holds 60,000 historical cases and half a million events). The grouped per-case aggregates are in
escdesk.store.metrics_groups.

Definitions are those of escdesk.metrics.definitions (the pure reference). As in escdesk.store.portfolio, months
and thresholds are instants computed by the caller (months are CASE buckets over their start instants), so the
SQL is the same on SQLite and PostgreSQL; durations need the database's clock arithmetic, which `epoch` hides.
Percentiles are nearest-rank, ranked in Python over the values the database computes (see
escdesk.store.metrics_groups for why not ROW_NUMBER() OVER a partition in SQLite).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Float, String, and_, case, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
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


class utc_text(FunctionElement[str]):
    """A stored instant as the ISO text of its UTC reading with the offset, "2026-03-06 15:00:00.000000+00:00".

    The history reads hand the text to `datetime.fromisoformat`, which makes an aware UTC datetime in 0.1 us:
    the column type's conversion (the driver's parse, then UtcDateTime's `replace(tzinfo=UTC)`, 0.9 us alone)
    cost seconds of a first fill of the scale database, whose 62,000 cases hold 1.4 million instants."""

    type = String()
    inherit_cache = True


@compiles(utc_text, "sqlite")
def _utc_text_sqlite(element: utc_text, compiler: SQLCompiler, **kw: Any) -> str:
    # Stored the way SQLAlchemy writes a naive UTC datetime on SQLite: "YYYY-MM-DD HH:MM:SS.ffffff".
    return f"({compiler.process(element.clauses, **kw)} || '+00:00')"


@compiles(utc_text)
def _utc_text_default(element: utc_text, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US\"+00:00\"')"


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


def bucket(column: Any, starts: Sequence[datetime]) -> Any:
    """The index of the month (or any period) a stored instant falls in, given the periods' start instants in
    order; the caller keeps the column within [starts[0], end)."""
    whens = [(column < later, i) for i, later in enumerate(starts[1:])]
    return case(*whens, else_=len(starts) - 1) if whens else literal(0)


def fetched(session: Session, stmt: Any) -> Sequence[Any]:
    """Every row of a Core statement at once (fetchall), rather than SQLAlchemy's fetchone call per row that
    iterating a result makes: tens of thousands of rows for the percentiles."""
    return session.connection().execute(stmt).all()


@contextmanager
def page_cache(session: Session, kib: int = 65_536) -> Iterator[None]:
    """A larger SQLite page cache for one dashboard read, then the connection's own again (it goes back to the
    pool). The re-escalation check walks ix_escalations_customer_history at 30,000 random places, the account
    joins ix_customers_metrics: with SQLite's default 2 MB cache they read the same pages from the file again and
    again (the check: 0.11 s for a year on the scale database, 0.07 s with 64 MB, from a cold connection). Nothing
    on PostgreSQL, whose buffers are the server's."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


def account_of(customer_id: Any) -> ColumnElement[bool]:
    """Join on the case's live account. `deleted_at IS NULL` changes no result (the cases in scope are of live
    accounts) but makes SQLite look the account up in ix_customers_metrics (id, deleted_at, ..., band, csm_id,
    arr_cents), which holds what the dashboard reads, instead of the primary key's index and then the wide row:
    a third of the time on the scale database."""
    return and_(Customer.id == customer_id, Customer.deleted_at.is_(None))


def _cases_from() -> Any:
    return select().select_from(Escalation)


OPEN_FOREVER = 1e15  # seconds: an earlier case still open beats any closure instant


def is_repeat(window: timedelta) -> ColumnElement[bool]:
    """Whether a case (Escalation) is a re-escalation: a live case of the same account opened strictly before it
    is still open at its opening (OPEN_FOREVER) or closed at most `window` before it. A correlated EXISTS walks
    the few earlier cases of the account in ix_escalations_customer_history (customer_id, opened_at, closed_at,
    deleted_at), for the dashboard's count (measured on the scale database: 0.12 s for a year against 0.13-0.2 s
    for a MAX() OVER each account's earlier cases, which needs RANGE ... EXCLUDE GROUP to leave out cases opened
    at the same instant, or a sort by id) and for drill-down alike. The comparison is in epoch seconds, the same
    float arithmetic on SQLite and PostgreSQL."""
    earlier = aliased(Escalation, name="earlier")
    closed = func.coalesce(epoch(earlier.closed_at), OPEN_FOREVER)
    # SELECT of an indexed column, not EXISTS (SELECT *), which would read each earlier case's table row.
    return select(earlier.id).where(
        earlier.customer_id == Escalation.customer_id, earlier.opened_at < Escalation.opened_at,
        earlier.deleted_at.is_(None), closed >= epoch(Escalation.opened_at) - window.total_seconds(),
    ).exists()  # fmt: skip


# -- checklist, root causes, outcomes -----------------------------------------------------------------------------


def root_causes(session: Session, scope: Scope) -> dict[str | None, tuple[int, int, int]]:
    """Cases closed in the window by root cause: cause -> (cases, accounts' ARR in cents, ARR at risk in cents)."""
    stmt = (
        _cases_from().join(Customer, account_of(Escalation.customer_id))
        .add_columns(Escalation.root_cause, func.count(), func.sum(Customer.arr_cents),
                     func.sum(Escalation.arr_at_risk_cents))
        .where(*scope.cases(), Escalation.closed_at >= scope.start, Escalation.closed_at < scope.end)
        .group_by(Escalation.root_cause)
    )  # fmt: skip
    found = fetched(session, stmt)
    return {cause: (int(n), int(arr or 0), int(risk or 0)) for cause, n, arr, risk in found}


def case_ids(session: Session, conditions: Sequence[ColumnElement[bool]], limit: int | None = None) -> list[str]:
    """The ids behind a number (drill-down), oldest first; conditions on Escalation."""
    stmt = _cases_from().add_columns(Escalation.id).where(*conditions).order_by(Escalation.opened_at, Escalation.id)
    return [str(i) for i in session.scalars(stmt.limit(limit))]


def first_cases(scope: Scope) -> Any:
    """(customer_id, first opened) of every account with a case opened in the window."""
    stmt = select(Escalation.customer_id.label("customer_id"), func.min(Escalation.opened_at).label("first"))
    return stmt.where(*scope.opened()).group_by(Escalation.customer_id).subquery()
