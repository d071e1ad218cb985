"""Turning a --db value into a checked database target and an Engine with the right per-connection settings."""

from __future__ import annotations

import errno
import os
import re
import sqlite3
import stat
import threading
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
        # Shown to people and saved in settings: the URL they would type, without our driver name.
        return self.url.set(drivername=self.url.get_backend_name()).render_as_string(hide_password=True)

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
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise DatabaseUnavailable(f"cannot read the database URL {mask_password(text)!r}; give {SUPPORTED}") from None
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
    shown = url.render_as_string(hide_password=True)
    if not url.database:
        raise DatabaseUnavailable(f"the PostgreSQL URL {shown} names no database")
    if url.port is not None and not 0 < url.port < 65536:
        raise DatabaseUnavailable(f"the PostgreSQL URL {shown} has port {url.port}; ports go from 1 to 65535")
    return DatabaseTarget(url=without_password(url).set(drivername="postgresql+psycopg"))


def mask_password(text: str) -> str:
    """A URL as typed, fit to show or write down even when it cannot be parsed: "user:secret@" becomes "user:***@"."""
    return re.sub(r"(//[^/:@]*):[^/@]*@", r"\1:***@", text)


def without_password(url: URL) -> URL:
    """The URL with any password (in the user part or as ?password=) dropped; keyring supplies it at connect time.

    Built anew because `URL.set(password=None)` means "leave the password as it is", not "remove it".
    """
    return URL.create(
        url.drivername,
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query={k: v for k, v in url.query.items() if k.lower() != "password"},
    )


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
        if path.parent.exists() and not path.parent.is_dir():
            raise DatabaseUnavailable(f"cannot create {path}: {path.parent} is a file, not a folder")
        if not path.parent.is_dir():
            raise DatabaseUnavailable(f"cannot create {path}: the folder {path.parent} does not exist")
        if not os.access(path.parent, os.W_OK):
            raise DatabaseUnavailable(f"cannot create {path}: the folder {path.parent} is not writable")
        return
    if opened_in_this_process(path):
        return  # checked when it was opened; opening the file again here would drop SQLite's locks (below)
    _check_existing_file(path)


# How many DBAPI connections this process has open on each SQLite file. Closing any descriptor of a file drops all
# of this process's fcntl locks on it, SQLite's included: its SHARED lock on a WAL database is what stops another
# process that closes its connection from deleting the -wal and -shm still in use here (commits then lost). So the
# checks that open the file, and escdesk.file_use's in-use probe, never run on a file we have open.
_CONNECTIONS_HERE: dict[Path, int] = {}
_COUNTING = threading.Lock()  # pools open and close connections on worker threads


def opened_in_this_process(path: Path) -> bool:
    return _CONNECTIONS_HERE.get(path.absolute(), 0) > 0


def _count_connections(engine: Engine, path: Path) -> None:
    def opened(_dbapi_connection: Any, _record: Any) -> None:
        with _COUNTING:
            _CONNECTIONS_HERE[path] = _CONNECTIONS_HERE.get(path, 0) + 1

    def closed(_dbapi_connection: Any, _record: Any) -> None:
        with _COUNTING:
            _CONNECTIONS_HERE[path] = max(_CONNECTIONS_HERE.get(path, 0) - 1, 0)

    event.listen(engine, "connect", opened)
    event.listen(engine.pool, "close", closed)
    event.listen(engine.pool, "close_detached", closed)


def _check_existing_file(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot read {path}: {exc.strerror}") from exc
    if header and header != SQLITE_MAGIC:
        raise DatabaseUnavailable(f"{path} is not an EscDesk database (it is not an SQLite file)")
    if _is_read_only(path):
        raise DatabaseUnavailable(
            f"{path} is read-only; EscDesk needs to write to its database "
            "(make the file writable, or copy it somewhere you can write)"
        )
    if not os.access(path.parent, os.W_OK):
        # WAL mode keeps -wal and -shm files beside the database.
        raise DatabaseUnavailable(f"the folder {path.parent} is read-only; SQLite needs to write its journal there")


def _is_read_only(path: Path) -> bool:
    """Whether SQLite would open the file read-only, or the file is marked read-only.

    The permission bits are checked on their own because root (and os.access for root) ignores them: a file
    someone marked read-only must not be written, whoever runs EscDesk. Opening for writing is the test SQLite
    itself makes, and catches read-only mounts and immutable files; os.access would use the real, not the
    effective, user.
    """
    if not stat.S_IMODE(path.stat().st_mode) & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return True
    try:
        os.close(os.open(path, os.O_RDWR))
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return True
        raise DatabaseUnavailable(f"cannot open {path}: {exc.strerror}") from exc
    return False


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Autocommit at the driver level so that we emit BEGIN ourselves (see _sqlite_on_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    # journal_mode = WAL is set by migrate.upgrade_database once the file is known to be ours: it is stored in the
    # file, and setting it here would rewrite the header of any SQLite file someone points --db at by mistake.
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
        assert target.path is not None
        _count_connections(engine, target.path)
        return engine
    url = target.url.set(password=password) if password else target.url
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10, "application_name": "escdesk"})
