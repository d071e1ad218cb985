"""User settings, declared in one place, typed and versioned (Picard's options.py is the model).

Stored as JSON in the user's config directory. Never holds a secret: database URLs are saved without password.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from escdesk.paths import config_dir

SETTINGS_VERSION = 1
log = logging.getLogger(__name__)


@dataclass
class Settings:
    last_database: str | None = None  # a path or a password-less URL
    paper_size: str = "A4"  # A4 or Letter, for briefs and reports
    display_timezone: str | None = None  # None: the system's zone

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
        known = {f.name for f in fields(cls)}
        values = raw.get("values", {}) if isinstance(raw, dict) else {}
        return cls(**{k: v for k, v in values.items() if k in known})

    def save(self) -> None:
        target = self.path()
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps({"version": SETTINGS_VERSION, "values": asdict(self)}, indent=2), "utf-8")
        os.replace(temporary, target)  # atomic: a crash leaves the old file or the new one, never half of one
