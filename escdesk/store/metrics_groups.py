"""The dashboard's per-case work, done in the database: counts and sums grouped per month bucket, band, CSM,
severity and pace (a few hundred rows), each case's re-escalation check, the months each account escalated in
as bits; what Python still receives case by case is the single numbers the percentiles rank (see "values to
rank" below).

Every query reads the cases opened in the window (scope.opened(), driven by ix_escalations_metrics) and, for
what needs a case's history, its kept facts row (case_metric_facts, from ix_case_metric_facts_reading), which
escdesk.metrics.facts fills first for the cases without one. What still runs on an open case (the running update
interval) is finished for `now` here, in SQL, as escdesk.metrics.facts describes. Months are CASE buckets over
their start instants (escdesk.store.metrics_sql.bucket), computed in a subquery and grouped by its label, so
PostgreSQL sees one grouping column, not a repeated expression with parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Float, String, and_, case, cast, func, literal, select
from sqlalchemy.orm import Session

from escdesk.store.metric_rows import CaseMetricFacts, CustomerOutcome
from escdesk.store.metrics_sql import Scope, account_of, bucket, epoch, fetched, is_repeat
from escdesk.store.models import Customer, Escalation

_F = CaseMetricFacts
LEVEL_COLUMNS = (_F.level_l0_s, _F.level_l1_s, _F.level_l2_s, _F.level_l3_s, _F.level_l4_s, _F.level_l5_s)


def valid_facts(digest: str) -> ColumnElement[bool]:
    """The facts row of a case is valid for its current version under this clock policy's digest."""
    return and_(_F.escalation_id == Escalation.id, _F.case_version == Escalation.version, _F.policy_digest == digest)


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _now(scope: Scope) -> Any:
    return literal(scope.now.timestamp(), Float)


# -- values to rank ---------------------------------------------------------------------------------------
# Percentiles are ranked in Python: fetching 30,000 floats and sorting them costs a third of what SQLite's
# ROW_NUMBER() / COUNT() OVER a partition take (measured on the scale database: 0.05 s against 0.15-0.25 s per
# measure; the sort is the cheap part, the window's ephemeral tables the dear one), and sum() of the sorted
# list gives the reference's total to the last bit. The values themselves are computed here.


def acknowledge_durations(session: Session, scope: Scope) -> list[Any]:
    """(severity, seconds from opening to acknowledgement) of the acknowledged cases opened in the window."""
    e = Escalation
    stmt = select(e.severity, epoch(e.acknowledged_at) - epoch(e.opened_at))
    return list(fetched(session, stmt.where(*scope.opened(), e.acknowledged_at.is_not(None))))


def resolve_durations(session: Session, scope: Scope) -> list[Any]:
    """(severity, seconds from opening to resolution) of the cases resolved in the window."""
    e = Escalation
    stmt = select(e.severity, epoch(e.resolved_at) - epoch(e.opened_at))
    stmt = stmt.where(*scope.cases(), e.resolved_at >= scope.start, e.resolved_at < scope.end)
    return list(fetched(session, stmt))


def level_seconds(session: Session, scope: Scope, digest: str) -> list[Any]:
    """(seconds at L0..L5 before the current stay, current level, its entry in epoch seconds) of the cases
    opened in the window, from their kept facts (the covering index ix_case_metric_facts_reading alone)."""
    stmt = (
        select(*LEVEL_COLUMNS, _F.current_level, _F.current_since_s)
        .select_from(Escalation).join(_F, valid_facts(digest)).where(*scope.opened())
    )  # fmt: skip
    return list(fetched(session, stmt))


# -- counts per month, severity and pace ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseGroup:
    """The cases opened in one month of the window with one severity and pace."""

    month: int  # index into the window's months
    severity: str
    pace: str
    cases: int
    unacknowledged: int
    unresolved: int
    intervals: int  # update intervals counted (the running one once late)
    within: int  # of them, within the cadence
    repeats: int  # re-escalations (escdesk.store.metrics_sql.is_repeat)


def case_groups(
    session: Session, scope: Scope, starts: Sequence[datetime], digest: str, window: timedelta
) -> list[CaseGroup]:
    """One pass over the window's cases and their kept facts, grouped per month, severity and pace; `window` is
    the re-escalation window."""
    e, now_s = Escalation, _now(scope)
    late = case((and_(_F.running_due_s.is_not(None), now_s > _F.running_due_s), 1), else_=0)
    per_case = (
        select(bucket(e.opened_at, starts).label("m"), e.severity, e.pace, e.acknowledged_at, e.resolved_at,
               (func.coalesce(_F.cadence_intervals, 0) + late).label("intervals"),
               func.coalesce(_F.cadence_within, 0).label("within"),
               case((is_repeat(window), 1), else_=0).label("repeat"))
        .select_from(e).outerjoin(_F, valid_facts(digest)).where(*scope.opened())
    ).subquery()  # fmt: skip
    c = per_case.c
    stmt = select(
        c.m, c.severity, c.pace, func.count(), _count_if(c.acknowledged_at.is_(None)),
        _count_if(c.resolved_at.is_(None)), func.sum(c.intervals), func.sum(c.within), func.sum(c.repeat),
    ).group_by(c.m, c.severity, c.pace)  # fmt: skip
    return [CaseGroup(int(m), str(s), str(p), int(n), int(na), int(nr), int(i or 0), int(w or 0), int(r or 0))
            for m, s, p, n, na, nr, i, w, r in fetched(session, stmt)]  # fmt: skip


# -- accounts -------------------------------------------------------------------------------------------------


