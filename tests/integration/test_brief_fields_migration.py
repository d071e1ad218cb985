"""Migration 0002 (case_briefs, case_plan_items): a 0001 database with data upgrades in place (after a backup),
the mappings match what the migrations build, and the downgrade removes exactly what 0002 added."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from escdesk.connect import open_database
from escdesk.store import migrate
from escdesk.store.engine import create_db_engine, resolve_target
from escdesk.store.models import Base

RawRows = Callable[..., list[tuple[object, ...]]]  # the raw_rows fixture (conftest.py)


def _alembic(path: Path, revision: str, *, down: bool = False) -> None:
    engine = create_db_engine(resolve_target(path))
    try:
        config = migrate._alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, revision)
    finally:
        engine.dispose()


def _tables(raw_rows: RawRows, path: Path) -> set[str]:
    return {str(name) for (name,) in raw_rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_a_0001_database_upgrades_and_keeps_its_cases(sqlite_db: Path, raw_rows: RawRows) -> None:
    sqlite_db.touch(mode=0o600)
    _alembic(sqlite_db, "0001")
    assert "case_briefs" not in _tables(raw_rows, sqlite_db)
    rows = raw_rows(sqlite_db, "SELECT next_number FROM case_counter")
    assert rows == [(1001,)]

    opened = open_database(resolve_target(sqlite_db))
    opened.store.close()
    assert (opened.migration.from_revision, opened.migration.to_revision) == ("0001", migrate.head_revision())
    assert opened.migration.backup is not None and opened.migration.backup.is_file()
    assert {"case_briefs", "case_plan_items"} <= _tables(raw_rows, sqlite_db)
    assert raw_rows(sqlite_db, "SELECT next_number FROM case_counter") == [(1001,)]


def test_the_models_match_the_migrations(sqlite_db: Path) -> None:
    opened = open_database(resolve_target(sqlite_db), create=True)
    try:
        with opened.store.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        opened.store.close()


def test_the_downgrade_removes_what_0002_added(sqlite_db: Path, raw_rows: RawRows) -> None:
    opened = open_database(resolve_target(sqlite_db), create=True)
    opened.store.close()
    _alembic(sqlite_db, "0001", down=True)
    tables = _tables(raw_rows, sqlite_db)
    assert "case_briefs" not in tables and "case_plan_items" not in tables and "escalations" in tables
    indexes = {str(n) for (n,) in raw_rows(sqlite_db, "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "ix_escalations_closed_at" not in indexes
    assert raw_rows(sqlite_db, "SELECT version_num FROM alembic_version") == [("0001",)]
