"""The two lists of the Brief tab: options with the recommended one, and the plan (action, owner, due date, done).

Plain QTableWidgets with Add and Remove beside them: a handful of rows each, edited in place. Only one option can
be recommended: ticking one unticks the others, so the form cannot say two things at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from escdesk.briefs.content import BriefOption, PlanItem

CHECKED, UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.Unchecked


class _ListEditor(QWidget):
    """A table with Add / Remove buttons under it."""

    def __init__(self, name: str, add_label: str, headers: Sequence[str], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(headers), self)
        self.table.setHorizontalHeaderLabels(list(headers))
        self.table.setAccessibleName(name)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(self.table.fontMetrics().lineSpacing() * 8)
        self.add_button = QPushButton(add_label, self)
        self.remove_button = QPushButton("Remove", self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.remove_button.clicked.connect(lambda: self.remove_selected())

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def _checked(self, row: int, column: int) -> bool:
        item = self.table.item(row, column)
        return item is not None and item.checkState() == CHECKED

    @staticmethod
    def _check_item(checked: bool) -> QTableWidgetItem:
        item = QTableWidgetItem()
        item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        item.setCheckState(CHECKED if checked else UNCHECKED)
        return item


class OptionsTable(_ListEditor):
    TITLE, DETAIL, RECOMMENDED = range(3)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Options", "Add option", ("Option", "What it means", "Recommended"), parent)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.DETAIL, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.RECOMMENDED, QHeaderView.ResizeMode.ResizeToContents)
        self.add_button.clicked.connect(lambda: self.add(BriefOption("")))
        self.table.itemChanged.connect(self._one_recommended)

    def set_options(self, options: Sequence[BriefOption]) -> None:
        self.table.setRowCount(0)
        for option in options:
            self.add(option)

    def add(self, option: BriefOption) -> None:
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        self.table.setItem(row, self.TITLE, QTableWidgetItem(option.title))
        self.table.setItem(row, self.DETAIL, QTableWidgetItem(option.detail))
        self.table.setItem(row, self.RECOMMENDED, self._check_item(option.recommended))
        self.table.blockSignals(False)

    def options(self) -> tuple[BriefOption, ...]:
        rows = range(self.table.rowCount())
        shown = [BriefOption(self._text(r, self.TITLE), self._text(r, self.DETAIL), self._checked(r, self.RECOMMENDED))
                 for r in rows]  # fmt: skip
        return tuple(o for o in shown if o.title.strip() or o.detail.strip() or o.recommended)

    def _one_recommended(self, item: QTableWidgetItem) -> None:
        if item.column() != self.RECOMMENDED or item.checkState() != CHECKED:
            return
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            other = self.table.item(row, self.RECOMMENDED)
            if row != item.row() and other is not None:
                other.setCheckState(UNCHECKED)
        self.table.blockSignals(False)


class PlanTable(_ListEditor):
    ACTION, OWNER, DUE, DONE = range(4)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Plan", "Add plan item", ("Action", "Owner", "Due", "Done"), parent)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.ACTION, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.OWNER, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(self.DUE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.DONE, QHeaderView.ResizeMode.ResizeToContents)
        self.today = date.today()  # replaced by the tab with today in the display zone
        self.add_button.clicked.connect(lambda: self.add(PlanItem("", "", self.today)))

    def set_plan(self, plan: Sequence[PlanItem], today: date) -> None:
        self.today = today
        self.table.setRowCount(0)
        for item in plan:
            self.add(item)

    def add(self, item: PlanItem) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, self.ACTION, QTableWidgetItem(item.action))
        self.table.setItem(row, self.OWNER, QTableWidgetItem(item.owner))
        due = QDateEdit(QDate(item.due.year, item.due.month, item.due.day), self.table)
        due.setCalendarPopup(True)
        due.setDisplayFormat("d MMM yyyy")
        due.setAccessibleName(f"Due date of plan item {row + 1}")
        self.table.setCellWidget(row, self.DUE, due)
        self.table.setItem(row, self.DONE, self._check_item(item.done))

    def plan(self) -> tuple[PlanItem, ...]:
        items = []
        for row in range(self.table.rowCount()):
            action, owner = self._text(row, self.ACTION), self._text(row, self.OWNER)
            done = self._checked(row, self.DONE)
            if not (action.strip() or owner.strip() or done):
                continue  # a row added and left empty is no plan item
            widget = self.table.cellWidget(row, self.DUE)
            day = widget.date() if isinstance(widget, QDateEdit) else None
            due = date(day.year(), day.month(), day.day()) if day is not None else self.today
            items.append(PlanItem(action, owner, due, done))
        return tuple(items)
