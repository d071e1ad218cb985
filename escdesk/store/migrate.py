"""Bring a database to the newest schema on start, after copying it; refuse one from a newer EscDesk."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DBAPIError

from escdesk.errors import DatabaseUnavailable, SchemaTooNew
from escdesk.store.engine import DatabaseTarget
from escdesk.store.schema import MigrationResult, use_wal


def _alembic_config() -> Config:
    import db

    config = Config()
    config.set_main_option("script_location", str(Path(db.__file__).parent))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "db/versions holds no migration"
    return head


def known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _refuse_foreign_database(engine: Engine, target: DatabaseTarget) -> None:
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    if tables:
        listed = ", ".join(sorted(tables)[:5])
        raise DatabaseUnavailable(f"{target.display} is not an EscDesk database (it already holds tables: {listed})")


def backup_sqlite(path: Path, label: str) -> Path:
    """A consistent copy through SQLite's online backup API (safe while another connection is open).

    One implementation for every copy: escdesk.backups names, protects (0600) and prunes them.
    """
    from escdesk.backups import take_backup

    return take_backup(path, label)


def upgrade_database(engine: Engine, target: DatabaseTarget) -> MigrationResult:
    head = head_revision()
    current = current_revision(engine)
    if current is not None and current != head and current not in known_revisions():
        raise SchemaTooNew(
            f"{target.display} was written by a newer EscDesk (schema {current}); this version knows "
            f"schemas up to {head}. Update EscDesk to open it; the database was not changed."
        )
    if current is None:
        _refuse_foreign_database(engine, target)
    if engine.dialect.name == "sqlite":
        use_wal(engine, target)
    if current == head:
        return MigrationResult(current, head, None)
    backup = backup_sqlite(target.path, f"before-{head}") if current is not None and target.path else None
    config = _alembic_config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except DBAPIError as exc:
        kept = f"; a copy from before the upgrade is at {backup}" if backup else ""
        detail = _first_line(exc)
        raise DatabaseUnavailable(f"cannot upgrade {target.display} to schema {head}: {detail}{kept}") from exc
    return MigrationResult(current, head, backup)


def _first_line(exc: DBAPIError) -> str:
    lines = (str(exc.orig) if exc.orig is not None else str(exc)).strip().splitlines()
    return lines[0] if lines else type(exc.orig or exc).__name__
