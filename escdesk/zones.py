"""The reader's time zone as an IANA name: the one setting, else the system's, else UTC.

Reports print instants in this zone and name it, so it must be a real zone name ("Europe/Berlin"), not an
abbreviation: the name is what tells a reader in another office how to read the times.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
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


def local_instant(wall: datetime, zone: str) -> datetime:
    """The instant a person means by a wall-clock date and time in `zone` (a date-time editor's value), in UTC.

    In the hour a DST change skips or repeats, the earlier reading is taken (fold 0), as zoneinfo does: 02:30 on
    the spring-forward night in Berlin is 01:30 UTC (03:30 summer time)."""
    found = find_zone(zone)
    if found is None:
        raise ValueError(f"unknown time zone {zone!r}")
    return wall.replace(tzinfo=found, fold=0).astimezone(UTC)


def wall_time(at: datetime, zone: str) -> datetime:
    """An aware instant as the naive wall-clock date and time in `zone` (what a date-time editor shows)."""
    found = find_zone(zone) or ZoneInfo("UTC")
    return at.astimezone(found).replace(tzinfo=None)


def zone_label(at: datetime, zone: str) -> str:
    """'CET, Europe/Berlin': the abbreviation in force at `at` and the IANA name (the name is the one that tells a
    reader in another office how to read the times); 'UTC' alone for UTC."""
    found = find_zone(zone) or ZoneInfo("UTC")
    abbreviation = at.astimezone(found).tzname() or ""
    if abbreviation and abbreviation[0] in "+-":
        abbreviation = f"UTC{abbreviation}"
    return abbreviation if abbreviation == zone or zone == "UTC" else f"{abbreviation}, {zone}"
