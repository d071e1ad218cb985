"""Where EscDesk keeps things on this machine (platformdirs: the OS conventions; XDG_* variables on Linux)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "EscDesk"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Files EscDesk can make again (brief previews): private to the user, never needed across runs."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def default_database_path() -> Path:
    """The embedded database a user gets when they start without --db."""
    return data_dir() / "escdesk.sqlite"


def demo_database_path() -> Path:
    """The generated demo book of business offered on first run; kept apart from the user's real data."""
    return data_dir() / "demo.sqlite"


def backup_dir_for(database: Path) -> Path:
    return database.parent / "backups"
