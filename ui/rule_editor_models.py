"""Qt models behind the rule editor: the policy's rules (title, kind, key) and the cases a rule's preview matches.

Both hold plain data (rule dicts as in the policy file, frozen case contexts), never database rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from copy import deepcopy
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

Index = QModelIndex | QPersistentModelIndex
KIND_LABELS = {"involve": "Involve", "jump": "Jump", "ladder": "Ladder"}
RuleRole = Qt.ItemDataRole.UserRole  # the rule dict of a row


class RuleListModel(QAbstractTableModel):
    """The rules being edited, in policy order; columns: title, kind, key."""

    HEADERS = ("Rule", "Kind", "Key")

    def __init__(self, rules: Sequence[dict[str, Any]], parent: Any = None) -> None:
        super().__init__(parent)
        self.rules: list[dict[str, Any]] = deepcopy(list(rules))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's own default)
        return 0 if parent.isValid() else len(self.rules)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rules):
            return None
        rule = self.rules[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(rule, index.column())
        if role == Qt.ItemDataRole.FontRole and index.column() == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == RuleRole:
            return rule
        return None

    @staticmethod
    def _text(rule: dict[str, Any], column: int) -> str:
        if column == 0:
            return str(rule.get("title", ""))
        if column == 1:
            kind = rule.get("kind", "")
            return KIND_LABELS.get(kind, str(kind))
        return str(rule.get("key", ""))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None

    # -- edits ---------------------------------------------------------------------------------------------------
    def replace(self, row: int, rule: dict[str, Any]) -> None:
        self.rules[row] = deepcopy(rule)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def insert(self, row: int, rule: dict[str, Any]) -> None:
        self.beginInsertRows(QModelIndex(), row, row)
        self.rules.insert(row, deepcopy(rule))
        self.endInsertRows()

    def remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.rules[row]
        self.endRemoveRows()

    def keys(self) -> set[str]:
        return {str(rule.get("key", "")) for rule in self.rules}


class MatchListModel(QAbstractTableModel):
    """The open cases a rule would match: reference, customer, severity, title (in the order given)."""

    HEADERS = ("Case", "Customer", "Severity", "Title")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.cases: list[tuple[str, str, str, str]] = []
        self._because: Callable[[int], str] | None = None
        self._explained: dict[int, str] = {}

    def set_cases(
        self, cases: Sequence[tuple[str, str, str, str]], because: Callable[[int], str] | None = None
    ) -> None:
        """`because(row)`: why the rule holds for that case, worked out when first asked (a tooltip, a click)."""
        self.beginResetModel()
        self.cases, self._because, self._explained = list(cases), because, {}
        self.endResetModel()

    def because(self, row: int) -> str:
        if self._because is None or not 0 <= row < len(self.cases):
            return ""
        if row not in self._explained:
            self._explained[row] = self._because(row)
        return self._explained[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.cases)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.cases):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cases[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            because = self.because(index.row())
            title = self.cases[index.row()][3]
            return f"{title}\nMatches because {because}" if because else title
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None
