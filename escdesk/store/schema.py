"""What opening a database needs to know about its schema without loading Alembic.

Alembic and the migration scripts take about a quarter of a second to import and read. A database already at
the newest schema, which is every open but the first after an upgrade, needs neither: `at_head` reads its
revision with one query, and escdesk.store.migrate runs only when there is something to do.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from escdesk.errors import DatabaseUnavailable
from escdesk.store.engine import DatabaseTarget

# The newest revision in db/versions (a test keeps it equal to Alembic's head).
HEAD_REVISION = "0007"


@dataclass(frozen=True, slots=True)
class MigrationResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.from_revision != self.to_revision


def at_head(engine: Engine) -> bool:
    """Whether the database records the newest revision (False for a new, foreign or older database)."""
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:  # no such table: a new or foreign database; the full check says which
        return False
    return versions == [HEAD_REVISION]


def use_wal(engine: Engine, target: DatabaseTarget) -> None:
    """WAL (readers never block the writer) is a property of the file: set it once the file is known to be ours.

    On the raw connection, outside any transaction: SQLite cannot change the journal mode inside one.
    """
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(f"cannot use {target.display}: {exc}") from exc
    finally:
        connection.close()
