"""The calendar editor: working ranges per weekday, 24/7, the IANA time zone and the holiday list in force.

Opened from View > Calendars… ("Edit…"). Saving writes the user's policy file (escdesk.policy_store) and hands the
new policy to the controller, which re-evaluates every open case's clocks. Holidays are only ever added by the
person: "Propose holidays…" shows a country's list from the `holidays` package, unticked, and adds the ticked ones;
"Add holiday" adds one day by hand (a company day, a local holiday no package lists): date, name, closed or not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING
from zoneinfo import available_timezones

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from escdesk.calendars import DAY_MINUTES, BusinessCalendar, Holiday, WorkingRange
from escdesk.facts import FACT_CATALOGUE
from escdesk.holiday_proposals import country_for_zone, propose_holidays
from escdesk.policy import PolicyError
from escdesk.policy_editing import prepare_save
from escdesk.policy_store import EffectivePolicy, policy_data, save_user_policy, user_policy_path, with_calendar
from ui.holidays_dialog import ProposeHolidaysDialog

if TYPE_CHECKING:  # the controller is only handed in; importing it here would tie the editor to the whole desk
    from ui.controller import DeskController

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
HolidayHolder = Qt.ItemDataRole.UserRole  # the Holiday behind a list row
Proposer = Callable[[str, int], list[Holiday]]
_SEPARATORS = re.compile(r"[,;]")


def parse_day(day: int, text: str) -> tuple[WorkingRange, ...]:
    """A weekday's ranges from "09:00-12:00, 13:00-17:00" (empty: closed); ValueError names the day and range."""
    name = DAY_NAMES[day]
    ranges = []
    for piece in (p.strip() for p in _SEPARATORS.split(text)):
        if piece:
            try:
                ranges.append(WorkingRange.parse(piece))
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
    ranges.sort()
    for earlier, later in pairwise(ranges):
        if later.start < earlier.end:
            raise ValueError(f"{name}: the ranges {earlier} and {later} overlap")
    return tuple(ranges)


def day_text(ranges: tuple[WorkingRange, ...]) -> str:
    return ", ".join(str(r) for r in ranges)


def holiday_item(holiday: Holiday) -> QListWidgetItem:
    """A list row: ticked when the day closes the calendar, unticked when listed but worked as usual."""
    label = f"{holiday.on.isoformat()} {holiday.on.strftime('%a')}  {holiday.name}".rstrip()
    item = QListWidgetItem(label)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if holiday.active else Qt.CheckState.Unchecked)
    item.setData(HolidayHolder, holiday)
    item.setToolTip("Ticked: closed that day. Unticked: listed, worked as usual.")
    return item


