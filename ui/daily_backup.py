"""The daily backup, as the app takes it: once the board of a database is on screen, on a pool thread.

Not on the database worker and not before the board: the copy reads the file through its own SQLite connection,
which WAL lets run beside the app's, and a large database takes a second or more to copy, which would otherwise
delay the first look at the board. A copy that fails becomes a notice; the data stays in use. PostgreSQL
databases are left to the server's backups (escdesk.backups).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from escdesk.backups import daily_backup_if_due
from ui.controller import DeskController


class DailyBackup(QObject):
    """Signals:
    backup_checked(object): the daily check of the open database ran; the copy's Path, or None (not due).
    """

    backup_checked = Signal(object)

    def __init__(self, controller: DeskController) -> None:
        super().__init__(controller)
        self.controller = controller
        self._checked: set[tuple[Path, str]] = set()  # (database, day): one check a day per database
        controller.board_loaded.connect(lambda _count: self.check())

    def check(self) -> None:
        target = self.controller.target
        path = None if target is None else target.path
        if path is None or self.controller.tasks.is_closed:
            return
        key = (path, datetime.now(UTC).date().isoformat())
        if key in self._checked:
            return
        self._checked.add(key)
        tasks = self.controller.tasks
        tasks.run_in_background(lambda: daily_backup_if_due(path), self.backup_checked.emit, self._failed)

    def _failed(self, exc: BaseException) -> None:
        target = self.controller.target
        where = target.display if target is not None else "the database"
        self.controller.window.show_notice(f"The daily backup of {where} failed: {exc}", error=True)
        self.backup_checked.emit(None)
