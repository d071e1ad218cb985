"""The facts of open cases, read from the store in a fixed number of queries (never one per case).

One read transaction loads the cases with their customers, the linked-ticket counts, the signals set on them,
the customers' recent health scores, support tickets of the last 30 days and earlier escalations (for the
90-day repeat); the clock engine adds the clock facts. `open_case_facts` does it for every open case (the
board's 2,000), `one_case_facts` for the case a person is looking at.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from escdesk.clock import Clock
from escdesk.clock_service import CaseClockView, compute_open_clocks
from escdesk.facts import CaseContext, CaseFactsInput, case_facts
from escdesk.money import from_cents
from escdesk.policy import Policy
from escdesk.store import Store
from escdesk.store.clock_rows import CLOCK_EVENT_KINDS, ClockCaseRow, ClockEventRow, ClockRepository
from escdesk.store.models import (
    CaseEventRow,
    Customer,
    Escalation,
    EscalationTicket,
    HealthScore,
    SupportTicket,
)
from escdesk.store.policy_rows import EscalationFlag

HEALTH_WINDOW_DAYS = 45  # the 30-day drop and a recent latest score; an older score is stale, read as unknown
REPEAT_DAYS = 90


@dataclass(frozen=True, slots=True)
class CaseFacts:
    context: CaseContext
    facts: dict[str, Any]


_CASE_COLUMNS = (
    Escalation.id,
    Escalation.number,
    Escalation.title,
    Escalation.customer_id,
    Customer.name,
    Escalation.case_type,
    Escalation.severity,
    Escalation.pace,
    Escalation.level,
    Escalation.status,
    Customer.band,
    Customer.region,
    Escalation.opened_at,
    Escalation.level_entered_at,
    Escalation.acknowledged_at,
    Escalation.arr_at_risk_cents,
    Customer.arr_cents,
    Customer.renewal_date,
    Escalation.policy_version,
    Customer.csm_id,
    Customer.ae_id,
    Customer.exec_sponsor_id,
    Customer.segment,
    Customer.calendar,
)


def _open_cases_query(case_ids: Collection[str] | None) -> Any:  # a Select of 24 columns
    stmt = (
        select(*_CASE_COLUMNS)
        .join(Customer, Customer.id == Escalation.customer_id)
        .where(Escalation.closed_at.is_(None), Escalation.deleted_at.is_(None))
    )
    return stmt if case_ids is None else stmt.where(Escalation.id.in_(case_ids))


@dataclass
class _Reads:
    """Everything besides the cases, keyed by case or customer id."""

    tickets: dict[str, int]
    flags: dict[str, dict[str, datetime]]
    health: dict[str, dict[date, int]]
    support_30d: dict[str, int]
    openings: dict[str, list[datetime]]  # customer -> every case's opening


def _read_related(session: Session, case_ids: list[str], customer_ids: list[str], now: datetime) -> _Reads:
    # Comprehensions, not dict(result): a Result has .keys() (its column names), so dict() would misread it.
    tickets = {
        case_id: count
        for case_id, count in session.execute(
            select(EscalationTicket.escalation_id, func.count())
            .where(EscalationTicket.escalation_id.in_(case_ids))
            .group_by(EscalationTicket.escalation_id)
        )
    }
    flags: dict[str, dict[str, datetime]] = defaultdict(dict)
    for case_id, flag, set_at in session.execute(
        select(EscalationFlag.escalation_id, EscalationFlag.flag, EscalationFlag.set_at).where(
            EscalationFlag.escalation_id.in_(case_ids)
        )
    ):
        flags[case_id][flag] = set_at
    health: dict[str, dict[date, int]] = defaultdict(dict)
    since = now.date() - timedelta(days=HEALTH_WINDOW_DAYS)
    for customer_id, day, score in session.execute(
        select(HealthScore.customer_id, HealthScore.measured_on, HealthScore.score).where(
            HealthScore.customer_id.in_(customer_ids), HealthScore.measured_on >= since
        )
    ):
        health[customer_id][day] = score  # several sources on one day: any one of them stands for the day
    support = {
        str(customer): count
        for customer, count in session.execute(
            select(SupportTicket.customer_id, func.count())
            .where(SupportTicket.customer_id.in_(customer_ids), SupportTicket.opened_at >= now - timedelta(days=30))
            .group_by(SupportTicket.customer_id)
        )
    }
    openings: dict[str, list[datetime]] = defaultdict(list)
    for customer_id, opened_at in session.execute(
        select(Escalation.customer_id, Escalation.opened_at).where(
            Escalation.customer_id.in_(customer_ids), Escalation.deleted_at.is_(None)
        )
    ):
        openings[customer_id].append(opened_at)
    return _Reads(tickets, flags, health, support, openings)


def _is_repeat(opened_at: datetime, openings: Iterable[datetime]) -> bool:
    """Another escalation of the same customer opened in the 90 days before this one."""
    earliest = opened_at - timedelta(days=REPEAT_DAYS)
    return any(earliest <= other < opened_at for other in openings)


def _clock_rows(
    session: Session, case_ids: Collection[str] | None, wanted: set[str]
) -> tuple[list[ClockCaseRow], list[ClockEventRow]]:
    """What the clock engine reads: for all open cases the board's two queries, for a few cases the same rows
    read by id (one case's panel must not read every open case's history)."""
    if case_ids is None:
        rows = ClockRepository(session)
        return rows.open_cases(), rows.open_case_events()
    cases = session.execute(
        select(
            Escalation.id, Escalation.severity, Escalation.pace, Escalation.status, Customer.region,
            Escalation.opened_at, Escalation.acknowledged_at, Escalation.level_entered_at, Customer.segment,
            Customer.calendar,
        )
        .join(Customer, Customer.id == Escalation.customer_id)
        .where(Escalation.id.in_(sorted(wanted)))
    )  # fmt: skip
    events = session.execute(
        select(
            CaseEventRow.escalation_id, CaseEventRow.at, CaseEventRow.kind, CaseEventRow.from_value,
            CaseEventRow.to_value, CaseEventRow.channel, CaseEventRow.direction,
        )
        .where(CaseEventRow.escalation_id.in_(sorted(wanted)), CaseEventRow.kind.in_(CLOCK_EVENT_KINDS))
        .order_by(CaseEventRow.escalation_id, CaseEventRow.at, CaseEventRow.id)
    )  # fmt: skip
    return [ClockCaseRow._make(r) for r in cases], [ClockEventRow(*r) for r in events]


@dataclass
class FactsService:
    store: Store
    clock: Clock
    policy: Policy

    def open_case_facts(self, clocks: Mapping[str, CaseClockView] | None = None) -> dict[str, CaseFacts]:
        """The facts of every open case, keyed by case id. `clocks`: the board's clock views when it has just
        computed them (ClockService.open_clocks), so they are not computed twice."""
        return self._load(None, clocks)

    def one_case_facts(self, case_id: str) -> CaseFacts | None:
        """The facts of one open case; None when it is closed, deleted or unknown."""
        return self._load([case_id]).get(case_id)

    def _load(
        self, case_ids: Collection[str] | None, clocks: Mapping[str, CaseClockView] | None = None
    ) -> dict[str, CaseFacts]:
        now = self.clock.now()
        with self.store.read() as uow:
            rows = list(uow.session.execute(_open_cases_query(case_ids)))
            ids, customers = [r.id for r in rows], sorted({r.customer_id for r in rows})
            reads = _read_related(uow.session, ids, customers, now)
            if clocks is None:
                clock_cases, events = _clock_rows(uow.session, case_ids, set(ids))
        views = clocks if clocks is not None else compute_open_clocks(clock_cases, events, self.policy.clocks, now)
        return {row.id: self._case(row, reads, views.get(row.id), now) for row in rows}

    def _case(self, row: Any, reads: _Reads, view: Any, now: datetime) -> CaseFacts:
        flags = reads.flags.get(row.id, {})
        source = CaseFactsInput(
            case_type=row.case_type,
            severity=row.severity,
            pace=row.pace,
            level=row.level,
            status=row.status,
            opened_at=row.opened_at,
            level_entered_at=row.level_entered_at,
            acknowledged_at=row.acknowledged_at,
            arr_at_risk=from_cents(row.arr_at_risk_cents),
            tickets=reads.tickets.get(row.id, 0),
            flags=flags.keys(),
            arr=from_cents(row.arr_cents),
            band=row.band,
            region=row.region,
            renewal_date=row.renewal_date,
            health=reads.health.get(row.customer_id, {}),
            tickets_30d=reads.support_30d.get(row.customer_id, 0),
            repeat_90d=_is_repeat(row.opened_at, reads.openings.get(row.customer_id, ())),
        )
        facts = case_facts(source, {} if view is None else view.facts, now)
        context = CaseContext(
            row.id,
            row.number,
            row.title,
            row.customer_id,
            row.name,
            row.case_type,
            row.severity,
            row.pace,
            row.level,
            row.status,
            row.band,
            row.region,
            row.opened_at,
            int(from_cents(row.arr_cents)),
            row.renewal_date,
            row.policy_version,
            row.csm_id,
            row.ae_id,
            row.exec_sponsor_id,
            dict(flags),
            segment=row.segment,
            customer_calendar=row.calendar,
        )
        return CaseFacts(context, facts)
