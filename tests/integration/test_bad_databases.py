"""Each kind of unusable --db gives DatabaseUnavailable naming the path and the problem (and the CLI exits 1 with
"escdesk: error: ..."), and nothing is written to a file that is not ours.

Tests run as root here, and root ignores permission bits: the read-only checks must not rely on os.access alone.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from escdesk.cli import main
from escdesk.connect import OpenedDatabase, open_database
from escdesk.errors import DatabaseUnavailable
from escdesk.store.engine import resolve_target


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def escdesk_db(opened: OpenedDatabase, sqlite_db: Path) -> Path:
    """A real, closed EscDesk database."""
    opened.store.close()
    return sqlite_db


@pytest.fixture
def read_only_db(escdesk_db: Path) -> Iterator[Path]:
    escdesk_db.chmod(0o444)
    yield escdesk_db
    escdesk_db.chmod(0o600)


def foreign_sqlite(path: Path) -> Path:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
        connection.execute("CREATE TABLE moz_bookmarks (id INTEGER PRIMARY KEY)")
        connection.execute("INSERT INTO moz_places (url) VALUES ('https://example.com')")
    connection.close()
    return path


def refused(path: Path, *, create: bool = False) -> str:
    with pytest.raises(DatabaseUnavailable) as caught:
        open_database(resolve_target(path), create=create)
    message = str(caught.value)
    assert str(path) in message
    return message


def cli_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("escdesk: error: ")
    assert "Traceback" not in captured.err
    return captured.err


# -- read-only ---------------------------------------------------------------------------------------------------


def test_read_only_file_is_refused_even_for_root(read_only_db: Path) -> None:
    before = digest(read_only_db)
    message = refused(read_only_db)
    assert "is read-only; EscDesk needs to write to its database" in message
    assert "make the file writable" in message
    assert digest(read_only_db) == before
    assert not Path(f"{read_only_db}-wal").exists()


def test_read_only_file_via_the_cli(read_only_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["cases", "--db", str(read_only_db)], ["migrate", "--db", str(read_only_db)]):
        assert f"{read_only_db} is read-only" in cli_refused(argv, capsys)


@pytest.fixture
def immutable_db(escdesk_db: Path) -> Iterator[Path]:
    """A file even root cannot write (chattr +i): what SQLite itself would open read-only."""
    try:
        subprocess.run(["chattr", "+i", str(escdesk_db)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot make a file immutable here (needs chattr and CAP_LINUX_IMMUTABLE): {exc}")
    yield escdesk_db
    subprocess.run(["chattr", "-i", str(escdesk_db)], check=True, capture_output=True)


def test_immutable_file_is_read_only(immutable_db: Path) -> None:
    assert os.stat(immutable_db).st_mode & 0o200  # writable by its bits; only opening it for writing tells
    assert "is read-only" in refused(immutable_db)


# -- not a database of ours --------------------------------------------------------------------------------------


def test_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "a-folder.sqlite"
    folder.mkdir()
    assert "is a folder, not a database file" in refused(folder)
    assert "is a folder, not a database file" in refused(folder, create=True)
    assert str(folder) in cli_refused(["cases", "--db", str(folder)], capsys)


def test_text_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Customer call notes\nnot a database at all\n", encoding="utf-8")
    before = digest(notes)
    assert "is not an EscDesk database (it is not an SQLite file)" in refused(notes)
    assert "not an EscDesk database" in cli_refused(["migrate", "--db", str(notes)], capsys)
    assert digest(notes) == before


def test_damaged_sqlite_file(escdesk_db: Path) -> None:
    data = bytearray(escdesk_db.read_bytes())
    data[16:100] = b"\xff" * 84  # keep the magic, break the header
    escdesk_db.write_bytes(bytes(data))
    message = refused(escdesk_db)
    assert "is not an EscDesk database (SQLite says: file is not a database)" in message


def test_other_applications_sqlite_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    places = foreign_sqlite(tmp_path / "places.sqlite")
    before = digest(places)
    message = refused(places)
    assert "is not an EscDesk database (it already holds tables: moz_bookmarks, moz_places)" in message
    assert "moz_places" in cli_refused(["cases", "--db", str(places)], capsys)
    # Not migrated into, not switched to WAL, not even touched.
    assert digest(places) == before
    connection = sqlite3.connect(places)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert connection.execute("SELECT name FROM sqlite_master WHERE name = 'alembic_version'").fetchall() == []
    connection.close()


# -- missing -----------------------------------------------------------------------------------------------------


def test_missing_file_without_create(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "gone.sqlite"
    message = refused(missing)
    assert f"there is no database at {missing}" in message
    assert f"escdesk init --db {missing}" in message
    assert not missing.exists()
    assert "there is no database" in cli_refused(["cases", "--db", str(missing)], capsys)
    assert not missing.exists()


def test_missing_parent_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "not" / "there" / "esc.sqlite"
    assert f"the folder {target.parent} does not exist" in refused(target, create=True)
    assert "there is no database" in refused(target)
    assert "does not exist" in cli_refused(["init", "--db", str(target)], capsys)
    assert not (tmp_path / "not").exists()


def test_parent_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    assert f"{blocker} is a file, not a folder" in refused(blocker / "esc.sqlite", create=True)


# -- no traceback, for real --------------------------------------------------------------------------------------


def test_the_installed_command_prints_no_traceback(read_only_db: Path) -> None:
    """The in-process tests above would raise on a crash; this one runs the real entry point once."""
    run = subprocess.run(
        [sys.executable, "-m", "escdesk", "cases", "--db", str(read_only_db)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert run.returncode == 1, run.stderr
    assert run.stdout == ""
    assert run.stderr.startswith(f"escdesk: error: {read_only_db} is read-only")
    assert "Traceback" not in run.stderr
