"""Whether another process has an SQLite database open, and replacing a database file safely when none has.

Renaming a file over a database that a running EscDesk has open does not replace its database: that process
keeps reading and committing into the old, now nameless, file (every save lost), and an old -wal left beside the
new file would be replayed into it (corruption). So `escdesk restore` and `escdesk demo --replace` first ask
`database_in_use`, the way SQLite itself tells whether it is the first connection to a WAL database: every
connection holds a shared fcntl lock on the "DMS" byte of the -shm file (byte 128: WALINDEX_LOCK_OFFSET 120 +
SQLITE_SHM_NLOCK 8, os_unix.c). If we can take an exclusive lock on it for an instant, nobody holds one.

fcntl locks belong to a process, and closing any descriptor of a file drops all of that process's locks on it, so
the probe must run while this process has no connection to the database itself (our own locks are invisible to
it, and closing the probe's descriptor would drop SQLite's). A rollback-journal database (not WAL; EscDesk always
sets WAL) holds locks only inside a transaction: the probe also tries SQLite's lock bytes of the database file
(PENDING at 1 GiB, RESERVED, and the SHARED range), which catches a transaction in progress, not an idle reader.
On Windows there are no fcntl locks: SQLite opens the -shm without FILE_SHARE_DELETE, so deleting it fails while
any process has the database open; a stale -shm (nobody has it open) is harmless to delete, SQLite rebuilds it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from escdesk.errors import EscDeskError

SHM_DMS_BYTE = 120 + 8  # WALINDEX_LOCK_OFFSET + SQLITE_SHM_NLOCK
PENDING_BYTE = 0x40000000  # then RESERVED (+1) and the 510 SHARED bytes (+2): SQLite's lock region of the file
LOCK_REGION = 512
SIDECARS = ("-wal", "-shm", "-journal")
STALE_AFTER_SECONDS = 120  # a live writer holds its flock from the first instant; this only covers that instant


class DatabaseInUse(EscDeskError):
    """Another process (EscDesk or any SQLite program) has the database open."""


def sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def database_in_use(path: Path) -> bool:
    """Whether a process has the SQLite database at `path` open (see the module notes for the limits)."""
    from escdesk.store.engine import opened_in_this_process

    if opened_in_this_process(path):
        return True  # a store of ours; probing would even drop its locks
    if os.name == "nt":
        return _windows_shm_in_use(sidecar(path, "-shm"))
    shm = sidecar(path, "-shm")
    if shm.exists() and _locked_by_another(shm, SHM_DMS_BYTE, 1):
        return True
    return path.exists() and _locked_by_another(path, PENDING_BYTE, LOCK_REGION)


def _locked_by_another(path: Path, start: int, length: int) -> bool:
    import fcntl

    try:
        descriptor = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False  # gone since we looked: its last user closed it
    try:
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB, length, start, os.SEEK_SET)
        except OSError:  # EACCES or EAGAIN: another process holds a lock there
            return True
        fcntl.lockf(descriptor, fcntl.LOCK_UN, length, start, os.SEEK_SET)  # at once: a WAL opener would wait
        return False
    finally:
        os.close(descriptor)


def _windows_shm_in_use(shm: Path) -> bool:
    try:
        shm.unlink()
    except FileNotFoundError:
        return False
    except PermissionError:
        return True
    return False


def refuse_if_in_use(path: Path, doing: str) -> None:
    if database_in_use(path):
        raise DatabaseInUse(
            f"EscDesk (or another program) has {path} open: close it before {doing}; nothing was changed"
        )


def settle_journal(path: Path) -> None:
    """Fold the database's -wal (or roll back a hot -journal) into the file itself, so that it can be removed.

    Only for a database nobody else has open: as the last connection, SQLite checkpoints and deletes the -wal on
    close. Refused when a checkpoint cannot complete (someone opened it meanwhile)."""
    connection = sqlite3.connect(path, timeout=10)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # a hot journal is rolled back here
        busy, frames, done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        connection.close()
    if busy or frames != done:
        raise DatabaseInUse(f"another program is using {path} (its journal could not be written back); try again")


def replace_database_file(new_file: Path, target: Path, doing: str) -> None:
    """Rename the complete, fsynced `new_file` onto `target`, when no other process has `target` open.

    A kill at any point leaves the old database or the new one: the old journal is folded into the old file
    first (so removing it loses nothing), it is removed before the rename (an old -wal beside the new file would
    be replayed into it), and the -shm goes after (a stale one is rebuilt by the next opener)."""
    if target.exists():
        refuse_if_in_use(target, doing)
        if target.stat().st_size:
            settle_journal(target)
        refuse_if_in_use(target, doing)  # once more, as near to the rename as we can
        for suffix in ("-wal", "-journal"):
            sidecar(target, suffix).unlink(missing_ok=True)
    os.replace(new_file, target)
    sidecar(target, "-shm").unlink(missing_ok=True)
    fsync_folder(target.parent)


def remove_with_sidecars(path: Path) -> None:
    for leftover in (path, *(sidecar(path, suffix) for suffix in SIDECARS)):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def fsync_path(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_folder(folder: Path) -> None:
    """A rename must survive a power cut (POSIX: fsync the folder); Windows has no folder handles."""
    if os.name != "nt":
        fsync_path(folder)


# -- our temporary files: `.NAME.XXXXXXXX<suffix>` beside the target, and what a kill -9 leaves of them ------------


@contextlib.contextmanager
def held_temporary(target: Path, suffix: str) -> Iterator[Path]:
    """A new private (0600) temporary file beside `target`, flock-held while we write it; removed (with any SQLite
    -journal/-wal/-shm) on the way out unless it was renamed away.

    flock, not fcntl: flock locks belong to this open file, so SQLite opening and closing the same file in this
    process (with fcntl locks) never drops it, and `remove_stale_temporaries` in another process can tell a
    file still being written from one a killed process left."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    temporary = Path(name)
    try:
        _flock(handle, blocking=True)
        yield temporary
    finally:
        remove_with_sidecars(temporary)
        os.close(handle)


