"""The board: one column per escalation level (names from the policy), each a list view over a LevelColumnModel,
all painted by one shared CaseCardDelegate, and a Resolved drop zone at the right edge. Thousands of cards cost
one model reset, not thousands of widgets.

Cards are dragged between columns as CASE_ID_MIME; a drop only asks for a move (`move_requested`,
`resolve_requested`): ui.board_moves runs it on the database worker and puts the card the service returns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from PySide6.QtCore import QMimeData, QModelIndex, QPersistentModelIndex, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from escdesk.clock_service import CaseClockView
from escdesk.domain import CaseCard, Level
from escdesk.policy import Policy
from ui import text
from ui.board_groups import Grouping
from ui.board_model import CaseIdRole, LevelColumnModel, case_ids_from, split_by_level
from ui.card_delegate import CLOCK_COLOURS, MIN_CARD_CHARS, CaseCardDelegate, mix, readable
from ui.filters import CardFilter

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
        # Drag a card to another column (or to Resolved); the model turns a drop into a move request.
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(False)  # a card lands by the board's order, not where it is dropped
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0:
            painter = QPainter(self.viewport())
            palette = self.palette()
            faded = mix(palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window), 0.5)
            painter.setPen(faded)
            area = self.viewport().rect().adjusted(0, self.fontMetrics().height(), 0, 0)
            total = getattr(model, "total", 0)
            message = f"{text.count_text(total)} hidden by the filter" if total else "No open cases"
            painter.drawText(area, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, message)
            painter.end()


class ResolveDropZone(QWidget):
    """The board's right edge: drop cards here to resolve them (the resolve gate may refuse: B1). Painted from the
    palette: a dashed outline, solid in the highlight colour while a card is dragged over it.

    Signals:
        resolve_requested(list): case ids dropped here.
    """

    resolve_requested = Signal(list)
    LABEL = "✓\nResolved"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resolveDropZone")
        self.setAccessibleName("Resolved: drop a case here to resolve it")
        self.setToolTip("Drop a card here to resolve its case (Case > Resolve…, Ctrl+Shift+R)")
        self.setAcceptDrops(True)
        self.setFixedWidth(self.fontMetrics().horizontalAdvance("Resolved") + self.fontMetrics().height() * 2)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.hovered = False

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = self.palette()
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        quiet = mix(text_colour, palette.color(QPalette.ColorRole.Window), 0.45)
        line = palette.color(QPalette.ColorRole.Highlight) if self.hovered else quiet
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(line, 2.0 if self.hovered else 1.0)
        pen.setStyle(Qt.PenStyle.SolidLine if self.hovered else Qt.PenStyle.DashLine)
        painter.setPen(pen)
        if self.hovered:
            painter.setBrush(mix(palette.color(QPalette.ColorRole.Window), line, 0.15))
        radius = self.fontMetrics().height() * 0.4
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), radius, radius)
        painter.setPen(line if self.hovered else quiet)
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.LABEL)
        painter.end()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._hover(event, bool(case_ids_from(event.mimeData())))

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._hover(event, bool(case_ids_from(event.mimeData())))

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_hovered(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_hovered(False)
        if self.handle_drop(event.mimeData()):
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()

    def handle_drop(self, mime: QMimeData) -> bool:
        ids = case_ids_from(mime)
        if ids:
            self.resolve_requested.emit(ids)
        return bool(ids)

    def _hover(self, event: QDragMoveEvent, ours: bool) -> None:
        if ours:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()
        self._set_hovered(ours)

    def _set_hovered(self, hovered: bool) -> None:
        if hovered != self.hovered:
            self.hovered = hovered
            self.update()


class LevelColumn(QFrame):
    """A level's header (name, number of cases, ARR at risk, the attention limit when set) above its cards."""

    def __init__(
        self, title: str, model: LevelColumnModel, delegate: CaseCardDelegate, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("levelColumn")
        self.model = model
        self._title = title
        self.wip_limit: int | None = None
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

    @property
    def attention(self) -> str:
        """'over' (more cases than the attention limit), 'full' (exactly at it), or '' (under it, or no limit)."""
        if self.wip_limit is None:
            return ""
        count = self.model.total
        return "over" if count > self.wip_limit else "full" if count == self.wip_limit else ""

    def set_wip_limit(self, limit: int | None) -> None:
        self.wip_limit = limit
        self.update_summary()

    def update_summary(self) -> None:
        summary = self._summary_text()
        self.summary_label.setText(summary)
        self._colour_summary()
        self.setAccessibleName(f"{self._title} column")
        self.view.setAccessibleName(f"{self._title}: {summary}")

    def _summary_text(self) -> str:
        """'12 cases · $3.4M at risk'; with a filter '3 of 12 cases · $1.1M at risk' (of those shown); with an attention
        limit the count reads '12 / 10 cases' (every case at the level counts, shown or not)."""
        shown, total = self.model.rowCount(), self.model.total
        if total == 0 and self.wip_limit is None:
            return text.column_summary(0, self.model.at_risk)
        cases = text.count_text(total) if self.wip_limit is None else f"{total} / {self.wip_limit} cases"
        if shown != total:
            cases = f"{shown} of {cases}"
        return f"{cases} · {text.at_risk_text(self.model.at_risk)}" if shown else cases

    def _colour_summary(self) -> None:
        """Amber at the attention limit, red (bold) over it: accents made readable on the palette in use."""
        state = self.attention
        if not state:
            self.summary_label.setStyleSheet("")
            return
        accent = CLOCK_COLOURS[text.ClockState.OVERDUE if state == "over" else text.ClockState.DUE_SOON]
        colour = readable(accent, self.palette()).name()
        weight = "bold" if state == "over" else "normal"
        self.summary_label.setStyleSheet(f"color: {colour}; font-weight: {weight};")


class BoardWidget(QWidget):
    """The open cases in level columns L0-L5 and the Resolved drop zone. Holds one model per level and one shared
    card delegate; `set_view` filters and groups every column at once.

    Signals:
        case_selected(str): the current card changed; the id of its case ('' when none).
        case_activated(str): a card was double-clicked or activated with the keyboard; the id of its case.
        clocks_stale(): a minute has passed; the owner recomputes the clocks off the GUI thread and calls
            `set_clocks` (the cards are repainted at once meanwhile, their relative times moved on).
        move_requested(list, Level): case ids were dropped on another level's column (the board does not move
            them: the owner asks for a reason, runs the move and calls `put_card` with the result).
        resolve_requested(list): case ids were dropped on the Resolved zone.
        cards_changed(): the cards shown changed (a load, a move, a filter); headers and counts follow.
    """

    case_selected = Signal(str)
    case_activated = Signal(str)
    clocks_stale = Signal()
    move_requested = Signal(list, object)
    resolve_requested = Signal(list)
    cards_changed = Signal()

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
        self.resolve_zone = ResolveDropZone(self)
        self.resolve_zone.resolve_requested.connect(self.resolve_requested)
        layout.addWidget(self.resolve_zone)
        self.card_filter = CardFilter()
        self.grouping = Grouping.NONE
        self._me = ""
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
        model.drop_requested.connect(self.move_requested)
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
        self.cards_changed.emit()

    def put_card(self, card: CaseCard) -> None:
        """One case changed (a move committed, a case reloaded): it shows at its level, once, and stays selected."""
        for model in self.models.values():
            if card.level == model.level or model.holds(card.id):
                model.put_card(card)
        self.select_case(card.id)
        self.cards_changed.emit()

    def set_view(self, chosen: CardFilter, me: str, grouping: Grouping) -> None:
        """Filter (`me`: the owner name "Mine" matches) and group every column; the selection is kept if shown."""
        keep = self.selected_case_id()
        self.card_filter, self._me, self.grouping = chosen, me, grouping
        for column in self.columns.values():
            column.view.setUniformItemSizes(grouping is Grouping.NONE)  # a lane's first card is taller
            column.model.set_view(chosen, me, grouping)
        if keep:
            self.select_case(keep)
        self.cards_changed.emit()

    def set_wip_limits(self, limits: Mapping[Level, int | None]) -> None:
        for level, column in self.columns.items():
            column.set_wip_limit(limits.get(level))

    def card(self, case_id: str) -> CaseCard | None:
        """The case as the board has it (shown or filtered out)."""
        for model in self.models.values():
            found = next((c for c in model.all_cards() if c.id == case_id), None)
            if found is not None:
                return found
        return None

    def set_zone(self, zone: str) -> None:
        """Show instants (the tooltips' due times) in the user's zone, an IANA name."""
        for model in self.models.values():
            model.zone = zone

    def set_clocks(self, clocks: Mapping[str, CaseClockView]) -> None:
        """Re-evaluated clocks for the cards shown (cases not shown are ignored)."""
        for model in self.models.values():
            model.set_clocks(clocks)

    def clock_ticked(self) -> None:
        """The minute timer: repaint now, and ask for freshly computed clocks."""
        self.repaint_cards()
        self.clocks_stale.emit()

    def cards(self) -> list[CaseCard]:
        """Every open case on the board, shown or filtered out."""
        return [card for model in self.models.values() for card in model.all_cards()]

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
