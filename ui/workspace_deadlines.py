"""The workspace's Deadlines box: the deadlines people set on the case, and setting, meeting or clearing one.

A deadline is an instant someone gave ("the customer expects the fix by Fri 17:00"): it is entered with a
date-time editor in the user's zone (named in the box's title), stored in UTC and never moved by a calendar or a
policy change (escdesk.deadlines). The box only asks: the workspace runs the change on the worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal, SignalInstance
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from escdesk.deadlines import PersonDeadline
from escdesk.zones import local_instant, wall_time, zone_label
from ui.workspace_data import local_time, relative_due

DeadlineIdRole = Qt.ItemDataRole.UserRole + 1


def deadline_text(deadline: PersonDeadline, now: datetime, zone: str) -> str:
    """'Fri 4 Dec 17:00 · Fix promised · in 3 h', '… · overdue 2 h', '… · met Thu 3 Dec 15:10 by dana'."""
    when = f"{local_time(deadline.due_at, zone)} · {deadline.label}"
    if deadline.met_at is not None:
        late = " (late)" if deadline.met_at > deadline.due_at else ""
        return f"{when} · met {local_time(deadline.met_at, zone)}{late} by {deadline.met_by or 'someone'}"
    if deadline.due_at <= now:
        return f"{when} · overdue {relative_due(deadline.due_at, now).removesuffix(' ago')}"
    return f"{when} · {relative_due(deadline.due_at, now)}"


class DeadlinesBox(QGroupBox):
    """The case's deadlines (soonest first) with Met / Clear…, and a label plus date-time editor to set one.

    Signals:
        set_requested(str, object): set a deadline: its label and the aware UTC instant.
        met_requested(str): the chosen deadline was met; its id.
        clear_requested(str): clear the chosen deadline (the workspace asks why); its id.
    """

    set_requested = Signal(str, object)
    met_requested = Signal(str)
    clear_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Deadlines", parent)
        self.setObjectName("deadlinesBox")
        self._zone = "UTC"
        self._deadlines: tuple[PersonDeadline, ...] = ()
        self._active = False
        self.list = QListWidget(self)
        self.list.setObjectName("deadlineList")
        self.label = QLineEdit(self)
        self.label.setPlaceholderText("What is due, e.g. fix promised to the customer")
        self.when = QDateTimeEdit(self)
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("ddd d MMM yyyy HH:mm")
        self.set_button, self.met_button, self.clear_button = (
            QPushButton(text, self) for text in ("Set deadline", "Met", "Clear…")
        )
        self._lay_out()
        self.set_button.clicked.connect(self._ask_set)
        self.met_button.clicked.connect(lambda: self._ask_for_chosen(self.met_requested))
        self.clear_button.clicked.connect(lambda: self._ask_for_chosen(self.clear_requested))
        self.list.currentRowChanged.connect(lambda _row: self._enable())
        self.label.textChanged.connect(lambda _text: self._enable())
        self._enable()

    def _lay_out(self) -> None:
        entry = QHBoxLayout()
        entry.addWidget(self.when, 1)
        entry.addWidget(self.set_button)
        actions = QHBoxLayout()
        actions.addWidget(self.met_button)
        actions.addWidget(self.clear_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(actions)
        layout.addWidget(self.label)
        layout.addLayout(entry)
        # A handful of deadlines at most: the box stays as short as the customer box beside it.
        line = self.fontMetrics().height()
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setMinimumHeight(line * 3)
        self.list.setMaximumHeight(line * 5)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def show_deadlines(self, deadlines: Sequence[PersonDeadline], now: datetime, zone: str, *, active: bool) -> None:
        """List these deadlines; the editor starts at the next whole hour a day from now, in the user's zone."""
        chosen = self.chosen_id()
        known = {d.id for d in self._deadlines}
        if any(d.id not in known and d.label == self.label.text().strip() for d in deadlines):
            self.label.clear()  # the deadline typed in was saved
        self._zone, self._deadlines = zone, tuple(deadlines)
        self.setTitle(f"Deadlines (times in {zone_label(now, zone)})")
        self.list.clear()
        for deadline in deadlines:
            item = QListWidgetItem(deadline_text(deadline, now, zone), self.list)
            item.setData(DeadlineIdRole, deadline.id)
            if deadline.overdue(now):
                item.setForeground(Qt.GlobalColor.red)
            if deadline.id == chosen:
                self.list.setCurrentItem(item)
        if not deadlines:
            QListWidgetItem("No deadline set. Add one a person gave: it never moves.", self.list).setFlags(
                Qt.ItemFlag.NoItemFlags
            )
        self.set_wall_time(wall_time(now + timedelta(days=1), zone).replace(minute=0, second=0, microsecond=0))
        self.label.setEnabled(active)
        self.when.setEnabled(active)
        self._active = active
        self._enable()

    def set_wall_time(self, wall: datetime) -> None:
        """Put a wall-clock date and time (in the user's zone) into the editor."""
        self.when.setDateTime(QDateTime(QDate(wall.year, wall.month, wall.day), QTime(wall.hour, wall.minute)))

    def chosen_id(self) -> str | None:
        item = self.list.currentItem()
        value = None if item is None else item.data(DeadlineIdRole)
        return value if isinstance(value, str) else None

    def chosen(self) -> PersonDeadline | None:
        return next((d for d in self._deadlines if d.id == self.chosen_id()), None)

    def entered_instant(self) -> datetime:
        """The editor's date and time read in the user's zone, as a UTC instant."""
        value = self.when.dateTime()
        wall = datetime.combine(value.date().toPython(), value.time().toPython())  # type: ignore[arg-type]
        return local_instant(wall.replace(second=0, microsecond=0), self._zone)

    def _ask_set(self) -> None:
        if self.label.text().strip():
            self.set_requested.emit(self.label.text().strip(), self.entered_instant())

    def _ask_for_chosen(self, signal: SignalInstance) -> None:
        chosen = self.chosen_id()
        if chosen is not None:
            signal.emit(chosen)

    def _enable(self) -> None:
        active = self._active
        chosen = self.chosen()
        self.set_button.setEnabled(active and bool(self.label.text().strip()))
        self.met_button.setEnabled(active and chosen is not None and chosen.met_at is None)
        self.clear_button.setEnabled(chosen is not None)
