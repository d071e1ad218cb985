"""Opening an SQLite database: created and migrated, WAL, foreign keys, busy timeout, private file, no re-migration."""

from __future__ import annotations

import json
import sqlite3
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from escdesk.cli import main
from escdesk.connect import OpenedDatabase, open_database
from escdesk.store import Store
from escdesk.store.engine import BUSY_TIMEOUT_MS, resolve_target
from escdesk.store.migrate import head_revision
from escdesk.store.models import CaseEventRow

# The newest migration in db/versions: the last file's revision, so a new migration needs no edit here.
HEAD = sorted(p.name for p in (Path(__file__).parents[2] / "db" / "versions").glob("0*.py"))[-1][:4]


def pragma(store: Store, name: str) -> object:
    with store.engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


RawRows = Callable[..., list[tuple[Any, ...]]]


def test_create_migrates_to_head(opened: OpenedDatabase, sqlite_db: Path, raw_rows: RawRows) -> None:
    assert opened.migration.from_revision is None
    assert opened.migration.to_revision == head_revision() == HEAD
    assert opened.migration.changed
    assert opened.migration.backup is None  # nothing to back up in a new file
    assert opened.notices == []
    assert raw_rows(sqlite_db, "SELECT version_num FROM alembic_version") == [(HEAD,)]
    tables = {name for (name,) in raw_rows(sqlite_db, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"customers", "people", "escalations", "case_events", "checklist_items", "involvements"} <= tables
    assert raw_rows(sqlite_db, "SELECT next_number FROM case_counter") == [(1001,)]


def test_connections_are_set_up(store: Store, sqlite_db: Path, raw_rows: RawRows) -> None:
    assert pragma(store, "journal_mode") == "wal"
    assert pragma(store, "foreign_keys") == 1
    assert pragma(store, "busy_timeout") == BUSY_TIMEOUT_MS
    assert pragma(store, "synchronous") == 2  # FULL
    # WAL is stored in the file: a plain connection sees it too.
    assert raw_rows(sqlite_db, "PRAGMA journal_mode") == [("wal",)]


def test_every_pooled_connection_is_set_up(store: Store) -> None:
    with store.engine.connect() as first, store.engine.connect() as second:
        for connection in (first, second):
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS


def test_foreign_keys_are_enforced(store: Store) -> None:
    with store.uow() as uow:
        uow.session.add(
            CaseEventRow(
                id="01HZZZZZZZZZZZZZZZZZZZZZZZ",
                escalation_id="no-such-case",
                at=datetime.now(UTC),
                actor="x",
                kind="note",
            )
        )
        with pytest.raises(IntegrityError, match="FOREIGN KEY constraint failed"):
            uow.commit()


def test_new_file_and_its_journal_are_private(opened: OpenedDatabase, sqlite_db: Path) -> None:
    with opened.store.engine.connect() as connection:
        connection.exec_driver_sql("SELECT count(*) FROM customers").scalar()
        for path in (sqlite_db, Path(f"{sqlite_db}-wal"), Path(f"{sqlite_db}-shm")):
            assert path.exists(), path
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_writers_take_the_lock_at_begin(store: Store, sqlite_db: Path) -> None:
    """A writer's unit of work holds SQLite's write lock from its first statement (BEGIN IMMEDIATE)."""
    other = sqlite3.connect(sqlite_db, timeout=0, isolation_level=None)
    try:
        with store.uow() as uow:
            uow.session.execute(select(1))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released once the unit of work ends
        other.execute("ROLLBACK")
        with store.read() as uow:
            uow.session.execute(select(1))
            other.execute("BEGIN IMMEDIATE")  # readers never block a writer
            other.execute("ROLLBACK")
    finally:
        other.close()


def test_reopening_does_not_migrate_again(
    opened: OpenedDatabase, sqlite_db: Path, monkeypatch: pytest.MonkeyPatch, make_customer: Callable[..., str]
) -> None:
    make_customer()
    opened.store.close()

    def no_upgrade(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("an up-to-date database must not be migrated")

    monkeypatch.setattr(command, "upgrade", no_upgrade)
    again = open_database(resolve_target(sqlite_db))
    try:
        assert (again.migration.from_revision, again.migration.to_revision) == (HEAD, HEAD)
        assert not again.migration.changed
        assert again.migration.backup is None
        with again.store.read() as uow:
            assert uow.customers.count() == 1
    finally:
        again.store.close()
    assert not (sqlite_db.parent / "backups").exists()


def test_reopening_keeps_the_file_mode_the_user_chose(opened: OpenedDatabase, sqlite_db: Path) -> None:
    opened.store.close()
    sqlite_db.chmod(0o640)
    again = open_database(resolve_target(sqlite_db))
    again.store.close()
    assert stat.S_IMODE(sqlite_db.stat().st_mode) == 0o640


# -- through the CLI ---------------------------------------------------------------------------------------------


def test_cli_init_migrate_and_cases(sqlite_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--db", str(sqlite_db)]) == 0
    assert capsys.readouterr().out.strip() == f"created {sqlite_db} (schema {HEAD})"
    assert stat.S_IMODE(sqlite_db.stat().st_mode) == 0o600

    assert main(["migrate", "--db", str(sqlite_db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "database": str(sqlite_db),
        "from": HEAD,
        "to": HEAD,
        "backup": None,
    }
    assert main(["migrate", "--db", str(sqlite_db)]) == 0
    assert capsys.readouterr().out.strip() == f"{sqlite_db} is already at schema {HEAD}"

    assert main(["cases", "--db", str(sqlite_db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["--db", str(sqlite_db), "cases"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 open cases"


def test_cli_init_uses_the_default_location(user_dirs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from escdesk.paths import default_database_path

    default = default_database_path()
    assert user_dirs in default.parents
    assert not default.parent.exists()
    assert main(["init"]) == 0
    assert default.is_file()
    assert str(default) in capsys.readouterr().out
