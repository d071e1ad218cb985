"""Team databases where people log in as their own roles: a role the owner has not granted EscDesk's tables gets
a message that says so (not a traceback), and a connection that needs no password from us says nothing about the
keyring (found by trying the README as a new user)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import keyring
import keyring.backends.fail
import pytest
from sqlalchemy.engine import make_url

from escdesk.connect import open_database
from escdesk.errors import DatabaseUnavailable
from escdesk.store.engine import resolve_target

pytestmark = pytest.mark.postgres


@pytest.fixture
def stranger_url(pg_url: str) -> Iterator[str]:
    """pg_url (its schema made by its owner) for a new login role granted nothing on EscDesk's tables."""
    import psycopg
    from psycopg import sql

    open_database(resolve_target(pg_url)).store.close()  # the owner creates the schema
    role = f"escdesk_stranger_{uuid.uuid4().hex[:8]}"
    owner = make_url(pg_url).set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(owner, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    try:
        yield make_url(pg_url).set(username=role, password=None).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(owner, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            connection.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_a_role_without_grants_is_told_what_to_ask_for(stranger_url: str) -> None:
    with pytest.raises(DatabaseUnavailable) as refused:
        open_database(resolve_target(stranger_url)).store.close()
    message = str(refused.value)
    assert "may not use EscDesk's tables" in message and "permission denied" in message
    assert "GRANT" in message.upper()


def test_no_keyring_notice_when_no_password_was_needed(pg_url: str) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        opened = open_database(resolve_target(pg_url))  # trust authentication: libpq needs nothing from us
        opened.store.close()
    finally:
        keyring.set_keyring(previous)
    assert opened.notices == []
