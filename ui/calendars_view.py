"""View > Calendars…: every business calendar of the policy, its hours, time zone, the holidays in force and which
cases run on it. The list in force is always visible (DESIGN.md: nothing is added silently); "Edit…" opens the
calendar editor (ui.calendar_editor) on the chosen calendar, and the view shows the saved policy afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from escdesk.calendars import WEEKDAYS, BusinessCalendar
from escdesk.customer_calendars import CalendarUsage, CustomerCalendarService, calendar_usage
from escdesk.policy_clocks import CalendarRule, ClockPolicy
from ui.calendar_editor import edit_calendar
from ui.main_window import MainWindow

if TYPE_CHECKING:
    from ui.controller import DeskController

_CALENDAR_NAME = Qt.ItemDataRole.UserRole  # on a calendar's top-level item


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
    if rule.segments is not None:
        parts.append("customers of segment " + "/".join(sorted(rule.segments)))
    return ", ".join(parts) or "every other case"


def customers_line(count: int) -> str:
    """The customers that name the calendar for all their cases (ahead of the rules)."""
    if count == 0:
        return "no customer names it"
    return f"{count} customer{'s' if count != 1 else ''} name it for all their cases"


class CalendarsDialog(QDialog):
    """The policy's calendars as a tree: one entry per calendar, its details beneath; Edit… edits the chosen one
    (when an `edit` callback is given: it gets the calendar's name and a function that shows the saved policy)."""

    def __init__(
        self,
        clocks: ClockPolicy,
        parent: QWidget | None = None,
        edit: Callable[[str, Callable[[ClockPolicy], None]], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("calendarsDialog")
        self.setWindowTitle("Business calendars")
        self.tree = QTreeWidget(self)
        self.tree.setHeaderHidden(True)
        self._edit = edit
        self.usage = CalendarUsage({}, {})  # filled in by show_usage once read from the database
        self.unknown = QLabel(self)
        self.unknown.setObjectName("unknownCalendars")
        self.unknown.setWordWrap(True)
        self.unknown.setStyleSheet("color: #8a5a00;")
        self.unknown.hide()
        self.show_policy(clocks)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.edit_button = buttons.addButton("Edit…", QDialogButtonBox.ButtonRole.ActionRole)
        self.edit_button.setObjectName("editCalendar")
        self.edit_button.setEnabled(edit is not None)
        self.edit_button.clicked.connect(self.edit_selected)
        note = QLabel(
            "A case runs on the calendar its customer names, else on that of the first rule that matches it "
            "(rules are tried in order).",
            self,
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.unknown)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        # An explicit minimum, as in MainWindow: the layout then never changes a shown window's limits (the
        # offscreen platform warns when it does).
        char, line = self.fontMetrics().averageCharWidth(), self.fontMetrics().height()
        self.setMinimumSize(char * 40, line * 12)
        self.resize(char * 70, line * 30)

    def show_policy(self, clocks: ClockPolicy) -> None:
        """Show these calendars (again, after an edit was saved), keeping the chosen one chosen."""
        chosen = self.selected_calendar()
        self._clocks = clocks
        self.usage = calendar_usage({**self.usage.named, **self.usage.unknown}, clocks)
        notice = self.usage.unknown_notice()
        self.unknown.setText(notice or "")
        self.unknown.setVisible(notice is not None)
        self.tree.clear()
        numbered = list(enumerate(clocks.rules, start=1))
        for calendar in clocks.calendars.values():
            self._add(calendar, [f"rule {i}: {rule_text(r)}" for i, r in numbered if r.calendar == calendar.name])
        self.tree.expandAll()
        tops = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        again = next(
            (t for t in tops if t is not None and t.data(0, _CALENDAR_NAME) == chosen), tops[0] if tops else None
        )
        if again is not None:
            self.tree.setCurrentItem(again)

    def show_usage(self, counts: dict[str, int]) -> None:
        """How many customers name each calendar (read on the worker), and the names the policy lacks."""
        self.usage = CalendarUsage(dict(counts), {})
        self.show_policy(self._clocks)

    def selected_calendar(self) -> str | None:
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        return None if item is None else item.data(0, _CALENDAR_NAME)

    def edit_selected(self) -> None:
        name = self.selected_calendar()
        if self._edit is not None and name is not None:
            self._edit(name, self.show_policy)

    def _add(self, calendar: BusinessCalendar, used_by: list[str]) -> None:
        top = QTreeWidgetItem(self.tree, [f"{calendar.name} · {calendar.time_zone}"])
        top.setData(0, _CALENDAR_NAME, calendar.name)
        sections = (
            ("Hours", hours_lines(calendar)),
            ("Holidays", holiday_lines(calendar)),
            ("Used by", [*(used_by or ["no rule names it"]), customers_line(self.usage.customers_of(calendar.name))]),
        )
        for title, lines in sections:
            section = QTreeWidgetItem(top, [title])
            for line in lines:
                QTreeWidgetItem(section, [line])


def show_calendars(window: MainWindow, controller: DeskController) -> None:
    """View > Calendars… (ui.feature_actions): the policy in force, edited through the calendar editor."""
    def edit(name: str, show: Callable[[ClockPolicy], None]) -> None:
        edit_calendar(controller, name, dialog, lambda: show(controller.context.policy.clocks))

    dialog = CalendarsDialog(controller.context.policy.clocks, window, edit)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one per click, gone when closed
    dialog.show()
    service = controller.service
    if service is not None:  # the customers per calendar: a database read, on the worker
        counts = CustomerCalendarService(service.store, service.clock)
        controller.tasks.run_db(counts.counts, lambda found: _show_usage(dialog, found))


def _show_usage(dialog: CalendarsDialog, counts: dict[str, int]) -> None:
    if shiboken6.isValid(dialog):  # not closed (and deleted) before the counts arrived
        dialog.show_usage(counts)
