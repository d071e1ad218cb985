"""`escdesk demo` against real databases: SQLite files in tmp_path (and PostgreSQL when TEST_PG_URL is set)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import escdesk.demo
from escdesk.cli import main
from escdesk.clock import FrozenClock
from escdesk.connect import open_database
from escdesk.demo import DemoError, DemoSpec, DemoSummary, populate, write_demo_database
from escdesk.domain import CaseType, Level, NewCase, Pace, Severity
from escdesk.policy import default_policy
from escdesk.services import CaseService
from escdesk.store.engine import resolve_target

AS_OF = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SMALL = ["--customers", "60", "--open", "12", "--history", "40", "--as-of", "2026-12-01T09:00Z"]
DEMO_TABLES = (
    "people", "person_roles", "customers", "customer_external_ids", "health_scores", "escalations",
    "escalation_tickets", "case_events", "involvements", "checklist_items", "case_counter", "database_meta",
)  # fmt: skip


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder of the test's own: tmp_path also holds the private XDG folders (tests/conftest.py)."""
    path = tmp_path / "demos"
    path.mkdir()
    return path


def small_spec(seed: int = 7) -> DemoSpec:
    return DemoSpec(customers=60, open_cases=12, history=40, seed=seed, as_of=AS_OF)


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every demo table's rows in key order: what "the same data" means, whatever the file bytes."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return {table: connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in DEMO_TABLES}


def count(path: Path, sql: str) -> Any:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql).fetchone()[0]


def leftovers(folder: Path, keep: Path | None = None) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p != keep)


# -- through the command line -------------------------------------------------------------------------------------


