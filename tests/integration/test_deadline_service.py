"""Deadlines a person set, on a real SQLite file: set / meet / clear each one unit of work with its history entry,
read by the clock service at their instant (a holiday added later moves the SLA clocks, never them); the
acknowledgement per level after a move up; a customer's own calendar, changed and picked up at the next
evaluation, and a name the policy lacks falling back to the rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from test_clock_service import MONDAY, add_customer, open_case, with_holiday

from escdesk.clock import FrozenClock
from escdesk.clock_service import ClockService
from escdesk.clocks import ClockKind
from escdesk.customer_calendars import CustomerCalendarService
from escdesk.deadline_service import DeadlineService
from escdesk.domain import CaseStatus, EventKind, Level
from escdesk.errors import InvalidOperation, StaleCase
from escdesk.policy import default_policy
from escdesk.services import CaseService
from escdesk.store import Store
from escdesk.store.models import Customer

HOUR = timedelta(hours=1)
NA = "Business hours NA"


@pytest.fixture
def desk(store: Store) -> tuple[CaseService, FrozenClock]:
    clock = FrozenClock(MONDAY)
    return CaseService(store, clock, default_policy(), "dana"), clock


def test_set_meet_and_clear_write_the_history_and_the_clocks_read_the_instant(
    store: Store, desk: tuple[CaseService, FrozenClock]
) -> None:
    service, clock = desk
    case_id = open_case(service, add_customer(store, "NA"))
    promised = datetime(2026, 3, 4, 22, 0, tzinfo=UTC)
    deadlines = DeadlineService(service)
    card = deadlines.set(
        case_id, "Fix promised to the customer", promised, "said on the call", service.card(case_id).version
    )
    with pytest.raises(StaleCase):
        deadlines.set(case_id, "Again", promised, "", card.version - 1)
    (listed,) = deadlines.deadlines(case_id)
    assert (listed.label, listed.due_at, listed.set_by, listed.set_at) == (
        "Fix promised to the customer",
        promised,
        "dana",
        MONDAY,
    )
    before = ClockService(store, clock, default_policy()).open_clocks()[case_id]
    later_policy = with_holiday(default_policy(), NA, date(2026, 3, 3))
    after = ClockService(store, clock, later_policy).open_clocks()[case_id]
    assert before.reading(ClockKind.ACKNOWLEDGE).due_at != after.reading(ClockKind.ACKNOWLEDGE).due_at  # type: ignore[union-attr]
    assert before.reading(ClockKind.DEADLINE).due_at == after.reading(ClockKind.DEADLINE).due_at == promised  # type: ignore[union-attr]
    clock.advance(HOUR)
    card = deadlines.meet(case_id, listed.id, "", card.version)
    with pytest.raises(InvalidOperation, match="already met"):
        deadlines.meet(case_id, listed.id, "", card.version)
    met = ClockService(store, clock, default_policy()).open_clocks()[case_id].reading(ClockKind.DEADLINE)
    assert met is not None and met.stopped_at == MONDAY + HOUR
    with pytest.raises(InvalidOperation, match="needs a reason"):
        deadlines.clear(case_id, listed.id, " ", card.version)
    deadlines.clear(case_id, listed.id, "customer moved the date", card.version)
    assert deadlines.deadlines(case_id) == []
    assert ClockService(store, clock, default_policy()).open_clocks()[case_id].reading(ClockKind.DEADLINE) is None
    entries = [e for e in service.history(case_id) if e.kind is EventKind.DEADLINE_CHANGED]
    assert [(e.to_value, e.actor, e.reason) for e in entries] == [
        ("set", "dana", "said on the call"),
        ("met", "dana", None),
        ("cleared", "dana", "customer moved the date"),
    ]
    assert entries[0].body == "Fix promised to the customer · due 2026-03-04 22:00 UTC"


def test_a_naive_instant_or_an_empty_label_is_refused(store: Store, desk: tuple[CaseService, FrozenClock]) -> None:
    service, _clock = desk
    case_id = open_case(service, add_customer(store, "NA"))
    version = service.card(case_id).version
    with pytest.raises(InvalidOperation, match="time zone"):
        DeadlineService(service).set(case_id, "Call", datetime(2026, 3, 3, 10, 0), "", version)
    with pytest.raises(InvalidOperation, match="needs a label"):
        DeadlineService(service).set(case_id, " ", MONDAY, "", version)


def test_a_case_moved_up_is_acknowledged_at_its_new_level(store: Store, desk: tuple[CaseService, FrozenClock]) -> None:
    service, clock = desk
    case_id = open_case(service, add_customer(store, "NA"))
    card = service.acknowledge(case_id, service.card(case_id).version)
    assert card.status is CaseStatus.ACKNOWLEDGED
    with pytest.raises(InvalidOperation, match="already acknowledged at L"):
        service.acknowledge(case_id, card.version)
    clock.advance(HOUR)
    card = service.move_level(case_id, Level(card.level + 1), "their CTO called", card.version)
    ack = ClockService(store, clock, default_policy()).open_clocks()[case_id].reading(ClockKind.ACKNOWLEDGE)
    assert ack is not None and ack.started_at == MONDAY + HOUR and ack.stopped_at is None  # restarted at the move
    clock.advance(HOUR)
    card = service.acknowledge(case_id, card.version)
    assert card.status is CaseStatus.ACKNOWLEDGED
    ack = ClockService(store, clock, default_policy()).open_clocks()[case_id].reading(ClockKind.ACKNOWLEDGE)
    assert ack is not None and ack.stopped_at == MONDAY + 2 * HOUR
    (entry,) = [e for e in service.history(case_id) if e.kind is EventKind.LEVEL_ACKNOWLEDGED]
    assert entry.to_value == card.level.code and entry.actor == "dana"


def test_a_customers_calendar_is_used_at_the_next_evaluation_and_an_unknown_one_falls_back(
    store: Store, desk: tuple[CaseService, FrozenClock]
) -> None:
    service, clock = desk
    customer_id = add_customer(store, "EMEA")
    case_id = open_case(service, customer_id)
    policy = default_policy()
    calendars = CustomerCalendarService(store, clock)
    assert ClockService(store, clock, policy).open_clocks()[case_id].calendar == "Business hours EMEA"
    calendars.set_calendar(customer_id, "24/7", policy.clocks)
    assert ClockService(store, clock, policy).open_clocks()[case_id].calendar == "24/7"
    assert calendars.usage(policy.clocks).customers_of("24/7") == 1
    with pytest.raises(InvalidOperation, match="no calendar named"):
        calendars.set_calendar(customer_id, "Gold", policy.clocks)
    with store.uow() as uow:  # a calendar renamed in the policy since the customer named it
        customer = uow.session.get(Customer, customer_id)
        assert customer is not None
        customer.calendar = "Gold 24/7"
        uow.commit()
    assert ClockService(store, clock, policy).open_clocks()[case_id].calendar == "Business hours EMEA"
    usage = calendars.usage(policy.clocks)
    assert usage.unknown == {"Gold 24/7": 1}
    assert "1 customer names 'Gold 24/7'" in (usage.unknown_notice() or "")
    assert service.checklist(case_id)  # the case services read the case as before
