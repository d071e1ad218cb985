"""Errors that carry a message fit to show a person as it is: they name the file, field or value at fault."""

from __future__ import annotations


class EscDeskError(Exception):
    """Base of every error whose message is meant for the user."""


class DatabaseUnavailable(EscDeskError):
    """The database cannot be opened or used: bad path or URL, wrong file, read-only, server down."""


class SchemaTooNew(DatabaseUnavailable):
    """The database was written by a newer EscDesk than this one."""


class PasswordRequired(DatabaseUnavailable):
    """A team database needs a password we do not have (or the one we had was refused)."""

    def __init__(self, message: str, *, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused


class NotFound(EscDeskError):
    pass


class InvalidOperation(EscDeskError):
    """A refused change (missing reason, illegal move, incomplete checklist); the case is left as it was."""


class StaleCase(EscDeskError):
    """Someone else saved this case since it was loaded: reload (or merge) instead of overwriting."""
