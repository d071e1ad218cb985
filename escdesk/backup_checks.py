"""Is a file one EscDesk can restore? A whole, undamaged EscDesk database of a schema revision this version knows.

A file passes only when SQLite's full integrity check says "ok" and it has every table and column that its own
recorded revision has: the expected schema is built by running our migrations up to that revision in memory, so
it is exact for every revision, including ones added later, and a file that merely has tables of the right names
(an empty `escalations(x)`) is refused with what is missing.
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache
from pathlib import Path

from escdesk.errors import EscDeskError
from escdesk.store.engine import SQLITE_MAGIC

# A table every EscDesk schema has had since revision 0001: how a restore tells our file from another SQLite file.
MARKER_TABLES = ("alembic_version", "escalations", "customers", "case_events")
Schema = dict[str, frozenset[str]]


class NotRestorable(EscDeskError):
    """The file is not a restorable EscDesk database; the message says why."""


def check_backup_file(path: Path) -> str:
    """The schema revision of an EscDesk database file; NotRestorable says why any other file is refused."""
    if not path.is_file():
        raise NotRestorable(f"there is no file {path} to restore")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise NotRestorable(f"{path} is not an EscDesk backup (it is not an SQLite database file)")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return _checked_revision(path, connection)
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise NotRestorable(f"{path} is not an EscDesk backup (SQLite says: {exc})") from exc


def _checked_revision(path: Path, connection: sqlite3.Connection) -> str:
    found = _schema_of(connection)
    missing = [t for t in MARKER_TABLES if t not in found]
    if missing:
        raise NotRestorable(f"{path} is not an EscDesk backup (it has no {missing[0]} table)")
    if connection.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
        raise NotRestorable(f"{path} is damaged (SQLite's integrity check fails); choose another backup")
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    if row is None:
        raise NotRestorable(f"{path} is not an EscDesk backup (it records no schema revision)")
    revision = str(row[0])
    from escdesk.store.migrate import head_revision, known_revisions

    if revision not in known_revisions():
        raise NotRestorable(
            f"{path} was written by a newer EscDesk (schema {revision}); this version knows schemas up to "
            f"{head_revision()}. Update EscDesk to restore it; nothing was changed."
        )
    lacking = schema_gaps(expected_schema(revision), found)
    if lacking:
        raise NotRestorable(
            f"{path} is not an EscDesk backup: it says schema {revision} but lacks {'; '.join(lacking[:4])}"
        )
    return revision


def _schema_of(connection: sqlite3.Connection) -> Schema:
    tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: frozenset(row[1] for row in connection.execute(f'PRAGMA table_info("{t}")')) for t in tables}


def schema_gaps(expected: Schema, found: Schema) -> list[str]:
    """What `found` lacks of `expected`, in words ("escalations columns level, status", "table import_log"), the
    core tables first."""
    gaps: list[str] = []
    for table, columns in sorted(expected.items(), key=lambda item: (item[0] not in MARKER_TABLES, item[0])):
        if table not in found:
            gaps.append(f"table {table}")
        elif lacking := sorted(columns - found[table]):
            gaps.append(f"{table} columns {', '.join(lacking)}")
    return gaps


@lru_cache(maxsize=8)
def expected_schema(revision: str) -> Schema:
    """The tables and columns of an EscDesk database at `revision`, from our migrations run in memory."""
    from alembic import command
    from sqlalchemy import create_engine, inspect

    from escdesk.store.migrate import _alembic_config

    engine = create_engine("sqlite://")
    try:
        config = _alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            inspector = inspect(connection)
            return {t: frozenset(c["name"] for c in inspector.get_columns(t)) for t in inspector.get_table_names()}
    finally:
        engine.dispose()
