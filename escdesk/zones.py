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


def valid_zone(name: str | None) -> str | None:
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


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
