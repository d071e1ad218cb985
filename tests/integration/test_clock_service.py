"""The clock service on a real SQLite file: T5 (a holiday recomputes the open cases on that calendar), B3 (a case
opened by hand starts its clocks like an imported one), the case services feeding the clocks, two queries."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event

from escdesk.calendars import BusinessCalendar, Holiday
from escdesk.clock import FrozenClock
from escdesk.clock_service import CaseClockView, ClockService
from escdesk.clocks import ClockKind
from escdesk.domain import CaseStatus, CaseType, Channel, Direction, EventKind, NewCase, Pace, Severity
from escdesk.ids import new_id
from escdesk.money import to_cents
from escdesk.policy import Policy, default_policy
from escdesk.services import CaseService
from escdesk.store import Store
from escdesk.store.models import CaseEventRow, Customer, Escalation

# Monday 2 March 2026, 15:00 UTC: 10:00 in New York, 15:00 in London.
MONDAY = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def add_customer(store: Store, region: str | None, arr: int = 400_000) -> str:
    policy = default_policy()
    with store.uow() as uow:
        customer = Customer(
            id=new_id(),
            name=f"{region} account",
            band=policy.band_for(Decimal(arr)).value,
            arr_cents=to_cents(arr),
            region=region,
            version=1,
            created_at=MONDAY,
            updated_at=MONDAY,
        )
        uow.customers.add(customer)
        uow.commit()
        return customer.id


def open_case(service: CaseService, customer_id: str, severity: Severity = Severity.S3) -> str:
    return service.open_case(NewCase(customer_id, "Exports fail", CaseType.PRODUCT_BUG, severity, Pace.FAST)).id


def clocks(store: Store, clock: FrozenClock, policy: Policy | None = None) -> dict[str, CaseClockView]:
    return ClockService(store, clock, policy or default_policy()).open_clocks()


def with_holiday(policy: Policy, calendar_name: str, day: date) -> Policy:
    old = policy.clocks.calendars[calendar_name]
    calendar = BusinessCalendar(old.time_zone, old.week, (*old.holidays, Holiday(day, name="Company day")), old.name)
    return replace(policy, clocks=policy.clocks.with_calendar(calendar))


def test_t5_adding_a_holiday_moves_the_due_times_of_the_cases_on_that_calendar(
    store: Store, service: CaseService, clock: FrozenClock
) -> None:
    clock.set(MONDAY)
    in_new_york = open_case(service, add_customer(store, "NA"))
    in_london = open_case(service, add_customer(store, "EMEA"))
    before = clocks(store, clock)
    # S3 acknowledges within 1 business day: Tuesday, same hour.
    assert before[in_new_york].due_at == MONDAY + timedelta(days=1)
    assert before[in_london].due_at == MONDAY + timedelta(days=1)

    after = clocks(store, clock, with_holiday(default_policy(), "Business hours NA", date(2026, 3, 3)))
    assert after[in_new_york].due_at == MONDAY + timedelta(days=2)  # Tuesday is off in New York now
    assert after[in_new_york].minutes_to_due == before[in_new_york].minutes_to_due  # same business time left
    assert after[in_london] == before[in_london]  # another calendar: nothing moves


def test_b3_a_case_opened_by_hand_starts_its_clocks_like_an_imported_one(
    store: Store, service: CaseService, clock: FrozenClock
) -> None:
    customer = add_customer(store, "EMEA")
    clock.set(MONDAY)
    by_hand = open_case(service, customer, Severity.S2)
    imported = _import_case(store, customer, opened_at=MONDAY, imported_at=MONDAY + timedelta(days=3))
    for later in (MONDAY + MIN, MONDAY + 90 * MIN, MONDAY + timedelta(days=2)):
        clock.set(later)
        views = clocks(store, clock)
        hand, other = views[by_hand], views[imported]
        assert hand._replace(case_id=imported) == other
        ack = hand.reading(ClockKind.ACKNOWLEDGE)
        assert ack is not None and ack.started_at == MONDAY  # the creation instant, not a later event
    clock.set(MONDAY + MIN)
    assert clocks(store, clock)[by_hand].minutes_to_due == 119  # S2: 2 business hours from creation


def _import_case(store: Store, customer_id: str, opened_at: datetime, imported_at: datetime) -> str:
    """A case as an import (or the demo generator) writes it: rows with their own opened_at, written later."""
    with store.uow() as uow:
        case = Escalation(
            id=new_id(), number=uow.cases.next_number(), customer_id=customer_id, title="Imported", description="",
            case_type=CaseType.PRODUCT_BUG.value, severity=Severity.S2.value, pace=Pace.FAST.value, level=2,
            status=CaseStatus.OPEN.value, opened_at=opened_at, level_entered_at=opened_at, arr_at_risk_cents=0,
            policy_version="2026.1", source="import", version=1, created_at=imported_at, updated_at=imported_at,
        )  # fmt: skip
        uow.cases.add(case)
        uow.session.flush()
        uow.cases.add_event(
            CaseEventRow(id=new_id(), escalation_id=case.id, at=opened_at, actor="import", kind=EventKind.OPENED.value)
        )
        uow.commit()
        return case.id


def test_b3_demo_cases_start_their_clocks_at_opening(store: Store, clock: FrozenClock) -> None:
    demo = pytest.importorskip("escdesk.demo")
    demo.populate(store, demo.DemoSpec(30, 12, 0, 3, MONDAY))
    clock.set(MONDAY)
    views = clocks(store, clock)
    with store.read() as uow:
        opened = dict(uow.session.query(Escalation.id, Escalation.opened_at).filter(Escalation.closed_at.is_(None)))
        moved_up = {e.escalation_id: e.at for e in uow.session.query(CaseEventRow).filter_by(kind="level_changed")
                    if int(str(e.to_value)[1:]) > int(str(e.from_value)[1:])}  # fmt: skip
    assert views.keys() == opened.keys() and len(views) == 12
    for case_id, view in views.items():
        ack = view.reading(ClockKind.ACKNOWLEDGE)
        # Acknowledged per level: a case moved up runs its acknowledge clock again from the (latest) move.
        assert ack is not None and ack.started_at in (opened[case_id], moved_up.get(case_id))


def test_acknowledging_and_logging_contacts_feed_the_clocks(
    store: Store, service: CaseService, clock: FrozenClock
) -> None:
    clock.set(MONDAY)
    card = service.open_case(NewCase(add_customer(store, "NA"), "Outage", CaseType.OUTAGE, Severity.S1, Pace.FAST))
    assert clocks(store, clock)[card.id].next_kind is ClockKind.ACKNOWLEDGE

    clock.advance(10 * MIN)
    card = service.set_status(card.id, CaseStatus.ACKNOWLEDGED, "on it", card.version)
    view = clocks(store, clock)[card.id]
    ack = view.reading(ClockKind.ACKNOWLEDGE)
    assert ack is not None and ack.stopped_at == MONDAY + 10 * MIN
    assert (view.next_kind, view.due_at) == (ClockKind.UPDATE, MONDAY + 70 * MIN)  # S1: hourly updates

    for minute, direction, channel in (
        (40, Direction.INBOUND, Channel.PORTAL),
        (60, Direction.OUTBOUND, Channel.PHONE),
    ):
        clock.set(MONDAY + minute * MIN)
        card = service.log_contact(card.id, channel, direction, "", card.version)
        assert clocks(store, clock)[card.id].due_at == MONDAY + (minute + 60) * MIN  # either way, any channel

    clock.set(MONDAY + 70 * MIN)
    card = service.set_status(card.id, CaseStatus.WAITING_ON_CUSTOMER, "asked for logs", card.version)
    clock.set(MONDAY + 5 * 60 * MIN)
    waiting = clocks(store, clock)[card.id]
    update = waiting.reading(ClockKind.UPDATE)
    assert update is not None and update.paused and update.remaining == 50 * MIN


def test_three_queries_whatever_the_number_of_cases(store: Store, service: CaseService, clock: FrozenClock) -> None:
    clock.set(MONDAY)
    customer = add_customer(store, "APAC")
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    for total in (1, 15):
        while len(service.open_cards()) < total:
            card = service.open_case(NewCase(customer, "Slow", CaseType.PERFORMANCE, Severity.S2, Pace.FAST))
            service.log_contact(card.id, Channel.EMAIL, Direction.INBOUND, "", card.version)
        statements.clear()
        event.listen(store.engine, "before_cursor_execute", count)
        try:
            assert len(clocks(store, clock)) == total
        finally:
            event.remove(store.engine, "before_cursor_execute", count)
        # The cases, their events, the deadlines people set: three, whatever the number of cases.
        assert sum(s.lstrip().upper().startswith("SELECT") for s in statements) == 3
