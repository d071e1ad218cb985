"""Cases I1-I6 and the CP1252 title from ../shared/cases, with small fixtures written byte for byte, imported into
a real SQLite database: all or nothing, no duplicates on re-import, and the database unchanged when refused."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from escdesk.importing import DateOrder, ImportOptions, ImportRefused, prepare_import
from escdesk.importing.writer import ImportWriter
from escdesk.store import Store


def write(tmp_path: Path, data: bytes, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, ordered: two dumps are equal only if the database is exactly the same."""
    with sqlite3.connect(path) as connection:
        names = [n for (n,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: sorted(connection.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def test_i1_a_bom_before_the_first_header_still_maps_ticket_id(tmp_path: Path, store: Store, sqlite_db: Path) -> None:
    data = (
        b"\xef\xbb\xbfTicket ID,Customer Email,Ticket Subject,Ticket Status,Ticket Priority,First Response Time,"
        b"Time to Resolution\r\n"
        b"1,ann@example.com,Setup,Closed,Critical,6/1/2023 12:15,6/1/2023 18:05\r\n"
        b"2,bob@example.com,Billing,Open,Low,6/13/2023 9:03,\r\n"
        b",,,,,,\r\n"
    )
    prepared = prepare_import(write(tmp_path, data))
    assert prepared.report.preset == "support-tickets"
    assert prepared.report.bad_rows == []
    prepared.apply(store)
    assert rows(sqlite_db, "SELECT external_id, priority FROM support_tickets ORDER BY external_id") == [
        ("1", "urgent"),
        ("2", "low"),
    ]


def test_i2_german_excel_semicolons_decimal_comma_day_first(tmp_path: Path, store: Store, sqlite_db: Path) -> None:
    data = 'Name;ARR;Renewal\r\nAcme GmbH;"1.234,56";31.12.2025\r\n'.encode("cp1252")
    prepared = prepare_import(write(tmp_path, data))
    assert (prepared.report.delimiter, prepared.report.kind) == (";", "customers")
    prepared.apply(store)
    assert rows(sqlite_db, "SELECT name, arr_cents, renewal_date, band FROM customers") == [
        ("Acme GmbH", 123456, "2025-12-31", "SMB")
    ]


def test_i3_a_cp1252_title_keeps_its_accent(tmp_path: Path, store: Store, sqlite_db: Path) -> None:
    data = "Ticket ID,Subject,Status,Priority,Created time\r\n7,Gérer l'escalade,Open,High,2025-12-03 16:29:08\r\n"
    prepared = prepare_import(write(tmp_path, data.encode("cp1252")))
    assert prepared.report.encoding == "cp1252"
    prepared.apply(store)
    assert rows(sqlite_db, "SELECT subject FROM support_tickets") == [("Gérer l'escalade",)]


def test_i4_jira_repeated_columns_and_structured_comments(tmp_path: Path, store: Store, sqlite_db: Path) -> None:
    data = (
        "Issue key,Summary,Labels,Labels,Labels,Comment,Comment\r\n"
        'SUP-1,Sync fails,backend,customer,p1,"15/Feb/26 4:37 PM;5f1a2b;Deploy at 9;30; then check logs",'
        '"18/jul/26 9:10 AM;77aa;Fixed\r\nsecond line"\r\n'
    )
    prepare_import(write(tmp_path, data.encode())).apply(store)
    ((labels, comments),) = rows(sqlite_db, "SELECT labels, comments FROM support_tickets")
    assert json.loads(labels) == ["backend", "customer", "p1"]
    first, second = json.loads(comments)
    assert first == {"at": "2026-02-15T16:37:00+00:00", "author": "5f1a2b", "body": "Deploy at 9;30; then check logs"}
    assert (second["author"], second["body"]) == ("77aa", "Fixed\r\nsecond line")


def test_i5_salesforce_footer_gives_exactly_the_records(tmp_path: Path, store: Store, sqlite_db: Path) -> None:
    data = (
        '"Case Number","Account Name","Subject","Status","Priority","Date/Time Opened","Date/Time Closed"\r\n'
        '"00001001","Acme","Outage","Escalated","High","3/2/2026 9:15 AM",""\r\n'
        '"00001002","Acme","Slow","Closed","Medium","3/2/2026 10:00 AM","3/4/2026 1:00 PM"\r\n'
        '"00001003","Globex","Invoice","New","Low","3/20/2026 8:00 AM",""\r\n'
        "\r\n"
        '"Grand Totals (3 records)"\r\n'
        '"Confidential Information - Do Not Distribute"\r\n'
        '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\r\n'
    )
    prepared = prepare_import(write(tmp_path, data.encode()))
    report = prepared.report
    assert (report.rows_read, report.bad_rows, report.footer_count) == (3, [], 3)
    assert "matches" in report.describe()
    prepared.apply(store)
    assert rows(sqlite_db, "SELECT count(*) FROM support_tickets") == [(3,)]
    assert rows(sqlite_db, "SELECT opened_at FROM support_tickets WHERE external_id = '00001003'") == [
        ("2026-03-20 08:00:00.000000",)
    ]


ZENDESK_HEADER = "ID,Requester,Requester email,Subject,Status,Priority,Created at,Solved at,Organization,Tags\r\n"


def zendesk_file(tmp_path: Path) -> Path:
    """Ten good tickets and two bad ones (ticket 4: a date that is none; ticket 11: an unknown priority). Ticket 3
    has a two-line subject, so tickets 4 and 11 start on physical lines 6 and 13, not 5 and 12."""
    lines = [ZENDESK_HEADER]
    for n in range(1, 13):
        subject = '"Login broken\r\nsince Monday"' if n == 3 else f"Ticket {n}"
        created = "not a date" if n == 4 else f"2026-03-{n:02d} 10:00"
        priority = "Blocker" if n == 11 else "High"
        lines.append(f"{n},Ann,ann@acme.example,{subject},Open,{priority},{created},,Acme,vip sla\r\n")
    return write(tmp_path, "".join(lines).encode())


def test_i6_bad_rows_named_refused_until_confirmed(tmp_path: Path, store: Store, sqlite_db: Path) -> None:
    prepared = prepare_import(zendesk_file(tmp_path))
    report = prepared.report
    assert (report.rows_read, report.good_rows, report.bad_lines) == (12, 10, [6, 13])
    by_line = {issue.line: issue for issue in report.bad_rows}
    assert (by_line[6].column, by_line[6].value) == ("Created at", "not a date")
    assert "not a date" in by_line[6].reason
    assert (by_line[13].column, by_line[13].value) == ("Priority", "Blocker")
    assert "unknown priority" in by_line[13].reason
    assert dict(report.unmapped["Priority"]) == {"Blocker": 1}

    before = dump(sqlite_db)
    with pytest.raises(ImportRefused, match="2 bad rows"):
        prepared.apply(store)
    assert prepared.dry_run(store).created == 10
    assert dump(sqlite_db) == before

    applied = prepared.apply(store, include_good_rows_only=True)
    assert (applied.created, applied.skipped, applied.applied) == (10, 2, True)
    again = prepare_import(zendesk_file(tmp_path)).apply(store, include_good_rows_only=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)
    assert rows(sqlite_db, "SELECT count(*), count(DISTINCT external_id) FROM support_tickets") == [(10, 10)]
    assert rows(sqlite_db, "SELECT labels FROM support_tickets WHERE external_id = '1'") == [('["vip", "sla"]',)]


def test_i6_a_failure_half_way_leaves_the_database_as_it_was(
    tmp_path: Path, store: Store, sqlite_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared = prepare_import(zendesk_file(tmp_path))
    before = dump(sqlite_db)

    def fail(self: ImportWriter) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(ImportWriter, "finish", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        prepared.apply(store, include_good_rows_only=True)
    assert dump(sqlite_db) == before


def test_an_unknown_value_mapped_by_the_user_imports(tmp_path: Path, store: Store, sqlite_db: Path) -> None:
    options = ImportOptions(value_maps={"Priority": {"Blocker": "urgent"}})
    prepared = prepare_import(zendesk_file(tmp_path), options)
    assert prepared.report.bad_lines == [6]
    prepared.apply(store, include_good_rows_only=True)
    assert rows(sqlite_db, "SELECT priority, priority_raw FROM support_tickets WHERE external_id = '11'") == [
        ("urgent", "Blocker")
    ]


def test_a_mistyped_user_mapping_is_a_bad_row(tmp_path: Path) -> None:
    options = ImportOptions(value_maps={"Priority": {"Blocker": "urgnet"}})
    report = prepare_import(zendesk_file(tmp_path), options).report
    assert [(i.line, i.value) for i in report.bad_rows if i.column == "Priority"] == [(13, "Blocker")]
    assert "not one of" in report.bad_rows[-1].reason


def test_ambiguous_dates_are_a_question_the_caller_must_answer(tmp_path: Path, store: Store, sqlite_db: Path) -> None:
    path = write(tmp_path, b"Name;Renewal\r\nAcme;03.04.2026\r\nGlobex;05.06.2026\r\n")
    prepared = prepare_import(path)
    assert [q.column for q in prepared.report.questions] == ["Renewal"]
    with pytest.raises(ImportRefused, match="date order of Renewal"):
        prepared.apply(store)
    prepare_import(path, ImportOptions(date_orders={"Renewal": DateOrder.MONTH_FIRST})).apply(store)
    assert rows(sqlite_db, "SELECT renewal_date FROM customers ORDER BY name") == [("2026-03-04",), ("2026-05-06",)]


def test_contradictions_are_warnings_not_bad_rows(tmp_path: Path) -> None:
    data = (
        "Ticket ID,Ticket Subject,Ticket Status,Ticket Priority,First Response Time,Time to Resolution\r\n"
        "1,A,Closed,Low,6/2/2023 12:00,6/1/2023 12:00\r\n"
        "2,B,Closed,Low,6/13/2023 12:00,\r\n"
    )
    report = prepare_import(write(tmp_path, data.encode())).report
    assert report.bad_rows == []
    assert [(w.line, w.reason) for w in report.warnings] == [
        (2, "resolved before the first response"),
        (3, "resolved status without a resolved date"),
    ]


def test_tickets_link_by_id_domain_and_exact_name_and_only_propose_close_names(
    tmp_path: Path, store: Store, sqlite_db: Path
) -> None:
    prepare_import(
        write(
            tmp_path, b"Account ID,Name,Domain,ARR\r\nC-1,Acme Corp,acme.example,300000\r\nC-2,Globex,,1\r\n", "c.csv"
        )
    ).apply(store)
    data = ZENDESK_HEADER + (
        "1,Ann,ann@acme.example,A,Open,High,2026-03-01 10:00,,,\r\n"
        "2,Bo,bo@gmail.example,B,Open,High,2026-03-01 10:00,,globex,\r\n"
        "3,Cy,cy@gmail.example,C,Open,High,2026-03-01 10:00,,Acme Corp.,\r\n"
    )
    report = prepare_import(write(tmp_path, data.encode())).apply(store)
    assert dict(report.links) == {"by e-mail domain": 1, "by name": 1, "not linked": 1}
    assert [(p.organization, p.customer_name) for p in report.proposals] == [("Acme Corp.", "Acme Corp")]
    assert rows(sqlite_db, "SELECT external_id FROM support_tickets WHERE customer_id IS NULL") == [("3",)]
    assert rows(sqlite_db, "SELECT band FROM customers WHERE name = 'Acme Corp'") == [("ENT",)]


def test_the_import_log_names_file_hash_counts_user_and_time(tmp_path: Path, store: Store, sqlite_db: Path) -> None:
    path = zendesk_file(tmp_path)
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    prepare_import(path).apply(store, include_good_rows_only=True, user="lead@example.com", now=at)
    assert rows(sqlite_db, "SELECT file_name, sha256, rows_read, created, skipped, imported_by FROM import_log") == [
        ("export.csv", hashlib.sha256(path.read_bytes()).hexdigest(), 12, 10, 2, "lead@example.com")
    ]
    assert date.fromisoformat(rows(sqlite_db, "SELECT imported_at FROM import_log")[0][0][:10]) == at.date()
