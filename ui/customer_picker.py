"""Pick a customer out of thousands by typing part of the name.

Each keystroke restarts a short timer; when typing pauses, one search (escdesk.customer_search) runs on the
database worker. Every search carries a number, and an answer that is not the latest one is dropped, so a slow
early search can never overwrite the list for what is typed now.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from escdesk.customer_search import CustomerHit, search_customers
from escdesk.money import short_amount
from escdesk.policy import Policy
from ui.controller import DeskController

DEBOUNCE_MS = 150  # a fast typist's gap between keys is ~100 ms: search when they pause, not on every key
RESULT_LIMIT = 25
HitRole = Qt.ItemDataRole.UserRole + 1
AnyIndex = QModelIndex | QPersistentModelIndex


def hit_text(hit: CustomerHit, policy: Policy) -> str:
    csm = f" · CSM {hit.csm}" if hit.csm else ""
    return f"{hit.name} — {short_amount(hit.arr)} {policy.band_name(hit.band)}{csm}"


class CustomerResultsModel(QAbstractListModel):
    """The customers a search found, in the order it ranked them."""

    def __init__(self, policy: Policy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._policy = policy
        self._hits: list[CustomerHit] = []

    def set_hits(self, hits: Sequence[CustomerHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hits(self) -> list[CustomerHit]:
        return list(self._hits)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's default argument)
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return hit_text(hit, self._policy)
        if role == Qt.ItemDataRole.ToolTipRole:
            renewal = f"renews {hit.renewal_date:%d %b %Y}" if hit.renewal_date else "no renewal date recorded"
            return f"{hit.name}\n{hit.region or 'no region'}, {renewal}"
        if role == HitRole:
            return hit
        return None


class _SearchBox(QLineEdit):
    """Down moves into the results, as in any completer."""

    def __init__(self, results: QListView, parent: QWidget) -> None:
        super().__init__(parent)
        self._results = results

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down and self._results.model().rowCount() > 0:
            self._results.setFocus()
            self._results.setCurrentIndex(self._results.model().index(0, 0))
            return
        super().keyPressEvent(event)


class CustomerPicker(QWidget):
    """A search box over the customers, the matches below it, and the chosen one.

    Signals:
        searched(str, int): the results for this text are shown; how many there are.
        customer_chosen(object): a CustomerHit was chosen (None: the choice was cleared).
    """

    searched = Signal(str, int)
    customer_chosen = Signal(object)

    def __init__(self, controller: DeskController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerPicker")
        self.controller = controller
        self.model = CustomerResultsModel(controller.context.policy, self)
        self.results = QListView(self)
        self.results.setModel(self.model)
        self.results.setAccessibleName("Matching customers")
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # keep the CSM's name at the end readable
        self.search = _SearchBox(self.results, self)
        self.search.setPlaceholderText("Type part of the customer's name…")
        self.search.setAccessibleName("Customer search")
        self.search.setClearButtonEnabled(True)
        self.status = QLabel(self)
        self.status.setObjectName("pickerStatus")
        self.chosen: CustomerHit | None = None
        self._searches = 0  # the number of the latest search; older answers are dropped
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._run_search)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.search, self.results, self.status):
            layout.addWidget(widget)
        self.search.textEdited.connect(lambda _text: self._timer.start())
        self.search.returnPressed.connect(self._choose_first)
        self.results.clicked.connect(self._choose_index)
        self.results.activated.connect(self._choose_index)
        self.results.selectionModel().currentChanged.connect(lambda current, _previous: self._choose_index(current))
        self.status.setText("Start typing: EscDesk searches as you type.")

    def _run_search(self) -> None:
        service = self.controller.service
        typed = self.search.text()
        if service is None or not typed.strip():
            self._searches += 1  # whatever is still running is no longer wanted
            self.model.set_hits([])
            self.status.setText("Start typing: EscDesk searches as you type.")
            return
        self._searches += 1
        number, store = self._searches, service.store
        self.status.setText("Searching…")
        self.controller.tasks.run_db(
            lambda: search_customers(store, typed, RESULT_LIMIT),
            lambda hits: self._show_results(number, typed, hits),
            lambda exc: self.status.setText(f"The search failed: {exc}"),
        )

    def _show_results(self, number: int, typed: str, hits: list[CustomerHit]) -> None:
        if number != self._searches:
            return  # an answer to something no longer typed
        self.model.set_hits(hits)
        if not hits:
            self.status.setText(f"No customer's name contains “{typed.strip()}”.")
        elif len(hits) >= RESULT_LIMIT:
            self.status.setText(f"The first {RESULT_LIMIT} matches; type more to narrow them down.")
        else:
            self.status.setText("1 customer matches." if len(hits) == 1 else f"{len(hits)} customers match.")
        self.searched.emit(typed, len(hits))

    def _choose_first(self) -> None:
        if self.model.rowCount() > 0:
            self._choose_index(self.model.index(0, 0))

    def _choose_index(self, index: QModelIndex | QPersistentModelIndex) -> None:
        hit = index.data(HitRole) if index.isValid() else None
        if isinstance(hit, CustomerHit) and hit != self.chosen:
            self.chosen = hit
            self.results.setCurrentIndex(self.model.index(index.row(), 0))
            self.customer_chosen.emit(hit)
