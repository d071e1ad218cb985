"""The reader's time zone as an IANA name: the one setting, else the system's, else UTC.

Reports print instants in this zone and name it, so it must be a real zone name ("Europe/Berlin"), not an
abbreviation: the name is what tells a reader in another office how to read the times.
"""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LOCALTIME = Path("/etc/localtime")
TIMEZONE_FILE = Path("/etc/timezone")


def find_zone(name: object) -> ZoneInfo | None:
    """The zone of an IANA name from a file or a person; None for anything else, never an exception.

    zoneinfo turns a name into a file path, so odd input fails in odd ways: ValueError for '../x', OSError for a
    name too long for a file name, TypeError for a non-string."""
    if not isinstance(name, str) or not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return None


def valid_zone(name: str | None) -> str | None:
    return name if find_zone(name) is not None else None


def system_zone() -> str:
    """The machine's zone: $TZ, the /etc/localtime link (Linux, macOS), /etc/timezone (Debian); UTC otherwise."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    if LOCALTIME.is_symlink():
        target = str(LOCALTIME.resolve())
        candidates.append(target.partition("zoneinfo/")[2])
    if TIMEZONE_FILE.is_file():
        candidates.append(TIMEZONE_FILE.read_text(encoding="utf-8", errors="replace").strip())
    return next((name for name in map(valid_zone, candidates) if name), "UTC")


def user_zone(setting: str | None) -> str:
    return valid_zone(setting) or system_zone()
