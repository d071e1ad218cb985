"""Secrets only through keyring; a machine without one gets a clear message and a prompt, never a traceback.

connect._connect_team_database is tested with _try_connect replaced: the real PostgreSQL path is tested in
tests/integration/test_postgres_smoke.py. The top-level conftest gives every test a fresh in-memory keyring.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import keyring
import keyring.backends.fail
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, NoKeyringError
from sqlalchemy import Engine, create_engine

from escdesk import connect, credentials
from escdesk.connect import open_database
from escdesk.credentials import NO_KEYRING_MESSAGE, SERVICE, KeyringUnavailable
from escdesk.errors import DatabaseUnavailable, PasswordRequired
from escdesk.settings import Settings
from escdesk.store.engine import DatabaseTarget, resolve_target
from escdesk.store.schema import MigrationResult

SECRET = "s3cret-Pa55"
TEAM_URL = "postgresql://lead@db.example.com/escdesk"


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """This machine has no keyring backend at all (keyring's own 'fail' backend)."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


class LockedKeyring(KeyringBackend):
    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("the collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the collection is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("the collection is locked")


@pytest.fixture
def locked_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(LockedKeyring())
    yield
    keyring.set_keyring(previous)


# -- escdesk.credentials --------------------------------------------------------------------------------------------


def test_round_trip_through_the_keyring() -> None:
    assert credentials.get_password("lead@h:5432/db") is None
    credentials.save_password("lead@h:5432/db", SECRET)
    assert credentials.get_password("lead@h:5432/db") == SECRET
    assert keyring.get_password(SERVICE, "lead@h:5432/db") == SECRET
    credentials.forget_password("lead@h:5432/db")
    assert credentials.get_password("lead@h:5432/db") is None


def test_forgetting_what_was_never_saved_is_fine() -> None:
    credentials.forget_password("nobody@h:5432/db")


@pytest.mark.usefixtures("no_keyring")
@pytest.mark.parametrize(
    "call",
    [
        lambda: credentials.get_password("a"),
        lambda: credentials.save_password("a", SECRET),
        lambda: credentials.forget_password("a"),
    ],
    ids=["get", "save", "forget"],
)
def test_no_keyring_backend_is_a_clear_message(call: object) -> None:
    with pytest.raises(KeyringUnavailable) as caught:
        call()  # type: ignore[operator]
    assert not isinstance(caught.value, NoKeyringError)
    assert isinstance(caught.value.__cause__, NoKeyringError)
    message = str(caught.value)
    assert message == NO_KEYRING_MESSAGE
    assert "No system keyring is available" in message
    assert "ask for it each time" in message
    assert "keyrings.alt" not in message  # keyring's own advice is not for our users


@pytest.mark.usefixtures("locked_keyring")
def test_other_keyring_errors_are_reported_too() -> None:
    with pytest.raises(KeyringUnavailable, match=r"No system keyring .* \(KeyringLocked\)"):
        credentials.get_password("a")
    with pytest.raises(KeyringUnavailable, match="KeyringLocked"):
        credentials.save_password("a", SECRET)


# -- asking for the password of a team database --------------------------------------------------------------------


@dataclass
class FakeServer:
    """Stands in for PostgreSQL: accepts one password (or libpq's own sources when `trust` is set)."""

    password: str = SECRET
    trust: bool = False
    tried: list[str | None] = field(default_factory=list)
    engines: list[Engine] = field(default_factory=list)

    def try_connect(self, target: DatabaseTarget, password: str | None) -> Engine | None:
        assert target.url.password is None
        self.tried.append(password)
        if self.trust or password == self.password:
            engine = create_engine("sqlite://")
            self.engines.append(engine)
            return engine
        return None

    def dispose(self) -> None:
        for engine in self.engines:
            engine.dispose()


@dataclass
class Asker:
    """The prompt: hands out the typed answers in order and records why it was asked."""

    answers: list[str | None]
    asked: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, display: str, reason: str) -> str | None:
        self.asked.append((display, reason))
        return self.answers.pop(0)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    fake = FakeServer()
    monkeypatch.setattr(connect, "_try_connect", fake.try_connect)
    yield fake
    fake.dispose()


@pytest.fixture
def target() -> DatabaseTarget:
    return resolve_target(TEAM_URL)


def connect_team(target: DatabaseTarget, ask: Asker | None) -> tuple[Engine, list[str]]:
    notices: list[str] = []
    engine = connect._connect_team_database(target, ask, notices)
    return engine, notices


def test_saved_password_is_used_without_asking(server: FakeServer, target: DatabaseTarget) -> None:
    keyring.set_password(SERVICE, target.credential_key, SECRET)
    ask = Asker([])
    engine, notices = connect_team(target, ask)
    assert engine is server.engines[-1]
    assert ask.asked == []
    assert notices == []
    assert server.tried == [SECRET]


def test_libpq_sources_are_tried_before_asking(server: FakeServer, target: DatabaseTarget) -> None:
    server.trust = True  # PGPASSWORD, ~/.pgpass, trust or peer authentication
    ask = Asker([])
    connect_team(target, ask)
    assert server.tried == [None]
    assert ask.asked == []


def test_first_connect_asks_and_saves(server: FakeServer, target: DatabaseTarget) -> None:
    ask = Asker([SECRET])
    _engine, notices = connect_team(target, ask)
    assert ask.asked == [(target.display, "a password is needed")]
    assert notices == []
    assert keyring.get_password(SERVICE, target.credential_key) == SECRET
    # The next connect does not ask again.
    again = Asker([])
    connect_team(target, again)
    assert again.asked == []


@pytest.mark.usefixtures("no_keyring")
def test_no_keyring_backend_asks_and_says_why(server: FakeServer, target: DatabaseTarget) -> None:
    ask = Asker([SECRET])
    engine, notices = connect_team(target, ask)
    assert engine is server.engines[-1]
    assert ask.asked == [(target.display, "a password is needed")]
    assert notices == [NO_KEYRING_MESSAGE]
    assert server.tried == [None, SECRET]


@pytest.mark.usefixtures("locked_keyring")
def test_keyring_that_refuses_to_save_is_a_notice(server: FakeServer, target: DatabaseTarget) -> None:
    _engine, notices = connect_team(target, Asker([SECRET]))
    assert len(notices) == 1
    assert "KeyringLocked" in notices[0]


def test_refused_saved_password_asks_again_until_right(server: FakeServer, target: DatabaseTarget) -> None:
    keyring.set_password(SERVICE, target.credential_key, "old-password")
    ask = Asker(["typo", SECRET])
    connect_team(target, ask)
    assert [reason for _display, reason in ask.asked] == [
        "the saved password was refused",
        "the password was refused",
    ]
    assert server.tried == ["old-password", "typo", SECRET]
    assert keyring.get_password(SERVICE, target.credential_key) == SECRET  # the right one replaces the stale one


def test_cancelled_prompt_is_password_required(server: FakeServer, target: DatabaseTarget) -> None:
    ask = Asker([None])
    with pytest.raises(PasswordRequired) as caught:
        connect_team(target, ask)
    assert isinstance(caught.value, DatabaseUnavailable)
    assert caught.value.refused is False
    message = str(caught.value)
    assert message.startswith(target.display)
    assert "a password is needed and none was given" in message
    assert keyring.get_password(SERVICE, target.credential_key) is None


def test_cancel_after_a_refused_saved_password(server: FakeServer, target: DatabaseTarget) -> None:
    keyring.set_password(SERVICE, target.credential_key, "old-password")
    with pytest.raises(PasswordRequired, match="the saved password was refused") as caught:
        connect_team(target, Asker([None]))
    assert caught.value.refused is True
    assert "old-password" not in str(caught.value)


def test_nobody_to_ask_is_password_required(server: FakeServer, target: DatabaseTarget) -> None:
    with pytest.raises(PasswordRequired, match="set PGPASSWORD"):
        connect_team(target, None)


def test_password_never_reaches_target_settings_or_notices(server: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from escdesk.store import migrate

    monkeypatch.setattr(migrate, "upgrade_database", lambda _e, _t: MigrationResult("0001", "0001", None))
    typed_url = f"postgresql://lead:{SECRET}@db.example.com/escdesk"
    target = resolve_target(typed_url)
    ask = Asker([SECRET])
    opened = open_database(target, ask_password=ask)
    try:
        shown = [
            opened.store.target.display,
            str(opened.store.target.url),
            opened.store.target.url.render_as_string(hide_password=False),
            repr(opened.store.target),
            opened.store.target.credential_key,
            *opened.notices,
            *(f"{d} {r}" for d, r in ask.asked),
        ]
        assert all(SECRET not in text for text in shown)
        Settings(last_database=opened.store.target.display).save()
        Settings(last_database=typed_url).save()  # even when handed the URL as typed
        assert SECRET not in Settings.path().read_text(encoding="utf-8")
        assert json.loads(Settings.path().read_text(encoding="utf-8"))["values"]["last_database"] == TEAM_URL
    finally:
        opened.store.close()
    # The only copy is the keyring's.
    assert keyring.get_password(SERVICE, target.credential_key) == SECRET
