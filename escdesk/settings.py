"""User settings, declared in one place, typed and versioned (Picard's options.py is the model).

Stored as JSON in the user's config directory. Never holds a secret: database URLs are saved without password.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import Field, asdict, dataclass, fields
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from escdesk.paths import config_dir, default_database_path
from escdesk.store.engine import mask_password
from escdesk.store.engine import without_password as _url_without_password

SETTINGS_VERSION = 1
log = logging.getLogger(__name__)


@dataclass
class Settings:
    last_database: str | None = None  # a path or a password-less URL
    paper_size: str = "A4"  # A4 or Letter, for briefs and reports
    display_timezone: str | None = None  # None: the system's zone
    redact_exports: bool = False  # exported briefs and reports hide ARR and contact names unless asked otherwise

    @classmethod
    def path(cls) -> Path:
        return config_dir() / "settings.json"

    @classmethod
    def load(cls) -> Settings:
        """Defaults when the file is missing or unreadable; a broken settings file never stops the app."""
        try:
            raw = json.loads(cls.path().read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable settings file %s: %s", cls.path(), exc)
            return cls()
        values = raw.get("values") if isinstance(raw, dict) else None
        if not isinstance(values, dict):
            log.warning("ignoring settings file %s: it holds no settings object", cls.path())
            return cls()
        settings = cls(**{f.name: values[f.name] for f in fields(cls) if _fits(f, values.get(f.name, _MISSING))})
        settings.last_database = without_password(settings.last_database)
        return settings

    def save(self) -> None:
        values = asdict(self)
        values["last_database"] = without_password(self.last_database)
        target = self.path()
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps({"version": SETTINGS_VERSION, "values": values}, indent=2), "utf-8")
        os.replace(temporary, target)  # atomic: a crash leaves the old file or the new one, never half of one


_MISSING = object()


def _fits(spec: Field[object], value: object) -> bool:
    """A value of the declared type (plain types like `str | None`); another one (a hand-edited file) is dropped."""
    if value is _MISSING:
        return False
    declared = {name.strip() for name in str(spec.type).split("|")}
    if ("None" if value is None else type(value).__name__) in declared:
        return True
    log.warning("ignoring setting %s=%r: not a %s", spec.name, value, spec.type)
    return False


def without_password(database: str | None) -> str | None:
    """A --db value fit to be written down: a URL loses its password (keyring keeps it), a path stays as it is."""
    if database is None or "://" not in database:
        return database
    try:
        url = make_url(database)
    except (ArgumentError, ValueError):
        # Unreadable as a URL: still never write down what may be "user:password@".
        return mask_password(database)
    if url.password is None and "password" not in {k.lower() for k in url.query}:
        return database
    return _url_without_password(url).render_as_string(hide_password=False)


def remembered_database(settings: Settings) -> str | None:
    """The database EscDesk uses when none is named: the last one the app opened, if it is still there, else the
    default file if it exists; None before the first run. The app and every command agree on it."""
    last = settings.last_database
    if last and ("://" in last or Path(last).exists()):
        return last
    default = default_database_path()
    return str(default) if default.exists() else None


def command_database(db: str | None, *, fresh: bool = False) -> str:
    """The database a command works on: --db, else the one the app uses (remembered_database); `fresh` (init,
    demo): else the default file, so that a new database never lands on the one in use."""
    if db is not None:  # `is None`, not falsiness: `--db ""` is a mistake to report, not a request for the default
        return db
    chosen = None if fresh else remembered_database(Settings.load())
    return chosen or str(default_database_path())
