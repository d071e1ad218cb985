"""The dialog a stale save opens: someone else saved the case meanwhile; reload theirs, merge, or go back.

Never a silent overwrite: the conflicting fields are listed with the value the user loaded, theirs and mine, and
each conflict defaults to theirs (what is stored) until the user picks "mine" for it.

Usage (main thread; the workspace wires it):
    dialog = StaleCaseDialog(message, merge_result, parent)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        dialog.decision   # StaleDecision.RELOAD or .MERGE; for MERGE, dialog.merged_fields() is what to save

Signals:
    reload_chosen(): the user wants the stored case, dropping their edits.
    merge_chosen(dict): the merged fields, every conflict decided.
"""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from escdesk.merge import EDITABLE_FIELDS, MergeResult, Side, describe

COLUMNS = ("Field", "When you loaded it", "Saved now (theirs)", "Yours", "Keep")
KEEP_CHOICES = (("Theirs", Side.THEIRS), ("Mine", Side.MINE))


class StaleDecision(enum.Enum):
    RELOAD = "reload"
    MERGE = "merge"


class StaleCaseDialog(QDialog):
    """Reload / Merge / Cancel for a save that found a newer version of the case."""

    reload_chosen = Signal()
    merge_chosen = Signal(dict)

    def __init__(self, message: str, result: MergeResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staleCaseDialog")
        self.setWindowTitle("Case changed by someone else")
        self.decision: StaleDecision | None = None
        self._result = result
        self._keep: dict[str, QComboBox] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self._wrapped(message))
        layout.addWidget(self._wrapped(self._summary()))
        self.table = self._conflict_table()
        layout.addWidget(self.table)
        self.table.setVisible(bool(result.conflicts))
        self.buttons = QDialogButtonBox(self)
        self.reload_button = self._button("Reload theirs", "Drop your edits and show the case as it is saved now")
        self.merge_button = self._button("Merge and save", "Save your edits on top of theirs, as chosen above")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        self.reload_button.clicked.connect(self._choose_reload)
        self.merge_button.clicked.connect(self._choose_merge)
        layout.addWidget(self.buttons)
        self.resize(720, 360 if result.conflicts else 200)

    def _wrapped(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setWordWrap(True)
        return label

    def _button(self, text: str, tip: str) -> QPushButton:
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
        assert button is not None
        button.setToolTip(tip)
        return button

    def _summary(self) -> str:
        result = self._result
        labels = [EDITABLE_FIELDS.get(n, n) for n in result.changed_by_them]
        theirs = f"They changed: {', '.join(labels)}." if labels else "They changed nothing you can edit here."
        if result.clean:
            return f"{theirs} Your edits do not clash with theirs: Merge keeps both."
        count = len(result.conflicts)
        fields = "field" if count == 1 else "fields"
        return f"{theirs} You both changed {count} {fields}; choose which value to keep for each."

    def _conflict_table(self) -> QTableWidget:
        conflicts = self._result.conflicts
        table = QTableWidget(len(conflicts), len(COLUMNS), self)
        table.setObjectName("staleConflicts")
        table.setHorizontalHeaderLabels(COLUMNS)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for row, conflict in enumerate(conflicts):
            cells = (conflict.label, describe(conflict.base), describe(conflict.theirs), describe(conflict.mine))
            for column, text in enumerate(cells):
                table.setItem(row, column, QTableWidgetItem(text))
            keep = QComboBox(table)
            for text, side in KEEP_CHOICES:
                keep.addItem(text, side)
            table.setCellWidget(row, len(COLUMNS) - 1, keep)
            self._keep[conflict.field] = keep
        return table

    def choose(self, field: str, side: Side) -> None:
        """Pick the side to keep for one conflicting field (what the row's combo box does)."""
        combo = self._keep[field]
        combo.setCurrentIndex(combo.findData(side))

    def choices(self) -> dict[str, Side]:
        return {field: Side(combo.currentData()) for field, combo in self._keep.items()}

    def merged_fields(self) -> dict[str, Any]:
        return self._result.resolved(self.choices())

    def _choose_reload(self) -> None:
        self.decision = StaleDecision.RELOAD
        self.reload_chosen.emit()
        self.accept()

    def _choose_merge(self) -> None:
        self.decision = StaleDecision.MERGE
        self.merge_chosen.emit(self.merged_fields())
        self.accept()
