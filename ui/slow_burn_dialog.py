"""View > Slow-burn proposals…: the escalations the slow-burn scan proposes, each with its reason, to confirm (a
slow-burn health-decline case opens) or dismiss (a reason is asked and kept). The daily scan (SlowBurnWatcher)
runs once a day per database, when it is opened and on an hourly timer, and says so in a notice when it finds any.

Scans, confirmations and dismissals run on the desk's database worker; widgets hear the outcome on the main thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from escdesk.domain import CaseCard
from escdesk.slow_burn import Proposal
from escdesk.slow_burn import Signal as HealthSignal
from escdesk.slow_burn_service import ScanResult, SlowBurnService
from ui.main_window import MainWindow
from ui.tasks import describe_error

if TYPE_CHECKING:
    from ui.controller import DeskController

Index = QModelIndex | QPersistentModelIndex
DAILY_CHECK_MS = 60 * 60 * 1000  # hourly: the scan itself runs once a day, the first check after midnight UTC
START_DELAY_MS = 20_000  # after a database opens: the board and its clocks first


def ask_dismiss_reason(parent: QWidget, proposal: Proposal) -> str | None:
    """The reason for dismissing (tests replace this); None when the person cancels."""
    text, ok = QInputDialog.getText(
        parent,
        "Dismiss slow-burn proposal",
        f"Why is no escalation needed for {proposal.customer_name}?\n{proposal.reason}",
        QLineEdit.EchoMode.Normal,
    )
    return text if ok else None


class ProposalsModel(QAbstractTableModel):
    HEADERS = ("Customer", "Band", "Severity", "Why")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.proposals: list[Proposal] = []

    def set_proposals(self, proposals: Sequence[Proposal]) -> None:
        self.beginResetModel()
        self.proposals = list(proposals)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's default argument)
        return 0 if parent.isValid() else len(self.proposals)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        proposal = self.proposals[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = (proposal.customer_name, proposal.band.value, proposal.severity.value, proposal.reason)
            return values[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 2:
            return QColor("#b3261e") if proposal.signal is HealthSignal.RED else QColor("#8a5a00")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


class SlowBurnDialog(QDialog):
    """The proposals of a fresh scan, with Confirm and Dismiss… for the selected one.

    Signals:
        scanned(int): the list shows a fresh scan; the number of proposals.
        confirmed(str): a proposal became a case; its reference (ESC-1234).
        dismissed(str): a proposal was dismissed; the customer's name.
        failed(str): a scan or decision failed; the message shown.
    """

    scanned = Signal(int)
    confirmed = Signal(str)
    dismissed = Signal(str)
    failed = Signal(str)

    def __init__(self, controller: DeskController, service: SlowBurnService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("slowBurnDialog")
        self.setWindowTitle("Slow-burn proposals")
        self.controller, self.service = controller, service
        self.model = ProposalsModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.summary = QLabel("Scanning…", self)
        self.summary.setObjectName("slowBurnSummary")
        self.summary.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setObjectName("slowBurnStatus")
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.confirm_button = buttons.addButton("Confirm: open the case", QDialogButtonBox.ButtonRole.ActionRole)
        self.dismiss_button = buttons.addButton("Dismiss…", QDialogButtonBox.ButtonRole.ActionRole)
        self.rescan_button = buttons.addButton("Scan again", QDialogButtonBox.ButtonRole.ActionRole)
        self.confirm_button.clicked.connect(lambda: self.confirm_selected())
        self.dismiss_button.clicked.connect(lambda: self.dismiss_selected())
        self.rescan_button.clicked.connect(lambda: self.rescan())
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        char, line = self.fontMetrics().averageCharWidth(), self.fontMetrics().height()
        self.setMinimumSize(char * 80, line * 16)  # fixed limits, as in CalendarsDialog
        self.resize(char * 150, line * 30)
        self.rescan()

    def rescan(self) -> None:
        self.controller.tasks.run_db(self.service.scan, self._show, self._fail)

    def _show(self, result: ScanResult) -> None:
        self.model.set_proposals(result.proposals)
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        count = len(result.proposals)
        self.summary.setText(
            f"{count} slow-burn escalation{'s' if count != 1 else ''} proposed on {result.day.isoformat()} from "
            f"{result.customers_scanned:,} customers with recent health, ticket or sponsor data. Customers with an "
            "open case are left out; dismissed signals are not proposed again."
        )
        if count:
            self.table.selectRow(0)
        self.scanned.emit(count)

    def _fail(self, exc: BaseException) -> None:
        message = describe_error(exc)
        self.status.setText(message)
        self.failed.emit(message)

    def selected(self) -> Proposal | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.status.setText("Select a proposal first.")
            return None
        return self.model.proposals[rows[0].row()]

    def confirm_selected(self) -> None:
        proposal = self.selected()
        if proposal is None:
            return

        def done(card: CaseCard) -> None:
            self.status.setText(f"Opened {card.reference} for {proposal.customer_name} ({card.level.code}).")
            self.controller.refresh()
            self.confirmed.emit(card.reference)
            self.rescan()

        self.controller.tasks.run_db(lambda: self.service.confirm(proposal), done, self._fail)

    def dismiss_selected(self) -> None:
        proposal = self.selected()
        if proposal is None:
            return
        reason = ask_dismiss_reason(self, proposal)
        if reason is None:
            return
        if not reason.strip():
            self.status.setText("Dismissing needs a reason; it is kept with the proposal. Nothing was dismissed.")
            return

        def done(_: None) -> None:
            self.status.setText(f"Dismissed the proposal for {proposal.customer_name}.")
            self.dismissed.emit(proposal.customer_name)
            self.rescan()

        self.controller.tasks.run_db(lambda: self.service.dismiss(proposal, reason), done, self._fail)


class SlowBurnWatcher(QObject):
    """The daily scan: shortly after a database opens and every hour, scan it if today's scan has not run on it
    yet; a notice names the number of proposals found.

    Signals:
        daily_scan_finished(int): today's scan ran; the number of proposals.
    """

    daily_scan_finished = Signal(int)

    def __init__(self, controller: DeskController, open_dialog: QAction) -> None:
        super().__init__(controller)
        self.controller, self.open_dialog = controller, open_dialog
        self.timer = QTimer(self)
        self.timer.setInterval(DAILY_CHECK_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        # Not at once: the board and its clocks load first, and the database actions (which wait while the
        # worker is busy) stay usable during the first seconds after a database opens.
        self.after_open = QTimer(self)
        self.after_open.setSingleShot(True)
        self.after_open.setInterval(START_DELAY_MS)
        self.after_open.timeout.connect(self.check)
        controller.database_opened.connect(lambda _display: self.after_open.start())

    def check(self) -> None:
        service = slow_burn_service(self.controller)
        if service is None or self.controller.tasks.is_closed:
            return

        def scan_if_due() -> ScanResult | None:  # on the worker
            if not service.daily_scan_due():
                return None
            result = service.scan()
            service.record_scan(result)
            return result

        self.controller.tasks.run_db(scan_if_due, self._scanned, lambda _exc: None)

    def scan_after_import(self) -> None:
        """The scan an import calls for (its health scores may raise new signals); not today's daily scan."""
        service = slow_burn_service(self.controller)
        if service is None or self.controller.tasks.is_closed:
            return

        def scanned(result: ScanResult) -> None:
            self._tell(result, "The imported data")

        self.controller.tasks.run_db(service.scan, scanned, lambda _exc: None)

    def _scanned(self, result: ScanResult | None) -> None:
        if result is None:
            return
        self.daily_scan_finished.emit(self._tell(result, "The daily scan"))

    def _tell(self, result: ScanResult, source: str) -> int:
        count = len(result.proposals)
        if count:
            self.controller.window.show_notice(
                f"{source} proposes {count} slow-burn escalation{'s' if count != 1 else ''} "
                "(health falling, renewal near): View > Slow-burn proposals… to confirm or dismiss them."
            )
        return count


def slow_burn_service(controller: DeskController) -> SlowBurnService | None:
    cases = controller.service
    if cases is None:
        return None
    return SlowBurnService(cases.store, cases.clock, controller.context.policy, controller.context.actor)


def open_slow_burn(window: MainWindow, controller: DeskController) -> SlowBurnDialog | None:
    service = slow_burn_service(controller)
    if service is None:
        window.show_notice("Open a database first: the scan reads its customers.")
        return None
    dialog = SlowBurnDialog(controller, service, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def install_slow_burn_action(
    window: MainWindow, controller: DeskController, *, daily: bool = True
) -> SlowBurnWatcher | None:
    """Add View > Slow-burn proposals… and (with `daily`; not for screenshots) start the daily scan, whose
    watcher is parented to the controller."""
    action = QAction("&Slow-burn proposals…", window)
    action.setObjectName("slowBurnAction")
    action.triggered.connect(lambda: open_slow_burn(window, controller))
    window.view_menu.addAction(action)
    return SlowBurnWatcher(controller, action) if daily else None
