"""The checklist editor's model: the steps of one template (the default or a variant) as a table.

Rows are the step dicts of the policy file themselves, so the step form edits them in place; `refresh` repaints
a row after an edit. For a variant the first column says what the step does to the default ("replaces", "after
listen").
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
StepRole = Qt.ItemDataRole.UserRole  # the step dict of a row


_ROLE_LABELS = {"csm": "CSM", "cs_manager": "CS manager", "cs_director": "CS director", "vp_cs": "VP CS"}


def role_label(role: str) -> str:
    """'cs_manager' reads 'CS manager', 'account_executive' 'Account executive'."""
    return _ROLE_LABELS.get(role, role.replace("_", " ").capitalize())


def due_text(due: Any) -> str:
    if due is None:
        return "—"
    return "severity target" if due == "acknowledge" else str(due)


class ChecklistStepsModel(QAbstractTableModel):
    HEADERS = ("Key", "Step", "Role", "Fast", "Slow-burn", "Required")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.steps: list[dict[str, Any]] = []
        # per row, for a variant: "replaced" / "added after <key>"; empty for the default
        self.changes: list[str] = []

    def set_steps(self, steps: list[dict[str, Any]], changes: list[str] | None = None) -> None:
        self.beginResetModel()
        self.steps = steps
        self.changes = changes or [""] * len(steps)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's own default)
        return 0 if parent.isValid() else len(self.steps)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.steps):
            return None
        step = self.steps[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(index.row(), step, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(step.get("coaching", "")) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 5:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == StepRole:
            return step
        return None

    def _text(self, row: int, step: dict[str, Any], column: int) -> str:
        due = step.get("due", {}) if isinstance(step.get("due"), dict) else {}
        if column == 0:  # the number is the row header: it is not data of the step (it moves with the rows)
            key = str(step.get("key", ""))
            return f"{key} · {self.changes[row]}" if self.changes[row] else key
        if column == 1:
            return str(step.get("title", ""))
        if column == 2:
            return role_label(str(step.get("role", "csm")))
        if column in (3, 4):
            text = due_text(due.get("fast" if column == 3 else "slow_burn"))
            anchor = step.get("from", "opened")
            return text if anchor == "opened" or text == "—" else f"{text} after {anchor}"
        return "yes" if step.get("required", True) else "no"

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return str(section + 1) if 0 <= section < len(self.steps) else None

    def refresh(self, row: int) -> None:
        if 0 <= row < len(self.steps):
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def move(self, row: int, to: int) -> None:
        """Move a step of the default template up or down (a variant's order comes from its 'after')."""
        if not (0 <= row < len(self.steps) and 0 <= to < len(self.steps)) or row == to:
            return
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), to + 1 if to > row else to)
        self.steps.insert(to, self.steps.pop(row))
        self.endMoveRows()

    def insert(self, row: int, step: dict[str, Any]) -> None:
        self.beginInsertRows(QModelIndex(), row, row)
        self.steps.insert(row, step)
        self.changes.insert(row, "")
        self.endInsertRows()

    def remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.steps[row]
        del self.changes[row]
        self.endRemoveRows()
