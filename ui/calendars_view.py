"""View > Calendars…: every business calendar of the policy, its hours, time zone, the holidays in force and which
cases run on it. Read-only: the list in force is always visible (DESIGN.md: nothing is added silently); editing
it, and the `holidays` package proposing a country's list for the user to confirm, come later.
"""

from __future__ import annotations

from itertools import groupby

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from escdesk.calendars import WEEKDAYS, BusinessCalendar
from escdesk.policy_clocks import CalendarRule, ClockPolicy
from ui.main_window import MainWindow


def hours_lines(calendar: BusinessCalendar) -> list[str]:
    """'Mon–Fri 09:00–13:00, 14:00–18:00', 'Sat–Sun closed'; 'Open day and night, every day' for 24/7."""
    if calendar.is_24_7:
        return ["Open day and night, every day"]
    lines = []
    days = list(zip(WEEKDAYS, calendar.week, strict=True))
    for ranges, group in groupby(days, key=lambda day: day[1]):
        names = [name.capitalize() for name, _ in group]
        span = names[0] if len(names) == 1 else f"{names[0]}–{names[-1]}"
        hours = ", ".join(str(r).replace("-", "–") for r in ranges) or "closed"
        lines.append(f"{span} {hours}")
    return lines


def holiday_lines(calendar: BusinessCalendar) -> list[str]:
    if not calendar.holidays:
        return ["No holidays listed"]
    return [
        f"{h.on.isoformat()} {h.name}".rstrip() + ("" if h.active else " (listed, worked as usual)")
        for h in calendar.holidays
    ]


def rule_text(rule: CalendarRule) -> str:
    parts = []
    if rule.severities is not None:
        parts.append("/".join(sorted(s.value for s in rule.severities)) + " cases")
    if rule.paces is not None:
        parts.append("/".join(sorted(p.value.replace("_", "-") for p in rule.paces)) + " cases")
    if rule.regions is not None:
        parts.append("customers in " + "/".join(sorted(r.upper() for r in rule.regions)))
    return ", ".join(parts) or "every other case"


class CalendarsDialog(QDialog):
    """The policy's calendars as a tree: one entry per calendar, its details beneath."""

    def __init__(self, clocks: ClockPolicy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarsDialog")
        self.setWindowTitle("Business calendars")
        self.tree = QTreeWidget(self)
        self.tree.setHeaderHidden(True)
        numbered = list(enumerate(clocks.rules, start=1))
        for calendar in clocks.calendars.values():
            self._add(calendar, [f"rule {i}: {rule_text(r)}" for i, r in numbered if r.calendar == calendar.name])
        self.tree.expandAll()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        note = QLabel("A case runs on the calendar of the first rule that matches it; rules are tried in order.", self)
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        # An explicit minimum, as in MainWindow: the layout then never changes a shown window's limits (the
        # offscreen platform warns when it does).
        char, line = self.fontMetrics().averageCharWidth(), self.fontMetrics().height()
        self.setMinimumSize(char * 40, line * 12)
        self.resize(char * 70, line * 30)

    def _add(self, calendar: BusinessCalendar, used_by: list[str]) -> None:
        top = QTreeWidgetItem(self.tree, [f"{calendar.name} · {calendar.time_zone}"])
        sections = (
            ("Hours", hours_lines(calendar)),
            ("Holidays", holiday_lines(calendar)),
            ("Used by", used_by or ["no case (no rule names it)"]),
        )
        for title, lines in sections:
            section = QTreeWidgetItem(top, [title])
            for line in lines:
                QTreeWidgetItem(section, [line])


def install_calendars_action(window: MainWindow, clocks: ClockPolicy) -> QAction:
    """Add View > Calendars… to the window (the dialog is opened modeless, parented to the window)."""
    action = QAction("&Calendars…", window)
    action.setObjectName("calendarsAction")
    action.triggered.connect(lambda: _show(window, clocks))
    window.view_menu.addAction(action)
    return action


def _show(window: MainWindow, clocks: ClockPolicy) -> None:
    dialog = CalendarsDialog(clocks, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one per click, gone when closed
    dialog.show()
