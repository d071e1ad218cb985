"""The board's Qt models: one `LevelColumnModel` per level, holding frozen CaseCard DTOs (never live rows).

A reload is one model reset per column: cheap enough for thousands of cards, and views keep no stale indexes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractListModel, QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, Qt

from escdesk.clock_service import CaseClockView
from escdesk.domain import CaseCard, Level
from escdesk.policy import Policy
from ui import text

# Custom roles: the delegate paints from CardRole; tests and (later) drag and drop read CaseIdRole.
CardRole = int(Qt.ItemDataRole.UserRole) + 1
CaseIdRole = int(Qt.ItemDataRole.UserRole) + 2
SeverityRole = int(Qt.ItemDataRole.UserRole) + 3
LevelRole = int(Qt.ItemDataRole.UserRole) + 4
# The case's SLA clocks: the CaseClockView (or None), the card's clock line, and its text.ClockState.
ClockRole = int(Qt.ItemDataRole.UserRole) + 5
ClockTextRole = int(Qt.ItemDataRole.UserRole) + 6
ClockStateRole = int(Qt.ItemDataRole.UserRole) + 7

CASE_ID_MIME = "application/x-escdesk-case-id"

Index = QModelIndex | QPersistentModelIndex
Now = Callable[[], datetime]
Clocks = Mapping[str, CaseClockView]


def board_order(cards: Iterable[CaseCard]) -> list[CaseCard]:
    """Active cases before resolved ones (those only wait for sign-off), most severe first, then open longest."""
    return sorted(cards, key=lambda c: (not c.status.is_active, c.severity.value, c.opened_at, c.number))


def split_by_level(cards: Iterable[CaseCard]) -> dict[Level, list[CaseCard]]:
    columns: dict[Level, list[CaseCard]] = {level: [] for level in Level}
    for card in cards:
        columns[card.level].append(card)
    return {level: board_order(group) for level, group in columns.items()}


class LevelColumnModel(QAbstractListModel):
    """The open cases at one escalation level, in board order.

    Display and tooltip roles give text; `CardRole` the CaseCard itself, `CaseIdRole` its id, `ClockRole` its
    CaseClockView (computed on the worker with the cards, replaced every minute by `set_clocks`). Items can be
    dragged as `CASE_ID_MIME` (the board issue turns a drop into a service call).
    """

    def __init__(self, level: Level, policy: Policy, now: Now, parent: Any = None) -> None:
        super().__init__(parent)
        self._level = level
        self._policy = policy
        self._now = now
        self._cards: tuple[CaseCard, ...] = ()
        self._clocks: Clocks = {}
        self._at_risk = Decimal(0)

    @property
    def level(self) -> Level:
        return self._level

    @property
    def at_risk(self) -> Decimal:
        """ARR at risk summed over the column's cases."""
        return self._at_risk

    def cards(self) -> tuple[CaseCard, ...]:
        return self._cards

    def set_cards(self, cards: Sequence[CaseCard], clocks: Clocks | None = None) -> None:
        """Replace every card (already in board order, all at this model's level) with one reset."""
        self.beginResetModel()
        self._cards = tuple(cards)
        self._clocks = {} if clocks is None else clocks
        self._at_risk = text.total_at_risk(self._cards)
        self.endResetModel()

    def set_clocks(self, clocks: Clocks) -> None:
        """New clock views for the same cards: one dataChanged, so selection and scrolling stay as they are."""
        self._clocks = clocks
        if self._cards:
            roles = [ClockRole, ClockTextRole, ClockStateRole, Qt.ItemDataRole.ToolTipRole]
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._cards) - 1, 0), roles)

    def clock(self, case_id: str) -> CaseClockView | None:
        return self._clocks.get(case_id)

    def row_of(self, case_id: str) -> int | None:
        return next((row for row, card in enumerate(self._cards) if card.id == case_id), None)

    # -- QAbstractItemModel -----------------------------------------------------------------------------------
    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._cards)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._cards):
            return None
        card = self._cards[index.row()]
        if role == CardRole:
            return card
        if role == CaseIdRole:
            return card.id
        if role in (ClockRole, ClockTextRole, ClockStateRole):
            return self._clock_data(card, role)
        return self._text_data(card, role)

    def _clock_data(self, card: CaseCard, role: int) -> Any:
        view = self._clocks.get(card.id)
        if role == ClockRole:
            return view
        if role == ClockTextRole:
            return text.clock_text(view, self._now())
        return text.clock_state(view, self._now())

    def _text_data(self, card: CaseCard, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{card.reference} · {card.customer_name}: {card.title}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return text.card_tooltip(card, self._policy, self._now(), self._clocks.get(card.id))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return text.card_accessible_text(card, self._now(), self._clocks.get(card.id))
        if role == SeverityRole:
            return card.severity.value
        if role == LevelRole:
            return int(card.level)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    def mimeTypes(self) -> list[str]:
        return [CASE_ID_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        ids = [self.data(index, CaseIdRole) for index in indexes if index.isValid()]
        mime.setData(CASE_ID_MIME, QByteArray("\n".join(ids).encode("ascii")))
        return mime
