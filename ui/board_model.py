"""The board's Qt models: one `LevelColumnModel` per level, holding frozen CaseCard DTOs (never live rows).

A reload, a filter keystroke or a new grouping is one model reset per column: cheap enough for thousands of cards,
and views keep no stale indexes. The model holds every card of its level and shows those the filter passes, sorted
into swimlanes; a drop never changes it (a drop is a domain operation: `drop_requested` asks for the move, and the
card moves when the service has said yes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from escdesk.clock_service import CaseClockView
from escdesk.domain import CaseCard, Level
from escdesk.policy import Policy
from escdesk.services import HEALTH_TREND_DAYS
from ui import text
from ui.board_groups import Grouping, group_of
from ui.filters import CardFilter, search_text

# Custom roles: the delegate paints from CardRole; tests and (later) drag and drop read CaseIdRole.
CardRole = int(Qt.ItemDataRole.UserRole) + 1
CaseIdRole = int(Qt.ItemDataRole.UserRole) + 2
SeverityRole = int(Qt.ItemDataRole.UserRole) + 3
LevelRole = int(Qt.ItemDataRole.UserRole) + 4
# The case's SLA clocks: the CaseClockView (or None), the card's clock line, and its text.ClockState.
ClockRole = int(Qt.ItemDataRole.UserRole) + 5
ClockTextRole = int(Qt.ItemDataRole.UserRole) + 6
ClockStateRole = int(Qt.ItemDataRole.UserRole) + 7
# The swimlane label ('⚡ Fast · 12') on the first card of each group, None on the others and without grouping.
GroupRole = int(Qt.ItemDataRole.UserRole) + 8

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


def case_ids_from(mime: QMimeData) -> list[str]:
    """The case ids a drag carries (none when it is not ours)."""
    if not mime.hasFormat(CASE_ID_MIME):
        return []
    raw = bytes(mime.data(CASE_ID_MIME).data()).decode("ascii", errors="replace")
    return [case_id for case_id in raw.split("\n") if case_id]


def health_line(card: CaseCard) -> str:
    """The tooltip's health line: '\nHealth: 62 (down 14 in 30 days)', or '' with no score recorded."""
    if card.health_score is None:
        return ""
    change = card.health_change
    if not change:
        trend = "" if change is None else " (steady)"
    else:
        trend = f" ({'up' if change > 0 else 'down'} {abs(change)} in {HEALTH_TREND_DAYS} days)"
    return f"\nHealth: {card.health_score}{trend}"


def is_overdue(view: CaseClockView | None, now: datetime) -> bool:
    return text.clock_state(view, now) is text.ClockState.OVERDUE


