"""Rolling backups of an embedded (SQLite) database, and restoring one.

Every copy goes through SQLite's online backup API: it is consistent even while EscDesk (or a second EscDesk) has
the file open in WAL mode, which a plain file copy is not. Copies live in `backups/` beside the database, are
private to the user (0600 in a 0700 folder, like the database) and are written under a temporary name and renamed,
so a crash mid-copy never leaves a half file that looks like a backup.

Kinds, by file name `<stem>-<label>-<UTC stamp>.sqlite`:
- `daily`: taken when the app opens the database and the newest daily copy is older than a day; 7 kept.
- `before-<operation>`: before a migration (`before-0004`), an import, a restore; 5 kept.
- `manual`: `escdesk backup`; never pruned (the user asked for it, the user deletes it).

A team database (PostgreSQL) is not copied: its backups are the server's job (pg_dump, the provider's snapshots).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from escdesk.errors import EscDeskError
from escdesk.paths import backup_dir_for
from escdesk.store.engine import SQLITE_MAGIC, DatabaseTarget

if TYPE_CHECKING:
    from escdesk.connect import OpenedDatabase

DAILY_KEEP = 7
PRE_OP_KEEP = 5
DAILY_EVERY = timedelta(days=1)
STAMP = "%Y%m%dT%H%M%S%fZ"
POSTGRES_BACKUPS = (
    "{display} is a team database on a PostgreSQL server: its backups are the server's job, not EscDesk's. "
    "Use pg_dump (for example `pg_dump -Fc -f escdesk.dump DATABASE`) or your provider's snapshots, and "
    "pg_restore to bring one back."
)
# A table every EscDesk schema has had since revision 0001: how a restore tells our file from another SQLite file.
MARKER_TABLES = ("alembic_version", "escalations", "customers", "case_events")


class BackupFailed(EscDeskError):
    """A backup or restore could not be made; the message names the file and the reason."""


class PostgresBackupsAreTheServersJob(BackupFailed):
    def __init__(self, target: DatabaseTarget) -> None:
        super().__init__(POSTGRES_BACKUPS.format(display=target.display))


@dataclass(frozen=True, slots=True)
class RestoreResult:
    restored_from: Path
    database: Path
    revision: str
    previous_copy: Path | None  # the database as it was before the restore (None: there was none)


# -- taking copies ------------------------------------------------------------------------------------------------


def copy_database(source: Path, destination: Path) -> Path:
    """A consistent copy of `source` at `destination` (0600), through a temporary file and a rename."""
    destination = destination.expanduser().absolute()
    if destination.exists() and destination.samefile(source):
        raise BackupFailed(f"{destination} is the database itself; give another file name")
    try:
        handle, name = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".part", dir=destination.parent)
    except OSError as exc:
        raise BackupFailed(f"cannot write {destination}: {exc.strerror or exc}") from exc
    os.close(handle)  # mkstemp made it 0600: SQLite keeps that mode when it fills the file
    temporary = Path(name)
    try:
        _online_copy(source, temporary)
        _fsync(temporary)
        os.replace(temporary, destination)
        _fsync_folder(destination.parent)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return destination


def _online_copy(source: Path, destination: Path) -> None:
    try:
        # Not mode=ro: a read-only connection, the last to close, would leave empty -wal and -shm files behind.
        reader = sqlite3.connect(source, timeout=10)
    except sqlite3.Error as exc:
        raise BackupFailed(f"cannot read {source}: {exc}") from exc
    try:
        writer = sqlite3.connect(destination)
        try:
            reader.backup(writer)
            # The copy is a single file: a rollback journal, not WAL, so nothing must travel beside it.
            writer.execute("PRAGMA journal_mode = DELETE")
        finally:
            writer.close()
    except sqlite3.Error as exc:
        raise BackupFailed(f"cannot copy {source} to {destination}: {exc}") from exc
    finally:
        reader.close()


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_folder(folder: Path) -> None:
    """The rename itself must survive a power cut (POSIX: fsync the folder); Windows has no folder handles."""
    if os.name == "nt":
        return
    _fsync(folder)


def backup_folder(database: Path) -> Path:
    folder = backup_dir_for(database)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def take_backup(database: Path, label: str, *, now: datetime | None = None) -> Path:
    """A copy in the database's backups/ folder, named by label and time; then old copies of its kind pruned."""
    folder = backup_folder(database)
    stamp = (now or datetime.now(UTC)).strftime(STAMP)
    destination = folder / f"{database.stem}-{label}-{stamp}.sqlite"
    copy = copy_database(database, destination)
    prune(database)
    return copy


def backup_before(operation: str, target: DatabaseTarget | Path) -> Path | None:
    """Copy the database before a risky operation ("import", "restore", a migration's "0004"); None for PostgreSQL
    (the server keeps its own backups) or when there is no file yet (nothing to lose)."""
    path = target if isinstance(target, Path) else target.path
    if path is None or not path.exists() or path.stat().st_size == 0:
        return None
    return take_backup(path, f"before-{operation}")


# -- the rolling set ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BackupFile:
    path: Path
    label: str
    taken_at: datetime

    @property
    def kind(self) -> str:
        return "pre-op" if self.label.startswith("before-") else self.label


def list_backups(database: Path) -> list[BackupFile]:
    """This database's copies in its backups/ folder, oldest first (files of other names are ignored)."""
    folder = backup_dir_for(database)
    if not folder.is_dir():
        return []
    found = [b for p in folder.glob(f"{database.stem}-*.sqlite") if (b := _parse_name(p, database.stem))]
    return sorted(found, key=lambda b: b.taken_at)


