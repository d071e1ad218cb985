"""Fixtures for the SQLite integration tests: a created and migrated database in tmp_path, a frozen clock, a case
service and a way to add customers. The autouse set-up (XDG folders, in-memory keyring) is in tests/conftest.py."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from escdesk.clock import FrozenClock
from escdesk.connect import OpenedDatabase, open_database
from escdesk.domain import CaseType, NewCase, Pace, Severity
from escdesk.ids import new_id
from escdesk.money import to_cents
from escdesk.policy import default_policy
from escdesk.services import CaseService
from escdesk.store import Store
from escdesk.store.engine import resolve_target
from escdesk.store.models import Customer

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ACTOR = "lead@example.com"

MakeCustomer = Callable[..., str]


@pytest.fixture
def opened(sqlite_db: Path) -> Iterator[OpenedDatabase]:
    result = open_database(resolve_target(sqlite_db), create=True)
    yield result
    result.store.close()


@pytest.fixture
def store(opened: OpenedDatabase) -> Store:
    return opened.store


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def service(store: Store, clock: FrozenClock) -> CaseService:
    return CaseService(store, clock, default_policy(), actor=ACTOR)


def add_customer(store: Store, arr: str | int = "1200000", name: str = "Müller & Söhne GmbH") -> str:
    policy = default_policy()
    with store.uow() as uow:
        customer = Customer(
            id=new_id(),
            name=name,
            band=policy.band_for(Decimal(arr)).value,
            arr_cents=to_cents(arr),
            timezone="Europe/Berlin",
            version=1,
            created_at=T0,
            updated_at=T0,
        )
        uow.customers.add(customer)
        uow.commit()
        return customer.id


@pytest.fixture
def make_customer(store: Store) -> MakeCustomer:
    """`make_customer(arr="1200000", name=..., store=<the fixture's>)`: add a customer, return its id."""

    def make(arr: str | int = "1200000", name: str = "Müller & Söhne GmbH", store: Store = store) -> str:
        return add_customer(store, arr, name)

    return make


def outage(customer_id: str, severity: Severity = Severity.S1, title: str = "EU region outage") -> NewCase:
    return NewCase(customer_id, title, CaseType.OUTAGE, severity, Pace.FAST, tickets=("jira:INC-42", "ZD-1001"))


RawRows = Callable[..., list[tuple[object, ...]]]


def _raw_rows(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


@pytest.fixture
def raw_rows() -> RawRows:
    """`raw_rows(path, sql, *params)`: read the file with plain sqlite3, past every layer of ours."""
    return _raw_rows


@pytest.fixture
def new_outage() -> Callable[..., NewCase]:
    """`new_outage(customer_id, severity=S1, title=...)`: what a lead types to open a fast case."""
    return outage
