"""Every real export in ../shared/data reads with the row counts its README states (skipped when the folder is
missing); the RavenStack accounts get their ARR from the active subscriptions."""

from __future__ import annotations

import csv
import functools
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from escdesk.connect import OpenedDatabase
from escdesk.importing import ImportReport, prepare_import
from escdesk.importing.presets import UnknownFormat
from escdesk.importing.records import TicketRecord
from escdesk.money import to_cents
from escdesk.store import Store

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason=f"{DATA} is not here")


@functools.cache
def report_of(name: str) -> ImportReport:
    """Reading is pure (no database): one read per file serves every test that only looks at its report."""
    return prepare_import(DATA / name).report


@pytest.mark.parametrize(
    ("name", "preset", "rows", "bad", "warnings"),
    [
        ("customer_support_tickets.csv", "support-tickets", 8469, 0, 1365),
        ("jira_cloud_export_en_agile_project.csv", "jira", 68, 0, 0),
        ("freshdesk_tickets_export_sample.csv", "freshdesk", 45, 1, 0),
        ("ravenstack_accounts.csv", "ravenstack-accounts", 500, 0, 0),
        ("ravenstack_support_tickets.csv", "ravenstack-tickets", 2000, 0, 36),
    ],
)
def test_real_file_reads_with_its_stated_counts(name: str, preset: str, rows: int, bad: int, warnings: int) -> None:
    report = report_of(name)
    assert (report.preset, report.rows_read, len(report.bad_lines), len(report.warnings)) == (
        preset,
        rows,
        bad,
        warnings,
    )
    assert report.questions == []


def test_the_kaggle_file_has_a_bom_and_one_blank_row() -> None:
    report = report_of("customer_support_tickets.csv")
    assert (report.encoding, report.blank_rows) == ("utf-8-sig", 1)
    assert {w.reason for w in report.warnings} == {"resolved before the first response"}


def test_freshdesk_openpending_is_flagged_and_kept_for_mapping() -> None:
    report = prepare_import(DATA / "freshdesk_tickets_export_sample.csv").report
    assert dict(report.unmapped["Status"]) == {"OpenPending": 1}
    (issue,) = report.bad_rows
    assert (issue.column, issue.value) == ("Status", "OpenPending")


def test_jira_keeps_all_five_labels() -> None:
    prepared = prepare_import(DATA / "jira_cloud_export_en_agile_project.csv")
    tickets = [r.record for r in prepared.converted() if isinstance(r.record, TicketRecord)]
    labels = [ticket.labels for ticket in tickets if len(ticket.labels) == 5]
    assert labels == [["deliverable-d2", "documentation", "iteration", "rubric", "testing"]]


def test_subscriptions_are_not_imported_on_their_own_and_say_why() -> None:
    with pytest.raises(UnknownFormat, match="RavenStack subscriptions are read with the accounts"):
        prepare_import(DATA / "ravenstack_subscriptions.csv")


def test_ravenstack_accounts_and_their_tickets(store: Store, sqlite_db: Path) -> None:
    expected: dict[str, Decimal] = {}
    with (DATA / "ravenstack_subscriptions.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            if not row["end_date"] and row["churn_flag"] != "True":
                expected[row["account_id"]] = expected.get(row["account_id"], Decimal(0)) + Decimal(row["arr_amount"])
    accounts = prepare_import(DATA / "ravenstack_accounts.csv").apply(store)
    assert accounts.created == 500
    tickets = prepare_import(DATA / "ravenstack_support_tickets.csv").apply(store)
    assert (tickets.created, dict(tickets.links)) == (2000, {"by id": 2000})
    with sqlite3.connect(sqlite_db) as connection:
        arr = dict(
            connection.execute(
                "SELECT e.external_id, c.arr_cents FROM customers c "
                "JOIN customer_external_ids e ON e.customer_id = c.id"
            ).fetchall()
        )
        escalated = connection.execute("SELECT count(*) FROM support_tickets WHERE escalated").fetchone()
    assert arr == {account: to_cents(expected.get(account, 0)) for account in arr}
    assert len(arr) == 500 and escalated == (95,)


def test_ravenstack_accounts_without_subscriptions_say_so(tmp_path: Path) -> None:
    alone = tmp_path / "ravenstack_accounts.csv"
    alone.write_bytes((DATA / "ravenstack_accounts.csv").read_bytes())
    assert "no ravenstack_subscriptions.csv next to the file" in prepare_import(alone).report.describe()


def test_every_file_imports_through_the_cli(
    opened: OpenedDatabase, sqlite_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The RavenStack set as a multi-file import (accounts with ARR, tickets linked, usage as health, churn as
    outcomes), then every helpdesk file; the counts each one states."""
    from escdesk.cli import main

    opened.store.close()
    steps = [
        (["customers", "ravenstack_accounts.csv"], "500 created"),
        (["tickets", "ravenstack_support_tickets.csv", "--candidates"], "91 escalation candidates (open them"),
        (["health", "ravenstack_feature_usage.csv"], "10182 created"),
        (["outcomes", "ravenstack_churn_events.csv"], "599 created"),
        (["tickets", "customer_support_tickets.csv"], "8469 created"),
        (["tickets", "jira_cloud_export_en_agile_project.csv"], "68 created"),
        (["tickets", "freshdesk_tickets_export_sample.csv", "--yes"], "44 created, 0 updated, 0 unchanged, 1 bad row"),
    ]
    for args, expected in steps:
        kind, name, *rest = args
        assert main(["import", kind, str(DATA / name), "--db", str(sqlite_db), *rest]) == 0, name
        assert expected in capsys.readouterr().out, name
    with sqlite3.connect(sqlite_db) as connection:
        assert connection.execute("SELECT count(*) FROM customer_outcomes WHERE kind = 'churned'").fetchone() == (599,)
        assert connection.execute("SELECT count(DISTINCT customer_id) FROM health_scores").fetchone()[0] > 400
