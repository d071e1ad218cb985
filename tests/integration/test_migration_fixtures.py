"""A database at every schema revision, with data, upgrades to the newest schema with its data intact.

Generic, so that a new file in db/versions is covered without touching this test: for each revision, Alembic
builds an empty database at exactly that revision; the schema is reflected and one row is written into every table
(foreign keys point at the rows of the tables they reference, values are valid for the domain where the column name
says what it holds: severity, level, status ...); then EscDesk opens the database as a user's app would (backup,
upgrade to head) and every row, column by column, must still be there, the file must pass SQLite's integrity and
foreign-key checks, and the services must read the case back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, Table, select, text, types

from escdesk.clock import FrozenClock
from escdesk.connect import open_database
from escdesk.domain import CaseStatus, Level
from escdesk.policy import default_policy
from escdesk.services import CaseService
from escdesk.store import migrate
from escdesk.store.engine import create_db_engine, resolve_target

SCRIPTS = ScriptDirectory.from_config(migrate._alembic_config())
REVISIONS = [script.revision for script in reversed(list(SCRIPTS.walk_revisions()))]  # oldest first
AT = datetime(2026, 3, 2, 9, 0)

# Values a column of that name must hold to be valid data (the column names are the domain's vocabulary).
BY_TABLE_AND_COLUMN: dict[tuple[str, str], Any] = {
    ("case_events", "kind"): "opened",
    ("case_events", "to_value"): "L2",
    ("case_events", "from_value"): None,
    ("escalations", "status"): CaseStatus.OPEN.value,
    ("checklist_items", "status"): "open",
    ("involvements", "status"): "open",
    ("import_log", "kind"): "customers",
    ("import_items", "action"): "created",
    ("customer_outcomes", "kind"): "renewed",
}
BY_COLUMN: dict[str, Any] = {
    "severity": "S2",
    "pace": "fast",
    "case_type": "outage",
    "level": int(Level.L2),
    "current_level": int(Level.L2),
    "band": "ENT",
    "bands": "ENT",
    "timezone": "Europe/Berlin",
    "time_zone": "Europe/Berlin",
    "email": "dana@example.com",
    "role": "support_lead",
    "number": 1001,
    "version": 1,
    "case_version": 1,
    "position": 1,
    "score": 70,
    "channel": None,
    "direction": None,
    "root_cause": None,
    "policy_version": "1",
    "sha256": "0" * 64,
}
# Instants that would take the case off the board (deleted, closed) stay empty: the case must still be open.
EMPTY_INSTANTS = ("deleted_at", "closed_at", "resolved_at", "undone_at", "done_at", "acknowledged_at")


def value_for(table: Table, column: Any, inserted: dict[str, dict[str, Any]], dialect: str) -> Any:
    name = column.name
    for key in column.foreign_keys:
        parent = inserted.get(key.column.table.name)
        return parent[key.column.name] if parent is not None else None
    if (table.name, name) in BY_TABLE_AND_COLUMN:
        return BY_TABLE_AND_COLUMN[(table.name, name)]
    if name in BY_COLUMN:
        return BY_COLUMN[name]
    return value_of_type(column, name, table.name, dialect)


def value_of_type(column: Any, name: str, table: str, dialect: str) -> Any:
    kind = column.type
    if isinstance(kind, types.DateTime):
        if name in EMPTY_INSTANTS and column.nullable:
            return None
        return AT.replace(tzinfo=UTC) if dialect == "postgresql" else AT
    if isinstance(kind, types.Date):
        return date(2026, 6, 30)
    if isinstance(kind, types.Boolean):
        return False
    if isinstance(kind, types.Integer):
        return 101 if column.primary_key else 7
    if isinstance(kind, types.Float | types.Numeric):
        return 1.5
    if isinstance(kind, types.JSON):
        return []
    if isinstance(kind, types.String):
        value = f"{table}.{name} Müller & Söhne"
        length = getattr(kind, "length", None)
        return value[:length] if length else value
    return None


def write_one_row_per_table(engine: Engine) -> dict[str, dict[str, Any]]:
    metadata = MetaData()
    metadata.reflect(engine)
    inserted: dict[str, dict[str, Any]] = {}
    with engine.begin() as connection:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            row = {c.name: value_for(table, c, inserted, engine.dialect.name) for c in table.columns}
            connection.execute(table.insert().values(row))
            inserted[table.name] = row
    return inserted


def snapshot(engine: Engine, columns: dict[str, list[str]] | None = None) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every table (or of the given tables, given columns), as comparable tuples."""
    metadata = MetaData()
    metadata.reflect(engine)
    wanted = columns or {t.name: [c.name for c in t.columns] for t in metadata.sorted_tables}
    result: dict[str, set[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for name, names in wanted.items():
            if name == "alembic_version":
                continue
            assert name in metadata.tables, f"table {name} was dropped by the upgrade"
            table = metadata.tables[name]
            missing = [n for n in names if n not in table.c]
            assert not missing, f"{name}: columns {missing} were dropped by the upgrade"
            rows = connection.execute(select(*(table.c[n] for n in names)))
            result[name] = {tuple(_comparable(v) for v in row) for row in rows}
    return result


def _comparable(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, list | dict):
        return repr(value)
    return value


def build_at(url: str, revision: str) -> tuple[dict[str, dict[str, Any]], dict[str, set[tuple[Any, ...]]]]:
    """An empty database at `revision` filled with one row per table: (rows written, snapshot)."""
    engine = create_db_engine(resolve_target(url))
    try:
        config = migrate._alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        inserted = write_one_row_per_table(engine)
        return inserted, snapshot(engine)
    finally:
        engine.dispose()


@dataclass
class Backend:
    name: str
    url: str


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, sqlite_db: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        sqlite_db.touch(mode=0o600)
        yield Backend("sqlite", str(sqlite_db))
    else:
        yield Backend("postgresql", request.getfixturevalue("pg_url"))


@pytest.mark.parametrize("revision", REVISIONS)
def test_a_database_at_each_revision_upgrades_with_its_data(revision: str, backend: Backend) -> None:
    inserted, before = build_at(backend.url, revision)
    assert "escalations" in inserted, "every revision has cases"
    columns_then = {name: _columns(inserted, name) for name in before}

    opened = open_database(resolve_target(backend.url))
    try:
        assert opened.migration.to_revision == migrate.head_revision()
        assert opened.migration.from_revision == revision
        after = snapshot(opened.store.engine, columns_then)
        for name, rows in before.items():
            assert rows <= after[name], f"{name}: rows written at {revision} changed or vanished on upgrade"
        _check_integrity(opened.store.engine)
        service = CaseService(opened.store, FrozenClock(AT.replace(tzinfo=UTC)), default_policy(), actor="test")
        case_id = inserted["escalations"]["id"]
        card = service.card(case_id)
        assert (card.number, card.level, card.status) == (1001, Level.L2, CaseStatus.OPEN)
        assert case_id in {c.id for c in service.open_cards()}
        assert [e.kind.value for e in service.history(case_id)] == ["opened"]
    finally:
        opened.store.close()


def _columns(inserted: dict[str, dict[str, Any]], table: str) -> list[str]:
    return list(inserted[table]) if table in inserted else []


def _check_integrity(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert connection.execute(text("PRAGMA foreign_key_check")).all() == []


def test_every_shipped_revision_is_covered() -> None:
    """The list is read from db/versions, so a new migration is part of this test the moment it is added."""
    files = {p.name.split("_")[0] for p in Path(migrate._alembic_config().get_main_option("script_location") or "")
             .joinpath("versions").glob("[0-9]*.py")}  # fmt: skip
    assert files == set(REVISIONS)
    assert REVISIONS[-1] == migrate.head_revision()
