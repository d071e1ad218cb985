"""Restore and demo --replace refuse a database another process has open (escdesk.file_use.database_in_use).

The other process is real: a Python child with a plain sqlite3 connection that has read the database, waiting on
its stdin, the way a running EscDesk keeps its connection. fcntl locks are per process, so nothing in this
process can stand in for it.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from escdesk import backups
from escdesk.cli import main
from escdesk.connect import OpenedDatabase, open_database
from escdesk.file_use import database_in_use
from escdesk.store.engine import resolve_target

pytestmark = pytest.mark.skipif(os.name == "nt", reason="fcntl locks: the Windows probe is a different one")

HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
if len(sys.argv) > 2:
    connection.execute(sys.argv[2])
connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
print("ready", flush=True)
sys.stdin.read()
print(connection.execute("PRAGMA integrity_check").fetchone()[0], flush=True)
"""
Holder = Callable[..., subprocess.Popen[str]]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def hold_open() -> Iterator[Holder]:
    """`hold_open(db, [statement])`: a child process with the database open until the test ends."""
    children: list[subprocess.Popen[str]] = []

    def start(path: Path, *statement: str) -> subprocess.Popen[str]:
        child = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path), *statement],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        children.append(child)
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        return child

    yield start
    for child in children:
        child.communicate(timeout=30)


def finish(child: subprocess.Popen[str]) -> str:
    """Let the holder end; what it says of the database it had open (its integrity check)."""
    out, _ = child.communicate(timeout=30)
    return out.strip()


@pytest.fixture
def closed_db(opened: OpenedDatabase, sqlite_db: Path) -> Path:
    """A migrated EscDesk database (WAL) that this process no longer has open."""
    opened.store.close()
    return sqlite_db


def test_a_database_is_in_use_while_another_process_has_it_open(closed_db: Path, hold_open: Holder) -> None:
    assert not database_in_use(closed_db)
    child = hold_open(closed_db)
    assert closed_db.with_name(closed_db.name + "-shm").exists()
    assert database_in_use(closed_db)
    assert database_in_use(closed_db)  # probing releases at once: still in use, and still detected
    assert finish(child) == "ok"
    assert not database_in_use(closed_db)


def test_a_rollback_journal_database_in_a_transaction_is_in_use(tmp_path: Path, hold_open: Holder) -> None:
    path = tmp_path / "plain.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x)")
    assert not database_in_use(path)
    child = hold_open(path, "BEGIN IMMEDIATE")
    assert database_in_use(path)
    finish(child)


def test_restore_refuses_a_database_another_process_has_open(
    closed_db: Path, tmp_path: Path, hold_open: Holder, capsys: Any
) -> None:
    saved = backups.copy_database(closed_db, tmp_path / "saved.sqlite")
    child = hold_open(closed_db)
    before = digest(closed_db)
    assert main(["restore", str(saved), "--db", str(closed_db)]) == 1
    err = capsys.readouterr().err
    assert f"EscDesk (or another program) has {closed_db} open: close it before restoring" in err
    assert digest(closed_db) == before
    assert backups.list_backups(closed_db) == []  # refused before anything was copied
    assert finish(child) == "ok"
    assert main(["restore", str(saved), "--db", str(closed_db)]) == 0  # closed: now it restores


def test_demo_replace_refuses_a_database_another_process_has_open(
    closed_db: Path, hold_open: Holder, capsys: Any
) -> None:
    child = hold_open(closed_db)
    before = digest(closed_db)
    assert main(["demo", "--db", str(closed_db), "--replace", "--customers", "5", "--open", "2"]) == 1
    err = capsys.readouterr().err
    assert f"EscDesk (or another program) has {closed_db} open: close it before replacing it with a demo" in err
    assert digest(closed_db) == before
    assert [p.name for p in closed_db.parent.iterdir() if ".building" in p.name] == []
    assert finish(child) == "ok"


def test_restore_refuses_a_database_this_process_has_open(
    opened: OpenedDatabase, sqlite_db: Path, tmp_path: Path, capsys: Any
) -> None:
    saved = backups.copy_database(sqlite_db, tmp_path / "saved.sqlite")
    assert database_in_use(sqlite_db)
    assert main(["restore", str(saved), "--db", str(sqlite_db)]) == 1
    assert "close it before restoring" in capsys.readouterr().err


def sidecars(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.glob(path.name + "-*"))


def test_opening_a_database_twice_here_keeps_its_wal_safe_from_other_processes(
    opened: OpenedDatabase, sqlite_db: Path, hold_open: Holder
) -> None:
    # A second open in the same process (the app does it) once re-checked the file by opening and closing it,
    # which dropped the first connection's SQLite locks: another process, closing its connection, then deleted
    # the -wal and -shm still in use here, and later commits were lost.
    with opened.store.read() as uow:
        uow.cases.get("nothing")
    second = open_database(resolve_target(sqlite_db))
    try:
        finish(hold_open(sqlite_db))
        assert sidecars(sqlite_db) == ["escdesk.sqlite-shm", "escdesk.sqlite-wal"]
    finally:
        second.store.close()
