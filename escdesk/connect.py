"""Open a database for use: check the target, find the password, connect, migrate. One entry point for the
CLI and the GUI; both pass a function that asks the user for a password (or None when nobody can be asked)."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

from escdesk import credentials
from escdesk.errors import DatabaseUnavailable, PasswordRequired
from escdesk.store import Store
from escdesk.store.engine import DatabaseTarget, check_sqlite_file, create_db_engine

if TYPE_CHECKING:
    from escdesk.store.migrate import MigrationResult

log = logging.getLogger(__name__)

# Called with (target display, why we ask); returns the password typed, or None if the user cancelled.
AskPassword = Callable[[str, str], str | None]

AUTH_FAILURES = ("password authentication failed", "no password supplied", "authentication failed")


@dataclass
class OpenedDatabase:
    store: Store
    migration: MigrationResult
    notices: list[str] = field(default_factory=list)


def open_database(
    target: DatabaseTarget, *, create: bool = False, ask_password: AskPassword | None = None
) -> OpenedDatabase:
    """Raises DatabaseUnavailable (or a subclass) with a message fit for the user; nothing half-opened leaks."""
    notices: list[str] = []
    if target.is_sqlite:
        assert target.path is not None
        check_sqlite_file(target.path, must_exist=not create)
        if create and not target.path.exists():
            _create_private_file(target.path)
        engine = create_db_engine(target)
        _probe(engine, target)
    else:
        engine = _connect_team_database(target, ask_password, notices)
    try:
        # Alembic is imported here, not at module level: it is most of the start-up import time.
        from escdesk.store.migrate import upgrade_database

        migration = upgrade_database(engine, target)
    except BaseException:
        engine.dispose()
        raise
    return OpenedDatabase(Store(target, engine), migration, notices)


def _create_private_file(path: Path) -> None:
    """An empty file (SQLite's new database) that only the user reads: their customers' data goes in it.

    Made before SQLite opens it, because SQLite gives the -wal and -shm files the database file's mode.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot create {path}: {exc.strerror}") from exc
    path.chmod(0o600)  # in case a umask took bits away from 0o600 (it cannot add any)


def _probe(engine: Engine, target: DatabaseTarget) -> None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            if target.is_sqlite:
                connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").all()
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseUnavailable(_describe(exc, target)) from exc


def _describe(exc: DBAPIError, target: DatabaseTarget) -> str:
    original = exc.orig
    lines = str(original if original is not None else exc).strip().splitlines()
    detail = lines[0] if lines else type(original or exc).__name__
    if isinstance(original, sqlite3.DatabaseError) and "not a database" in detail:
        return f"{target.display} is not an EscDesk database (SQLite says: {detail})"
    if "readonly" in detail or "read-only" in detail:
        return f"{target.display} is read-only; EscDesk needs to write to its database"
    return f"cannot open {target.display}: {detail}"


def _is_auth_failure(exc: OperationalError) -> bool:
    return any(marker in str(exc.orig).lower() for marker in AUTH_FAILURES)


def _stored_password(target: DatabaseTarget, notices: list[str]) -> tuple[str | None, bool]:
    """(password from keyring or None, whether a keyring is usable)."""
    try:
        return credentials.get_password(target.credential_key), True
    except credentials.KeyringUnavailable as exc:
        notices.append(str(exc))
        return None, False


def _connect_team_database(target: DatabaseTarget, ask: AskPassword | None, notices: list[str]) -> Engine:
    password, keyring_ok = _stored_password(target, notices)
    # Without a stored password, try libpq's own sources first (PGPASSWORD, ~/.pgpass, trust or peer auth).
    engine = _try_connect(target, password)
    if engine is not None:
        return engine
    reason = "the saved password was refused" if password else "a password is needed"
    while True:
        typed = ask(target.display, reason) if ask else None
        if typed is None:
            raise PasswordRequired(
                f"{target.display}: {reason} and none was given (run EscDesk where it can ask you, or set PGPASSWORD)",
                refused=bool(password),
            )
        engine = _try_connect(target, typed)
        if engine is not None:
            if keyring_ok:
                _remember(target, typed, notices)
            return engine
        reason = "the password was refused"


def _remember(target: DatabaseTarget, password: str, notices: list[str]) -> None:
    try:
        credentials.save_password(target.credential_key, password)
    except credentials.KeyringUnavailable as exc:
        notices.append(str(exc))


def _try_connect(target: DatabaseTarget, password: str | None) -> Engine | None:
    """An engine that just connected, or None when the server refused the credentials."""
    engine = create_db_engine(target, password)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return engine
    except OperationalError as exc:
        engine.dispose()
        if _is_auth_failure(exc):
            return None
        raise DatabaseUnavailable(_describe(exc, target)) from exc
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseUnavailable(_describe(exc, target)) from exc
