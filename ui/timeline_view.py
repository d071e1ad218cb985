"""The case's history as a list, newest first: when, by whom, through which channel, what happened and why.

TimelineModel holds frozen CaseEvents (never rows); `kinds` narrows it to some kinds of entry, which is how the
workspace's "Notes & contacts" tab shows the same history as the timeline, filtered.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from escdesk.brief_timeline import CHANNEL_WORDS, change_words, describe
from escdesk.domain import CaseEvent, Direction, EventKind, StepStatus
from escdesk.policy import Policy
from ui.workspace_data import local_time

EventRole = Qt.ItemDataRole.UserRole + 1
HeadingRole = Qt.ItemDataRole.UserRole + 2  # "Thu 3 Dec 14:30 · dana · E-mail to the customer"
TextRole = Qt.ItemDataRole.UserRole + 3  # what happened, and why
_CHECKLIST_VERBS = {
    StepStatus.DONE.value: "done",
    StepStatus.SKIPPED.value: "skipped",
    StepStatus.OPEN.value: "reopened",
}
AnyIndex = QModelIndex | QPersistentModelIndex
PADDING = 6


def channel_text(event: CaseEvent) -> str:
    """'E-mail from the customer', 'Phone to the customer', or '' for entries that are not contacts."""
    if event.channel is None:
        return ""
    name = CHANNEL_WORDS.get(event.channel.value, event.channel.value.capitalize())
    name = name[0].upper() + name[1:]
    return f"{name} from the customer" if event.direction is Direction.INBOUND else f"{name} to the customer"


def event_text(event: CaseEvent, policy: Policy) -> str:
    """Every entry in words: the brief's wording where it has one, the bookkeeping entries spelled out."""
    if event.kind is EventKind.CHECKLIST_CHANGED:
        verb = _CHECKLIST_VERBS.get(event.to_value or "", event.to_value or "changed")
        step = (event.body or "").partition(": ")[2] or event.body or "a step"
        return f"Checklist: {step} {verb}" + (f": {event.reason}" if event.reason else "")
    if event.kind is EventKind.CUSTOMER_CONTACT:
        return event.body or "(no summary recorded)"
    if event.kind is EventKind.INVOLVEMENT_CHANGED and event.body:
        return _involvement_text(event, {role.key: role.label for role in policy.roles})
    if event.kind is EventKind.DEADLINE_CHANGED:
        why = f": {event.reason}" if event.reason else ""
        return f"Deadline {event.to_value or 'changed'}: {event.body or ''}{why}"
    if event.kind is EventKind.LEVEL_ACKNOWLEDGED:
        return f"Acknowledged at {event.to_value or 'the new level'}"
    described = describe(event, policy)
    if described:
        return described
    what = event.body or event.kind.value.replace("_", " ").capitalize()  # a signal's body is its label
    change = change_words(event.from_value, event.to_value) if event.from_value or event.to_value else ""
    return ": ".join(p for p in (what, change, event.reason or "") if p)


_INVOLVEMENT_VERBS = {"proposed": "Rules propose bringing in", "accepted": "Brought in", "dismissed": "Decided against",
                      "done": "Involvement done:"}  # fmt: skip


def _involvement_text(event: CaseEvent, labels: dict[str, str]) -> str:
    """ "incident_commander: Omar Martin" and its reason as "Brought in Omar Martin (incident commander): …";
    a rule's proposal, "coo (strategic-s1-coo)", as "Rules propose bringing in COO: …"."""
    body = event.body or ""
    role, sep, name = body.partition(": ")
    if sep:
        who = f"{name} ({labels.get(role, role.replace('_', ' '))})"
    else:
        role = body.partition(" (")[0]
        who = labels.get(role, role.replace("_", " "))
    verb = _INVOLVEMENT_VERBS.get(event.to_value or "", f"Involvement {event.to_value or 'changed'}:")
    return f"{verb} {who}" + (f": {event.reason}" if event.reason else "")


class TimelineModel(QAbstractListModel):
    """Case events as rows, newest first: a heading (when, by whom, channel) and what happened."""

    def __init__(
        self, policy: Policy, zone: str, kinds: frozenset[EventKind] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._policy = policy
        self._zone = zone
        self._kinds = kinds
        self._events: list[CaseEvent] = []

    def set_events(self, events: Sequence[CaseEvent]) -> None:
        self.beginResetModel()
        chosen = [e for e in events if self._kinds is None or e.kind in self._kinds]
        self._events = list(reversed(chosen))
        self.endResetModel()

    def events(self) -> list[CaseEvent]:
        return list(self._events)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's default argument)
        return 0 if parent.isValid() else len(self._events)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._events):
            return None
        event = self._events[index.row()]
        if role == HeadingRole:
            return self._heading(event)
        if role == TextRole:
            return event_text(event, self._policy)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{self._heading(event)}: {event_text(event, self._policy)}"
        if role == EventRole:
            return event
        return None

    def _heading(self, event: CaseEvent) -> str:
        parts = (local_time(event.at, self._zone), event.actor, channel_text(event))
        return " · ".join(p for p in parts if p)


class TimelineDelegate(QStyledItemDelegate):
    """Paints an entry as a small grey heading over its word-wrapped text; the height follows the view's width."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view

    def _text_width(self) -> int:
        return max(80, self._view.viewport().width() - 2 * PADDING)

    def _text_rect(self, option: QStyleOptionViewItem, text: str) -> QRect:
        bounds = QRect(0, 0, self._text_width(), 100_000)
        return option.fontMetrics.boundingRect(bounds, int(Qt.TextFlag.TextWordWrap), text)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        body = self._text_rect(option, str(index.data(TextRole) or ""))
        return QSize(self._text_width(), option.fontMetrics.height() + body.height() + 3 * PADDING)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget is not None else QApplication.style()
        option.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        painter.save()
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_color = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        rect = option.rect.adjusted(PADDING, PADDING, -PADDING, -PADDING)
        line = option.fontMetrics.height()
        painter.setPen(text_color if selected else palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(QRect(rect.left(), rect.top(), rect.width(), line), int(Qt.AlignmentFlag.AlignLeft),
                         str(index.data(HeadingRole) or ""))  # fmt: skip
        painter.setPen(text_color)
        body = QRect(rect.left(), rect.top() + line + PADDING // 2, rect.width(), rect.height() - line)
        painter.drawText(body, int(Qt.TextFlag.TextWordWrap), str(index.data(TextRole) or ""))
        painter.restore()


class TimelineView(QListView):
    """A read-only list of a TimelineModel's entries, each wrapped to the view's width."""

    def __init__(self, model: TimelineModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setItemDelegate(TimelineDelegate(self))
        self.setUniformItemSizes(False)
        self.setWordWrap(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)  # re-lay out (new heights) when the width changes
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAlternatingRowColors(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
