"""The one place secrets go through: the OS keyring. A machine without a keyring backend gets a clear
message (and the caller asks for the password each time), never a traceback and never a plaintext file."""

from __future__ import annotations

import logging

import keyring
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

from escdesk.errors import EscDeskError

SERVICE = "EscDesk"
log = logging.getLogger(__name__)

NO_KEYRING_MESSAGE = (
    "No system keyring is available on this machine, so EscDesk cannot save the password. "
    "It will ask for it each time you connect. To save it, install or unlock a keyring "
    "(GNOME Keyring or KWallet on Linux, Keychain on macOS, Credential Manager on Windows)."
)


class KeyringUnavailable(EscDeskError):
    def __init__(self, detail: str = "") -> None:
        super().__init__(NO_KEYRING_MESSAGE + (f" ({detail})" if detail else ""))


def get_password(account: str) -> str | None:
    try:
        return keyring.get_password(SERVICE, account)
    except NoKeyringError as exc:
        raise KeyringUnavailable() from exc
    except KeyringError as exc:
        raise KeyringUnavailable(type(exc).__name__) from exc


def save_password(account: str, password: str) -> None:
    try:
        keyring.set_password(SERVICE, account, password)
    except NoKeyringError as exc:
        raise KeyringUnavailable() from exc
    except KeyringError as exc:
        raise KeyringUnavailable(type(exc).__name__) from exc


def forget_password(account: str) -> None:
    try:
        keyring.delete_password(SERVICE, account)
    except PasswordDeleteError:
        pass
    except NoKeyringError as exc:
        raise KeyringUnavailable() from exc
    except KeyringError as exc:
        raise KeyringUnavailable(type(exc).__name__) from exc
