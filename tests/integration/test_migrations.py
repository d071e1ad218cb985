"""Upgrades on start: a copy is taken before any migration runs; a database from a newer EscDesk is refused untouched.

The upgrade tests run against a temporary copy of db/ with a throwaway revision on top: the shipped head plus one,
chained on the real head, so the tests keep working as real migrations are added.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from alembic.config import Config

import db
from escdesk.cli import main
from escdesk.connect import OpenedDatabase, open_database
from escdesk.errors import DatabaseUnavailable, SchemaTooNew
from escdesk.services import CaseService
from escdesk.store import migrate, schema
from escdesk.store.engine import resolve_target

RawRows = Callable[..., list[tuple[Any, ...]]]

NEXT_REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    {body}


def downgrade() -> None:
    pass
"""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


SHIPPED_HEAD = migrate.head_revision()
NEXT = f"{int(SHIPPED_HEAD) + 1:04d}"  # revisions are numbered 0001, 0002, ...


def use_scripts_with_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> Path:
    """Point the migrations at a copy of db/ that has one more revision (NEXT, on top of the shipped head)."""
    scripts = tmp_path / "db-next"
    shutil.copytree(Path(db.__file__).parent, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    source = NEXT_REVISION.format(revision=NEXT, head=SHIPPED_HEAD, body=body)
    (scripts / "versions" / f"{NEXT}_test_only.py").write_text(source, encoding="utf-8")

    def config() -> Config:
        result = Config()
        result.set_main_option("script_location", str(scripts))
        return result

    monkeypatch.setattr(migrate, "_alembic_config", config)
    monkeypatch.setattr(schema, "HEAD_REVISION", NEXT)  # what a release with this revision would ship
    return scripts


@pytest.fixture
def database_at_head(
    opened: OpenedDatabase,
    service: CaseService,
    make_customer: Callable[..., str],
    new_outage: Callable[..., Any],
    sqlite_db: Path,
) -> Path:
    """A closed database at the newest shipped revision holding one case."""
    service.open_case(new_outage(make_customer()))
    opened.store.close()
    return sqlite_db


def test_backup_is_taken_before_the_upgrade(
    database_at_head: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raw_rows: RawRows
) -> None:
    use_scripts_with_next(tmp_path, monkeypatch, 'op.add_column("people", sa.Column("nickname", sa.String(50)))')
    assert migrate.head_revision() == NEXT

    upgraded = open_database(resolve_target(database_at_head))
    upgraded.store.close()

    result = upgraded.migration
    assert (result.from_revision, result.to_revision, result.changed) == (SHIPPED_HEAD, NEXT, True)
    assert raw_rows(database_at_head, "SELECT version_num FROM alembic_version") == [(NEXT,)]
    assert "nickname" in {row[1] for row in raw_rows(database_at_head, "PRAGMA table_info(people)")}

    backup = result.backup
    assert backup is not None and backup.is_file()
    assert backup.parent == database_at_head.parent / "backups"
    assert backup.name.startswith(f"{database_at_head.stem}-before-{NEXT}-")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700
    # The copy is the database as it was before the migration ran, with its data.
    assert raw_rows(backup, "SELECT version_num FROM alembic_version") == [(SHIPPED_HEAD,)]
    assert "nickname" not in {row[1] for row in raw_rows(backup, "PRAGMA table_info(people)")}
    assert raw_rows(backup, "SELECT count(*), min(number) FROM escalations") == [(1, 1001)]
    assert raw_rows(backup, "PRAGMA integrity_check") == [("ok",)]


def test_backup_happens_before_the_migration_code(database_at_head: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the migration does, the copy already exists when it starts."""
    order: list[str] = []
    real_backup = migrate.backup_sqlite

    def recording_backup(path: Path, label: str) -> Path:
        order.append("backup")
        return real_backup(path, label)

    def recording_upgrade(_config: Config, revision: str) -> None:
        assert revision == "head"
        backups = list((database_at_head.parent / "backups").glob("*.sqlite"))
        assert len(backups) == 1, "the backup must exist before the migration runs"
        order.append("upgrade")

    monkeypatch.setattr(migrate, "head_revision", lambda: NEXT)
    monkeypatch.setattr(schema, "HEAD_REVISION", NEXT)
    known = migrate.known_revisions() | {NEXT}
    monkeypatch.setattr(migrate, "known_revisions", lambda: known)
    monkeypatch.setattr(migrate, "backup_sqlite", recording_backup)
    monkeypatch.setattr(migrate.command, "upgrade", recording_upgrade)
    opened = open_database(resolve_target(database_at_head))
    opened.store.close()
    assert order == ["backup", "upgrade"]
    assert opened.migration.backup is not None


def test_a_failing_migration_changes_nothing_and_names_the_backup(
    database_at_head: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raw_rows: RawRows
) -> None:
    use_scripts_with_next(
        tmp_path,
        monkeypatch,
        'op.add_column("people", sa.Column("nickname", sa.String(50)))\n    op.execute("SELECT * FROM no_such_table")',
    )
    with pytest.raises(DatabaseUnavailable) as caught:
        open_database(resolve_target(database_at_head))
    message = str(caught.value)
    assert f"cannot upgrade {database_at_head} to schema {NEXT}" in message
    assert "no such table: no_such_table" in message
    backups = list((database_at_head.parent / "backups").glob("*.sqlite"))
    assert len(backups) == 1
    assert str(backups[0]) in message
    # SQLite's DDL is transactional: the half-done upgrade was rolled back.
    assert raw_rows(database_at_head, "SELECT version_num FROM alembic_version") == [(SHIPPED_HEAD,)]
    assert "nickname" not in {row[1] for row in raw_rows(database_at_head, "PRAGMA table_info(people)")}


def test_the_cli_reports_the_upgrade(
    database_at_head: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_scripts_with_next(tmp_path, monkeypatch, "pass")
    assert main(["migrate", "--db", str(database_at_head)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"upgraded {database_at_head} from {SHIPPED_HEAD} to {NEXT}; backup at ")
    assert str(database_at_head.parent / "backups") in out


# -- a database from a newer EscDesk -----------------------------------------------------------------------------


def stamp(path: Path, revision: str) -> None:
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    finally:
        connection.close()


def test_newer_schema_is_refused_and_left_untouched(database_at_head: Path) -> None:
    stamp(database_at_head, "0042_from_the_future")
    before = digest(database_at_head)
    with pytest.raises(SchemaTooNew) as caught:
        open_database(resolve_target(database_at_head))
    message = str(caught.value)
    assert str(database_at_head) in message
    assert "written by a newer EscDesk (schema 0042_from_the_future)" in message
    assert "Update EscDesk to open it" in message
    assert "was not changed" in message
    assert isinstance(caught.value, DatabaseUnavailable)
    assert digest(database_at_head) == before
    assert not (database_at_head.parent / "backups").exists()


def test_newer_schema_via_the_cli(database_at_head: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stamp(database_at_head, "0042_from_the_future")
    before = digest(database_at_head)
    for command in ("cases", "migrate"):
        assert main([command, "--db", str(database_at_head)]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"escdesk: error: {database_at_head} was written by a newer EscDesk")
        assert "Update EscDesk" in err
    assert digest(database_at_head) == before


def test_backup_sqlite_copies_an_open_database(
    opened: OpenedDatabase,
    service: CaseService,
    make_customer: Callable[..., str],
    new_outage: Callable[..., Any],
    sqlite_db: Path,
    raw_rows: RawRows,
) -> None:
    """The online backup API gives a consistent copy even while the store has the file open (WAL and all)."""
    service.open_case(new_outage(make_customer()))
    with opened.store.engine.connect() as connection:
        connection.exec_driver_sql("SELECT count(*) FROM escalations").scalar()
        copy = migrate.backup_sqlite(sqlite_db, "manual")
    assert raw_rows(copy, "SELECT count(*) FROM escalations") == [(1,)]
    assert raw_rows(copy, "SELECT count(*) FROM case_events") == [(1,)]


def test_the_head_revision_constant_is_alembics_head() -> None:
    """escdesk.store.schema.HEAD_REVISION lets an open skip Alembic: it must name the newest script."""
    from escdesk.store.schema import HEAD_REVISION

    assert migrate.head_revision() == HEAD_REVISION


def test_opening_a_database_at_head_does_not_load_alembic(tmp_path: Path) -> None:
    """Alembic is a quarter of a second of the app's start: a database already at head never needs it."""
    import subprocess
    import sys

    db = tmp_path / "book.sqlite"
    open_database(resolve_target(db), create=True).store.close()
    code = (
        "import sys; from escdesk.connect import open_database; from escdesk.store.engine import resolve_target; "
        f"opened = open_database(resolve_target({str(db)!r})); opened.store.close(); "
        "print(opened.migration.to_revision, 'alembic' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [migrate.head_revision(), "False"]