def _accounts(scope: Scope) -> list[ColumnElement[bool]]:
    """The live accounts of the segment created before the window's end: the dashboard's book."""
    return [*scope.accounts(), Customer.created_at < scope.end]


class OwnerRow(NamedTuple):
    """The book's accounts of one band and CSM."""

    band: str
    csm_id: str | None
    first_account: str  # the smallest id: keeps CSMs alike in counts and names in the order accounts are listed
    accounts: int
    cents: int  # their ARR


def accounts_by_owner(session: Session, scope: Scope) -> list[OwnerRow]:
    c = Customer
    cents = func.coalesce(c.arr_cents, 0)
    stmt = select(c.band, c.csm_id, func.min(c.id), func.count(), func.sum(cents))
    rows = fetched(session, stmt.where(*_accounts(scope)).group_by(c.band, c.csm_id))
    return [OwnerRow(str(b), csm, str(first), int(n), int(arr or 0)) for b, csm, first, n, arr in rows]


def accounts_by_month(session: Session, scope: Scope, starts: Sequence[datetime]) -> list[tuple[int, int, int]]:
    """(month index, accounts, ARR in cents) by the first month of the window whose end comes after the account's
    creation (month 0 for those created before the window): the active accounts of month i are those of
    months 0..i."""
    c = Customer
    bucketed = select(bucket(c.created_at, starts).label("m"), func.coalesce(c.arr_cents, 0).label("cents"))
    sub = bucketed.where(*_accounts(scope)).subquery()
    stmt = select(sub.c.m, func.count(), func.sum(sub.c.cents)).group_by(sub.c.m)
    return [(int(m), int(n), int(cents or 0)) for m, n, cents in fetched(session, stmt)]


MASK_MONTHS = 60  # months per mask column: 2**59 still fits the signed 64-bit integers of both databases


def month_masks(column: Any, starts: Sequence[datetime]) -> list[Any]:
    """SUM(DISTINCT 2**i) over the months i (counted within each run of MASK_MONTHS) an account's cases opened
    in: the set of its months as bits, one column per run, so a GROUP BY account gives every (account, month)
    without a DISTINCT over the pairs."""
    masks = []
    for first in range(0, len(starts), MASK_MONTHS):
        chunk = range(first, min(first + MASK_MONTHS, len(starts)))
        whens = [(column < starts[first], 0)] if first else []
        whens += [(column < starts[i + 1], 2 ** (i - first)) for i in chunk if i + 1 < len(starts)]
        last = 2 ** (chunk[-1] - first) if chunk[-1] == len(starts) - 1 else 0  # on or after the chunk's end
        # One month alone (no boundary inside the chunk): every case is in it, the mask is the constant.
        masks.append(func.sum(case(*whens, else_=last).distinct()) if whens else func.max(literal(last)))
    return masks


class EscalatedAccount(NamedTuple):
    """An account of the book with a case opened in the window."""

    id: str
    band: str
    csm_id: str | None
    cents: int  # its ARR
    first_s: float  # its first case's opening in the window, epoch seconds: the outcome metric's anchor
    months: tuple[int, ...]  # the months of the window it had a case opened in (indexes)


def escalated_accounts(session: Session, scope: Scope, starts: Sequence[datetime]) -> list[EscalatedAccount]:
    """Grouped per account first (30,000 cases to some 12,000 accounts), then joined to the accounts."""
    e, c = Escalation, Customer
    per_account = select(e.customer_id, func.min(e.opened_at).label("first"), *(
        mask.label(f"mask_{i}") for i, mask in enumerate(month_masks(e.opened_at, starts))))  # fmt: skip
    sub = per_account.where(*scope.opened()).group_by(e.customer_id).subquery()
    masks = [column for column in sub.c if column.key.startswith("mask_")]
    stmt = select(sub.c.customer_id, c.band, c.csm_id, func.coalesce(c.arr_cents, 0), epoch(sub.c.first), *masks)
    rows = fetched(session, stmt.join(c, account_of(sub.c.customer_id)).where(c.created_at < scope.end))
    months: dict[tuple[int, ...], tuple[int, ...]] = {}  # accounts share a few month sets: each decoded once
    found = []
    for i, b, csm, cents, first, *bits in rows:
        key = tuple(int(mask) for mask in bits)
        if key not in months:
            months[key] = _months(key)
        found.append(EscalatedAccount(str(i), str(b), csm, int(cents), float(first), months[key]))
    return found


def _months(masks: Sequence[int]) -> tuple[int, ...]:
    found = []
    for run, mask in enumerate(masks):
        while mask:  # lowest set bit first: months in order
            low = mask & -mask
            found.append(run * MASK_MONTHS + low.bit_length() - 1)
            mask ^= low
    return tuple(found)


def book_outcomes(session: Session, scope: Scope) -> list[tuple[str, date, str, int]]:
    """(account id, date, kind, ARR change in cents) of every outcome recorded since the window's start for the
    accounts of the book. The date as ISO text (SQLite and PostgreSQL both write YYYY-MM-DD): fromisoformat is
    ten times faster than the SQLite dialect's parser, and an escalated book has tens of thousands of renewals."""
    o = CustomerOutcome
    day = cast(o.occurred_on, String)
    stmt = (
        select(o.customer_id, day, o.kind, o.arr_change_cents)
        .where(o.occurred_on >= scope.start.date(), o.customer_id.in_(select(Customer.id).where(*_accounts(scope))))
    )  # fmt: skip
    parse = date.fromisoformat
    return [(c, parse(on[:10]), k, int(v or 0)) for c, on, k, v in fetched(session, stmt)]