def test_cli_writes_a_demo_that_the_store_and_the_cases_command_read(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = folder / "demo.sqlite"
    assert main(["demo", "--db", str(db), *SMALL, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["customers"] == 60 and summary["open_cases"] == 12 and summary["closed_cases"] == 40
    assert summary["target"] == str(db) and summary["events"] == count(db, "SELECT count(*) FROM case_events")
    assert leftovers(folder) == ["demo.sqlite"]  # no temporary file, no -wal or -shm
    assert main(["cases", "--db", str(db), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 12 and all(c["reference"].startswith("ESC-") for c in listed)


def test_cli_prints_a_readable_summary(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = folder / "demo.sqlite"
    assert main(["demo", "--db", str(db), *SMALL]) == 0
    out = capsys.readouterr().out
    assert "60 customers" in out and "12 open and 40 closed escalations" in out and f"escdesk --db {db}" in out


def test_cli_refuses_an_existing_file_without_replace(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = folder / "demo.sqlite"
    assert main(["demo", "--db", str(db), *SMALL]) == 0
    before = db.read_bytes()
    capsys.readouterr()
    assert main(["demo", "--db", str(db), *SMALL, "--seed", "8"]) == 1
    error = capsys.readouterr().err
    assert str(db) in error and "--replace" in error
    assert db.read_bytes() == before


def test_cli_replace_overwrites_with_a_new_demo(folder: Path) -> None:
    db = folder / "demo.sqlite"
    assert main(["demo", "--db", str(db), *SMALL]) == 0
    first = dump(db)
    assert main(["demo", "--db", str(db), *SMALL, "--seed", "8", "--replace"]) == 0
    second = dump(db)
    assert second["customers"] != first["customers"] and len(second["customers"]) == 60
    assert leftovers(folder) == ["demo.sqlite"]


def test_cli_creates_a_missing_folder(folder: Path) -> None:
    db = folder / "new" / "folder" / "demo.sqlite"
    assert main(["demo", "--db", str(db), *SMALL]) == 0
    assert count(db, "SELECT count(*) FROM customers") == 60


# -- write_demo_database ------------------------------------------------------------------------------------------


def test_the_same_spec_gives_the_same_rows(folder: Path) -> None:
    write_demo_database(resolve_target(folder / "a.sqlite"), small_spec())
    write_demo_database(resolve_target(folder / "b.sqlite"), small_spec())
    write_demo_database(resolve_target(folder / "c.sqlite"), small_spec(seed=8))
    first = dump(folder / "a.sqlite")
    assert first == dump(folder / "b.sqlite")
    assert first["escalations"] != dump(folder / "c.sqlite")["escalations"]


def test_the_default_size_fills_every_level_and_loads_through_the_store(folder: Path) -> None:
    target = resolve_target(folder / "demo.sqlite")
    summary = write_demo_database(target, DemoSpec(400, 40, 600, 7, AS_OF))
    assert (summary.customers, summary.open_cases, summary.closed_cases) == (400, 40, 600)
    assert summary.health_points == 400 * 26 and summary.people > 30 and summary.seconds > 0
    opened = open_database(target)
    try:
        assert opened.is_demo
        with opened.store.read() as uow:
            cards = uow.cases.open_cards()
            history = uow.cases.history(cards[0].id)
            health = uow.customers.health_history(cards[0].customer_id)
        assert len(cards) == 40 and {card.level for card in cards} == set(Level)
        policy = default_policy()
        assert all(
            card.checklist_total == len(policy.checklist_for(card.case_type, card.severity).steps) for card in cards
        )
        assert any(policy.checklist_for(card.case_type, card.severity).variant for card in cards)  # variants shown
        assert all(card.opened_at <= AS_OF and card.opened_at.tzinfo is not None for card in cards)
        assert history[0].at == cards[0].opened_at and len(health) == 26
        assert sum(1 for card in cards if card.severity is Severity.S1) >= 3
    finally:
        opened.store.close()


def test_most_moves_up_are_acknowledged_at_the_new_level_before_the_next_move(folder: Path) -> None:
    """The demo's people acknowledge cases moved up to them (escdesk.level_ack), so its board does not show an
    "Ack overdue" on nearly every case above L2; some stay unacknowledged, as in life."""
    target = folder / "demo.sqlite"
    write_demo_database(resolve_target(target), DemoSpec(400, 40, 600, 7, AS_OF))
    with contextlib.closing(sqlite3.connect(target)) as connection:
        rows = connection.execute(
            "SELECT escalation_id, at, kind, from_value, to_value FROM case_events"
            " WHERE kind IN ('level_changed', 'level_acknowledged') ORDER BY escalation_id, at"
        ).fetchall()
    moves_up = acknowledged = 0
    for index, (case_id, at, kind, before, after) in enumerate(rows):
        if kind == "level_acknowledged":
            previous = rows[index - 1]  # the move up it acknowledges: no other move in between
            assert previous[0] == case_id and previous[2] == "level_changed" and previous[4] == after, rows[index]
            assert previous[4] > previous[3] and at > previous[1]
            acknowledged += 1
        elif after > before:
            moves_up += 1
    assert moves_up > 100 and 0.7 * moves_up < acknowledged < moves_up


def test_the_case_counter_continues_after_the_last_case(folder: Path) -> None:
    target = resolve_target(folder / "demo.sqlite")
    write_demo_database(target, small_spec())
    assert count(folder / "demo.sqlite", "SELECT next_number FROM case_counter WHERE id = 1") == 1001 + 52
    opened = open_database(target)
    try:
        service = CaseService(opened.store, FrozenClock(AS_OF), default_policy(), "Test Lead")
        customer = service.open_cards()[0].customer_id
        card = service.open_case(NewCase(customer, "After the demo", CaseType.PRODUCT_BUG, Severity.S3, Pace.FAST))
        assert card.number == 1001 + 52
    finally:
        opened.store.close()


def test_a_failed_build_leaves_no_file_behind(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_generate = escdesk.demo.generate

    def failing(spec: DemoSpec) -> Iterator[tuple[str, list[Any]]]:
        for n, batch in enumerate(real_generate(spec)):
            if n == 400:
                raise RuntimeError("disk on fire")
            yield batch

    monkeypatch.setattr(escdesk.demo, "generate", failing)
    monkeypatch.setattr(escdesk.demo, "BATCH", 50)  # so that batches were written before the failure
    db = folder / "demo.sqlite"
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_demo_database(resolve_target(db), small_spec())
    assert leftovers(folder) == []


def test_a_failed_replace_keeps_the_old_database(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = folder / "demo.sqlite"
    write_demo_database(resolve_target(db), small_spec())
    before = db.read_bytes()

    def failing(spec: DemoSpec) -> Iterator[tuple[str, list[Any]]]:
        yield from []
        raise KeyboardInterrupt

    monkeypatch.setattr(escdesk.demo, "generate", failing)
    with pytest.raises(KeyboardInterrupt):
        write_demo_database(resolve_target(db), small_spec(seed=9), replace=True)
    assert db.read_bytes() == before and leftovers(folder) == ["demo.sqlite"]


def test_replace_refuses_to_overwrite_what_is_not_sqlite(folder: Path) -> None:
    precious = folder / "thesis.docx"
    precious.write_bytes(b"PK\x03\x04 not a database")
    with pytest.raises(DemoError, match="not an SQLite database"):
        write_demo_database(resolve_target(precious), small_spec(), replace=True)
    assert precious.read_bytes() == b"PK\x03\x04 not a database"
    with pytest.raises(DemoError, match="folder"):
        write_demo_database(resolve_target(folder), small_spec())


def test_populate_fills_an_empty_database_and_refuses_a_full_one(folder: Path) -> None:
    opened = open_database(resolve_target(folder / "empty.sqlite"), create=True)
    try:
        summary = populate(opened.store, small_spec())
        assert isinstance(summary, DemoSummary) and summary.open_cases == 12
        with pytest.raises(DemoError, match="already holds data"):
            populate(opened.store, small_spec())
        with opened.store.read() as uow:
            assert uow.customers.count() == 60
    finally:
        opened.store.close()


# -- PostgreSQL -----------------------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgresql_demo_refuses_data_and_replaces_it_in_one_go(pg_url: str) -> None:
    target = resolve_target(pg_url)
    first = write_demo_database(target, small_spec())
    assert (first.customers, first.open_cases, first.closed_cases) == (60, 12, 40)
    with pytest.raises(DemoError, match="--replace"):
        write_demo_database(target, small_spec())
    second = write_demo_database(target, small_spec(seed=8), replace=True)
    assert second.customers == 60
    opened = open_database(target)
    try:
        assert opened.is_demo
        with opened.store.read() as uow:
            assert uow.customers.count() == 60 and len(uow.cases.open_cards()) == 12
    finally:
        opened.store.close()
