"""--db values: paths and URLs become checked targets without touching disk or network; passwords never stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from escdesk.errors import DatabaseUnavailable
from escdesk.store.engine import DatabaseTarget, mask_password, resolve_target


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def test_relative_path_becomes_absolute(tmp_path: Path) -> None:
    target = resolve_target("data/escdesk.sqlite")
    assert target.is_sqlite
    assert target.path == tmp_path / "data" / "escdesk.sqlite"
    assert target.path.is_absolute()
    assert target.display == str(tmp_path / "data" / "escdesk.sqlite")
    assert target.url.get_backend_name() == "sqlite"
    assert target.url.database == str(tmp_path / "data" / "escdesk.sqlite")


def test_path_objects_and_surrounding_spaces(tmp_path: Path) -> None:
    assert resolve_target(tmp_path / "a.sqlite").path == tmp_path / "a.sqlite"
    assert resolve_target(f"  {tmp_path / 'b.sqlite'}  ").path == tmp_path / "b.sqlite"


def test_path_with_spaces_and_unicode(tmp_path: Path) -> None:
    target = resolve_target("Müller & Söhne/客户 escalations.sqlite")
    assert target.path == tmp_path / "Müller & Söhne" / "客户 escalations.sqlite"


def test_tilde_is_expanded(tmp_path: Path) -> None:
    assert resolve_target("~/esc.sqlite").path == tmp_path / "home" / "esc.sqlite"
    assert resolve_target("sqlite:///~/esc.sqlite").path == tmp_path / "home" / "esc.sqlite"


def test_sqlite_urls(tmp_path: Path) -> None:
    assert resolve_target("sqlite:///rel.sqlite").path == tmp_path / "rel.sqlite"
    assert resolve_target(f"sqlite:///{tmp_path}/abs.sqlite").path == tmp_path / "abs.sqlite"
    assert resolve_target("sqlite+pysqlite:///drv.sqlite").path == tmp_path / "drv.sqlite"


@pytest.mark.parametrize("value", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_sqlite_is_refused(value: str) -> None:
    with pytest.raises(DatabaseUnavailable, match="in-memory SQLite database would lose everything"):
        resolve_target(value)


@pytest.mark.parametrize("value", ["", "   ", "\t\n"])
def test_empty_value_is_refused(value: str) -> None:
    with pytest.raises(DatabaseUnavailable, match="--db is empty; give a file path"):
        resolve_target(value)


def test_postgresql_password_is_dropped() -> None:
    target = resolve_target("postgresql://lead:s3cret@db.example.com:5433/escdesk")
    assert not target.is_sqlite
    assert target.path is None
    assert target.url.password is None
    assert target.url.drivername == "postgresql+psycopg"
    assert (target.url.username, target.url.host, target.url.port) == ("lead", "db.example.com", 5433)
    assert target.url.database == "escdesk"
    assert target.display == "postgresql://lead@db.example.com:5433/escdesk"  # what a person types
    for shown in (target.display, str(target.url), repr(target), target.url.render_as_string(hide_password=False)):
        assert "s3cret" not in shown


def test_password_in_the_query_is_dropped_too() -> None:
    target = resolve_target("postgresql://lead@db.example.com/escdesk?password=s3cret&sslmode=require")
    assert "s3cret" not in target.url.render_as_string(hide_password=False)
    assert dict(target.url.query) == {"sslmode": "require"}


@pytest.mark.parametrize(
    "value",
    ["postgres://lead@db.example.com/escdesk", "postgresql+psycopg2://lead@db.example.com/escdesk"],
)
def test_postgres_aliases_use_psycopg3(value: str) -> None:
    target = resolve_target(value)
    assert target.url.drivername == "postgresql+psycopg"
    assert target.display == "postgresql://lead@db.example.com/escdesk"


@pytest.mark.parametrize(
    ("value", "kind"),
    [("mysql://lead:s3cret@h/escdesk", "mysql"), ("mssql+pyodbc://h/db", "mssql"), ("http://example.com/x", "http")],
)
def test_other_database_types_are_refused_by_name(value: str, kind: str) -> None:
    with pytest.raises(DatabaseUnavailable) as caught:
        resolve_target(value)
    message = str(caught.value)
    assert f"unsupported database type {kind!r}" in message
    assert "postgresql://USER@HOST" in message
    assert "s3cret" not in message


def test_postgresql_url_without_database() -> None:
    with pytest.raises(DatabaseUnavailable, match=r"postgresql://lead@db\.example\.com names no database"):
        resolve_target("postgresql://lead@db.example.com")
    with pytest.raises(DatabaseUnavailable, match=r"names no database") as caught:
        resolve_target("postgresql://lead:s3cret@db.example.com")
    assert "s3cret" not in str(caught.value)


@pytest.mark.parametrize("value", ["postgresql://lead:s3cret@h:notaport/db", "postgresql://lead:s3cret@[::1/db"])
def test_unreadable_url_is_refused_without_showing_the_password(value: str) -> None:
    with pytest.raises(DatabaseUnavailable) as caught:
        resolve_target(value)
    message = str(caught.value)
    assert message.startswith("cannot read the database URL")
    assert "lead:***@" in message
    assert "s3cret" not in message


def test_port_out_of_range() -> None:
    with pytest.raises(DatabaseUnavailable, match="port 99999; ports go from 1 to 65535"):
        resolve_target("postgresql://lead@h:99999/db")


def test_garbage_scheme() -> None:
    with pytest.raises(DatabaseUnavailable, match="cannot read the database URL"):
        resolve_target("://nothing")


def test_resolving_touches_nothing(tmp_path: Path) -> None:
    resolve_target("not/there/yet.sqlite")
    assert not (tmp_path / "not").exists()


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("postgresql://lead:s3cret@db.example.com:5433/escdesk", "lead@db.example.com:5433/escdesk"),
        ("postgres://lead@db.example.com/escdesk", "lead@db.example.com:5432/escdesk"),
        ("postgresql:///escdesk", "@localhost:5432/escdesk"),
    ],
)
def test_credential_key(value: str, key: str) -> None:
    assert resolve_target(value).credential_key == key


def test_credential_key_is_the_same_with_or_without_a_typed_password() -> None:
    with_password = resolve_target("postgresql://lead:s3cret@h/escdesk")
    without = resolve_target("postgresql://lead@h/escdesk")
    assert with_password == without
    assert with_password.credential_key == without.credential_key


def test_target_is_frozen(tmp_path: Path) -> None:
    target = resolve_target("x.sqlite")
    assert isinstance(target, DatabaseTarget)
    with pytest.raises(AttributeError):
        target.path = tmp_path  # type: ignore[misc]


def test_mask_password() -> None:
    assert mask_password("postgresql://lead:s3cret@h/db") == "postgresql://lead:***@h/db"
    assert mask_password("postgresql://lead@h/db") == "postgresql://lead@h/db"
    assert mask_password("/plain/path.sqlite") == "/plain/path.sqlite"
