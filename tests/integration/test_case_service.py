"""The case service on a real SQLite file: opening, moving with a reason, optimistic concurrency, case numbers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from escdesk.clock import FrozenClock
from escdesk.connect import open_database
from escdesk.domain import ArrBand, CaseStatus, CaseType, EventKind, Level, NewCase, Pace, Severity
from escdesk.errors import InvalidOperation, NotFound, StaleCase
from escdesk.policy import default_policy
from escdesk.services import CaseService
from escdesk.store import Store, UnitOfWork
from escdesk.store.engine import resolve_target
from escdesk.store.models import Escalation

ACTOR = "lead@example.com"
T0_ISO = "2026-03-02T09:00:00+00:00"
# One ARR per band, and the starting levels of DESIGN.md section 4 (S1..S4 x SMB, MM, ENT, STRAT).
ARR_BY_BAND = {
    ArrBand.SMB: "12000",
    ArrBand.MID_MARKET: "80000",
    ArrBand.ENTERPRISE: "400000",
    ArrBand.STRATEGIC: "2500000",
}
MATRIX = {Severity.S1: "1233", Severity.S2: "0123", Severity.S3: "0012", Severity.S4: "0001"}

MakeCustomer = Callable[..., str]
NewOutage = Callable[..., NewCase]


def history_kinds(service: CaseService, case_id: str) -> list[EventKind]:
    return [event.kind for event in service.history(case_id)]


def test_open_case_starts_at_the_matrix_level(service: CaseService, make_customer: MakeCustomer) -> None:
    customers = {band: make_customer(arr, name=f"{band.value} account") for band, arr in ARR_BY_BAND.items()}
    for severity, levels in MATRIX.items():
        for band, expected in zip(ArrBand, levels, strict=True):
            new = NewCase(customers[band], f"{severity} for {band}", CaseType.PRODUCT_BUG, severity, Pace.FAST)
            card = service.open_case(new)
            assert (card.band, card.level) == (band, Level(int(expected))), (severity, band)


def test_open_case_builds_the_whole_case(
    service: CaseService, make_customer: MakeCustomer, new_outage: NewOutage, clock: FrozenClock, store: Store
) -> None:
    card = service.open_case(new_outage(make_customer("1200000")))
    assert card.number == 1001
    assert card.reference == "ESC-1001"
    assert len(card.id) == 26
    assert (card.severity, card.pace, card.case_type) == (Severity.S1, Pace.FAST, CaseType.OUTAGE)
    assert (card.band, card.level, card.status) == (ArrBand.STRATEGIC, Level.L3, CaseStatus.OPEN)
    assert card.opened_at == card.level_entered_at == clock.now()
    assert card.acknowledged_at is None
    assert card.arr_at_risk == card.arr == 1_200_000  # the whole ARR unless told otherwise
    assert (card.checklist_done, card.checklist_total, card.involvements_open) == (0, 14, 0)
    assert card.version == 1
    assert card.customer_name == "Müller & Söhne GmbH"

    with store.read() as uow:
        steps = uow.cases.checklist(card.id)
        assert [s.step_key for s in steps] == [s.key for s in default_policy().checklist]
        assert [s.position for s in steps] == list(range(1, 15))
        assert all(s.status == "open" for s in steps)
        case = uow.cases.get(card.id)
        assert case is not None
        assert case.policy_version == default_policy().version
        tickets = uow.session.execute(
            text("SELECT system, ticket_key FROM escalation_tickets WHERE escalation_id = :id ORDER BY system"),
            {"id": card.id},
        ).all()
        assert [tuple(t) for t in tickets] == [("jira", "INC-42"), ("ticket", "ZD-1001")]

    (opened,) = service.history(card.id)
    assert opened.kind == EventKind.OPENED
    assert opened.actor == ACTOR
    assert opened.at == clock.now()
    assert opened.at.isoformat() == T0_ISO
    assert (opened.from_value, opened.to_value) == (None, "L3")
    assert opened.reason == "starting level for S1 STRAT from policy 2026.1"


def test_open_case_with_explicit_arr_at_risk(service: CaseService, make_customer: MakeCustomer) -> None:
    from decimal import Decimal

    new = NewCase(
        make_customer("1200000"),
        "Renewal at risk",
        CaseType.CHURN_THREAT,
        Severity.S2,
        Pace.SLOW_BURN,
        arr_at_risk=Decimal("300000.50"),
    )
    assert service.open_case(new).arr_at_risk == Decimal("300000.50")


@pytest.mark.parametrize(("title", "named"), [("   ", "needs a title"), ("x" * 301, "the limit is 300")])
def test_open_case_refuses_bad_titles(
    service: CaseService, make_customer: MakeCustomer, new_outage: NewOutage, title: str, named: str
) -> None:
    with pytest.raises(InvalidOperation, match=named):
        service.open_case(new_outage(make_customer(), title=title))
    assert service.open_cards() == []


def test_open_case_for_unknown_customer(service: CaseService, new_outage: NewOutage, store: Store) -> None:
    with pytest.raises(NotFound, match="no customer with id NOPE"):
        service.open_case(new_outage("NOPE"))
    with store.read() as uow:
        # The number handed out inside the refused unit of work was rolled back with it.
        assert uow.session.execute(text("SELECT next_number FROM case_counter")).scalar() == 1001


# -- moving between levels ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_move_without_reason_is_refused_and_writes_nothing(
    service: CaseService, make_customer: MakeCustomer, new_outage: NewOutage, reason: str
) -> None:
    card = service.open_case(new_outage(make_customer()))
    with pytest.raises(InvalidOperation, match="needs a reason; it is recorded in the case history"):
        service.move_level(card.id, Level.L4, reason, expected_version=card.version)
    assert service.card(card.id) == card
    assert history_kinds(service, card.id) == [EventKind.OPENED]


def test_move_records_who_when_what_and_why(
    service: CaseService, make_customer: MakeCustomer, new_outage: NewOutage, clock: FrozenClock
) -> None:
    card = service.open_case(new_outage(make_customer()))
    clock.advance(timedelta(hours=3, minutes=15))
    moved = service.move_level(card.id, Level.L4, "  customer's COO called ours  ", expected_version=1)
    assert moved.level == Level.L4
    assert moved.level_entered_at == clock.now()
    assert moved.opened_at == card.opened_at
    assert moved.version == 2
    event = service.history(card.id)[-1]
    assert event.kind == EventKind.LEVEL_CHANGED
    assert (event.from_value, event.to_value) == ("L3", "L4")
    assert event.reason == "customer's COO called ours"
    assert event.actor == ACTOR
    assert event.at == clock.now()
    assert event.at.isoformat() == "2026-03-02T12:15:00+00:00"


def test_move_to_the_same_level_is_refused(
    service: CaseService, make_customer: MakeCustomer, new_outage: NewOutage
) -> None:
    card = service.open_case(new_outage(make_customer()))
    with pytest.raises(InvalidOperation, match="ESC-1001 is already at L3"):
        service.move_level(card.id, Level.L3, "again", expected_version=1)
    assert service.card(card.id).version == 1


def test_closed_case_cannot_move(service: CaseService, make_customer: MakeCustomer, new_outage: NewOutage) -> None:
    card = service.open_case(new_outage(make_customer()))
    for step in service.checklist(card.id):  # closing waits for the required steps (issue 7)
        if step.required and step.step_key != "sign_off":
            card = service.complete_step(card.id, step.step_key, "", card.version)
    closed = service.set_status(card.id, CaseStatus.CLOSED, "customer signed off", expected_version=card.version)
    assert closed.status == CaseStatus.CLOSED
    with pytest.raises(InvalidOperation, match="ESC-1001 is closed; reopen it"):
        service.move_level(card.id, Level.L0, "down", expected_version=closed.version)
    assert card.id not in {c.id for c in service.open_cards()}


def test_stale_version_is_refused_and_writes_nothing(
    service: CaseService, make_customer: MakeCustomer, new_outage: NewOutage
) -> None:
    card = service.open_case(new_outage(make_customer()))
    service.add_note(card.id, "called the customer", expected_version=1)
    with pytest.raises(StaleCase, match=r"ESC-1001 was changed by someone else .*version 2, you had 1.*reload"):
        service.move_level(card.id, Level.L5, "press coverage", expected_version=1)
    after = service.card(card.id)
    assert (after.level, after.version) == (Level.L3, 2)
    assert history_kinds(service, card.id) == [EventKind.OPENED, EventKind.NOTE]


def test_unknown_case(service: CaseService) -> None:
    with pytest.raises(NotFound, match="no case with id NOPE"):
        service.move_level("NOPE", Level.L1, "why", expected_version=1)
    with pytest.raises(NotFound):
        service.card("NOPE")


def test_a_save_that_loses_the_race_is_stale(
    service: CaseService, make_customer: MakeCustomer, new_outage: NewOutage
) -> None:
    """The version check at load passed, but another writer committed before our UPDATE: the ORM's version
    guard (UPDATE ... WHERE version = ?) catches it, and the whole unit of work is rolled back."""
    card = service.open_case(new_outage(make_customer()))

    def apply_after_someone_else_saved(uow: UnitOfWork, case: Escalation) -> None:
        uow.session.execute(text("UPDATE escalations SET version = version + 1 WHERE id = :id"), {"id": case.id})
        service._apply_level(uow, case, Level.L5, "press coverage")

    with pytest.raises(StaleCase, match="ESC-1001 was saved by someone else a moment ago"):
        service._change(card.id, 1, apply_after_someone_else_saved)
    assert service.card(card.id) == card
    assert history_kinds(service, card.id) == [EventKind.OPENED]


# -- two stores on one file (two windows, two processes) ---------------------------------------------------------


@pytest.fixture
def second_service(sqlite_db: Path, service: CaseService, clock: FrozenClock) -> Any:
    other = open_database(resolve_target(sqlite_db))
    yield CaseService(other.store, clock, default_policy(), actor="manager@example.com")
    other.store.close()


def test_second_store_cannot_overwrite_with_an_old_version(
    service: CaseService, second_service: CaseService, make_customer: MakeCustomer, new_outage: NewOutage
) -> None:
    card = service.open_case(new_outage(make_customer()))
    seen_by_second = second_service.card(card.id)
    assert seen_by_second == card
    service.move_level(card.id, Level.L4, "legal letter received", expected_version=card.version)
    with pytest.raises(StaleCase):
        second_service.move_level(card.id, Level.L2, "mitigated", expected_version=seen_by_second.version)
    final = second_service.card(card.id)
    assert (final.level, final.version) == (Level.L4, 2)
    events = service.history(card.id)
    assert [e.actor for e in events] == [ACTOR, ACTOR]


def test_case_numbers_are_unique_and_increasing_across_stores(
    service: CaseService, second_service: CaseService, make_customer: MakeCustomer, new_outage: NewOutage
) -> None:
    customer = make_customer()
    numbers = []
    for i in range(6):
        writer = service if i % 2 == 0 else second_service
        numbers.append(writer.open_case(new_outage(customer, title=f"case {i}")).number)
    assert numbers == list(range(1001, 1007))
    assert sorted(c.number for c in service.open_cards()) == numbers
