"""The store under the services: append-only history, soft deletes, UTC instants, the board's counts."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError

from escdesk.domain import CaseCard, InvolvementStatus, Level, NewCase, StepStatus
from escdesk.errors import NotFound
from escdesk.ids import new_id
from escdesk.services import CaseService
from escdesk.store import Store
from escdesk.store.models import CaseEventRow, ChecklistItem, Customer, Escalation, Involvement

MakeCustomer = Callable[..., str]
NewOutage = Callable[..., NewCase]
RawRows = Callable[..., list[tuple[Any, ...]]]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def case(service: CaseService, make_customer: MakeCustomer, new_outage: NewOutage) -> CaseCard:
    card = service.open_case(new_outage(make_customer()))
    service.add_note(card.id, "first call done", expected_version=card.version)
    return service.card(card.id)


# -- the history is append-only, in the database itself ----------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    ["UPDATE case_events SET reason = 'rewritten', actor = 'someone else'", "DELETE FROM case_events"],
    ids=["update", "delete"],
)
def test_history_refuses_update_and_delete(
    case: CaseCard, store: Store, sqlite_db: Path, raw_rows: RawRows, statement: str
) -> None:
    store.close()
    before = raw_rows(sqlite_db, "SELECT * FROM case_events ORDER BY id")
    assert len(before) == 2
    connection = sqlite3.connect(sqlite_db)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="case_events is append-only"):
            connection.execute(statement)
        connection.rollback()
    finally:
        connection.close()
    assert raw_rows(sqlite_db, "SELECT * FROM case_events ORDER BY id") == before


def test_history_accepts_new_entries_through_raw_sql(case: CaseCard, store: Store, sqlite_db: Path) -> None:
    store.close()
    connection = sqlite3.connect(sqlite_db)
    try:
        with connection:
            connection.execute(
                "INSERT INTO case_events (id, escalation_id, at, actor, kind) VALUES (?, ?, ?, ?, ?)",
                (new_id(), case.id, "2026-03-02 10:00:00.000000", "import", "note"),
            )
        assert connection.execute("SELECT count(*) FROM case_events").fetchone() == (3,)
    finally:
        connection.close()


def test_orm_cannot_change_history_either(case: CaseCard, store: Store) -> None:
    with store.uow() as uow:
        event = uow.session.scalars(select(CaseEventRow).where(CaseEventRow.escalation_id == case.id)).first()
        assert event is not None
        event.reason = "rewritten"
        with pytest.raises(IntegrityError, match="append-only"):
            uow.commit()


# -- soft deletes ------------------------------------------------------------------------------------------------


def test_soft_deleted_case_is_gone_from_reads(case: CaseCard, service: CaseService, store: Store) -> None:
    with store.uow() as uow:
        row = uow.cases.get(case.id)
        assert row is not None
        row.deleted_at = T0 + timedelta(days=1)
        uow.commit()
    with store.read() as uow:
        assert uow.cases.get(case.id) is None
        assert uow.cases.by_number(case.number) is None
        assert uow.cases.open_cards() == []
        assert uow.cases.card(case.id) is None
        # Still in the file: a soft delete keeps the row (and its history) for audits and sync.
        assert uow.session.get(Escalation, case.id) is not None
    assert service.open_cards() == []
    with pytest.raises(NotFound):
        service.card(case.id)
    with pytest.raises(NotFound):
        service.move_level(case.id, Level.L5, "press", expected_version=case.version)


def test_soft_deleted_customer_is_not_returned(store: Store, make_customer: MakeCustomer) -> None:
    customer_id = make_customer()
    with store.uow() as uow:
        row = uow.customers.get(customer_id)
        assert row is not None
        row.deleted_at = T0
        uow.commit()
    with store.read() as uow:
        assert uow.customers.get(customer_id) is None
        assert uow.customers.count() == 0


# -- instants ----------------------------------------------------------------------------------------------------


def test_naive_datetime_is_refused(case: CaseCard, store: Store) -> None:
    with store.uow() as uow:
        uow.session.add(
            CaseEventRow(id=new_id(), escalation_id=case.id, at=datetime(2026, 3, 2, 9, 0), actor="x", kind="note")
        )
        with pytest.raises(StatementError, match=r"naive datetime .* the store only accepts aware instants"):
            uow.commit()


def test_instants_come_back_aware_utc(store: Store, sqlite_db: Path, raw_rows: RawRows) -> None:
    tokyo = timezone(timedelta(hours=9))
    created = datetime(2026, 3, 2, 18, 30, 15, 123456, tzinfo=tokyo)
    with store.uow() as uow:
        uow.customers.add(
            Customer(
                id="C1", name="Tokyo KK", band="SMB", arr_cents=0, version=1, created_at=created, updated_at=created
            )
        )
        uow.commit()
    with store.read() as uow:
        row = uow.customers.get("C1")
        assert row is not None
        assert row.created_at == created
        assert row.created_at.tzinfo == UTC
        assert row.created_at.isoformat() == "2026-03-02T09:30:15.123456+00:00"
    # Stored as UTC wall time, whatever zone it was given in.
    assert raw_rows(sqlite_db, "SELECT created_at FROM customers") == [("2026-03-02 09:30:15.123456",)]


def test_card_instants_are_aware(case: CaseCard) -> None:
    for instant in (case.opened_at, case.level_entered_at):
        assert instant.tzinfo == UTC


# -- the board's counts ------------------------------------------------------------------------------------------


def involvement(case_id: str, status: InvolvementStatus, role: str, deleted: bool = False) -> Involvement:
    return Involvement(
        id=new_id(),
        escalation_id=case_id,
        role=role,
        status=status.value,
        version=1,
        created_at=T0,
        updated_at=T0,
        deleted_at=T0 if deleted else None,
    )


def test_open_cards_counts_checklist_and_involvements(
    service: CaseService, store: Store, make_customer: MakeCustomer, new_outage: NewOutage
) -> None:
    customer = make_customer()
    busy = service.open_case(new_outage(customer, title="busy"))
    service.open_case(new_outage(customer, title="quiet"))
    with store.uow() as uow:
        steps = uow.cases.checklist(busy.id)
        steps[0].status = StepStatus.DONE.value
        steps[1].status = StepStatus.DONE.value
        steps[5].status = StepStatus.SKIPPED.value  # skipped counts as dealt with
        steps[13].deleted_at = T0  # a removed step counts neither way
        uow.session.add_all(
            [
                involvement(busy.id, InvolvementStatus.PROPOSED, "engineering"),
                involvement(busy.id, InvolvementStatus.ACCEPTED, "support"),
                involvement(busy.id, InvolvementStatus.DONE, "product"),
                involvement(busy.id, InvolvementStatus.DISMISSED, "legal"),
                involvement(busy.id, InvolvementStatus.PROPOSED, "finance", deleted=True),
            ]
        )
        uow.commit()
    cards = {card.title: card for card in service.open_cards()}
    assert (cards["busy"].checklist_done, cards["busy"].checklist_total, cards["busy"].involvements_open) == (3, 13, 2)
    assert (cards["quiet"].checklist_done, cards["quiet"].checklist_total, cards["quiet"].involvements_open) == (
        0,
        14,
        0,
    )
    assert service.card(busy.id) == cards["busy"]
    with store.read() as uow:
        assert len(uow.cases.checklist(busy.id)) == 13
        assert len(uow.cases.involvements(busy.id)) == 4


def test_open_cards_by_level_and_order(
    service: CaseService, make_customer: MakeCustomer, new_outage: NewOutage, clock: Any
) -> None:
    from escdesk.domain import Severity

    small, big = make_customer("10000", name="Small"), make_customer("2000000", name="Big")
    first = service.open_case(new_outage(big, Severity.S1, title="big outage"))  # L3
    clock.advance(timedelta(minutes=5))
    second = service.open_case(new_outage(small, Severity.S4, title="small irritant"))  # L0
    clock.advance(timedelta(minutes=5))
    third = service.open_case(new_outage(big, Severity.S1, title="big again"))  # L3
    assert [c.id for c in service.open_cards()] == [second.id, first.id, third.id]  # by level, then age
    with service.store.read() as uow:
        assert [c.id for c in uow.cases.open_cards(Level.L3)] == [first.id, third.id]
        assert uow.cases.open_cards(Level.L5) == []


def test_checklist_rows_are_versioned(case: CaseCard, store: Store) -> None:
    with store.read() as uow:
        versions = uow.session.execute(
            text("SELECT DISTINCT version FROM checklist_items WHERE escalation_id = :id"), {"id": case.id}
        ).scalars()
        assert list(versions) == [1]
        assert uow.session.scalars(select(ChecklistItem).where(ChecklistItem.escalation_id == case.id)).first()
