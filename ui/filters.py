"""Finding cases: the filter (text search, owner, band, type, severity, overdue only, mine), saved views, and the
filter bar above the board.

`CardFilter` is a frozen value with no Qt in it: the column models apply it, saved views store it as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from escdesk.domain import ArrBand, CaseCard, CaseType, Severity
from ui import text

if TYPE_CHECKING:
    from ui.board_prefs import BoardPreferences

ANY = ""  # the combo boxes' "any" entry


@dataclass(frozen=True)
class CardFilter:
    """Which cards the board shows. Empty strings mean "any"; `mine` compares the owner with the user's name."""

    text: str = ""
    owner: str = ANY
    band: str = ANY  # an ArrBand value
    case_type: str = ANY  # a CaseType value
    severity: str = ANY  # a Severity value
    overdue_only: bool = False
    mine: bool = False

    @property
    def is_empty(self) -> bool:
        return self == CardFilter()

    def matches(self, card: CaseCard, overdue: bool, me: str, haystack: str | None = None) -> bool:
        """Does the card pass? `overdue`: a clock of the card is overdue now; `me`: the user's owner name;
        `haystack`: the card's `search_text`, when the caller keeps it (a keystroke filters thousands of cards)."""
        if self.overdue_only and not overdue:
            return False
        if self.mine and (card.owner_name or "").casefold() != me.casefold():
            return False
        if self.owner and card.owner_name != self.owner:
            return False
        if self.band and card.band.value != self.band:
            return False
        if self.case_type and card.case_type.value != self.case_type:
            return False
        if self.severity and card.severity.value != self.severity:
            return False
        if not self.text.strip():
            return True
        words = self.text.casefold().split()
        searched = search_text(card) if haystack is None else haystack
        return all(word in searched for word in words)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, raw: object) -> CardFilter | None:
        """A stored filter, or None when it is unreadable (unknown keys and wrong types are dropped)."""
        try:
            values = json.loads(str(raw))
        except ValueError:
            return None
        if not isinstance(values, dict):
            return None
        kept: dict[str, Any] = {}
        for spec in fields(cls):
            value = values.get(spec.name)
            if isinstance(value, bool if spec.type in ("bool", bool) else str):
                kept[spec.name] = value
        return cls(**kept)


def search_text(card: CaseCard) -> str:
    """What the search box searches: the customer, the title, the ESC-number and the id, in any case (a query
    matches when every word of it appears here)."""
    return f"{card.customer_name}\n{card.title}\n{card.reference}\n{card.id}".casefold()


def owners_of(cards: Iterable[CaseCard]) -> list[str]:
    return sorted({card.owner_name for card in cards if card.owner_name}, key=str.casefold)


