"""Tray notices for new SLA breaches, once each, held to business hours unless urgent (escdesk.notices decides
when a notice is due). Without a system tray (offscreen, some desktops) nothing is shown and nothing fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from PySide6.QtCore import QObject
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

from escdesk.calendars import BusinessCalendar
from escdesk.clock_service import CaseClockView
from escdesk.clocks import ClockKind
from escdesk.notices import overdue_now
from ui import text

Show = Callable[[str, str], None]  # (title, message)
BreachKey = tuple[str, ClockKind, datetime]  # one breach: the case, the clock, the due instant it missed


class BreachNotifier(QObject):
    """Call `check` after every clock evaluation: each breach not notified before is shown once (a clock that is
    met and breached again later, with a new due time, is a new breach). `show` None: a tray icon when the
    system has a tray, else nothing."""

    def __init__(self, icon: QIcon | None = None, show: Show | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._seen: set[BreachKey] = set()
        self._tray: QSystemTrayIcon | None = None
        if show is None and QSystemTrayIcon.isSystemTrayAvailable():
            self._tray = QSystemTrayIcon(icon or QIcon(), self)
            self._tray.setToolTip("EscDesk")
            self._tray.show()
        self._show = show or self._show_in_tray

    def check(
        self,
        views: Iterable[CaseClockView],
        calendars: Mapping[str, BusinessCalendar],
        now: datetime,
        references: Mapping[str, str],
    ) -> list[BreachKey]:
        """Notify the breaches due to be shown at `now` that were not shown before; returns their keys."""
        fresh = []
        for notice in overdue_now(views, calendars, now):
            key = (notice.case_id, notice.clock, notice.due_at)
            if key in self._seen:
                continue
            self._seen.add(key)
            fresh.append(key)
            name = references.get(notice.case_id, "A case")
            overdue = text.clock_duration(now - notice.due_at)
            what = f"Deadline '{notice.label}'" if notice.label else text.CLOCK_TEXT[notice.clock]
            self._show(f"{name}: {what} overdue", f"Overdue by {overdue}")
        return fresh

    def forget(self) -> None:
        """Another database was opened: its breaches are new to the person."""
        self._seen.clear()

    def _show_in_tray(self, title: str, message: str) -> None:
        if self._tray is not None:
            self._tray.showMessage(title, message, QSystemTrayIcon.MessageIcon.Warning)