def _parse_name(path: Path, stem: str) -> BackupFile | None:
    label, _, stamp = path.stem.removeprefix(f"{stem}-").rpartition("-")
    for pattern in (STAMP, "%Y%m%dT%H%M%SZ"):  # the older migration copies have no microseconds
        try:
            return BackupFile(path, label, datetime.strptime(stamp, pattern).replace(tzinfo=UTC))
        except ValueError:
            continue
    return None


def prune(database: Path, *, daily_keep: int = DAILY_KEEP, pre_op_keep: int = PRE_OP_KEEP) -> list[Path]:
    """Delete the oldest daily and pre-operation copies beyond what is kept; manual copies stay."""
    removed: list[Path] = []
    copies = list_backups(database)
    for kind, keep in (("daily", daily_keep), ("pre-op", pre_op_keep)):
        of_kind = [b for b in copies if b.kind == kind]
        for old in of_kind[: max(len(of_kind) - keep, 0)]:
            old.path.unlink(missing_ok=True)
            removed.append(old.path)
    return removed


def daily_backup_if_due(target: DatabaseTarget | Path, *, now: datetime | None = None) -> Path | None:
    """Take the daily copy when the newest one is older than a day (or there is none); None when not due."""
    path = target if isinstance(target, Path) else target.path
    if path is None or not path.exists():
        return None
    now = now or datetime.now(UTC)
    dailies = [b for b in list_backups(path) if b.kind == "daily"]
    if dailies and now - dailies[-1].taken_at < DAILY_EVERY:
        return None
    return take_backup(path, "daily", now=now)


Opener = Callable[..., "OpenedDatabase"]


# -- restoring ----------------------------------------------------------------------------------------------------


def check_backup_file(path: Path) -> str:
    """The schema revision of an EscDesk database file; BackupFailed says why any other file is refused."""
    if not path.is_file():
        raise BackupFailed(f"there is no file {path} to restore")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise BackupFailed(f"{path} is not an EscDesk backup (it is not an SQLite database file)")
    revision = _revision_of(path)
    from escdesk.store.migrate import head_revision, known_revisions

    if revision not in known_revisions():
        raise BackupFailed(
            f"{path} was written by a newer EscDesk (schema {revision}); this version knows schemas up to "
            f"{head_revision()}. Update EscDesk to restore it; nothing was changed."
        )
    return revision


def _revision_of(path: Path) -> str:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = [t for t in MARKER_TABLES if t not in tables]
            if missing:
                raise BackupFailed(f"{path} is not an EscDesk backup (it has no {missing[0]} table)")
            if connection.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise BackupFailed(f"{path} is damaged (SQLite's integrity check fails); choose another backup")
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise BackupFailed(f"{path} is not an EscDesk backup (SQLite says: {exc})") from exc
    if row is None:
        raise BackupFailed(f"{path} is not an EscDesk backup (it records no schema revision)")
    return str(row[0])


def restore(backup: Path, target: DatabaseTarget) -> RestoreResult:
    """Make `backup` the database at `target`, after copying the current one aside.

    An existing database is overwritten through the backup API in one SQLite transaction: other connections
    (a second EscDesk) see the old or the restored database, never a mix, and the WAL stays consistent, which
    renaming a file over a database in WAL mode would not guarantee. A new one is a copy renamed into place.
    An older schema is fine: it is upgraded (after its own copy) the next time EscDesk opens it.
    """
    if target.path is None:
        raise PostgresBackupsAreTheServersJob(target)
    backup, database = backup.expanduser().absolute(), target.path
    revision = check_backup_file(backup)
    if database.exists() and database.samefile(backup):
        raise BackupFailed(f"{backup} is the database itself; choose a backup file")
    if not database.exists():
        copy_database(backup, database)
        return RestoreResult(backup, database, revision, None)
    _check_restorable_target(database)
    previous = take_backup(database, "before-restore")
    _overwrite_in_place(backup, database)
    return RestoreResult(backup, database, revision, previous)


def _check_restorable_target(database: Path) -> None:
    """Only an EscDesk database (or an empty file) is replaced: a --db pointing at someone else's file is refused."""
    with database.open("rb") as handle:
        header = handle.read(len(SQLITE_MAGIC))
    if not header:
        return
    if header != SQLITE_MAGIC:
        raise BackupFailed(f"{database} is not an EscDesk database (it is not an SQLite file); nothing was replaced")
    try:
        connection = sqlite3.connect(database, timeout=10)
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise BackupFailed(f"cannot read {database} ({exc}); nothing was replaced") from exc
    if tables and "alembic_version" not in tables:
        raise BackupFailed(f"{database} is not an EscDesk database (it holds other tables); nothing was replaced")


def _overwrite_in_place(backup: Path, database: Path) -> None:
    try:
        reader = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            writer = sqlite3.connect(database, timeout=10)
            try:
                reader.backup(writer)
                result = writer.execute("PRAGMA integrity_check").fetchone()
            finally:
                writer.close()
        finally:
            reader.close()
    except sqlite3.Error as exc:
        raise BackupFailed(f"cannot restore {backup} into {database}: {exc}") from exc
    if result != ("ok",):
        raise BackupFailed(f"the restored {database} fails SQLite's integrity check: {result}")
