"""`escdesk import FILE`: the report, exit 1 naming the bad rows unless --yes, --dry-run changes nothing, --json,
--undo-last; never a traceback."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from escdesk.cli import main
from escdesk.connect import OpenedDatabase

HEADER = "ID,Requester,Requester email,Subject,Status,Priority,Created at,Solved at,Organization,Tags\r\n"


@pytest.fixture
def db(opened: OpenedDatabase, sqlite_db: Path) -> Path:
    opened.store.close()
    return sqlite_db


@pytest.fixture
def tickets(tmp_path: Path) -> Path:
    path = tmp_path / "zendesk.csv"
    good = "".join(f"{n},Ann,ann@acme.example,T{n},Open,High,2026-03-0{n} 10:00,,Acme,\r\n" for n in range(1, 4))
    path.write_bytes((HEADER + good + "4,Bo,bo@x.example,T4,Open,Blocker,2026-03-04 10:00,,,\r\n").encode())
    return path


def count(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT count(*) FROM support_tickets").fetchone()[0])


def test_bad_rows_without_yes_exit_1_and_name_them(db: Path, tickets: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tickets), "--db", str(db)]) == 1
    captured = capsys.readouterr()
    assert "1 bad row (line 5)" in captured.err and "--yes" in captured.err
    assert "line 5, Priority = 'Blocker'" in captured.out
    assert count(db) == 0


def test_dry_run_then_yes(db: Path, tickets: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tickets), "--db", str(db), "--dry-run", "--yes"]) == 0
    assert "would import (dry run): 3 created" in capsys.readouterr().out
    assert count(db) == 0
    assert main(["import", str(tickets), "--db", str(db), "--yes", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["status"], report["created"], report["skipped"], report["bad_row_count"]) == ("imported", 3, 1, 1)
    assert report["bad_rows"][0] == {
        "line": 5,
        "column": "Priority",
        "value": "Blocker",
        "reason": report["bad_rows"][0]["reason"],
    }
    assert count(db) == 3


def test_map_value_and_undo_last(db: Path, tickets: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tickets), "--db", str(db), "--map-value", "Priority:Blocker=urgent"]) == 0
    assert count(db) == 4
    assert main(["import", "--undo-last", "--db", str(db)]) == 0
    assert "4 rows removed" in capsys.readouterr().out
    assert count(db) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv"], "does not exist"),
        (["FILE", "--preset", "nope"], "unknown preset 'nope'"),
        (["FILE", "--date-order", "Created at"], "COLUMN=day or COLUMN=month"),
        (["FILE", "--timezone", "Mars/Base"], "unknown time zone"),
        ([], "give the FILE"),
    ],
)
def test_mistakes_are_messages_not_tracebacks(
    tmp_path: Path, tickets: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Each mistake is found before the database is opened: the --db file never has to exist.
    argv = ["import", *[str(tickets) if a == "FILE" else a for a in args], "--db", str(tmp_path / "none.sqlite")]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_an_ambiguous_file_asks(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(b"Name;Renewal\r\nAcme;03.04.2026\r\n")
    assert main(["import", str(path), "--db", str(db)]) == 1
    assert "--date-order" in capsys.readouterr().err
    assert main(["import", str(path), "--db", str(db), "--date-order", "Renewal=day"]) == 0


def test_the_kind_is_said_or_detected(db: Path, tickets: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "customers", str(tickets), "--db", str(db)]) == 1
    assert "look like tickets (zendesk), not customers" in capsys.readouterr().err
    assert main(["import", "widgets", str(tickets), "--db", str(db)]) == 1
    assert "unknown kind 'widgets'" in capsys.readouterr().err
    assert main(["import", "tickets", str(tickets), "--db", str(db), "--yes"]) == 0
    assert "3 created" in capsys.readouterr().out and count(db) == 3


def test_candidates_are_listed_after_a_ticket_import(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_bytes(b"Account ID,Name,Domain\r\nC-1,Acme,acme.example\r\n")
    assert main(["import", "customers", str(accounts), "--db", str(db)]) == 0
    path = tmp_path / "zendesk.csv"
    path.write_bytes((HEADER + "9,Ann,ann@acme.example,Down,Open,Urgent,2026-03-01 10:00,,,escalated\r\n").encode())
    capsys.readouterr()
    assert main(["import", "tickets", str(path), "--db", str(db), "--candidates"]) == 0
    out = capsys.readouterr().out
    assert "1 escalation candidate (open them from File > Import… in the app):" in out
    assert "1. S2 product_bug Acme: Escalated ticket: Down [zendesk:9]" in out
    assert main(["import", "tickets", str(path), "--db", str(db), "--candidates", "--json"]) == 0
    (candidate,) = json.loads(capsys.readouterr().out)["candidates"]
    assert (candidate["customer_name"], candidate["tickets"]) == ("Acme", ["zendesk:9"])


def test_an_xlsx_sheet_by_name(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl  # type: ignore[import-untyped]

    book = openpyxl.Workbook()
    book.active.title = "Intro"
    sheet = book.create_sheet("Accounts")
    sheet.append(["Name", "ARR"])
    sheet.append(["Acme", 1500.5])
    path = tmp_path / "book.xlsx"
    book.save(path)
    assert main(["import", str(path), "--db", str(db), "--sheet", "Nope"]) == 1
    assert "no sheet 'Nope'; its sheets: Intro, Accounts" in capsys.readouterr().err
    assert main(["import", "customers", str(path), "--db", str(db), "--sheet", "Accounts"]) == 0
    out = capsys.readouterr().out
    assert "book.xlsx: customers (customers), xlsx, sheet 'Accounts'" in out and "1 row read" in out
