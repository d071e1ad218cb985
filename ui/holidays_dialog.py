"""Propose holidays…: a country's public holidays for a year, shown unticked; the person ticks the ones that close
the calendar and confirms. Nothing is added silently (DESIGN.md); the proposals come from escdesk.holiday_proposals.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from escdesk.calendars import Holiday
from escdesk.holiday_proposals import countries

Proposer = Callable[[str, int], list[Holiday]]
_HOLIDAY = Qt.ItemDataRole.UserRole


class ProposeHolidaysDialog(QDialog):
    """Pick a country and a year, press Show, tick the holidays to add, then Add ticked."""

    def __init__(
        self, proposer: Proposer, year: int, parent: QWidget | None = None, *, country: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("proposeHolidaysDialog")
        self.setWindowTitle("Propose holidays")
        self._proposer = proposer
        self.country = QComboBox(self)
        self.country.setEditable(True)  # a code typed by hand works too
        self.country.setMinimumContentsLength(22)  # room for "GB — United Kingdom"
        self.country.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for code, name in countries():
            self.country.addItem(f"{code} — {name}", code)
        if country is not None:
            self.select_country(country)
        self.year = QSpinBox(self)
        self.year.setRange(1950, 2100)
        self.year.setValue(year)
        self.proposals = QListWidget(self)
        self.message = QLabel("Choose a country and a year, then Show.", self)
        self.message.setWordWrap(True)
        self._lay_out()

    def _lay_out(self) -> None:
        show = QPushButton("Show", self)
        show.clicked.connect(self.show_proposals)
        tick_all = QPushButton("Tick all", self)
        tick_all.clicked.connect(lambda: self._tick_all(Qt.CheckState.Checked))
        choose = QHBoxLayout()
        for widget in (QLabel("Country", self), self.country, QLabel("Year", self), self.year, show):
            choose.addWidget(widget, 1 if widget is self.country else 0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        add = buttons.addButton("Add ticked", QDialogButtonBox.ButtonRole.AcceptRole)
        add.setObjectName("addTicked")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addWidget(self.message)
        layout.addWidget(self.proposals, 1)
        layout.addWidget(tick_all, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(buttons)
        char, line = self.fontMetrics().averageCharWidth(), self.fontMetrics().height()
        self.setMinimumSize(char * 50, line * 16)
        self.resize(char * 66, line * 26)

    def select_country(self, code: str) -> None:
        index = self.country.findData(code)
        if index >= 0:
            self.country.setCurrentIndex(index)
        else:
            self.country.setEditText(code)

    def country_code(self) -> str:
        """The chosen entry's code, or a code typed by hand ("de", or "DE — Germany")."""
        index = self.country.findText(self.country.currentText())
        if index >= 0:
            return str(self.country.itemData(index))
        return self.country.currentText().split("—")[0].strip()

    def show_proposals(self) -> None:
        self.proposals.clear()
        try:
            found = self._proposer(self.country_code(), self.year.value())
        except ValueError as exc:
            self.message.setText(str(exc))
            return
        for holiday in found:
            item = QListWidgetItem(f"{holiday.on.isoformat()} {holiday.on.strftime('%a')}  {holiday.name}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)  # the person ticks what applies; nothing is preselected
            item.setData(_HOLIDAY, holiday)
            self.proposals.addItem(item)
        self.message.setText(
            f"{len(found)} holidays not yet listed. Tick the days the calendar closes, then Add ticked."
            if found
            else "Every holiday of that year is already listed."
        )

    def _tick_all(self, state: Qt.CheckState) -> None:
        for row in range(self.proposals.count()):
            self.proposals.item(row).setCheckState(state)

    def chosen(self) -> list[Holiday]:
        """The ticked proposals."""
        items = (self.proposals.item(row) for row in range(self.proposals.count()))
        return [item.data(_HOLIDAY) for item in items if item.checkState() == Qt.CheckState.Checked]
