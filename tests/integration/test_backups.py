"""Rolling backups (daily, before operations, manual) and `escdesk backup` / `escdesk restore`."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from escdesk import backups
from escdesk.cli import main
from escdesk.connect import OpenedDatabase, open_database
from escdesk.services import CaseService
from escdesk.store.engine import resolve_target

RawRows = Callable[..., list[tuple[Any, ...]]]
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def case_count(raw_rows: RawRows, path: Path) -> int:
    return int(raw_rows(path, "SELECT count(*) FROM escalations")[0][0])


@pytest.fixture
def one_case(service: CaseService, make_customer: Callable[..., str], new_outage: Callable[..., Any]) -> str:
    return service.open_case(new_outage(make_customer())).id


def test_a_backup_is_private_consistent_and_complete(
    opened: OpenedDatabase, one_case: str, sqlite_db: Path, raw_rows: RawRows
) -> None:
    # The store is open (WAL, committed pages possibly only in the -wal file): the copy must still have them.
    copy = backups.take_backup(sqlite_db, "manual")
    assert copy.parent == sqlite_db.parent / "backups"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    assert raw_rows(copy, "PRAGMA integrity_check") == [("ok",)]
    assert case_count(raw_rows, copy) == 1
    # One self-contained file: no -wal beside it that a later copy or move could lose.
    assert raw_rows(copy, "PRAGMA journal_mode") == [("delete",)]
    assert not list(copy.parent.glob("*.part"))


def test_pruning_keeps_seven_daily_and_five_pre_operation_copies(opened: OpenedDatabase, sqlite_db: Path) -> None:
    for day in range(10):
        backups.take_backup(sqlite_db, "daily", now=NOW + timedelta(days=day))
    for hour in range(8):
        backups.take_backup(sqlite_db, "before-import", now=NOW + timedelta(hours=hour))
    for minute in range(3):
        backups.take_backup(sqlite_db, "manual", now=NOW + timedelta(minutes=minute))
    kept = backups.list_backups(sqlite_db)
    daily = [b.taken_at for b in kept if b.kind == "daily"]
    assert daily == [NOW + timedelta(days=d) for d in range(3, 10)]  # the newest seven
    assert [b.taken_at for b in kept if b.kind == "pre-op"] == [NOW + timedelta(hours=h) for h in range(3, 8)]
    assert len([b for b in kept if b.kind == "manual"]) == 3  # asked for by the user: never pruned


def test_the_daily_copy_is_taken_once_a_day(opened: OpenedDatabase, sqlite_db: Path) -> None:
    first = backups.daily_backup_if_due(sqlite_db, now=NOW)
    assert first is not None and first.name.startswith("escdesk-daily-")
    assert backups.daily_backup_if_due(sqlite_db, now=NOW + timedelta(hours=23)) is None
    assert backups.daily_backup_if_due(sqlite_db, now=NOW + timedelta(days=1, minutes=1)) is not None
    assert len(backups.list_backups(sqlite_db)) == 2


def test_backup_before_an_operation(opened: OpenedDatabase, one_case: str, sqlite_db: Path, raw_rows: RawRows) -> None:
    copy = backups.backup_before("import", opened.store.target)
    assert copy is not None and copy.name.startswith("escdesk-before-import-")
    assert case_count(raw_rows, copy) == 1
    assert backups.backup_before("import", sqlite_db.parent / "nothing-here.sqlite") is None


def test_backup_before_on_postgresql_is_the_servers_job() -> None:
    assert backups.backup_before("import", resolve_target("postgresql://lead@db.example.com/escdesk")) is None


def test_the_import_command_takes_a_copy_first(
    opened: OpenedDatabase, sqlite_db: Path, tmp_path: Path, raw_rows: RawRows
) -> None:
    opened.store.close()
    export = tmp_path / "accounts.csv"
    export.write_text("Account Name,Account External ID,ARR\nMüller GmbH,ACC-1,120000\n", encoding="utf-8")
    assert main(["import", str(export), "--db", str(sqlite_db)]) == 0
    assert raw_rows(sqlite_db, "SELECT count(*) FROM import_log") == [(1,)]
    copies = [b for b in backups.list_backups(sqlite_db) if b.label == "before-import"]
    assert len(copies) == 1
    assert raw_rows(copies[0].path, "SELECT count(*) FROM import_log") == [(0,)]  # the database before the import


# -- the commands ---------------------------------------------------------------------------------------------------


def test_backup_command_writes_a_copy(
    opened: OpenedDatabase, one_case: str, sqlite_db: Path, tmp_path: Path, raw_rows: RawRows, capsys: Any
) -> None:
    target = tmp_path / "copy.sqlite"
    assert main(["backup", "--db", str(sqlite_db), "-o", str(target)]) == 0
    assert capsys.readouterr().out == f"backed up {sqlite_db} to {target}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert case_count(raw_rows, target) == 1
    assert main(["backup", "--db", str(sqlite_db)]) == 0
    assert [b.kind for b in backups.list_backups(sqlite_db)] == ["manual"]


def test_backup_refuses_to_overwrite_the_database(opened: OpenedDatabase, sqlite_db: Path, capsys: Any) -> None:
    before = digest(sqlite_db)
    assert main(["backup", "--db", str(sqlite_db), "-o", str(sqlite_db)]) == 1
    assert "is the database itself" in capsys.readouterr().err
    assert digest(sqlite_db) == before


def test_restore_brings_back_the_data_and_keeps_the_current_file(
    opened: OpenedDatabase,
    service: CaseService,
    make_customer: Callable[..., str],
    new_outage: Callable[..., Any],
    sqlite_db: Path,
    tmp_path: Path,
    raw_rows: RawRows,
    capsys: Any,
) -> None:
    service.open_case(new_outage(make_customer()))
    saved = tmp_path / "monday.sqlite"
    assert main(["backup", "--db", str(sqlite_db), "-o", str(saved)]) == 0
    capsys.readouterr()
    service.open_case(new_outage(make_customer(), title="second outage"))
    assert case_count(raw_rows, sqlite_db) == 2

    # Restoring is refused while any EscDesk has the database open (tests/integration/test_restore_in_use.py):
    # it is a file replace, and an open connection would go on using the old file.
    opened.store.close()
    assert main(["restore", str(saved), "--db", str(sqlite_db)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"restored {sqlite_db} from {saved} (schema ")
    assert case_count(raw_rows, sqlite_db) == 1
    assert raw_rows(sqlite_db, "PRAGMA integrity_check") == [("ok",)]
    assert raw_rows(sqlite_db, "PRAGMA journal_mode") == [("wal",)]
    assert stat.S_IMODE(sqlite_db.stat().st_mode) == 0o600
    reopened = open_database(resolve_target(sqlite_db))
    try:
        with reopened.store.read() as uow:
            assert [c.title for c in uow.cases.open_cards()] == ["EU region outage"]
    finally:
        reopened.store.close()
    previous = [b for b in backups.list_backups(sqlite_db) if b.label == "before-restore"]
    assert len(previous) == 1 and str(previous[0].path) in out
    assert case_count(raw_rows, previous[0].path) == 2  # nothing is lost by restoring the wrong file


def test_restore_into_a_new_file(opened: OpenedDatabase, one_case: str, sqlite_db: Path, tmp_path: Path) -> None:
    copy = backups.take_backup(sqlite_db, "manual")
    fresh = tmp_path / "elsewhere" / "restored.sqlite"
    fresh.parent.mkdir()
    result = backups.restore(copy, resolve_target(fresh))
    assert result.previous_copy is None
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    reopened = open_database(resolve_target(fresh))
    try:
        with reopened.store.read() as uow:
            assert uow.cases.get(one_case) is not None
    finally:
        reopened.store.close()


def _foreign_sqlite(path: Path) -> Path:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    connection.commit()
    connection.close()
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"Account,ARR\nACME,1\n") and p, "is not an EscDesk backup (it is not an SQLite"),
        (_foreign_sqlite, "is not an EscDesk backup (it has no alembic_version table)"),
        (lambda p: p, "there is no file"),
    ],
    ids=["csv", "other-sqlite", "missing"],
)
def test_restore_refuses_what_is_not_an_escdesk_backup(
    opened: OpenedDatabase, sqlite_db: Path, tmp_path: Path, capsys: Any, make: Callable[[Path], Any], message: str
) -> None:
    candidate = tmp_path / "candidate.sqlite"
    make(candidate)
    before = digest(sqlite_db)
    assert main(["restore", str(candidate), "--db", str(sqlite_db)]) == 1
    assert message in capsys.readouterr().err
    assert digest(sqlite_db) == before
    assert backups.list_backups(sqlite_db) == []  # refused before anything was copied


def test_restore_never_replaces_a_file_that_is_not_an_escdesk_database(
    opened: OpenedDatabase, sqlite_db: Path, tmp_path: Path, capsys: Any
) -> None:
    good = backups.take_backup(sqlite_db, "manual")
    someone_elses = _foreign_sqlite(tmp_path / "photos.sqlite")
    before = digest(someone_elses)
    assert main(["restore", str(good), "--db", str(someone_elses)]) == 1
    assert "photos.sqlite is not an EscDesk database (it holds other tables); nothing was replaced" in (
        capsys.readouterr().err
    )
    assert digest(someone_elses) == before


def test_restore_refuses_a_backup_from_a_newer_escdesk(
    opened: OpenedDatabase, sqlite_db: Path, tmp_path: Path, capsys: Any
) -> None:
    future = backups.copy_database(sqlite_db, tmp_path / "future.sqlite")
    connection = sqlite3.connect(future)
    connection.execute("UPDATE alembic_version SET version_num = '0999_from_the_future'")
    connection.commit()
    connection.close()
    before = digest(sqlite_db)
    assert main(["restore", str(future), "--db", str(sqlite_db)]) == 1
    err = capsys.readouterr().err
    assert "was written by a newer EscDesk (schema 0999_from_the_future)" in err
    assert "nothing was changed" in err
    assert digest(sqlite_db) == before


@pytest.mark.parametrize("command", [["backup"], ["restore", "some.sqlite"]])
def test_postgresql_backups_are_the_servers_job(command: list[str], capsys: Any) -> None:
    assert main([*command, "--db", "postgresql://lead@db.example.com/escdesk"]) == 1
    err = capsys.readouterr().err
    assert "backups are the server's job" in err
    assert "pg_dump" in err


def _page_size(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("PRAGMA page_size").fetchone()[0])


def test_restore_a_backup_with_another_page_size(
    opened: OpenedDatabase, one_case: str, sqlite_db: Path, tmp_path: Path, raw_rows: RawRows
) -> None:
    bigger = backups.copy_database(sqlite_db, tmp_path / "bigger-pages.sqlite")  # a demo has 16 KiB pages
    connection = sqlite3.connect(bigger)
    connection.execute("PRAGMA page_size = 16384")
    connection.execute("VACUUM")
    connection.close()
    opened.store.close()
    assert _page_size(sqlite_db) != 16384
    result = backups.restore(bigger, resolve_target(sqlite_db))
    assert _page_size(sqlite_db) == 16384
    assert raw_rows(sqlite_db, "PRAGMA integrity_check") == [("ok",)]
    assert raw_rows(sqlite_db, "PRAGMA journal_mode") == [("wal",)]
    assert case_count(raw_rows, sqlite_db) == 1
    assert result.previous_copy is not None and _page_size(result.previous_copy) != 16384
    assert [p.name for p in sqlite_db.parent.iterdir() if p.name.startswith(".")] == []


def _only_marker_tables(path: Path) -> Path:
    connection = sqlite3.connect(path)
    for table in ("alembic_version(version_num)", "escalations(x)", "customers(x)", "case_events(x)"):
        connection.execute(f"CREATE TABLE {table}")
    connection.execute("INSERT INTO alembic_version VALUES ('0006')")
    connection.commit()
    connection.close()
    return path


def test_restore_refuses_a_file_with_only_the_marker_tables(
    opened: OpenedDatabase, sqlite_db: Path, tmp_path: Path, capsys: Any
) -> None:
    fake = _only_marker_tables(tmp_path / "fake.sqlite")
    opened.store.close()
    before = digest(sqlite_db)
    assert main(["restore", str(fake), "--db", str(sqlite_db)]) == 1
    err = capsys.readouterr().err
    assert "is not an EscDesk backup: it says schema 0006 but lacks" in err
    assert "case_events columns" in err and "escalation_id" in err
    assert digest(sqlite_db) == before


def test_restore_refuses_a_backup_missing_a_table_of_its_revision(
    opened: OpenedDatabase, sqlite_db: Path, tmp_path: Path, capsys: Any
) -> None:
    partial = backups.copy_database(sqlite_db, tmp_path / "partial.sqlite")
    with sqlite3.connect(partial) as connection:
        connection.execute("DROP TABLE import_items")
    assert main(["restore", str(partial), "--db", str(sqlite_db)]) == 1
    assert "lacks table import_items" in capsys.readouterr().err


def _leftover(folder: Path, name: str, *, age_seconds: float) -> Path:
    path = folder / name
    for each in (path, path.with_name(path.name + "-journal")):
        each.write_bytes(b"half a copy")
        os.utime(each, (each.stat().st_atime - age_seconds, each.stat().st_mtime - age_seconds))
    return path


def test_a_backup_removes_what_a_killed_backup_left_and_nothing_else(
    opened: OpenedDatabase, sqlite_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "copy.sqlite"
    stale = _leftover(tmp_path, ".copy.sqlite.abcd_123.part", age_seconds=3600)
    fresh = _leftover(tmp_path, ".copy.sqlite.fresh123.part", age_seconds=0)  # maybe being written right now
    written = _leftover(tmp_path, ".copy.sqlite.held1234.part", age_seconds=3600)
    other = _leftover(tmp_path, ".other.sqlite.abcd_123.part", age_seconds=3600)  # another target's
    fcntl = pytest.importorskip("fcntl")
    with written.open("rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # what a running EscDesk holds while it writes the file
        backups.copy_database(sqlite_db, target)
    assert not stale.exists() and not stale.with_name(stale.name + "-journal").exists()
    assert fresh.exists() and written.exists() and other.exists()
    rolling = _leftover(backups.backup_folder(sqlite_db), ".escdesk-daily-20261201T000000000000Z.sqlite.abcdefgh.part",
                        age_seconds=3600)  # fmt: skip
    backups.take_backup(sqlite_db, "manual")
    assert not rolling.exists()


def test_a_demo_removes_what_a_killed_demo_left(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    stale = _leftover(tmp_path, ".demo.sqlite.k1ll3d_x.building", age_seconds=3600)
    assert main(["demo", "--db", str(db), "--customers", "5", "--open", "2", "--history", "3"]) == 0
    assert not stale.exists() and not stale.with_name(stale.name + "-journal").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
