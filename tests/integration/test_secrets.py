"""Secrets live only in keyring: a team database's password never reaches the database, the settings, the log files
or any other file EscDesk writes, whichever way it was given (typed into the URL, typed at the prompt, from
keyring), and the log files sit in the user's log folder, private to the user.

The end-to-end test uses a real PostgreSQL role that must give its password (TEST_PG_PASSWORD_URL); the log
filter is also tested on its own, without a server.
"""

from __future__ import annotations

import logging
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select
from sqlalchemy.engine import make_url

from escdesk import credentials, logs, paths
from escdesk.cli import main
from escdesk.clock import FrozenClock
from escdesk.connect import OpenedDatabase, open_database
from escdesk.domain import NewCase
from escdesk.errors import DatabaseUnavailable
from escdesk.policy import default_policy
from escdesk.services import CaseService
from escdesk.settings import Settings
from escdesk.store.engine import resolve_target


@pytest.fixture
def log_file(user_dirs: Path) -> Iterator[Path]:
    """EscDesk's log file, as the app configures it (everything from DEBUG up, so nothing escapes the check)."""
    path = logs.configure_logging(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # every SQL statement and its parameters
    yield path
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    logs.stop_logging()


def files_containing(root: Path, secret: str) -> list[Path]:
    needle = secret.encode()
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_the_log_file_is_in_the_users_log_folder_and_private(log_file: Path, user_dirs: Path) -> None:
    assert log_file.parent == paths.log_dir()
    assert user_dirs / "state" in log_file.parents  # XDG_STATE_HOME on Linux: not the data or config folder
    logging.getLogger("escdesk.test").warning("a warning for the file")
    assert "a warning for the file" in log_file.read_text(encoding="utf-8")
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_file.parent.stat().st_mode) == 0o700


def test_the_log_rotates_and_every_file_stays_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 10_000)
    path = logs.configure_logging(logging.INFO, folder=tmp_path / "log")
    try:
        for number in range(300):
            logging.getLogger("escdesk.test").info("line %d %s", number, "x" * 400)
    finally:
        logs.stop_logging()
    files = sorted(path.parent.glob(f"{logs.LOG_NAME}*"))
    assert len(files) == 1 + logs.BACKUP_COUNT  # bounded: the oldest are dropped
    assert all(f.stat().st_size <= logs.MAX_BYTES + 1024 for f in files)
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)


@pytest.mark.parametrize(
    "message",
    [
        "cannot open postgresql://lead:s3cret-pw@db.example.com/escdesk",
        "postgresql+psycopg://lead:s3cret-pw@db/escdesk?sslmode=require refused",
        "connect(host=db, password=s3cret-pw, user=lead)",
        "dsn: password='s3cret-pw' host=db",
    ],
)
def test_passwords_are_masked_in_messages_arguments_and_tracebacks(log_file: Path, message: str) -> None:
    log = logging.getLogger("escdesk.test")
    log.error(message)
    log.error("while connecting: %s", message)
    try:
        raise DatabaseUnavailable(message)
    except DatabaseUnavailable:
        log.exception("failed")
    text = log_file.read_text(encoding="utf-8")
    assert "s3cret-pw" not in text
    assert text.count("***") >= 3


@pytest.mark.postgres
def test_no_password_anywhere_after_using_a_team_database(
    pg_password_url: tuple[str, str],
    log_file: Path,
    user_dirs: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make_customer: Callable[..., str],
    new_outage: Callable[..., NewCase],
    clock: FrozenClock,
) -> None:
    url, password = pg_password_url
    typed = make_url(url).set(password=password).render_as_string(hide_password=False)
    target = resolve_target(typed)
    # 1. pasted with the password in the URL (dropped at once) and typed at the prompt: connect, migrate, work.
    opened = open_database(target, ask_password=lambda *_: password)
    service = CaseService(opened.store, clock, default_policy(), actor="lead@example.com")
    case = service.open_case(new_outage(make_customer(store=opened.store)))
    service.add_note(case.id, "called the customer's CTO", case.version)
    rows = dump_every_row(opened)
    # 2. remembered as the last database, as the app does.
    Settings(last_database=typed).save()
    opened.store.close()
    # 3. from keyring (saved at the prompt), through the CLI.
    assert credentials.get_password(target.credential_key) == password  # the one place it is kept
    assert main(["cases", "--db", url]) == 0
    assert main(["cases", "--db", typed]) == 0
    # 4. a refused password is logged and reported without the password it was refused with.
    wrong = make_url(url).set(password="not-" + password).render_as_string(hide_password=False)
    logging.getLogger("escdesk.test").error("connecting to %s", wrong)
    out = capsys.readouterr()

    assert rows, "the database holds the case and its history"
    assert not [r for r in rows if password in r], "the password reached the database"
    assert password not in out.out + out.err
    assert files_containing(user_dirs, password) == [], "the password reached a settings, data or log file"
    assert files_containing(tmp_path, password) == []
    assert log_file.stat().st_size > 0  # the log did record the session (SQL included): it just holds no password


def dump_every_row(opened: OpenedDatabase) -> list[str]:
    """Every row of every table, as text: where a password would be if anything stored it."""
    store = opened.store
    metadata = MetaData()
    metadata.reflect(store.engine)
    dumped: list[str] = []
    with store.engine.connect() as connection:
        for table in metadata.sorted_tables:
            dumped += [repr(tuple(row)) for row in connection.execute(select(table))]
    return dumped
