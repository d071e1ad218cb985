"""View > Dashboard (Ctrl+D): the escalation analytics of escdesk.metrics as charts, each with its table beside it
(the accessible view), filtered by period, ARR band and CSM; a click on a bar or a double-click on a row lists
the cases behind the number, and a double-click on a case emits `case_requested(id)` (the lead opens the case
workspace from it). "Export CSV…" writes every table to a folder.

Every computation runs on the desk's database worker (DeskController.tasks); the window shows a busy state
meanwhile and ignores a result that a newer request has overtaken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)  # fmt: skip

from escdesk.domain import ArrBand
from escdesk.exports import write_atomically
from escdesk.metrics import Dashboard, compute_dashboard, drill_cases, to_csv
from escdesk.metrics.drill import DrilledCase
from escdesk.metrics.rates import BAND_NAMES
from escdesk.metrics.summary import headline
from escdesk.metrics.tables import Table
from ui.charts import ChartWidget
from ui.dashboard_models import RAW, CasesModel, MetricTableModel
from ui.dashboard_specs import CARDS, SpecOf
from ui.main_window import MainWindow
from ui.tasks import describe_error

if TYPE_CHECKING:
    from ui.controller import DeskController

DRILL_LIMIT = 2_000  # a list longer than this is no longer read; the count says how many there are


def choose_csv_folder(parent: QWidget, start: Path) -> Path | None:
    """Tests replace this."""
    path = QFileDialog.getExistingDirectory(parent, "Folder for the dashboard's CSV files", str(start))
    return Path(path) if path else None


def default_period(today: date) -> tuple[date, date]:
    """The twelve whole months before today's month: a month still running would show as a dip in every rate."""
    end = date(today.year, today.month, 1) - timedelta(days=1)
    return date(end.year - (end.month < 12), end.month % 12 + 1, 1), end


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    band: ArrBand | None
    csm_id: str | None


class ChartCard(QFrame):
    """A chart with its table behind a toggle; both report the row a person picked."""

    row_picked = Signal(object, int)  # (card, table row)

    def __init__(self, table_name: str, title: str, spec_of: SpecOf, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.table_name, self.title, self.spec_of = table_name, title, spec_of
        self.model = MetricTableModel()
        self.chart = ChartWidget(self)
        self.chart.setAccessibleName(title)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName(f"{title}: table")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.chart)
        self.stack.addWidget(self.view)
        heading = QLabel(title, self)
        heading.setObjectName("cardTitle")
        heading.setToolTip(title)
        heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.toggle = QPushButton("Table", self)
        self.toggle.setCheckable(True)
        self.toggle.setToolTip("Show the numbers as a table (and back)")
        self.toggle.toggled.connect(lambda on: self.show_table(on))
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setObjectName("cardNote")
        # A wrapped label asks for the width of its longest words' line: let the grid decide the width instead.
        self.note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.note.setMinimumHeight(self.fontMetrics().height() * 4)
        top = QHBoxLayout()
        top.addWidget(heading, 1)
        top.addWidget(self.toggle)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.note)
        self.chart.activated.connect(lambda row: self.row_picked.emit(self, row))
        self.view.doubleClicked.connect(lambda index: self.row_picked.emit(self, index.row()))

    def show_table(self, on: bool) -> None:
        self.stack.setCurrentWidget(self.view if on else self.chart)
        self.toggle.setText("Chart" if on else "Table")
        if self.toggle.isChecked() != on:
            self.toggle.setChecked(on)

    def set_table(self, table: Table) -> None:
        self.model.set_table(table)
        self.chart.set_spec(self.spec_of(table))
        self.note.setText(table.note)
        self.view.resizeColumnsToContents()


