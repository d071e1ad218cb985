"""The team-database path on a real PostgreSQL server: open and migrate, a case's life through the services,
the append-only history, optimistic concurrency between two stores, and how a password is found (keyring,
prompt, none). Needs TEST_PG_URL (and TEST_PG_PASSWORD_URL for the password tests): `build/dev test` sets both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta

import keyring
import keyring.backends.fail
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from escdesk import credentials
from escdesk.clock import FrozenClock
from escdesk.connect import OpenedDatabase, open_database
from escdesk.domain import EventKind, Level, NewCase
from escdesk.errors import PasswordRequired, StaleCase
from escdesk.services import CaseService
from escdesk.store import Store
from escdesk.store.engine import resolve_target
from escdesk.store.migrate import head_revision

pytestmark = pytest.mark.postgres

MakeCustomer = Callable[..., str]
NewOutage = Callable[..., NewCase]


@pytest.fixture
def opened(pg_url: str) -> Iterator[OpenedDatabase]:
    """This module's database is PostgreSQL: overriding `opened` from tests/integration/conftest.py puts its
    `store`, `service`, `make_customer` (and the frozen `clock`) on the server instead of on SQLite."""
    result = open_database(resolve_target(pg_url))
    yield result
    result.store.close()


@pytest.fixture
def second_store(pg_url: str) -> Iterator[Store]:
    """Another client of the same database, as a second EscDesk on a colleague's laptop."""
    result = open_database(resolve_target(pg_url))
    yield result.store
    result.store.close()


def test_opening_an_empty_database_migrates_it_to_head(opened: OpenedDatabase, pg_url: str) -> None:
    assert (opened.migration.from_revision, opened.migration.to_revision) == (None, head_revision())
    assert opened.migration.backup is None  # backups are SQLite file copies; a team server has its own
    again = open_database(resolve_target(pg_url))
    again.store.close()
    assert not again.migration.changed


def test_a_case_opens_moves_and_keeps_its_history(
    service: CaseService, clock: FrozenClock, make_customer: MakeCustomer, new_outage: NewOutage
) -> None:
    assert service.store.engine.dialect.name == "postgresql"  # the fixtures really use the server
    card = service.open_case(new_outage(make_customer()))
    assert (card.level, card.version, card.customer_name) == (Level.L3, 1, "Müller & Söhne GmbH")  # S1 Strategic
    opened_at = clock.now()
    assert card.opened_at == opened_at

    clock.advance(timedelta(hours=2))
    moved = service.move_level(card.id, Level.L4, "termination notice received", card.version)

    assert (moved.level, moved.version, moved.level_entered_at) == (Level.L4, 2, opened_at + timedelta(hours=2))
    history = service.history(card.id)
    assert [e.kind for e in history] == [EventKind.OPENED, EventKind.LEVEL_CHANGED]
    level_change = history[1]
    assert (level_change.from_value, level_change.to_value) == ("L3", "L4")
    assert level_change.reason == "termination notice received"
    assert level_change.actor == service.actor
    assert [c.id for c in service.open_cards()] == [card.id]


@pytest.mark.parametrize("statement", ["UPDATE case_events SET reason = 'rewritten'", "DELETE FROM case_events"])
def test_the_history_is_append_only(
    store: Store, service: CaseService, make_customer: MakeCustomer, new_outage: NewOutage, statement: str
) -> None:
    service.open_case(new_outage(make_customer()))
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as connection:
        connection.execute(text(statement))
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM case_events WHERE reason = 'rewritten'")).scalar() == 0
        assert connection.execute(text("SELECT count(*) FROM case_events")).scalar() == 1


def test_a_second_store_cannot_overwrite_a_newer_version(
    service: CaseService, second_store: Store, make_customer: MakeCustomer, new_outage: NewOutage
) -> None:
    case_id = service.open_case(new_outage(make_customer())).id
    theirs = replace(service, store=second_store)
    seen = theirs.card(case_id)
    service.move_level(case_id, Level.L4, "legal letter", seen.version)
    with pytest.raises(StaleCase, match="changed by someone else"):
        theirs.move_level(case_id, Level.L2, "mitigated", seen.version)
    assert service.card(case_id).level == Level.L4


def test_the_version_column_catches_a_save_that_raced_past_the_check(
    service: CaseService,
    clock: FrozenClock,
    second_store: Store,
    make_customer: MakeCustomer,
    new_outage: NewOutage,
) -> None:
    case_id = service.open_case(new_outage(make_customer())).id
    with second_store.uow() as uow:
        row = uow.cases.get(case_id)  # loaded at version 1 ...
        assert row is not None
        clock.advance(timedelta(minutes=5))
        service.add_note(case_id, "called the customer's CTO", 1)  # ... then saved by the other client as version 2
        row.title = "overwritten"
        with pytest.raises(StaleDataError):
            uow.commit()
    assert service.card(case_id).title == "EU region outage"


# -- finding the password of a team database -----------------------------------------------------------------


class Prompt:
    """A stand-in for the password dialog: answers `answer` and remembers why it was asked."""

    def __init__(self, answer: str | None) -> None:
        self.answer = answer
        self.reasons: list[str] = []

    def __call__(self, display: str, reason: str) -> str | None:
        self.reasons.append(reason)
        return self.answer


def _never_asked(display: str, reason: str) -> str | None:
    raise AssertionError(f"asked for a password ({reason}) although keyring holds it")


def test_a_password_in_the_keyring_connects_without_asking(
    pg_password_url: tuple[str, str], memory_keyring: KeyringBackend
) -> None:
    url, password = pg_password_url
    target = resolve_target(url)
    memory_keyring.set_password(credentials.SERVICE, target.credential_key, password)
    result = open_database(target, ask_password=_never_asked)
    result.store.close()
    assert result.notices == []
    assert result.migration.to_revision == head_revision()


def test_the_password_asked_for_on_first_connect_is_saved(
    pg_password_url: tuple[str, str], memory_keyring: KeyringBackend
) -> None:
    url, password = pg_password_url
    target = resolve_target(url)
    prompt = Prompt(password)
    result = open_database(target, ask_password=prompt)
    result.store.close()
    assert prompt.reasons == ["a password is needed"]
    assert memory_keyring.get_password(credentials.SERVICE, target.credential_key) == password


def test_without_a_keyring_the_prompt_still_connects_and_says_why(pg_password_url: tuple[str, str]) -> None:
    url, password = pg_password_url
    keyring.set_keyring(keyring.backends.fail.Keyring())
    prompt = Prompt(password)
    result = open_database(resolve_target(url), ask_password=prompt)
    result.store.close()
    assert prompt.reasons == ["a password is needed"]
    assert result.notices and result.notices[0].startswith(credentials.NO_KEYRING_MESSAGE)


def test_a_refused_password_and_no_answer_is_a_clear_error(
    pg_password_url: tuple[str, str], memory_keyring: KeyringBackend
) -> None:
    url, _ = pg_password_url
    target = resolve_target(url)
    memory_keyring.set_password(credentials.SERVICE, target.credential_key, "not-the-password")
    with pytest.raises(PasswordRequired, match="the saved password was refused") as refused:
        open_database(target, ask_password=Prompt(None))
    assert refused.value.refused
    assert "not-the-password" not in str(refused.value)


def test_a_password_typed_into_the_url_is_not_kept(pg_password_url: tuple[str, str]) -> None:
    url, password = pg_password_url
    target = resolve_target(make_url(url).set(password=password).render_as_string(hide_password=False))
    assert target.url.password is None
    assert password not in target.display
