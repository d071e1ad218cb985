"""The slow-burn scan on a real SQLite database: proposals, confirm (a case opens), dismiss (remembered)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, insert, update

from escdesk.clock import FrozenClock
from escdesk.domain import CaseType, NewCase, Pace, Severity
from escdesk.errors import InvalidOperation
from escdesk.ids import new_id
from escdesk.policy import default_policy
from escdesk.services import CaseService
from escdesk.slow_burn_service import SOURCE, SlowBurnService, scan_after_import
from escdesk.store import Store
from escdesk.store.models import Customer, HealthScore, ImportItem, ImportLog, SupportTicket

NOW = datetime(2026, 12, 3, 9, tzinfo=UTC)
TODAY = NOW.date()

MakeCustomer = Callable[..., str]  # the integration conftest fixtures (not importable by name from every run)
RawRows = Callable[..., list[tuple[object, ...]]]


@pytest.fixture
def now_clock(clock: FrozenClock) -> FrozenClock:
    clock.set(NOW)
    return clock


@pytest.fixture
def slow_burn(store: Store, now_clock: FrozenClock) -> SlowBurnService:
    return SlowBurnService(store, now_clock, default_policy(), "lead@example.com")


def health(store: Store, customer_id: str, points: list[tuple[int, int]], source: str = "gainsight") -> None:
    """(days ago, score) points for the customer."""
    rows = [
        {"customer_id": customer_id, "measured_on": TODAY - timedelta(days=ago), "score": score, "source": source}
        for ago, score in points
    ]
    with store.uow() as uow:
        uow.session.execute(insert(HealthScore), rows)
        uow.commit()


def set_renewal(store: Store, customer_id: str, days: int) -> None:
    with store.uow() as uow:
        stmt = update(Customer).where(Customer.id == customer_id).values(renewal_date=TODAY + timedelta(days=days))
        uow.session.execute(stmt.execution_options(synchronize_session=False))
        uow.commit()


def year_of_weeks(last: int, before: int = 80) -> list[tuple[int, int]]:
    """A year of weekly scores at `before`, the last one at `last`."""
    return [(ago, before) for ago in range(364, 0, -7)] + [(0, last)]


def test_scan_confirm_and_dismiss(
    slow_burn: SlowBurnService, store: Store, make_customer: MakeCustomer, sqlite_db: Path, raw_rows: RawRows
) -> None:
    red = make_customer(arr="1200000", name="Contoso Pharmaceuticals")
    yellow_soon = make_customer(arr="30000", name="Blue Yonder Airlines")
    steady = make_customer(arr="30000", name="Northwind Traders")
    health(store, red, year_of_weeks(53, 81))
    health(store, yellow_soon, year_of_weeks(62))
    health(store, steady, year_of_weeks(79))
    set_renewal(store, red, 64)
    set_renewal(store, yellow_soon, 110)

    result = slow_burn.scan()
    assert result.customers_scanned == 3
    by_name = {p.customer_name: p for p in result.proposals}
    assert set(by_name) == {"Contoso Pharmaceuticals", "Blue Yonder Airlines"}
    contoso = by_name["Contoso Pharmaceuticals"]
    assert contoso.reason == "Health fell 28 points in 7 days (81 -> 53) and renewal is in 64 days"
    assert contoso.severity is Severity.S2
    assert by_name["Blue Yonder Airlines"].severity is Severity.S3

    card = slow_burn.confirm(contoso)
    assert (card.case_type, card.pace, card.severity) == (CaseType.HEALTH_DECLINE, Pace.SLOW_BURN, Severity.S2)
    assert raw_rows(sqlite_db, "SELECT source, description FROM escalations WHERE id = ?", card.id) == [
        (SOURCE, f"Proposed by the slow-burn scan on {TODAY}: {contoso.reason}.")
    ]
    with pytest.raises(InvalidOperation, match="Contoso Pharmaceuticals already has an open case"):
        slow_burn.confirm(contoso)

    with pytest.raises(InvalidOperation, match="needs a reason"):
        slow_burn.dismiss(by_name["Blue Yonder Airlines"], "  ")
    slow_burn.dismiss(by_name["Blue Yonder Airlines"], "Renewal already signed; the score lags the new rollout")
    assert slow_burn.scan().proposals == ()
    assert raw_rows(sqlite_db, "SELECT outcome, reason, decided_by FROM slow_burn_decisions ORDER BY outcome") == [
        ("confirmed", f"opened {card.reference}", "lead@example.com"),
        ("dismissed", "Renewal already signed; the score lags the new rollout", "lead@example.com"),
    ]


def test_a_closed_case_does_not_bring_the_same_signal_back(
    slow_burn: SlowBurnService, store: Store, make_customer: MakeCustomer, now_clock: FrozenClock
) -> None:
    customer = make_customer(arr="30000", name="Blue Yonder Airlines")
    health(store, customer, year_of_weeks(50))
    (proposal,) = slow_burn.scan().proposals
    card = slow_burn.confirm(proposal)
    with store.uow() as uow:
        case = uow.cases.get(card.id)
        assert case is not None
        case.closed_at = NOW
        uow.commit()
    assert slow_burn.scan().proposals == ()
    health(store, customer, [(-7, 20)])  # a new fall a week later is a new signal
    now_clock.advance(timedelta(days=7))
    (again,) = slow_burn.scan().proposals
    assert "30 points in 7 days (50 -> 20)" in again.reason


def test_customers_with_an_open_case_are_skipped(
    slow_burn: SlowBurnService, store: Store, make_customer: MakeCustomer, now_clock: FrozenClock
) -> None:
    customer = make_customer()
    health(store, customer, year_of_weeks(40))
    cases = CaseService(store, now_clock, default_policy(), "lead")
    cases.open_case(NewCase(customer, "Sync broken", CaseType.PRODUCT_BUG, Severity.S2, Pace.FAST))
    assert slow_burn.scan().proposals == ()


def test_tickets_and_sponsor_changes_count(
    slow_burn: SlowBurnService, store: Store, make_customer: MakeCustomer
) -> None:
    busy = make_customer(arr="30000", name="Busy Co")
    sponsor_left = make_customer(arr="30000", name="Sponsorless Ltd")
    health(store, busy, year_of_weeks(52))
    health(store, sponsor_left, year_of_weeks(80))
    tickets = [
        {"id": new_id(), "system": "zendesk", "external_id": str(n), "customer_id": busy, "subject": "slow",
         "opened_at": NOW - timedelta(days=n), "escalated": False, "labels": [], "comments": []}
        for n in range(17)
    ] + [{"id": new_id(), "system": "zendesk", "external_id": "old", "customer_id": busy, "subject": "old",
          "opened_at": NOW - timedelta(days=45), "escalated": False, "labels": [], "comments": []}]  # fmt: skip
    with store.uow() as uow:
        uow.session.execute(insert(SupportTicket), tickets)
        log = ImportLog(id=new_id(), file_name="accounts.csv", sha256="0" * 64, kind="customers", preset="gainsight",
                        rows_read=1, created=0, updated=1, skipped=0, imported_by="lead", imported_at=NOW)  # fmt: skip
        uow.session.add(log)
        uow.session.flush()
        uow.session.add(ImportItem(import_id=log.id, table_name="customers", row_id=sponsor_left, action="updated",
                                   previous={"exec_sponsor_id": "01JPERSON0000000000000000"}))  # fmt: skip
        uow.commit()
    by_name = {p.customer_name: p for p in slow_burn.scan().proposals}
    assert by_name["Busy Co"].reason.endswith("; 17 support tickets in the last 30 days (16+ is red)")
    assert by_name["Sponsorless Ltd"].reason == f"The executive sponsor changed on {TODAY}"


def test_the_scan_reads_everything_in_a_few_statements(
    slow_burn: SlowBurnService, store: Store, make_customer: MakeCustomer
) -> None:
    for n in range(30):
        health(store, make_customer(name=f"Customer {n}"), year_of_weeks(50 + n))
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        result = slow_burn.scan()
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(result.proposals) == 6  # from 80 to 50..55: 30 to 25 points
    assert len(selects) <= 8


def test_scan_after_import_limits_to_the_imported_customers(
    store: Store, make_customer: MakeCustomer, now_clock: FrozenClock
) -> None:
    one, two = make_customer(name="One"), make_customer(name="Two")
    health(store, one, year_of_weeks(40))
    health(store, two, year_of_weeks(40))
    result = scan_after_import(store, now_clock, default_policy(), "lead", customer_ids=[two])
    assert [p.customer_id for p in result.proposals] == [two]


def test_daily_scan_is_recorded(slow_burn: SlowBurnService, now_clock: FrozenClock) -> None:
    assert slow_burn.daily_scan_due()
    slow_burn.record_scan(slow_burn.scan())
    assert not slow_burn.daily_scan_due()
    now_clock.advance(timedelta(days=1))
    assert slow_burn.daily_scan_due()


def test_health_index_is_used(store: Store, sqlite_db: Path, raw_rows: RawRows) -> None:
    plan = raw_rows(
        sqlite_db,
        "EXPLAIN QUERY PLAN SELECT customer_id, measured_on, score FROM health_scores "
        "WHERE measured_on >= ? AND measured_on <= ?",
        str(date(2026, 10, 27)),
        str(TODAY),
    )
    assert "COVERING INDEX ix_health_scores_recent" in " ".join(str(row[-1]) for row in plan)


def test_migration_0006_downgrades_and_upgrades(store: Store, sqlite_db: Path, raw_rows: RawRows) -> None:
    from alembic import command

    from escdesk.store.migrate import _alembic_config

    def tables() -> set[str]:
        return {
            str(r[0]) for r in raw_rows(sqlite_db, "SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")
        }

    assert {"slow_burn_decisions", "ix_health_scores_recent"} <= tables()
    config = _alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    assert not {"slow_burn_decisions", "ix_health_scores_recent"} & tables()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert {"slow_burn_decisions", "ix_health_scores_recent"} <= tables()
