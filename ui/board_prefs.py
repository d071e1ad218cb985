"""The board's own preferences: swimlane grouping, attention (WIP) limits per column, saved views and the name
"Mine" means. Kept in an INI file beside the window state (QSettings), or in memory for tests and screenshots.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from escdesk.domain import Level
from ui.board_groups import Grouping, grouping_from
from ui.filters import CardFilter, views_from

MAX_WIP_LIMIT = 999


class BoardPreferences:
    """Typed access to the board's settings. `path` None keeps them in memory only (nothing written)."""

    def __init__(self, path: Path | None = None) -> None:
        self._settings = None if path is None else QSettings(str(path), QSettings.Format.IniFormat)
        self._memory: dict[str, object] = {}

    # -- storage ----------------------------------------------------------------------------------------------
    def _get(self, key: str) -> object:
        if self._settings is None:
            return self._memory.get(key)
        return self._settings.value(key)

    def _set(self, key: str, value: object | None) -> None:
        if self._settings is None:
            if value is None:
                self._memory.pop(key, None)
            else:
                self._memory[key] = value
            return
        if value is None:
            self._settings.remove(key)
        else:
            self._settings.setValue(key, value)
        self._settings.sync()

    def _keys(self, group: str) -> list[str]:
        prefix = f"{group}/"
        if self._settings is None:
            return [key[len(prefix) :] for key in self._memory if key.startswith(prefix)]
        self._settings.beginGroup(group)
        try:
            return list(self._settings.childKeys())
        finally:
            self._settings.endGroup()

    # -- the preferences --------------------------------------------------------------------------------------
    @property
    def grouping(self) -> Grouping:
        return grouping_from(self._get("board/grouping"))

    @grouping.setter
    def grouping(self, value: Grouping) -> None:
        self._set("board/grouping", value.value)

    def wip_limit(self, level: Level) -> int | None:
        """The column's attention limit, or None (no limit)."""
        try:
            limit = int(str(self._get(f"wip/{level.code}")))
        except ValueError:
            return None
        return limit if 0 < limit <= MAX_WIP_LIMIT else None

    def set_wip_limit(self, level: Level, limit: int | None) -> None:
        self._set(f"wip/{level.code}", None if not limit else int(limit))

    @property
    def my_name(self) -> str | None:
        """The owner name "Mine" matches, when it differs from the login name (set in board.ini)."""
        value = self._get("board/my_name")
        return str(value) if value else None

    @my_name.setter
    def my_name(self, value: str | None) -> None:
        self._set("board/my_name", value or None)

    def saved_views(self) -> dict[str, CardFilter]:
        """Name -> filter, sorted by name."""
        return views_from({name: self._get(f"views/{name}") for name in self._keys("views")})

    def save_view(self, name: str, chosen: CardFilter) -> None:
        self._set(f"views/{view_key(name)}", chosen.to_json())

    def delete_view(self, name: str) -> None:
        self._set(f"views/{view_key(name)}", None)


def view_key(name: str) -> str:
    """A view's name as a settings key: a slash would open a settings group, so it becomes a dash."""
    return name.strip().replace("/", "-").replace("\\", "-")
