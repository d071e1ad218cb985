"""Shared test set-up: every test runs headless, with a private keyring and private data folders.

Fixtures for everyone:
- `memory_keyring` (autouse): a fresh in-memory keyring backend; no test reads or writes a real keyring.
  Subprocesses get `PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring`: to them no keyring exists.
- `user_dirs` (autouse): XDG_DATA_HOME, XDG_CONFIG_HOME, XDG_STATE_HOME and XDG_CACHE_HOME point into tmp_path,
  so platformdirs (escdesk.paths) never touches the real ~/.local/share/EscDesk or settings.
- `sqlite_db`: a path for an SQLite database in tmp_path (not created).
- `pg_url`: a URL to a fresh, empty PostgreSQL database, dropped after the test. Skipped when TEST_PG_URL is unset,
  except under CI=true, where a missing server is a failure: CI must run the PostgreSQL tests.
- `pg_password_url`: (URL without password, password) for the same fresh database, as a role that must give its
  password (TEST_PG_PASSWORD_URL names it; build/pg-throwaway creates it). PGPASSWORD and ~/.pgpass are hidden.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.fail
import pytest
from keyring.errors import PasswordDeleteError

# Before any QApplication exists (pytest-qt creates it lazily): without a display Qt would abort.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that lives in a dict for the length of one test."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError(f"no password for {username!r} in {service!r}")


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    yield backend
    # Whatever runs between tests finds no keyring rather than the last test's passwords.
    keyring.set_keyring(keyring.backends.fail.Keyring())


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The root of this test's private XDG folders (data, config, state, cache below it)."""
    root = tmp_path / "xdg"
    for name in ("data", "config", "state", "cache"):
        folder = root / name
        folder.mkdir(parents=True)
        monkeypatch.setenv(f"XDG_{name.upper()}_HOME", str(folder))
    return root


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Path:
    return tmp_path / "escdesk.sqlite"


def _required_env(name: str, what: str) -> str:
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if running_in_ci():
        pytest.fail(f"CI=true but {name} is not set: the PostgreSQL tests must run in CI (see build/dev test)")
    pytest.skip(f"{name} is not set ({what}; 'build/dev test' starts a throwaway PostgreSQL and sets it)")


def _libpq_url(url: str) -> str:
    """The same URL as psycopg/libpq spell it (no SQLAlchemy driver suffix)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """postgresql://... of a new database on the TEST_PG_URL server, created for this test and dropped after it."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    server = _libpq_url(_required_env("TEST_PG_URL", "a PostgreSQL server for tests"))
    name = f"escdesk_t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            # FORCE: a test that failed may have left a connection open.
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def pg_password_url(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """(URL without password, password): the pg_url database, handed to a role that must authenticate."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    role = make_url(_required_env("TEST_PG_PASSWORD_URL", "a role with password authentication"))
    assert role.username and role.password, "TEST_PG_PASSWORD_URL must name a user and a password"
    database = make_url(pg_url).database
    assert database
    with psycopg.connect(pg_url, autocommit=True) as connection:
        owner = sql.SQL("ALTER DATABASE {} OWNER TO {}")
        connection.execute(owner.format(sql.Identifier(database), sql.Identifier(role.username)))
    # Only keyring or the prompt may supply the password, not libpq's own sources.
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    url = make_url(pg_url).set(username=role.username, password=None)
    return url.render_as_string(hide_password=False), role.password
