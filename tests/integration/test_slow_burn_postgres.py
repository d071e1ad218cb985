"""The slow-burn scan and the people directory on a real PostgreSQL server (TEST_PG_URL; `build/dev test` sets it):
dates, the JSON of import_items, the covering index and the role rows behave as on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, text

from escdesk.clock import FrozenClock
from escdesk.connect import open_database
from escdesk.directory import DirectoryService, PersonEntry, RoleCover
from escdesk.directory_csv import export_csv, import_people, read_csv
from escdesk.domain import ArrBand
from escdesk.ids import new_id
from escdesk.policy import default_policy
from escdesk.slow_burn_service import SlowBurnService
from escdesk.store import Store
from escdesk.store.engine import resolve_target
from escdesk.store.models import Customer, HealthScore, ImportItem, ImportLog

NOW = datetime(2026, 12, 3, 9, tzinfo=UTC)


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[Store]:
    opened = open_database(resolve_target(pg_url), create=True)
    yield opened.store
    opened.store.close()


def add_customer(store: Store, name: str, scores: list[int], band: str = "STRAT") -> str:
    """Weekly scores, the last one today."""
    customer_id = new_id()
    today = NOW.date()
    with store.uow() as uow:
        uow.session.add(Customer(id=customer_id, name=name, band=band, arr_cents=1_500_000_00, version=1,
                                 created_at=NOW, updated_at=NOW))  # fmt: skip
        uow.session.flush()
        rows = [{"customer_id": customer_id, "measured_on": today - timedelta(weeks=len(scores) - 1 - i),
                 "score": score, "source": "gainsight"} for i, score in enumerate(scores)]  # fmt: skip
        uow.session.execute(insert(HealthScore), rows)
        uow.commit()
    return customer_id


def test_scan_confirm_dismiss_on_postgres(pg_store: Store) -> None:
    service = SlowBurnService(pg_store, FrozenClock(NOW), default_policy(), "lead")
    add_customer(pg_store, "Contoso", [80] * 40 + [52])
    add_customer(pg_store, "Fabrikam", [80] * 40 + [60])
    steady = add_customer(pg_store, "Northwind", [80] * 41)
    with pg_store.uow() as uow:
        log = ImportLog(id=new_id(), file_name="a.csv", sha256="0" * 64, kind="customers", preset="gainsight",
                        rows_read=1, created=0, updated=1, skipped=0, imported_by="lead", imported_at=NOW)  # fmt: skip
        uow.session.add(log)
        uow.session.flush()
        uow.session.add(ImportItem(import_id=log.id, table_name="customers", row_id=steady, action="updated",
                                   previous={"exec_sponsor_id": "01JPERSON0000000000000000"}))  # fmt: skip
        uow.commit()
    by_name = {p.customer_name: p for p in service.scan().proposals}
    assert by_name["Contoso"].reason == "Health fell 28 points in 7 days (80 -> 52)"
    assert by_name["Northwind"].reason == "The executive sponsor changed on 2026-12-03"
    assert "Fabrikam" not in by_name  # one yellow, no renewal date
    card = service.confirm(by_name["Contoso"])
    service.dismiss(by_name["Northwind"], "Sponsor handed over properly")
    assert service.scan().proposals == ()
    with pg_store.read() as uow:
        source = uow.session.execute(text("SELECT source FROM escalations WHERE id = :id"), {"id": card.id}).scalar()
    assert source == "slow_burn_scan"


def test_directory_on_postgres(pg_store: Store) -> None:
    clock, policy = FrozenClock(NOW), default_policy()
    directory = DirectoryService(pg_store, clock, policy)
    aiko = directory.add(PersonEntry("Aiko Tanaka", "aiko@example.com", "Support Lead",
                                     (RoleCover("support_lead", (ArrBand.ENTERPRISE,), ("EMEA",)),)))  # fmt: skip
    changed = PersonEntry("Aiko Tanaka", "aiko@example.com", "Head of Support",
                          (RoleCover("support_lead"), RoleCover("legal")))  # fmt: skip
    edited = directory.edit(aiko.id, changed, aiko.version)
    assert edited.version == 2
    text_csv = export_csv(directory.people())
    summary = import_people(pg_store, read_csv(text_csv, policy), clock)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)
    directory.remove(edited.id, edited.version)
    assert directory.people() == []
