"""Qt models of the dashboard: one metrics Table (the accessible view of each chart) and the cases behind a
number (the drill-down list). Read-only; Qt.UserRole gives a cell's raw value, so sorting and tests see numbers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from escdesk.metrics.drill import DrilledCase
from escdesk.metrics.tables import Cell, Drill, Table

Index = QModelIndex | QPersistentModelIndex
RAW = Qt.ItemDataRole.UserRole
SHARE_WORDS = ("rate", "share", "compliance")  # columns holding a ratio, shown as a percentage
HIDDEN = ("csm_id",)  # ids nobody reads


def column_title(name: str) -> str:
    words = name.replace("_h", " (h)").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def show_cell(column: str, value: Cell) -> str:
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        return f"${value:,.0f}"
    if isinstance(value, float) and any(word in column for word in SHARE_WORDS) and "per_100" not in column:
        return f"{100 * value:.1f}%"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value).replace("_", " ")


class MetricTableModel(QAbstractTableModel):
    """A metrics Table as rows and columns; `drill(row)` is what fetches the cases behind a row."""

    def __init__(self, table: Table | None = None) -> None:
        super().__init__()
        self.table = table
        self._columns: list[int] = []
        if table is not None:
            self.set_table(table)

    def set_table(self, table: Table) -> None:
        self.beginResetModel()
        self.table = table
        self._columns = [i for i, c in enumerate(table.columns) if c not in HIDDEN]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.table is None else len(self.table.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or self.table is None:
            return None
        column = self._columns[index.column()]
        value = self.table.rows[index.row()].values[column]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return show_cell(self.table.columns[column], value)
        if role == RAW:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | float | Decimal):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and self.table.rows[index.row()].drill is not None:
            return "Double-click for the cases behind this row"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole or self.table is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return column_title(self.table.columns[self._columns[section]])
        return section + 1

    def drill(self, row: int) -> Drill | None:
        if self.table is None or not 0 <= row < len(self.table.rows):
            return None
        return self.table.rows[row].drill

    def label(self, row: int) -> str:
        assert self.table is not None
        values = self.table.rows[row].values
        named = [show_cell(c, v) for c, v in zip(self.table.columns, values, strict=True)
                 if c in LABEL_COLUMNS]  # fmt: skip
        return " · ".join(named) or show_cell(self.table.columns[0], values[0])


LABEL_COLUMNS = ("month", "band_name", "csm", "severity", "pace", "level", "step", "cause_name", "measure")
CASE_COLUMNS = ("Case", "Customer", "Title", "Severity", "Status", "Opened")


class CasesModel(QAbstractTableModel):
    """The cases behind a number; RAW on any column gives the case id."""

    def __init__(self) -> None:
        super().__init__()
        self.cases: list[DrilledCase] = []

    def set_cases(self, cases: Sequence[DrilledCase]) -> None:
        self.beginResetModel()
        self.cases = list(cases)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.cases)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(CASE_COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        case = self.cases[index.row()]
        if role == RAW:
            return case.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            opened: datetime = case.opened_at
            cells = (case.reference, case.customer, case.title, case.severity, case.status.replace("_", " "),
                     opened.strftime("%Y-%m-%d"))  # fmt: skip
            return cells[index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return CASE_COLUMNS[section] if orientation == Qt.Orientation.Horizontal else section + 1
