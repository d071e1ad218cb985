"""The escalation analytics' aggregates, computed in the database (GROUP BY, SUM(CASE), window functions), never
by loading cases: the scale database holds 60,000 historical cases and half a million events.

Definitions are those of escdesk.metrics.definitions (the pure reference). As in escdesk.store.portfolio, months
and thresholds are instants computed by the caller (months are CASE buckets over their start instants), so the
SQL is the same on SQLite and PostgreSQL; durations need the database's clock arithmetic, which `epoch` hides.
Percentiles are nearest-rank, done with ROW_NUMBER() and COUNT() OVER a partition: rank r is the p-th percentile
of n values when r >= p * n > r - 1, i.e. r = ceil(p * n), without a CEIL function SQLite lacks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, String, and_, case, func, literal, or_, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from escdesk.domain import EventKind
from escdesk.store.models import CaseEventRow, ChecklistItem, Customer, Escalation

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
    return f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})"


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


# -- escalation rate ----------------------------------------------------------------------------------------------


def active_accounts(session: Session, scope: Scope, ends: Sequence[datetime]) -> list[tuple[int, int]]:
    """(active accounts, their ARR in cents) at each period end, in one scan of the customers."""
    columns = []
    for end in ends:
        columns += [_count_if(Customer.created_at < end), _sum_if(Customer.created_at < end, Customer.arr_cents)]
    values = session.execute(select(*columns).where(*scope.accounts())).one()
    return [(int(values[i]), int(values[i + 1])) for i in range(0, len(values), 2)]


def escalated_by_period(session: Session, scope: Scope, starts: Sequence[datetime]) -> dict[int, tuple[int, int]]:
    """Period index -> (accounts with a case opened in it, their ARR in cents); only accounts active then."""
    period = bucket(Escalation.opened_at, starts).label("period")
    pairs = (
        select(period, Escalation.customer_id.label("customer_id")).where(*scope.opened()).distinct().subquery()
    )  # fmt: skip
    stmt = (
        select(pairs.c.period, func.count(), func.sum(Customer.arr_cents))
        .join(Customer, Customer.id == pairs.c.customer_id)
        .where(Customer.created_at < scope.end)
        .group_by(pairs.c.period)
    )
    return {int(p): (int(n), int(cents or 0)) for p, n, cents in session.execute(stmt)}


def escalated_by(session: Session, scope: Scope, column: Any) -> dict[Any, tuple[int, int, int, int]]:
    """Over the whole window, grouped by an account column (band, CSM): value -> (escalated accounts, their ARR,
    active accounts at the window's end, their ARR)."""
    escalated = (select(Escalation.customer_id.label("customer_id")).where(*scope.opened()).distinct()).subquery()
    hit = escalated.c.customer_id.is_not(None)
    stmt = (
        select(column, _count_if(hit), _sum_if(hit, Customer.arr_cents), func.count(), func.sum(Customer.arr_cents))
        .outerjoin(escalated, escalated.c.customer_id == Customer.id)
        .where(*scope.accounts(), Customer.created_at < scope.end)
        .group_by(column)
    )
    return {key: (int(a), int(b), int(c), int(d or 0)) for key, a, b, c, d in session.execute(stmt)}


def pace_by_period(session: Session, scope: Scope, starts: Sequence[datetime]) -> dict[tuple[int, str], int]:
    period = bucket(Escalation.opened_at, starts)
    stmt = (
        _cases_from().add_columns(period, Escalation.pace, func.count())
        .where(*scope.opened()).group_by(period, Escalation.pace)
    )  # fmt: skip
    return {(int(p), str(pace)): int(n) for p, pace, n in session.execute(stmt)}


def reescalations(
    session: Session, scope: Scope, starts: Sequence[datetime], window_s: float
) -> dict[int, tuple[int, int]]:
    """Period index -> (cases opened, of which re-escalations): see definitions.is_reescalation. One window
    function over every live case of the segment's accounts (earlier cases may precede the window): the latest
    closure among the account's earlier cases, an open one counting as the far future."""
    marked = _repeats(scope, window_s)
    period = bucket(marked.c.opened_at, starts)
    stmt = (
        select(period, func.count(), _count_if(marked.c.repeat == 1))
        .where(marked.c.opened_at >= scope.start, marked.c.opened_at < scope.end).group_by(period)
    )  # fmt: skip
    return {int(p): (int(n), int(r)) for p, n, r in session.execute(stmt)}


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


# -- durations ----------------------------------------------------------------------------------------------------


def _quantiles(values: Any) -> Any:
    """(grp, n, p50, p90, total) per group of a (grp, value) subquery, nearest-rank (see the module note)."""
    # One window (same partition and order, the count over the whole frame), so the database sorts once.
    window: dict[str, Any] = {"partition_by": values.c.grp, "order_by": values.c.value}
    ranked = select(
        values.c.grp, values.c.value, func.row_number().over(**window).label("r"),
        func.count().over(**window, rows=(None, None)).label("n"),
    ).subquery()  # fmt: skip
    picks = [
        func.max(case((and_(ranked.c.r >= p * ranked.c.n, ranked.c.r - 1 < p * ranked.c.n), ranked.c.value)))
        for p in QUANTILES
    ]
    return select(ranked.c.grp, func.max(ranked.c.n), *picks, func.sum(ranked.c.value)).group_by(ranked.c.grp)


def _by_severity_and_all(value: Any, conditions: Sequence[ColumnElement[bool]]) -> Any:
    one = _cases_from().add_columns(Escalation.severity.label("grp"), value.label("value")).where(*conditions)
    every = _cases_from().add_columns(literal("all").label("grp"), value.label("value")).where(*conditions)
    return union_all(one, every).subquery()


Quantiles = dict[str, tuple[int, float | None, float | None, float]]


def _run_quantiles(session: Session, values: Any) -> Quantiles:
    return {str(g): (int(n), p50, p90, float(total or 0)) for g, n, p50, p90, total in session.execute(values)}


def time_to_acknowledge(session: Session, scope: Scope) -> Quantiles:
    """Severity (and "all") -> (n, median s, p90 s, total s) over cases opened in the window and acknowledged."""
    seconds = epoch(Escalation.acknowledged_at) - epoch(Escalation.opened_at)
    conditions = [*scope.opened(), Escalation.acknowledged_at.is_not(None)]
    return _run_quantiles(session, _quantiles(_by_severity_and_all(seconds, conditions)))


def time_to_resolve(session: Session, scope: Scope) -> Quantiles:
    """The same over cases resolved in the window (by resolution, so recent months are not biased short)."""
    seconds = epoch(Escalation.resolved_at) - epoch(Escalation.opened_at)
    resolved = Escalation.resolved_at
    conditions = [*scope.cases(), resolved >= scope.start, resolved < scope.end]
    return _run_quantiles(session, _quantiles(_by_severity_and_all(seconds, conditions)))


def pending(session: Session, scope: Scope) -> tuple[int, int]:
    """(not acknowledged, not resolved) among the cases opened in the window, as of now."""
    stmt = _cases_from().add_columns(
        _count_if(Escalation.acknowledged_at.is_(None)), _count_if(Escalation.resolved_at.is_(None))
    )
    unacknowledged, unresolved = session.execute(stmt.where(*scope.opened())).one()
    return int(unacknowledged), int(unresolved)


def _stop_epoch(now_s: float) -> Any:
    return func.coalesce(epoch(Escalation.resolved_at), epoch(Escalation.closed_at), now_s)


def level_stays(session: Session, scope: Scope) -> Quantiles:
    """Level code -> (stays, median s, p90 s, total s) over the cases opened in the window. Each case's stop
    (resolution, closure or now) is one more anchor in its ordered entries, so no entry needs a join back to its
    case: an entry's stay ends at the next anchor; one after the stop has none and lasts zero."""
    event = CaseEventRow
    anchors = union_all(
        select(event.escalation_id.label("case_id"), event.to_value.label("grp"), epoch(event.at).label("t"))
        .where(event.kind.in_((EventKind.OPENED.value, EventKind.LEVEL_CHANGED.value)),
               _in_scope(event.escalation_id, scope)),
        select(Escalation.id, literal(None), _stop_epoch(scope.now.timestamp())).where(*scope.opened()),
    ).subquery()  # fmt: skip
    left = func.lead(anchors.c.t).over(partition_by=anchors.c.case_id, order_by=(anchors.c.t, anchors.c.grp))
    stays = select(anchors.c.grp, (left - anchors.c.t).label("length")).subquery()
    values = select(stays.c.grp.label("grp"), func.coalesce(stays.c.length, 0.0).label("value"))
    return _run_quantiles(session, _quantiles(values.where(stays.c.grp.is_not(None)).subquery()))


ACK, CONTACT, STOP = 0, 1, 2  # anchor kinds, in their order at equal instants


def update_cadence(
    session: Session, scope: Scope, cadences: Mapping[tuple[str, str], float]
) -> dict[tuple[str, str], tuple[int, int]]:
    """(severity, pace) -> (update intervals counted, within the cadence); cadences in seconds per (sev, pace).
    Anchors: the acknowledgement, every customer contact, the stop; contacts outside (ack, stop) are dropped
    using the case's ack and stop spread over its anchors by window aggregates (no join per contact)."""
    acked = [*scope.opened(), Escalation.acknowledged_at.is_not(None)]
    running = case((and_(Escalation.resolved_at.is_(None), Escalation.closed_at.is_(None)), 1), else_=0)
    cadence = case(*((and_(Escalation.severity == s, Escalation.pace == p), v) for (s, p), v in cadences.items()),
                   else_=None)  # fmt: skip
    base = select(Escalation.id.label("case_id")).where(*acked)
    event = CaseEventRow
    anchors = union_all(
        base.add_columns(epoch(Escalation.acknowledged_at).label("t"), literal(ACK).label("kind"),
                         cadence.label("cadence"), Escalation.severity.label("severity"),
                         Escalation.pace.label("pace"), literal(0).label("running")),
        select(event.escalation_id, epoch(event.at), literal(CONTACT), literal(None), literal(None), literal(None),
               literal(None))
        .where(event.kind == EventKind.CUSTOMER_CONTACT.value, _in_scope(event.escalation_id, scope)),
        base.add_columns(_stop_epoch(scope.now.timestamp()), literal(STOP), literal(None), literal(None),
                         literal(None), running),
    ).subquery()  # fmt: skip
    return _cadence_counts(session, anchors)


def _cadence_counts(session: Session, anchors: Any) -> dict[tuple[str, str], tuple[int, int]]:
    a = anchors.c

    def spread(column: Any, kind: int | None = None) -> Any:
        value = column if kind is None else case((a.kind == kind, column))
        return func.max(value).over(partition_by=a.case_id)

    spread_out = select(
        a.case_id, a.t, a.kind, spread(a.t, ACK).label("ack"), spread(a.t, STOP).label("stop"),
        spread(a.cadence).label("cadence"), spread(a.severity).label("severity"), spread(a.pace).label("pace"),
        spread(a.running).label("running"),
    ).subquery()  # fmt: skip
    b = spread_out.c

    def following(column: Any) -> Any:
        return func.lead(column).over(partition_by=b.case_id, order_by=(b.t, b.kind))

    steps = (
        select(b.severity, b.pace, b.cadence, b.running, b.kind, (following(b.t) - b.t).label("length"),
               following(b.kind).label("next"))
        .where(or_(b.kind != CONTACT, and_(b.t > b.ack, b.t < b.stop)))
    ).subquery()  # fmt: skip
    c = steps.c
    within = c.length <= c.cadence
    final_running = and_(c.next == STOP, c.running == 1)
    stmt = (
        select(c.severity, c.pace, _count_if(or_(~final_running, ~within)), _count_if(and_(within, ~final_running)))
        .where(c.length.is_not(None), c.kind != STOP).group_by(c.severity, c.pace)
    )  # fmt: skip
    return {(str(s), str(p)): (int(n), int(w)) for s, p, n, w in session.execute(stmt)}


# -- checklist, root causes, outcomes -----------------------------------------------------------------------------


def checklist_outcomes(session: Session, scope: Scope) -> list[tuple[str, int, int, int, int, int, int]]:
    """Per step of the cases opened in the window: (key, position, on time, late, skipped, overdue, pending)."""
    item = ChecklistItem
    done, due, finished = item.status == "done", item.due_at, item.done_at
    late = and_(done, due.is_not(None), finished.is_not(None), finished > due)
    is_open = item.status == "open"
    overdue = and_(is_open, due.is_not(None), due < scope.now)
    stmt = (
        select(item.step_key, func.min(item.position), _count_if(and_(done, ~late)), _count_if(late),
                     _count_if(item.status == "skipped"), _count_if(overdue), _count_if(and_(is_open, ~overdue)))
        .where(item.escalation_id.in_(select(Escalation.id).where(*scope.opened())), item.deleted_at.is_(None))
        .group_by(item.step_key)
    )  # fmt: skip
    return [(str(k), int(p), int(a), int(b), int(c), int(d), int(e)) for k, p, a, b, c, d, e in session.execute(stmt)]


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


def escalated_accounts(session: Session, scope: Scope) -> int:
    stmt = _cases_from().add_columns(func.count(func.distinct(Escalation.customer_id))).where(*scope.opened())
    return int(session.execute(stmt).scalar_one())


def case_ids(session: Session, conditions: Sequence[ColumnElement[bool]], limit: int | None = None) -> list[str]:
    """The ids behind a number (drill-down), oldest first; conditions on Escalation."""
    stmt = _cases_from().add_columns(Escalation.id).where(*conditions).order_by(Escalation.opened_at, Escalation.id)
    return [str(i) for i in session.scalars(stmt.limit(limit))]