class LevelColumnModel(QAbstractListModel):
    """The open cases at one escalation level that pass the filter, in swimlanes, each in board order.

    Display and tooltip roles give text; `CardRole` the CaseCard itself, `CaseIdRole` its id, `ClockRole` its
    CaseClockView (computed on the worker with the cards, replaced every minute by `set_clocks`), `GroupRole` the
    swimlane label on a group's first card. Items are dragged as `CASE_ID_MIME`; a drop of another column's cases
    emits `drop_requested` and changes nothing here.

    Signals:
        drop_requested(list, Level): case ids were dropped on this column; the board asks for their move.
    """

    drop_requested = Signal(list, object)

    def __init__(self, level: Level, policy: Policy, now: Now, parent: Any = None) -> None:
        super().__init__(parent)
        self._level = level
        self._policy = policy
        self._now = now
        self._all: tuple[CaseCard, ...] = ()  # every card of the level, in board order
        self._haystacks: dict[str, str] = {}  # card id -> search_text, filled by the first search
        self._cards: tuple[CaseCard, ...] = ()  # those shown: filtered, grouped
        self._groups: dict[int, str] = {}  # row of a group's first card -> its label
        self._clocks: Clocks = {}
        self._at_risk = Decimal(0)
        self._filter = CardFilter()
        self._me = ""
        self._grouping = Grouping.NONE
        self.zone = "UTC"  # the user's zone, for the due instants in the tooltips (BoardWidget.set_zone)

    @property
    def level(self) -> Level:
        return self._level

    @property
    def at_risk(self) -> Decimal:
        """ARR at risk summed over the cases shown."""
        return self._at_risk

    @property
    def total(self) -> int:
        """Every case at this level, shown or filtered out."""
        return len(self._all)

    @property
    def grouping(self) -> Grouping:
        return self._grouping

    def cards(self) -> tuple[CaseCard, ...]:
        """The cards shown, top to bottom."""
        return self._cards

    def all_cards(self) -> tuple[CaseCard, ...]:
        return self._all

    def set_cards(self, cards: Sequence[CaseCard], clocks: Clocks | None = None) -> None:
        """Replace every card (already in board order, all at this model's level) with one reset."""
        self._all = tuple(cards)
        self._haystacks = {}  # card id -> search_text, filled by the first search
        self._clocks = {} if clocks is None else clocks
        self._show()

    def set_view(self, chosen: CardFilter, me: str, grouping: Grouping) -> None:
        """Show the cards `chosen` passes (`me`: the owner name "Mine" means), grouped; one reset."""
        self._filter, self._me, self._grouping = chosen, me, grouping
        self._show(always=False)

    def put_card(self, card: CaseCard) -> None:
        """Add or replace one card (the service's answer to a move); a card now at another level leaves."""
        kept = [c for c in self._all if c.id != card.id]
        if card.level == self._level:
            kept.append(card)
        self.set_cards(board_order(kept), self._clocks)

    def _show(self, *, always: bool = True) -> None:
        """Apply the filter and grouping; unless `always`, an unchanged result resets nothing."""
        shown = self._passing()
        if self._grouping is not Grouping.NONE:
            shown.sort(key=lambda c: group_of(self._grouping, c))  # stable: board order inside each lane
        groups = self._group_starts(shown)
        same = len(shown) == len(self._cards) and all(a is b for a, b in zip(shown, self._cards, strict=True))
        if same and groups == self._groups and not always:
            return  # another keystroke, the same cards: no reset, so the view neither relays out nor repaints
        self.beginResetModel()
        self._cards = tuple(shown)
        self._groups = groups
        self._at_risk = text.total_at_risk(self._cards)
        self.endResetModel()

    def _passing(self) -> list[CaseCard]:
        chosen, me, now = self._filter, self._me, self._now()
        if chosen.is_empty:
            return list(self._all)
        clocks, found = self._clocks, self._haystacks
        passing = []
        for card in self._all:
            overdue = chosen.overdue_only and is_overdue(clocks.get(card.id), now)
            haystack = found.get(card.id)
            if haystack is None:
                haystack = found[card.id] = search_text(card)
            if chosen.matches(card, overdue, me, haystack):
                passing.append(card)
        return passing

    def _group_starts(self, cards: Sequence[CaseCard]) -> dict[int, str]:
        if self._grouping is Grouping.NONE:
            return {}
        starts: dict[int, str] = {}
        counts: dict[int, int] = {}
        previous: tuple[int, str] | None = None
        for row, card in enumerate(cards):
            key = group_of(self._grouping, card)
            if key != previous:
                starts[row], previous = key[1], key
            first = max(starts)
            counts[first] = counts.get(first, 0) + 1
        return {row: f"{label} · {counts[row]}" for row, label in starts.items()}

    def set_clocks(self, clocks: Clocks) -> None:
        """New clock views for the same cards: one dataChanged, so selection and scrolling stay as they are
        (with "overdue only" the cards passing change, so that filter is applied again)."""
        self._clocks = clocks
        if self._filter.overdue_only:
            self._show()
        elif self._cards:
            roles = [ClockRole, ClockTextRole, ClockStateRole, Qt.ItemDataRole.ToolTipRole]
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._cards) - 1, 0), roles)

    @property
    def clocks(self) -> Clocks:
        """The clock views last set (for every open case, not only this column's)."""
        return self._clocks

    def clock(self, case_id: str) -> CaseClockView | None:
        return self._clocks.get(case_id)

    def holds(self, case_id: str) -> bool:
        """Is the case at this level (shown or filtered out)?"""
        return any(card.id == case_id for card in self._all)

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
        if role == GroupRole:
            return self._groups.get(index.row())
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
            tip = text.card_tooltip(card, self._policy, self._now(), self._clocks.get(card.id), self.zone)
            return tip + health_line(card)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return text.card_accessible_text(card, self._now(), self._clocks.get(card.id))
        if role == SeverityRole:
            return card.severity.value
        if role == LevelRole:
            return int(card.level)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled  # drops land on the column, never on (or between) cards
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        return action == Qt.DropAction.MoveAction and bool(self._arriving(data))

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        """Ask for the move of the cases dropped here from other columns; the model itself stays as it is (the
        rows move when the service has committed the move, and a refusal leaves them where they were)."""
        arriving = self._arriving(data) if action == Qt.DropAction.MoveAction else []
        if not arriving:
            return False
        self.drop_requested.emit(arriving, self._level)
        return True

    def _arriving(self, data: QMimeData) -> list[str]:
        here = {card.id for card in self._all}
        return [case_id for case_id in case_ids_from(data) if case_id not in here]

    def mimeTypes(self) -> list[str]:
        return [CASE_ID_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        ids = [self.data(index, CaseIdRole) for index in indexes if index.isValid()]
        mime.setData(CASE_ID_MIME, QByteArray("\n".join(ids).encode("ascii")))
        return mime