def remove_stale_temporaries(folder: Path, name_glob: str, suffix: str) -> list[Path]:
    """Delete what killed runs left of our temporaries `.<name_glob>.XXXXXXXX<suffix>` (and their SQLite sidecars).

    Conservative: only names of our own pattern, untouched for STALE_AFTER_SECONDS, whose flock nobody holds (a
    running EscDesk holds it until it renames or removes the file); on Windows, a file someone has open cannot be
    deleted, and is skipped."""
    pattern = f".{name_glob}.{'?' * 8}{glob.escape(suffix)}"
    removed: list[Path] = []
    for candidate in sorted(folder.glob(pattern)):
        if _recently_touched(candidate) or not _remove_if_unclaimed(candidate):
            continue
        removed.append(candidate)
    for orphan in sorted(p for s in SIDECARS for p in folder.glob(pattern + s)):
        main = orphan.with_name(orphan.name[: -len(next(s for s in SIDECARS if orphan.name.endswith(s)))])
        if not main.exists() and not _recently_touched(orphan):
            with contextlib.suppress(OSError):
                orphan.unlink()
                removed.append(orphan)
    return removed


def _recently_touched(path: Path) -> bool:
    newest = 0.0
    for each in (path, *(sidecar(path, s) for s in SIDECARS)):
        with contextlib.suppress(OSError):
            newest = max(newest, each.stat().st_mtime)
    return time.time() - newest < STALE_AFTER_SECONDS


def _remove_if_unclaimed(path: Path) -> bool:
    try:
        descriptor = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        if not _flock(descriptor, blocking=False):
            return False  # a running EscDesk is writing it
        try:
            remove_with_sidecars(path)
        except OSError:  # Windows: open in another process
            return False
        return True
    finally:
        os.close(descriptor)


def _flock(descriptor: int, *, blocking: bool) -> bool:
    if os.name == "nt":
        return True  # no flock: Windows refuses to delete a file another process has open instead
    import fcntl

    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True
