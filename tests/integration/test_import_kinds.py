"""Health histories, outcomes, escalation candidates, XLSX and the all-or-nothing import, on SQLite and (with
TEST_PG_URL) on a real PostgreSQL server: the same files give the same rows on both."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from sqlalchemy import text

from escdesk.clock import FrozenClock
from escdesk.connect import open_database
from escdesk.importing import ImportCancelled, ImportOptions, ImportRefused, prepare_import, undo_last_import
from escdesk.importing.candidates import VOLUME_RED, open_candidates
from escdesk.importing.health import usage_score
from escdesk.importing.presets import ImportKind, UnknownFormat
from escdesk.money import to_cents
from escdesk.policy import default_policy
from escdesk.services import CaseService
from escdesk.store import Store
from escdesk.store.engine import resolve_target

ACCOUNTS = "Account ID,Name,ARR\r\nC-1,Acme,300000\r\nC-2,Globex,20000\r\n"
ZENDESK = "ID,Requester,Requester email,Subject,Status,Priority,Created at,Solved at,Organization,Tags\r\n"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, sqlite_db: Path) -> Iterator[Store]:
    url = str(sqlite_db) if request.param == "sqlite" else request.getfixturevalue("pg_url")
    opened = open_database(resolve_target(url), create=True)
    yield opened.store
    opened.store.close()


def query(store: Store, sql: str) -> list[tuple[Any, ...]]:
    with store.read() as uow:
        return [tuple(row) for row in uow.session.execute(text(sql))]


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode())
    return path


def customers(tmp_path: Path, store: Store) -> None:
    prepare_import(write(tmp_path, "accounts.csv", ACCOUNTS)).apply(store)


def test_usage_becomes_a_monthly_health_history(tmp_path: Path, db: Store) -> None:
    write(tmp_path, "ravenstack_accounts.csv", "account_id,account_name,plan_tier\r\nA-1,Acme,Pro\r\n")
    write(tmp_path, "ravenstack_subscriptions.csv", "subscription_id,account_id,arr_amount,end_date,churn_flag\r\n"
          "S-1,A-1,1200,,False\r\nS-2,A-1,600,,False\r\n")  # fmt: skip
    prepare_import(tmp_path / "ravenstack_accounts.csv").apply(db)
    header = "usage_id,subscription_id,usage_date,usage_count,error_count\r\n"
    rows = "U-1,S-1,2024-01-03,10,0\r\nU-2,S-2,2024-01-20,10,0\r\nU-3,S-1,2024-02-11,10,5\r\nU-4,S-9,2024-02-12,1,0\r\n"
    usage = write(tmp_path, "ravenstack_feature_usage.csv", header + rows)
    prepared = prepare_import(usage, ImportOptions(kind=ImportKind.HEALTH))
    assert (prepared.report.preset, prepared.report.bad_rows) == ("ravenstack-usage", [])
    report = prepared.apply(db)
    # January: 20 uses, the best month (100); February: half as active, a quarter of uses failing.
    points = query(db, "SELECT measured_on, score, source FROM health_scores ORDER BY measured_on")
    assert [(str(day), score, source) for day, score, source in points] == [
        ("2024-01-31", 100, "ravenstack-usage"),
        ("2024-02-29", usage_score(10, 5, 20), "ravenstack-usage"),
    ]
    assert usage_score(10, 5, 20) == 38
    assert [(w.line, w.value) for w in report.warnings] == [(5, "S-9")]  # a subscription nobody has
    assert prepare_import(usage).apply(db).created == 0  # re-import: no duplicates
    undo_last_import(db)
    undo_last_import(db)
    assert query(db, "SELECT count(*) FROM health_scores") == [(0,)]


def test_a_health_history_file_by_account_id(tmp_path: Path, db: Store) -> None:
    customers(tmp_path, db)
    path = write(tmp_path, "h.csv", "Account ID,Date,Health Score\r\nC-1,2026-01-31,80\r\nC-1,2026-02-28,55\r\n"
                 "C-3,2026-02-28,40\r\nC-2,2026-02-28,140\r\n")  # fmt: skip
    prepared = prepare_import(path)
    assert [(i.line, i.column) for i in prepared.report.bad_rows] == [(5, "Health Score")]
    report = prepared.apply(db, include_good_rows_only=True)
    assert (report.created, report.skipped) == (2, 2)  # the unknown C-3 and the bad 140
    assert query(db, "SELECT score FROM health_scores ORDER BY measured_on") == [(80,), (55,)]


def test_churn_events_become_outcomes(tmp_path: Path, db: Store) -> None:
    customers(tmp_path, db)
    header = "churn_event_id,account_id,churn_date,reason_code\r\n"
    rows = "E-1,C-1,2024-05-01,pricing\r\nE-2,C-2,2024-06-01,support\r\nE-3,C-9,2024-06-01,budget\r\n"
    path = write(tmp_path, "churn.csv", header + rows)
    report = prepare_import(path).apply(db)
    assert (report.kind, report.created, report.skipped) == ("outcomes", 2, 1)
    assert (
        query(db, "SELECT kind, arr_change_cents, source FROM customer_outcomes") == [("churned", 0, "ravenstack")] * 2
    )
    assert prepare_import(path).apply(db).unchanged == 2
    assert "ARR change is 0" in report.describe()


def test_escalated_and_busy_accounts_become_candidates_the_user_confirms(tmp_path: Path, db: Store) -> None:
    customers(tmp_path, db)
    rows = [f"{n},Ann,a@x.example,Busy {n},Open,Normal,2026-03-{n % 28 + 1:02d} 10:00,,Globex,\r\n"
            for n in range(1, VOLUME_RED + 1)]  # fmt: skip
    rows.append("100,Bo,b@x.example,Down,Open,Urgent,2026-03-02 10:00,,Acme,escalated vip\r\n")
    rows.append("101,Cy,c@x.example,Slow,Open,High,2026-03-02 11:00,,Acme,vip\r\n")
    rows.append("102,Di,d@x.example,Lost,Open,Urgent,2026-03-02 11:00,,Nobody,escalated\r\n")
    report = prepare_import(write(tmp_path, "z.csv", ZENDESK + "".join(rows))).apply(db)
    acme, globex = report.candidates
    assert (acme.customer_name, acme.severity, acme.tickets, acme.case_type) == (
        "Acme", "S2", ("zendesk:100",), "product_bug")  # fmt: skip
    assert (globex.customer_name, globex.severity, len(globex.tickets)) == ("Globex", "S3", VOLUME_RED)
    assert "1 flagged ticket not linked to a customer: no case" in report.notes
    service = CaseService(db, FrozenClock(dt.datetime(2026, 3, 3, tzinfo=dt.UTC)), default_policy(), "lead")
    (card,) = open_candidates(service, [acme])
    assert (card.customer_name, card.severity.value) == ("Acme", "S2")
    again = prepare_import(write(tmp_path, "z.csv", ZENDESK + "".join(rows))).apply(db)
    assert [c.customer_name for c in again.candidates] == ["Globex"]  # ticket 100 is on a case now


def test_cancelling_leaves_the_database_as_it_was(tmp_path: Path, db: Store) -> None:
    customers(tmp_path, db)
    rows = "".join(f"{n},Ann,a@x.example,T{n},Open,High,2026-03-01 10:00,,Acme,\r\n" for n in range(1, 600))
    prepared = prepare_import(write(tmp_path, "z.csv", ZENDESK + rows))
    seen: list[int] = []

    def cancel_after_first(done: int) -> None:
        seen.append(done)
        raise ImportCancelled("cancelled by the user")

    with pytest.raises(ImportCancelled):
        prepared.apply(db, progress=cancel_after_first)
    assert seen == [250]
    assert query(db, "SELECT count(*) FROM support_tickets") == [(0,)]
    assert query(db, "SELECT count(*) FROM import_log") == [(1,)]  # the customers' import only


def test_i6_bad_rows_refused_and_re_import_makes_no_duplicates(tmp_path: Path, db: Store) -> None:
    lines = "".join(
        f"{n},Ann,a@x.example,T{n},Open,{'Blocker' if n == 11 else 'High'},"
        f"{'not a date' if n == 4 else '2026-03-01 10:00'},,Acme,\r\n"
        for n in range(1, 13)
    )
    path = write(tmp_path, "z.csv", ZENDESK + lines)
    prepared = prepare_import(path)
    assert prepared.report.bad_lines == [5, 12]
    with pytest.raises(ImportRefused):
        prepared.apply(db)
    assert query(db, "SELECT count(*) FROM support_tickets") == [(0,)]
    assert prepared.apply(db, include_good_rows_only=True).created == 10
    assert prepare_import(path).apply(db, include_good_rows_only=True).unchanged == 10
    assert query(db, "SELECT count(*), count(DISTINCT external_id) FROM support_tickets") == [(10, 10)]


def test_xlsx_german_customer_list(tmp_path: Path, db: Store) -> None:
    """I2 as a workbook: typed cells need no guessing (ARR a number, the renewal a date cell)."""
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["exported for the QBR"])
    sheet = book.create_sheet("Kunden")
    sheet.append(["Name", "ARR", "Renewal"])
    sheet.append(["Acme GmbH", 1234.56, dt.date(2025, 12, 31)])
    sheet.append([None, None, None])
    sheet.append(["Beta AG", "1.234,50", dt.datetime(2026, 1, 2)])
    path = tmp_path / "kunden.xlsx"
    book.save(path)
    with pytest.raises(UnknownFormat):
        prepare_import(path)  # the first sheet holds no table EscDesk knows
    prepared = prepare_import(path, ImportOptions(sheet="Kunden", kind=ImportKind.CUSTOMERS))
    report = prepared.report
    assert (report.encoding, report.sheet, report.rows_read, report.blank_rows) == ("xlsx", "Kunden", 2, 1)
    assert "sheet 'Kunden'" in report.describe()
    prepared.apply(db)
    got = {
        name: (arr, str(renewal))
        for name, arr, renewal in query(db, "SELECT name, arr_cents, renewal_date FROM customers")
    }
    assert got == {"Acme GmbH": (123456, "2025-12-31"), "Beta AG": (123450, "2026-01-02")}


def test_the_kind_said_keeps_detection_within_it(tmp_path: Path) -> None:
    path = write(tmp_path, "z.csv", ZENDESK + "1,Ann,a@x.example,T,Open,High,2026-03-01 10:00,,Acme,\r\n")
    assert prepare_import(path, ImportOptions(kind=ImportKind.TICKETS)).report.preset == "zendesk"
    with pytest.raises(UnknownFormat, match="look like tickets"):
        prepare_import(path, ImportOptions(kind=ImportKind.CUSTOMERS))
    with pytest.raises(UnknownFormat, match="not customers"):
        prepare_import(path, ImportOptions(kind=ImportKind.CUSTOMERS, preset="zendesk"))


DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.mark.skipif(not DATA.is_dir(), reason=f"{DATA} is not here")
def test_the_ravenstack_set_as_one_multi_file_import(db: Store) -> None:
    """Accounts with ARR from their active subscriptions, tickets linked, usage as health, churn as outcomes."""
    assert prepare_import(DATA / "ravenstack_accounts.csv").apply(db).created == 500
    tickets = prepare_import(DATA / "ravenstack_support_tickets.csv").apply(db)
    assert (dict(tickets.links), len(tickets.candidates)) == ({"by id": 2000}, 91)
    assert prepare_import(DATA / "ravenstack_feature_usage.csv").apply(db).created == 10182
    churn = prepare_import(DATA / "ravenstack_churn_events.csv").apply(db)
    assert (churn.created, len(churn.warnings)) == (599, 1)  # one account churned twice on the same day
    with (DATA / "ravenstack_subscriptions.csv").open(newline="") as handle:
        active = [r for r in csv.DictReader(handle) if not r["end_date"] and r["churn_flag"] != "True"]
    expected = sum(to_cents(r["arr_amount"]) for r in active)
    assert query(db, "SELECT sum(arr_cents), count(*) FROM customers") == [(expected, 500)]
    assert query(db, "SELECT count(*) FROM support_tickets WHERE customer_id IS NULL") == [(0,)]
    assert query(db, "SELECT min(score) >= 0 AND max(score) <= 100 FROM health_scores") in ([(True,)], [(1,)])
