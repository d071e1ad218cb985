"""The board: one column per escalation level (names from the policy), each a list view over a LevelColumnModel,
all painted by one shared CaseCardDelegate. Thousands of cards cost one model reset, not thousands of widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QAbstractItemView, QFrame, QHBoxLayout, QLabel, QListView, QVBoxLayout, QWidget

from escdesk.clock_service import CaseClockView
from escdesk.domain import CaseCard, Level
from escdesk.policy import Policy
from ui import text
from ui.board_model import CaseIdRole, LevelColumnModel, split_by_level
from ui.card_delegate import MIN_CARD_CHARS, CaseCardDelegate, mix

CLOCK_REFRESH_MS = 60_000  # ages, times at level and SLA clocks are shown in minutes at best


class CardListView(QListView):
    """One column's cards, top to bottom; says so when the column is empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cardList")
        self.setUniformItemSizes(True)  # one sizeHint call per column, whatever the number of cards
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)  # several cases to export
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMouseTracking(True)
        self.viewport().setAutoFillBackground(False)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0:
            painter = QPainter(self.viewport())
            palette = self.palette()
            faded = mix(palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window), 0.5)
            painter.setPen(faded)
            area = self.viewport().rect().adjusted(0, self.fontMetrics().height(), 0, 0)
            painter.drawText(area, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, "No open cases")
            painter.end()


class LevelColumn(QFrame):
    """A level's header (name, number of cases, ARR at risk) above its list of cards."""

    def __init__(
        self, title: str, model: LevelColumnModel, delegate: CaseCardDelegate, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("levelColumn")
        self.model = model
        self._title = title
        self.title_label = QLabel(title, self)
        self.title_label.setObjectName("columnTitle")
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("columnSummary")
        self.view = CardListView(self)
        self.view.setModel(model)
        self.view.setItemDelegate(delegate)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * (MIN_CARD_CHARS + 3))
        self._lay_out()
        model.modelReset.connect(self.update_summary)
        self.update_summary()

    def _lay_out(self) -> None:
        header = QVBoxLayout()
        header.setSpacing(0)
        header.addWidget(self.title_label)
        header.addWidget(self.summary_label)
        margin = self.fontMetrics().height() // 2
        header.setContentsMargins(margin, margin, margin, margin // 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.view, 1)

    @property
    def summary(self) -> str:
        return self.summary_label.text()

    def update_summary(self) -> None:
        summary = text.column_summary(self.model.rowCount(), self.model.at_risk)
        self.summary_label.setText(summary)
        self.setAccessibleName(f"{self._title} column")
        self.view.setAccessibleName(f"{self._title}: {summary}")


class BoardWidget(QWidget):
    """The open cases in level columns L0-L5. Holds one model per level and one shared card delegate.

    Signals:
        case_selected(str): the current card changed; the id of its case ('' when none).
        case_activated(str): a card was double-clicked or activated with the keyboard; the id of its case.
        clocks_stale(): a minute has passed; the owner recomputes the clocks off the GUI thread and calls
            `set_clocks` (the cards are repainted at once meanwhile, their relative times moved on).
    """

    case_selected = Signal(str)
    case_activated = Signal(str)
    clocks_stale = Signal()

    def __init__(self, policy: Policy, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("board")
        self.setAccessibleName("Escalation board")
        self.delegate = CaseCardDelegate(policy, now, self)
        self.models: dict[Level, LevelColumnModel] = {}
        self.columns: dict[Level, LevelColumn] = {}
        layout = QHBoxLayout(self)
        spacing = self.fontMetrics().height() // 2
        layout.setContentsMargins(spacing, spacing, spacing, spacing)
        layout.setSpacing(spacing)
        for level in Level:
            self._add_column(level, policy, now, layout)
        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_REFRESH_MS)
        self._clock.timeout.connect(self.clock_ticked)
        self._clock.start()

    def _add_column(self, level: Level, policy: Policy, now: Callable[[], datetime], layout: QHBoxLayout) -> None:
        model = LevelColumnModel(level, policy, now, self)
        column = LevelColumn(text.column_title(policy, level), model, self.delegate, self)
        selection = column.view.selectionModel()
        selection.currentChanged.connect(lambda current, _previous, lv=level: self._current_changed(lv, current))
        column.view.activated.connect(self._activated)
        self.models[level] = model
        self.columns[level] = column
        layout.addWidget(column, 1)

    def set_cards(self, cards: Sequence[CaseCard], clocks: Mapping[str, CaseClockView] | None = None) -> None:
        """Show these cards (every open case) and their clocks, replacing what was shown; the selection is kept
        when it can be."""
        keep = self.selected_case_id()
        for level, group in split_by_level(cards).items():
            self.models[level].set_cards(group, clocks)
        if keep:
            self.select_case(keep)

    def set_clocks(self, clocks: Mapping[str, CaseClockView]) -> None:
        """Re-evaluated clocks for the cards shown (cases not shown are ignored)."""
        for model in self.models.values():
            model.set_clocks(clocks)

    def clock_ticked(self) -> None:
        """The minute timer: repaint now, and ask for freshly computed clocks."""
        self.repaint_cards()
        self.clocks_stale.emit()

    def cards(self) -> list[CaseCard]:
        return [card for model in self.models.values() for card in model.cards()]

    def selected_case_id(self) -> str | None:
        for column in self.columns.values():
            index = column.view.currentIndex()
            if index.isValid() and column.view.selectionModel().isSelected(index):
                return str(index.data(CaseIdRole))
        return None

    def selected_case_ids(self) -> list[str]:
        """Every selected case, column by column, top to bottom (Ctrl+click selects several)."""
        found: list[str] = []
        for column in self.columns.values():
            rows = sorted(index.row() for index in column.view.selectionModel().selectedIndexes())
            found.extend(str(column.model.index(row, 0).data(CaseIdRole)) for row in rows)
        return found

    def select_case(self, case_id: str) -> bool:
        for column in self.columns.values():
            row = column.model.row_of(case_id)
            if row is not None:
                index = column.model.index(row, 0)
                column.view.setCurrentIndex(index)
                column.view.scrollTo(index)
                return True
        return False

    def repaint_cards(self) -> None:
        """Redraw the times on every card (ages, time at level, time to the next due clock); nothing is reloaded."""
        for column in self.columns.values():
            column.view.viewport().update()

    def _current_changed(self, level: Level, current: QModelIndex | QPersistentModelIndex) -> None:
        if not current.isValid():
            return
        held = QGuiApplication.keyboardModifiers()
        adding = bool(held & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier))
        for other, column in self.columns.items():
            if other != level and not adding:  # Ctrl/Shift+click keeps the selection in the other columns
                column.view.selectionModel().clear()
        self.case_selected.emit(str(current.data(CaseIdRole)))

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.case_activated.emit(str(index.data(CaseIdRole)))
