"""Undo of the last import: created rows removed, updated rows restored, newest import first; refused when a row
was edited after the import, and then nothing changes."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from escdesk.errors import InvalidOperation, NotFound
from escdesk.importing import prepare_import, undo_last_import
from escdesk.store import Store


def customers_file(tmp_path: Path, arr: str, name: str = "c.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(f"Account ID,Name,ARR,Renewal\r\nC-1,Acme,{arr},2026-09-30\r\nC-2,Globex,100,\r\n".encode())
    return path


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def business_tables(path: Path) -> list[list[tuple[Any, ...]]]:
    tables = ("customers", "customer_external_ids", "support_tickets")
    return [rows(path, f"SELECT * FROM {t} ORDER BY 1") for t in tables]


def test_undo_restores_updates_then_removes_creations(tmp_path: Path, store: Store, sqlite_db: Path) -> None:
    empty = business_tables(sqlite_db)
    prepare_import(customers_file(tmp_path, "1000")).apply(store)
    first = business_tables(sqlite_db)
    second = prepare_import(customers_file(tmp_path, "2.000.000", "c2.csv")).apply(store)
    assert (second.created, second.updated, second.unchanged) == (0, 1, 1)
    assert rows(sqlite_db, "SELECT arr_cents, band, version FROM customers WHERE name = 'Acme'") == [
        (200000000, "STRAT", 2)
    ]

    undone = undo_last_import(store)
    assert (undone.file_name, undone.removed, undone.restored) == ("c2.csv", 0, 1)
    assert business_tables(sqlite_db)[1:] == first[1:]
    assert rows(sqlite_db, "SELECT arr_cents, band, version FROM customers WHERE name = 'Acme'") == [(100000, "SMB", 3)]
    assert undo_last_import(store).removed == 2
    assert business_tables(sqlite_db) == empty
    with pytest.raises(NotFound, match="no import to undo"):
        undo_last_import(store)


def test_undo_is_refused_when_the_row_changed_since(tmp_path: Path, store: Store, sqlite_db: Path) -> None:
    prepare_import(customers_file(tmp_path, "1000")).apply(store)
    prepare_import(customers_file(tmp_path, "5000", "c2.csv")).apply(store)
    with sqlite3.connect(sqlite_db) as connection:
        connection.execute("UPDATE customers SET segment = 'edited', version = version + 1 WHERE name = 'Acme'")
    before = business_tables(sqlite_db)
    with pytest.raises(InvalidOperation, match="changed after the import"):
        undo_last_import(store)
    assert business_tables(sqlite_db) == before
    assert rows(sqlite_db, "SELECT count(*) FROM import_log WHERE undone_at IS NULL") == [(2,)]


def test_undo_is_refused_when_imported_customers_have_tickets_since(
    tmp_path: Path, store: Store, sqlite_db: Path
) -> None:
    prepare_import(customers_file(tmp_path, "1000")).apply(store)
    tickets = tmp_path / "t.csv"
    tickets.write_bytes(b"ticket_id,account_id,submitted_at\r\nT-1,C-1,2026-03-01\r\n")
    prepare_import(tickets).apply(store)
    with sqlite3.connect(sqlite_db) as connection:
        # Mark the ticket import undone by hand, so the customers' import is the last one left.
        connection.execute("UPDATE import_log SET undone_at = imported_at WHERE file_name = 't.csv'")
    with pytest.raises(InvalidOperation, match="now used by"):
        undo_last_import(store)
    assert rows(sqlite_db, "SELECT count(*) FROM customers") == [(2,)]


def test_gainsight_scores_become_todays_health_point_and_undo_removes_them(
    tmp_path: Path, store: Store, sqlite_db: Path
) -> None:
    header = "Name,ARR,MRR,Lifecycle Stage,Status,CSM,Renewal Date,Current Score,Previous Score,NPS\r\n"
    first, second = tmp_path / "g1.csv", tmp_path / "g2.csv"
    first.write_bytes((header + 'Acme,"$300,000",,Adoption,Active,Kim,2026-09-30,72,80,30\r\n').encode())
    second.write_bytes((header + 'Acme,"$300,000",,Adoption,Active,Kim,2026-09-30,55,72,30\r\n').encode())
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    prepare_import(first).apply(store, now=now)
    assert rows(sqlite_db, "SELECT measured_on, score, source FROM health_scores") == [("2026-03-02", 72, "gainsight")]
    report = prepare_import(second).apply(store, now=now)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert rows(sqlite_db, "SELECT score FROM health_scores") == [(55,)]
    undo_last_import(store)
    assert rows(sqlite_db, "SELECT score FROM health_scores") == [(72,)]
    undo_last_import(store)
    assert rows(sqlite_db, "SELECT count(*) FROM health_scores") == [(0,)]
    assert rows(sqlite_db, "SELECT count(*) FROM customers") == [(0,)]


def test_the_same_id_twice_in_one_file_makes_one_row_the_later_winning(
    tmp_path: Path, store: Store, sqlite_db: Path
) -> None:
    path = tmp_path / "dup.csv"
    path.write_bytes(b"Account ID,Name,ARR\r\nC-1,Acme,100\r\nC-1,Acme Corp,200\r\n")
    report = prepare_import(path).apply(store)
    assert report.created == 1
    assert [(w.line, w.reason) for w in report.warnings] == [(3, "the same id is on line 2: this later row wins")]
    assert rows(sqlite_db, "SELECT name, arr_cents FROM customers") == [("Acme Corp", 20000)]
