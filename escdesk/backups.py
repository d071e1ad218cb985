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

import contextlib
import glob
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from escdesk.backup_checks import NotRestorable, check_backup_file
from escdesk.errors import EscDeskError
from escdesk.file_use import (
    DatabaseInUse,
    fsync_folder,
    fsync_path,
    held_temporary,
    refuse_if_in_use,
    remove_stale_temporaries,
    replace_database_file,
)
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
PART, RESTORING = ".part", ".restoring"  # our temporary files: `.<target name>.XXXXXXXX.part` beside the target


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
    remove_stale_temporaries(destination.parent, glob.escape(destination.name), PART)
    try:
        with held_temporary(destination, PART) as temporary:
            _online_copy(source, temporary, journal_mode="DELETE")
            fsync_path(temporary)
            os.replace(temporary, destination)
            fsync_folder(destination.parent)
    except OSError as exc:
        raise BackupFailed(f"cannot write {destination}: {exc.strerror or exc}") from exc
    return destination


def _online_copy(source: Path, destination: Path, *, journal_mode: str) -> None:
    """Copy through the backup API into the empty `destination` (which takes the source's page size).

    DELETE for a copy: a single file, nothing must travel beside it. WAL for a database to restore, as EscDesk
    uses it; the mode is stored in the file, so the renamed file opens in WAL with no -wal to go with it."""
    try:
        # Not mode=ro: a read-only connection, the last to close, would leave empty -wal and -shm files behind.
        reader = sqlite3.connect(source, timeout=10)
    except sqlite3.Error as exc:
        raise BackupFailed(f"cannot read {source}: {exc}") from exc
    try:
        writer = sqlite3.connect(destination)
        try:
            reader.backup(writer)
            writer.execute(f"PRAGMA journal_mode = {journal_mode}")
        finally:
            writer.close()
    except sqlite3.Error as exc:
        raise BackupFailed(f"cannot copy {source} to {destination}: {exc}") from exc
    finally:
        reader.close()


def backup_folder(database: Path) -> Path:
    folder = backup_dir_for(database)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def take_backup(database: Path, label: str, *, now: datetime | None = None) -> Path:
    """A copy in the database's backups/ folder, named by label and time; then old copies of its kind pruned."""
    folder = backup_folder(database)
    remove_stale_temporaries(folder, f"{glob.escape(database.stem)}-*.sqlite", PART)
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


def restore(backup: Path, target: DatabaseTarget) -> RestoreResult:
    """Make `backup` the database at `target`, after copying the current one aside.

    Refused while another process (a running EscDesk) has the database open: it would go on using the old file.
    Otherwise the backup is copied (online backup API) into a temporary file beside the target, set to WAL,
    checked and fsynced, and renamed onto it (escdesk.file_use.replace_database_file: a kill at any point leaves
    the old database or the restored one). A file, not the backup API into the live database, so that a backup
    with another page size restores too. An older schema is upgraded, after its own copy, when EscDesk opens it.
    """
    if target.path is None:
        raise PostgresBackupsAreTheServersJob(target)
    backup, database = backup.expanduser().absolute(), target.path
    try:
        revision = check_backup_file(backup)
    except NotRestorable as exc:
        raise BackupFailed(str(exc)) from None
    if database.exists() and database.samefile(backup):
        raise BackupFailed(f"{backup} is the database itself; choose a backup file")
    previous = None
    if database.exists():
        try:  # first, before this process opens the database: fcntl locks are per process (see file_use)
            refuse_if_in_use(database, "restoring a backup into it")
        except DatabaseInUse as exc:
            raise BackupFailed(str(exc)) from None
        _check_restorable_target(database)
        previous = take_backup(database, "before-restore")
    _restore_file(backup, database)
    return RestoreResult(backup, database, revision, previous)


def _restore_file(backup: Path, database: Path) -> None:
    remove_stale_temporaries(database.parent, glob.escape(database.name), RESTORING)
    try:
        with held_temporary(database, RESTORING) as temporary:
            _online_copy(backup, temporary, journal_mode="WAL")
            _check_restored(temporary, database)
            fsync_path(temporary)
            replace_database_file(temporary, database, "restoring a backup into it")
    except DatabaseInUse as exc:
        raise BackupFailed(str(exc)) from None
    except OSError as exc:
        raise BackupFailed(f"cannot restore into {database}: {exc.strerror or exc}; it was not changed") from exc


def _check_restored(copy: Path, database: Path) -> None:
    with contextlib.closing(sqlite3.connect(copy)) as connection:
        result = connection.execute("PRAGMA integrity_check").fetchall()
    if result != [("ok",)]:
        raise BackupFailed(f"the copy to restore into {database} fails SQLite's integrity check: {result[:3]}")


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