class CalendarEditor(QDialog):
    """Edits one calendar; `edited` holds the checked calendar once the person saves (the dialog stays open with
    the reason shown while the fields do not make a calendar)."""

    def __init__(
        self, calendar: BusinessCalendar, year: int, parent: QWidget | None = None, *, proposer: Proposer | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("calendarEditor")
        self.setWindowTitle(f"Edit calendar: {calendar.name}")
        self.original, self._year = calendar, year  # the year holidays are first proposed for (the desk's clock)
        self.edited: BusinessCalendar | None = None
        self.proposal: ProposeHolidaysDialog | None = None
        self._proposer = proposer or (lambda country, year: propose_holidays(country, year, self.holidays()))
        self.zone = self._zone_box(calendar.time_zone)
        self.always = QCheckBox("Open 24/7: every day, day and night", self)
        self.days = [QLineEdit(day_text(ranges), self) for ranges in calendar.week]
        self.holiday_list = QListWidget(self)
        for holiday in calendar.holidays:
            self.holiday_list.addItem(holiday_item(holiday))
        self.new_day = QDateEdit(QDate(year, 1, 1), self)
        self.new_day.setCalendarPopup(True)
        self.new_day.setDisplayFormat("ddd d MMM yyyy")
        self.new_name = QLineEdit(self)
        self.new_name.setPlaceholderText("Name, e.g. Company day")
        self.new_active = QCheckBox("Closed that day", self)
        self.new_active.setChecked(True)
        self.error = QLabel(self)
        self.error.setObjectName("editorError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        self._lay_out()
        self.always.toggled.connect(self._always_toggled)
        self.always.setChecked(calendar.is_24_7)
        self._always_toggled(calendar.is_24_7)

    def _zone_box(self, current: str) -> QComboBox:
        box = QComboBox(self)
        box.setEditable(True)  # type a name; the list is long
        box.addItems(sorted(available_timezones()))
        box.setCurrentText(current)
        return box

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Time zone", self.zone)
        form.addRow("", self.always)
        for name, line in zip(DAY_NAMES, self.days, strict=True):
            line.setPlaceholderText("closed")
            line.setToolTip("Working ranges, e.g. 09:00-12:00, 13:00-17:00 (24:00 may end a range); empty: closed")
            form.addRow(name, line)
        propose = QPushButton("Propose holidays…", self)
        propose.clicked.connect(self.propose)
        remove = QPushButton("Remove holiday", self)
        remove.clicked.connect(self.remove_selected)
        actions = QHBoxLayout()
        actions.addWidget(propose)
        actions.addWidget(remove)
        actions.addStretch(1)
        add = QPushButton("Add holiday", self)
        add.setObjectName("addHoliday")
        add.clicked.connect(self.add_by_hand)
        by_hand = QHBoxLayout()
        by_hand.addWidget(self.new_day)
        by_hand.addWidget(self.new_name, 1)
        by_hand.addWidget(self.new_active)
        by_hand.addWidget(add)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        heading = QLabel("Holidays in force. Ticked: closed that day; unticked: listed, worked as usual.", self)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(self.holiday_list, 1)
        layout.addLayout(by_hand)
        layout.addLayout(actions)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        char, line_height = self.fontMetrics().averageCharWidth(), self.fontMetrics().height()
        self.setMinimumSize(char * 50, line_height * 20)  # fixed limits: see CalendarsDialog
        self.resize(char * 72, line_height * 36)

    def _always_toggled(self, on: bool) -> None:
        for line in self.days:
            line.setEnabled(not on)

    # -- reading the fields ---------------------------------------------------------------------------------------
    def holidays(self) -> list[Holiday]:
        """The list as shown, ticked rows active."""
        found = []
        for row in range(self.holiday_list.count()):
            item = self.holiday_list.item(row)
            holiday: Holiday = item.data(HolidayHolder)
            active = item.checkState() == Qt.CheckState.Checked
            found.append(Holiday(holiday.on, active, holiday.name))
        return found

    def calendar(self) -> BusinessCalendar:
        """The calendar the fields describe; ValueError names the weekday and range (or the zone) at fault."""
        week: tuple[tuple[WorkingRange, ...], ...]
        if self.always.isChecked():
            week = ((WorkingRange(0, DAY_MINUTES),),) * 7
        else:
            week = tuple(parse_day(i, line.text()) for i, line in enumerate(self.days))
        zone = self.zone.currentText().strip()
        return BusinessCalendar(zone, week, tuple(self.holidays()), self.original.name)

    def accept(self) -> None:
        try:
            self.edited = self.calendar()
        except ValueError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        super().accept()

    # -- holidays ---------------------------------------------------------------------------------------------------
    def propose(self) -> ProposeHolidaysDialog:
        """Show a country's holidays to pick from (modeless, so the editor stays usable and tests can drive it)."""
        country = country_for_zone(self.zone.currentText().strip())  # London: GB first, changeable
        self.proposal = ProposeHolidaysDialog(self._proposer, self._year, self, country=country)
        self.proposal.accepted.connect(self._add_proposed)
        self.proposal.open()
        return self.proposal

    def _add_proposed(self) -> None:
        assert self.proposal is not None
        self._merge(self.proposal.chosen())

    def add_by_hand(self) -> None:
        """Add the day of the date field with its name, closed or worked as usual; a day already listed is
        replaced (the person just said what it is)."""
        day = self.new_day.date().toPython()
        holiday = Holiday(day, self.new_active.isChecked(), " ".join(self.new_name.text().split()))  # type: ignore[arg-type]
        kept = [h for h in self.holidays() if h.on != holiday.on]
        self._show_holidays([*kept, holiday])
        self.new_name.clear()

    def _merge(self, chosen: list[Holiday]) -> None:
        """Add the chosen days not listed yet (a listed day keeps what the person set for it)."""
        listed = {h.on for h in self.holidays()}
        self._show_holidays([*self.holidays(), *(h for h in chosen if h.on not in listed)])

    def _show_holidays(self, holidays: list[Holiday]) -> None:
        self.holiday_list.clear()
        for holiday in sorted(holidays, key=lambda h: h.on):
            self.holiday_list.addItem(holiday_item(holiday))

    def remove_selected(self) -> None:
        for item in self.holiday_list.selectedItems():
            self.holiday_list.takeItem(self.holiday_list.row(item))


def edit_calendar(controller: DeskController, name: str, parent: QWidget, saved: Callable[[], None]) -> CalendarEditor:
    """Open the editor on the calendar `name` of the policy in force; on Save, write the user's policy file and
    hand the new policy to the controller (which re-evaluates the clocks), then call `saved`."""
    context = controller.context
    editor = CalendarEditor(context.policy.clocks.calendars[name], context.clock.now().year, parent)
    editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    editor.accepted.connect(lambda: _save(controller, editor, saved))
    editor.open()
    return editor


def _save(controller: DeskController, editor: CalendarEditor, saved: Callable[[], None]) -> None:
    assert editor.edited is not None, "accepted only with a checked calendar"
    context = controller.context
    target = user_policy_path()
    try:
        current = policy_data(EffectivePolicy(context.policy, context.policy_file))
        changed, _policy = prepare_save(with_calendar(current, editor.edited), FACT_CATALOGUE.keys())  # new version
        policy = save_user_policy(changed, target)
    except (PolicyError, OSError) as exc:
        controller.window.show_notice(f"The calendar could not be saved: {exc}", error=True)
        return
    controller.apply_policy(policy, target)
    message = f"Calendar saved to {target} as policy version {policy.version}; clocks re-evaluated"
    controller.window.statusBar().showMessage(message, 5000)
    saved()
