"""EscDesk's log file: in the user's log folder (platformdirs: ~/.local/state/EscDesk/log on Linux), rotating, private.

What goes in: warnings and errors of every module (and info when asked), e.g. an unexpected error in a background
task with its traceback, which the user never sees in a dialog. What never goes in: a password. Every record passes
through SecretFilter, which masks the password of any URL (user:secret@host, ?password=secret) and any
`password=...` phrase, in the message and in its arguments, before a handler formats it.

`configure_logging()` is called once by the app at start; calling it again replaces the handler (tests do).
"""

from __future__ import annotations

import logging
import os
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from escdesk import paths

LOG_NAME = "escdesk.log"
MAX_BYTES = 1024 * 1024
BACKUP_COUNT = 5  # escdesk.log.1 ... .5: a few days of a busy desk, bounded at 6 MiB
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "***"

_URL_PASSWORD = re.compile(r"(?P<keep>[a-z][a-z0-9+.-]*://[^/:@\s]*:)[^/@\s]+(?=@)", re.IGNORECASE)
_PASSWORD_PHRASE = re.compile(r"(?P<keep>\b(?:password|passwd|pwd|secret)\s*[=:]\s*)(?P<q>['\"]?)[^\s'\"&,;]+", re.I)


def mask_secrets(text: str) -> str:
    """The text with every password we can recognise replaced by ***."""
    text = _URL_PASSWORD.sub(lambda m: m.group("keep") + MASK, text)
    return _PASSWORD_PHRASE.sub(lambda m: m.group("keep") + m.group("q") + MASK, text)


class SecretFilter(logging.Filter):
    """Masks passwords in a record's message, arguments and traceback text; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = None
        record.msg = mask_secrets(str(record.msg))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_secrets(record.exc_text)
        return True


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A RotatingFileHandler whose files (the current one and each new one after a rollover) are 0600."""

    def _open(self) -> Any:
        descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(descriptor)
        os.chmod(self.baseFilename, 0o600)
        return super()._open()


def log_file() -> Path:
    return paths.log_dir() / LOG_NAME


def configure_logging(level: int = logging.WARNING, folder: Path | None = None) -> Path:
    """Send EscDesk's log records (`level` and above) to a rotating file in the user's log folder; its path."""
    folder = folder or paths.log_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / LOG_NAME
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, PrivateRotatingFileHandler)]:
        root.removeHandler(old)
        old.close()
    handler = PrivateRotatingFileHandler(target, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(SecretFilter())
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    return target


def stop_logging() -> None:
    """Close the log file (at exit, and after a test)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, PrivateRotatingFileHandler)]:
        root.removeHandler(handler)
        handler.close()
