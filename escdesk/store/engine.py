"""Turning a --db value into a checked database target and an Engine with the right per-connection settings."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from escdesk.errors import DatabaseUnavailable

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
SUPPORTED = "a file path, sqlite:///PATH or postgresql://USER@HOST[:PORT]/DATABASE"


@dataclass(frozen=True, slots=True)
class DatabaseTarget:
    """Where the data lives. `url` never holds a password: that comes from keyring at connect time."""

    url: URL
    path: Path | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.path is not None

    @property
    def display(self) -> str:
        if self.path is not None:
            return str(self.path)
        return self.url.render_as_string(hide_password=True)

    @property
    def credential_key(self) -> str:
        """The keyring account name for a team database: user@host:port/database."""
        u = self.url
        return f"{u.username or ''}@{u.host or 'localhost'}:{u.port or 5432}/{u.database or ''}"


def resolve_target(value: str | os.PathLike[str]) -> DatabaseTarget:
    """Parse a --db value (path or URL) without touching the disk or network."""
    text = os.fspath(value).strip()
    if not text:
        raise DatabaseUnavailable(f"--db is empty; give {SUPPORTED}")
    if "://" not in text:
        return _sqlite_target(Path(text).expanduser())
    try:
        url = make_url(text)
    except ArgumentError:
        raise DatabaseUnavailable(f"cannot read the database URL {text!r}; give {SUPPORTED}") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise DatabaseUnavailable("an in-memory SQLite database would lose everything on exit; give a file path")
        return _sqlite_target(Path(url.database).expanduser())
    if backend in ("postgresql", "postgres"):
        return _postgres_target(url)
    raise DatabaseUnavailable(
        f"unsupported database type {backend!r} in {url.render_as_string(hide_password=True)}; give {SUPPORTED}"
    )


def _sqlite_target(path: Path) -> DatabaseTarget:
    path = path.absolute()
    return DatabaseTarget(url=URL.create("sqlite", database=str(path)), path=path)


def _postgres_target(url: URL) -> DatabaseTarget:
    if not url.database:
        raise DatabaseUnavailable(f"the PostgreSQL URL {url.render_as_string(hide_password=True)} names no database")
    # The password, if typed into the URL, is dropped here; credentials.py supplies it from keyring.
    return DatabaseTarget(url=url.set(drivername="postgresql+psycopg", password=None))


def check_sqlite_file(path: Path, *, must_exist: bool) -> None:
    """Refuse, with a clear message, what SQLite would otherwise fail on later and less clearly."""
    if path.is_dir():
        raise DatabaseUnavailable(f"{path} is a folder, not a database file")
    if not path.exists():
        if must_exist:
            raise DatabaseUnavailable(
                f"there is no database at {path} (create one with 'escdesk init --db {path}' "
                "or 'escdesk demo --db ...')"
            )
        if not path.parent.is_dir():
            raise DatabaseUnavailable(f"the folder {path.parent} does not exist")
        if not os.access(path.parent, os.W_OK):
            raise DatabaseUnavailable(f"cannot create {path}: the folder {path.parent} is not writable")
        return
    _check_existing_file(path)


def _check_existing_file(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot read {path}: {exc.strerror}") from exc
    if header and header != SQLITE_MAGIC:
        raise DatabaseUnavailable(f"{path} is not an EscDesk database (it is not an SQLite file)")
    if not os.access(path, os.W_OK):
        raise DatabaseUnavailable(
            f"{path} is read-only; EscDesk needs to write to its database "
            "(make the file writable, or copy it somewhere you can write)"
        )
    if not os.access(path.parent, os.W_OK):
        # WAL mode keeps -wal and -shm files beside the database.
        raise DatabaseUnavailable(f"the folder {path.parent} is read-only; SQLite needs to write its journal there")


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Autocommit at the driver level so that we emit BEGIN ourselves (see _sqlite_on_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    # FULL: a committed change survives a power cut, not only a crash of the process.
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    # Writers take the write lock at BEGIN: a deferred transaction that upgrades later can fail with
    # "database is locked" at once, bypassing busy_timeout, when another process committed meanwhile.
    immediate = connection.get_execution_options().get("escdesk_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_db_engine(target: DatabaseTarget, password: str | None = None) -> Engine:
    if target.is_sqlite:
        engine = create_engine(target.url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    url = target.url.set(password=password) if password else target.url
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10, "application_name": "escdesk"})