class DrillPanel(QWidget):
    """The cases behind the number last picked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel("Click a bar or double-click a row to see the cases behind it.", self)
        self.heading.setWordWrap(True)
        self.heading.setObjectName("drillHeading")
        self.model = CasesModel()
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Cases behind the number")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.view, 1)

    def show_cases(self, title: str, cases: list[DrilledCase]) -> None:
        more = " (the first shown)" if len(cases) >= DRILL_LIMIT else ""
        self.heading.setText(f"{title}: {len(cases):,} cases{more}. Double-click one to open it.")
        self.model.set_cases(cases)
        self.view.resizeColumnsToContents()


class DashboardWindow(QWidget):
    """The dashboard for one desk. Signals:
    computed(): the charts show a new result; drilled(int): the cases behind a number are listed (their count);
    exported(list): CSV files written (their paths); failed(str): a computation or export failed;
    case_requested(str): a case was double-clicked in the drill-down list (its id)."""

    computed = Signal()
    drilled = Signal(int)
    exported = Signal(list)
    failed = Signal(str)
    case_requested = Signal(str)

    def __init__(self, desk: DeskController, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("dashboardWindow")
        self.setWindowTitle("EscDesk — Escalation dashboard")
        self.desk = desk
        self.dashboard: Dashboard | None = None
        self._generation = 0
        self.cards = [ChartCard(name, title, spec, self) for name, title, spec in CARDS]
        self.drill_panel = DrillPanel(self)
        self._build()
        self.drill_panel.view.doubleClicked.connect(self._case_double_clicked)
        for card in self.cards:
            card.row_picked.connect(self.drill)
        line = self.fontMetrics().height()
        self.setMinimumSize(line * 50, line * 30)
        self.resize(line * 110, line * 62)

    # -- layout -------------------------------------------------------------------------------------------------
    def _build(self) -> None:
        start, end = default_period(self.desk.context.clock.now().date())
        self.start_edit, self.end_edit = QDateEdit(_qdate(start), self), QDateEdit(_qdate(end), self)
        for edit, name in ((self.start_edit, "From"), (self.end_edit, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
        self.band_box = QComboBox(self)
        self.band_box.setAccessibleName("ARR band")
        self.band_box.addItem("All bands", None)
        for band in ArrBand:
            self.band_box.addItem(BAND_NAMES[band], band.value)  # Qt hands a StrEnum back as a plain str
        self.csm_box = QComboBox(self)
        self.csm_box.setAccessibleName("CSM")
        self.csm_box.addItem("All CSMs", None)
        self.apply_button = QPushButton("&Apply", self)
        self.apply_button.clicked.connect(lambda: self.refresh())
        self.export_button = QPushButton("Export &CSV…", self)
        self.export_button.clicked.connect(lambda: self.export_csv())
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName("Computing the dashboard")
        self.busy.setMaximumWidth(self.fontMetrics().averageCharWidth() * 14)
        self.status = QLabel(self)
        self.status.setObjectName("dashboardStatus")
        bar = QHBoxLayout()
        for label, widget in (("From", self.start_edit), ("To", self.end_edit), ("Band", self.band_box),
                              ("CSM", self.csm_box)):  # fmt: skip
            caption = QLabel(label, self)
            caption.setBuddy(widget)
            bar.addWidget(caption)
            bar.addWidget(widget)
        bar.addWidget(self.apply_button)
        bar.addWidget(self.busy)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.export_button)
        self.headline = QLabel(self)
        self.headline.setObjectName("dashboardHeadline")
        self.headline.setWordWrap(True)
        grid_host = QWidget(self)
        grid = QGridLayout(grid_host)
        for i, card in enumerate(self.cards):
            grid.addWidget(card, i // 3, i % 3)
            card.setMinimumHeight(self.fontMetrics().height() * 24)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(grid_host)
        self.grid_host = grid_host
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.scroll_area)
        splitter.addWidget(self.drill_panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        line = self.fontMetrics().height()
        splitter.setSizes([line * 72, line * 22])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.headline)
        layout.addWidget(splitter, 1)
        self.busy.hide()

    # -- computing ----------------------------------------------------------------------------------------------
    def filters(self) -> Filters:
        band = self.band_box.currentData()
        chosen = None if band is None else ArrBand(band)
        return Filters(_date(self.start_edit.date()), _date(self.end_edit.date()), chosen,
                       self.csm_box.currentData())  # fmt: skip

    def refresh(self) -> None:
        """Compute the dashboard for the filters on the database worker."""
        service = self.desk.service
        if service is None:
            self._fail("Open a database first: there is nothing to analyse yet.")
            return
        chosen, now, policy = self.filters(), self.desk.context.clock.now(), self.desk.context.policy
        if chosen.end < chosen.start:
            self._fail(f"The period ends ({chosen.end}) before it starts ({chosen.start}).")
            return
        self._generation += 1
        generation, store = self._generation, service.store

        def compute() -> Dashboard:
            return compute_dashboard(store, start=chosen.start, end=chosen.end, now=now, band=chosen.band,
                                     csm_id=chosen.csm_id, policy=policy)  # fmt: skip

        self._set_busy(True, "Computing…")
        self.desk.tasks.run_db(compute, lambda d: self._computed(generation, d), self._failed_task)

    def _computed(self, generation: int, dashboard: Dashboard) -> None:
        if generation != self._generation:
            return  # a newer request is on its way
        self._set_busy(False, f"{dashboard.start} to {dashboard.end}")
        self.dashboard = dashboard
        for card in self.cards:
            card.set_table(dashboard.table(card.table_name))
        self._fill_csms(dashboard.table("escalation_rate_by_csm"))
        self.headline.setText(headline(dashboard))
        self.computed.emit()

    def _fill_csms(self, table: Table) -> None:
        if self.csm_box.count() > 1 or self.dashboard is None or self.dashboard.csm_id is not None:
            return
        for csm_id, name in sorted(
            zip(table.column("csm_id"), table.column("csm"), strict=True), key=lambda p: str(p[1])
        ):
            if csm_id:
                self.csm_box.addItem(str(name), csm_id)

    def _set_busy(self, busy: bool, message: str) -> None:
        self.busy.setVisible(busy)
        self.apply_button.setEnabled(not busy)
        self.status.setText(message)

    def _failed_task(self, exc: BaseException) -> None:
        self._set_busy(False, "")
        self._fail(f"The dashboard could not be computed: {describe_error(exc)}")

    def _fail(self, message: str) -> None:
        self.status.setText(message)
        self.failed.emit(message)

    # -- drill-down ---------------------------------------------------------------------------------------------
    def drill(self, card: ChartCard, row: int) -> None:
        dashboard, service, drill = self.dashboard, self.desk.service, card.model.drill(row)
        if dashboard is None or service is None or drill is None:
            return
        title = f"{card.title} — {card.model.label(row)}"
        store = service.store
        self.drill_panel.heading.setText(f"{title}: reading the cases…")
        self.desk.tasks.run_db(
            lambda: drill_cases(store, dashboard, drill, DRILL_LIMIT), lambda cases: self._drilled(title, cases),
            self._failed_task,
        )  # fmt: skip

    def drill_row(self, table_name: str, row: int) -> None:
        card = next(c for c in self.cards if c.table_name == table_name)
        self.drill(card, row)

    def _drilled(self, title: str, cases: list[DrilledCase]) -> None:
        self.drill_panel.show_cases(title, cases)
        self.drilled.emit(len(cases))

    def _case_double_clicked(self, index: QModelIndex) -> None:
        self.case_requested.emit(str(self.drill_panel.model.data(index, RAW)))

    # -- export -------------------------------------------------------------------------------------------------
    def export_csv(self) -> None:
        dashboard = self.dashboard
        if dashboard is None:
            self._fail("Nothing to export yet: the dashboard is still being computed.")
            return
        folder = choose_csv_folder(self, Path.home())
        if folder is None:
            return
        tables = list(dashboard.tables)

        def write() -> list[str]:
            folder.mkdir(parents=True, exist_ok=True)
            return [str(write_atomically(folder / f"{t.name}.csv", to_csv(t).encode("utf-8"))) for t in tables]

        self.desk.tasks.run_in_background(write, self._exported, self._failed_task)

    def _exported(self, written: list[str]) -> None:
        self.status.setText(f"Wrote {len(written)} CSV files to {Path(written[0]).parent}" if written else "")
        self.exported.emit(written)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._generation += 1  # a result still on its way is dropped
        super().closeEvent(event)


def show_dashboard(window: MainWindow, desk: DeskController) -> DashboardWindow:
    """View > Dashboard (ui.feature_actions): one dashboard window per desk, computed when shown."""
    dashboard = window.findChild(DashboardWindow)
    if dashboard is None:
        dashboard = DashboardWindow(desk, window)
        # A case picked in the drill-down: selected on the board and opened in the workspace.
        dashboard.case_requested.connect(window.board.select_case)
        dashboard.case_requested.connect(window.case_requested)
    dashboard.show()
    if QGuiApplication.platformName() != "offscreen":  # nothing to raise there (and Qt warns)
        dashboard.raise_()
    dashboard.refresh()
    return dashboard