class FilterBar(QWidget):
    """Search box, filter choices, 'overdue only', 'mine' and the saved views, in one row above the board.

    Signals:
        filter_changed(): the filter changed (every keystroke in the search box); read `current_filter()`.
    """

    filter_changed = Signal()

    def __init__(self, preferences: BoardPreferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        self.preferences = preferences
        self.search = QLineEdit(self)
        self.search.setObjectName("boardSearch")
        self.search.setPlaceholderText("Search customer, title or ESC-number")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search cases")
        self.owner = self._combo("Owner", [("Any owner", ANY)])
        self.band = self._combo("ARR band", [("Any band", ANY)] + [(b.value, b.value) for b in ArrBand])
        types = [(text.case_type_text(t), t.value) for t in CaseType]
        self.case_type = self._combo("Case type", [("Any type", ANY), *sorted(types)])
        self.severity = self._combo("Severity", [("Any severity", ANY)] + [(s.value, s.value) for s in Severity])
        self.overdue = self._check("&Overdue only")
        self.mine = self._check("&Mine")
        self.views = QComboBox(self)
        self.views.setObjectName("savedViews")
        self.views.setAccessibleName("Saved views")
        self.save_button = QPushButton("Save view…", self)
        self.save_button.setAccessibleName("Save the filter as a view")
        self.delete_button = QPushButton("Delete view", self)
        self.delete_button.setAccessibleName("Delete the saved view")
        self._lay_out()
        self._wire()
        self.reload_views()

    def _combo(self, name: str, entries: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        combo.setToolTip(name)
        for label, value in entries:
            combo.addItem(label, value)
        return combo

    def _check(self, label: str) -> QCheckBox:
        box = QCheckBox(label, self)
        box.setAccessibleName(label.replace("&", ""))
        return box

    def _lay_out(self) -> None:
        layout = QHBoxLayout(self)
        margin = self.fontMetrics().height() // 2
        layout.setContentsMargins(margin * 2, margin // 2, margin * 2, 0)
        layout.addWidget(self.search, 3)
        for widget in (self.owner, self.band, self.case_type, self.severity, self.overdue, self.mine):
            layout.addWidget(widget)
        layout.addSpacing(margin * 2)
        layout.addWidget(self.views, 1)
        layout.addWidget(self.save_button)
        layout.addWidget(self.delete_button)

    def _wire(self) -> None:
        self.search.textChanged.connect(self.filter_changed)
        for combo in (self.owner, self.band, self.case_type, self.severity):
            combo.currentIndexChanged.connect(self.filter_changed)
        self.overdue.toggled.connect(self.filter_changed)
        self.mine.toggled.connect(self.filter_changed)
        self.views.activated.connect(self._view_chosen)
        self.save_button.clicked.connect(self._ask_view_name)
        self.delete_button.clicked.connect(self._confirm_delete)

    # -- the filter -------------------------------------------------------------------------------------------
    def current_filter(self) -> CardFilter:
        return CardFilter(
            text=self.search.text(),
            owner=str(self.owner.currentData() or ANY),
            band=str(self.band.currentData() or ANY),
            case_type=str(self.case_type.currentData() or ANY),
            severity=str(self.severity.currentData() or ANY),
            overdue_only=self.overdue.isChecked(),
            mine=self.mine.isChecked(),
        )

    def set_filter(self, chosen: CardFilter) -> None:
        """Show `chosen` in the widgets; one filter_changed at the end, not one per widget."""
        widgets = (self.search, self.owner, self.band, self.case_type, self.severity, self.overdue, self.mine)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.search.setText(chosen.text)
            if chosen.owner and self.owner.findData(chosen.owner) < 0:
                self.owner.addItem(chosen.owner, chosen.owner)  # a view saved for someone not on the board now
            for combo, value in ((self.owner, chosen.owner), (self.band, chosen.band)):
                combo.setCurrentIndex(max(combo.findData(value), 0))
            for combo, value in ((self.case_type, chosen.case_type), (self.severity, chosen.severity)):
                combo.setCurrentIndex(max(combo.findData(value), 0))
            self.overdue.setChecked(chosen.overdue_only)
            self.mine.setChecked(chosen.mine)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self.filter_changed.emit()

    def clear(self) -> None:
        self.set_filter(CardFilter())

    def set_owners(self, names: Iterable[str]) -> None:
        """The owners to choose from (those of the cases on the board); the current choice is kept."""
        keep = str(self.owner.currentData() or ANY)
        self.owner.blockSignals(True)
        try:
            self.owner.clear()
            self.owner.addItem("Any owner", ANY)
            for name in names:
                self.owner.addItem(name, name)
            if keep and self.owner.findData(keep) < 0:
                self.owner.addItem(keep, keep)
            self.owner.setCurrentIndex(max(self.owner.findData(keep), 0))
        finally:
            self.owner.blockSignals(False)

    # -- saved views ------------------------------------------------------------------------------------------
    def reload_views(self, current: str | None = None) -> None:
        views = self.preferences.saved_views()
        self.views.clear()
        self.views.addItem("Saved views…", None)
        for name in views:
            self.views.addItem(name, name)
        self.views.setCurrentIndex(max(self.views.findData(current), 0) if current else 0)
        self.delete_button.setEnabled(current is not None and current in views)

    def apply_view(self, name: str) -> bool:
        chosen = self.preferences.saved_views().get(name)
        if chosen is None:
            return False
        self.set_filter(chosen)
        self.reload_views(name)
        return True

    def save_view(self, name: str) -> None:
        name = name.strip()
        if name:
            self.preferences.save_view(name, self.current_filter())
            self.reload_views(name)

    def delete_view(self, name: str) -> None:
        self.preferences.delete_view(name)
        self.reload_views()

    def _view_chosen(self, row: int) -> None:
        name = self.views.itemData(row)
        if isinstance(name, str):
            self.apply_view(name)
        else:
            self.delete_button.setEnabled(False)

    def _ask_view_name(self) -> None:
        name, ok = QInputDialog.getText(self, "Save view", "Name of the view (search and filters as they are now):")
        if ok:
            self.save_view(name)

    def _confirm_delete(self) -> None:
        name = self.views.currentData()
        if not isinstance(name, str):
            return
        answer = QMessageBox.question(self, "Delete view", f"Delete the saved view “{name}”?")
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_view(name)


def views_from(raw: Mapping[str, object]) -> dict[str, CardFilter]:
    """Stored views (name -> JSON), the unreadable ones dropped."""
    views = {}
    for name, value in raw.items():
        chosen = CardFilter.from_json(value)
        if chosen is not None:
            views[name] = chosen
    return dict(sorted(views.items(), key=lambda item: item[0].casefold()))
