"""View > Dashboard (Ctrl+D): computed on the database worker, filtered by period and band, drill-down from a
bar and from a table row into the cases behind the number, CSV export of every table; the models pass
qtmodeltester. The book is gui_builders.SAMPLE: five open cases opened from 10 Feb to 2 Mar 2026."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from gui_builders import SAMPLE, Desk, MakeDesk, build_database
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from escdesk.domain import ArrBand
from escdesk.metrics import to_csv
from escdesk.metrics.drill import DrilledCase
from escdesk.metrics.tables import Drill, Row, Table
from ui import dashboard as dashboard_module
from ui.charts import ChartSpec, ChartWidget, Series, hours, nice_top
from ui.dashboard import DashboardWindow, default_period
from ui.dashboard_models import RAW, CasesModel, MetricTableModel


@pytest.fixture
def desk(qtbot: QtBot, tmp_path: Path, make_desk: MakeDesk) -> Desk:
    build_database(tmp_path / "book.sqlite")
    window, controller = make_desk()
    with qtbot.waitSignal(controller.board_loaded, timeout=20_000):
        controller.start(str(tmp_path / "book.sqlite"))
    return window, controller


def open_dashboard(qtbot: QtBot, desk: Desk) -> DashboardWindow:
    window, _ = desk
    action = window.findChild(QAction, "dashboardAction")
    assert action is not None and action.shortcut().toString() == "Ctrl+D"
    assert action in window.view_menu.actions()
    threads: list[str] = []
    real = dashboard_module.compute_dashboard

    def recording(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    dashboard_module.compute_dashboard = recording
    try:
        action.trigger()
        found = window.findChild(DashboardWindow)
        assert found is not None
        qtbot.addWidget(found)  # closed at teardown, also when the test fails
        qtbot.waitUntil(lambda: found.dashboard is not None, timeout=20_000)
    finally:
        dashboard_module.compute_dashboard = real
    assert threads and threads[0].startswith("escdesk-db")  # the desk's database worker, never the GUI thread
    return found


def set_period(qtbot: QtBot, dash: DashboardWindow, start: date, end: date, band: ArrBand | None = None) -> None:
    dash.start_edit.setDate(QDate(start.year, start.month, start.day))
    dash.end_edit.setDate(QDate(end.year, end.month, end.day))
    dash.band_box.setCurrentIndex(dash.band_box.findData(None if band is None else band.value))
    with qtbot.waitSignal(dash.computed, timeout=20_000):
        dash.apply_button.click()
        assert dash.busy.isVisibleTo(dash) and not dash.apply_button.isEnabled()  # busy while the worker computes
    assert not dash.busy.isVisibleTo(dash) and dash.apply_button.isEnabled()


def card(dash: DashboardWindow, table_name: str) -> MetricTableModel:
    return next(c for c in dash.cards if c.table_name == table_name).model


def test_default_period_is_the_last_twelve_whole_months() -> None:
    assert default_period(date(2026, 12, 3)) == (date(2025, 12, 1), date(2026, 11, 30))
    assert default_period(date(2026, 1, 31)) == (date(2025, 1, 1), date(2025, 12, 31))


def test_filters_change_the_numbers(qtbot: QtBot, desk: Desk) -> None:
    dash = open_dashboard(qtbot, desk)
    # The default window (Mar 2025 - Feb 2026 at AS_OF 2 Mar 2026) holds the three February cases.
    set_period(qtbot, dash, date(2026, 2, 1), date(2026, 3, 31))
    rates = card(dash, "escalation_rate_by_month")
    # February: Contoso, Blue Yonder, Northwind were created with their cases: 3 of 3 -> 100 per 100.
    # March: all five accounts, two escalated (Müller, Fabrikam): 40 per 100.
    assert [rates.data(rates.index(r, 4), RAW) for r in range(2)] == [100.0, 40.0]
    assert rates.data(rates.index(1, 4)) == "40.00" and rates.data(rates.index(1, 3)) == "40.0%"
    assert "escalated" in dash.headline.text()
    # Enterprise alone: Northwind and Contoso, both February.
    set_period(qtbot, dash, date(2026, 2, 1), date(2026, 3, 31), ArrBand.ENTERPRISE)
    assert [rates.data(rates.index(r, 1), RAW) for r in range(2)] == [2, 2]
    assert [rates.data(rates.index(r, 2), RAW) for r in range(2)] == [2, 0]
    dash.close()


def test_a_backwards_period_is_refused(qtbot: QtBot, desk: Desk) -> None:
    dash = open_dashboard(qtbot, desk)
    dash.start_edit.setDate(QDate(2026, 3, 1))
    dash.end_edit.setDate(QDate(2026, 2, 1))
    with qtbot.waitSignal(dash.failed) as failed:
        dash.apply_button.click()
    assert "before it starts" in failed.args[0]
    dash.close()


def test_drill_down_from_a_bar_and_a_row_then_open_a_case(qtbot: QtBot, desk: Desk) -> None:
    window, _ = desk
    dash = open_dashboard(qtbot, desk)
    set_period(qtbot, dash, date(2026, 2, 1), date(2026, 3, 31))
    month_card = next(c for c in dash.cards if c.table_name == "escalation_rate_by_month")
    dash.show()
    qtbot.waitExposed(dash)
    chart = month_card.chart
    plot = chart.plot_rect()
    with qtbot.waitSignal(dash.drilled, timeout=20_000) as drilled:  # the March bar (the second of two)
        QTest.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(int(plot.right() - plot.width() / 4),
                                                                      int(plot.center().y())))  # fmt: skip
    assert drilled.args == [2]
    names = {c.customer for c in dash.drill_panel.model.cases}
    assert names == {"Müller & Söhne GmbH", "Fabrikam Residences"}
    assert "2 cases" in dash.drill_panel.heading.text()
    # The table view is the same chart's accessible twin: a double-click on February lists its three cases.
    month_card.show_table(True)
    assert month_card.stack.currentWidget() is month_card.view and month_card.toggle.text() == "Chart"
    with qtbot.waitSignal(dash.drilled, timeout=20_000) as drilled:
        month_card.view.doubleClicked.emit(month_card.model.index(0, 0))
    assert drilled.args == [3]
    cases = dash.drill_panel.model
    first = next(c for c in window.board.cards() if c.customer_name == cases.cases[0].customer)
    with qtbot.waitSignal(dash.case_requested) as requested:
        dash.drill_panel.view.doubleClicked.emit(cases.index(0, 2))
    assert requested.args == [first.id]
    assert window.board.selected_case_ids() == [first.id]  # picked on the board until the workspace listens
    assert cases.data(cases.index(0, 0)) == first.reference
    dash.close()


def test_csv_export_writes_every_table(
    qtbot: QtBot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dash = open_dashboard(qtbot, desk)
    folder = tmp_path / "csv"
    monkeypatch.setattr(dashboard_module, "choose_csv_folder", lambda _parent, _start: folder)
    with qtbot.waitSignal(dash.exported, timeout=20_000) as exported:
        dash.export_button.click()
    assert dash.dashboard is not None
    assert sorted(Path(p).name for p in exported.args[0]) == sorted(f"{t.name}.csv" for t in dash.dashboard.tables)
    for table in dash.dashboard.tables:
        assert (folder / f"{table.name}.csv").read_text(encoding="utf-8") == to_csv(table)
    assert "Wrote 12 CSV files" in dash.status.text()
    dash.close()


def test_every_card_has_a_chart_and_a_table(qtbot: QtBot, desk: Desk) -> None:
    dash = open_dashboard(qtbot, desk)
    set_period(qtbot, dash, date(2026, 2, 1), date(2026, 3, 31))
    for each in dash.cards:
        assert each.model.rowCount() > 0 or each.table_name.startswith("root_causes"), each.table_name
        assert each.chart.spec.categories or each.table_name.startswith("root_causes")
        assert each.note.text()
    assert dash.csm_box.count() == 1  # the sample book's accounts have no CSM: "All CSMs" only
    dash.close()


def test_the_models_pass_qtmodeltester(qtmodeltester: ModelTester) -> None:
    table = Table("t", "T", ("month", "rate", "arr", "csm_id"), (
        Row(("2026-03", 0.25, None, "x"), Drill("rate_month", ("2026-03",))), Row(("2026-04", None, 3, "y")),
    ))  # fmt: skip
    model = MetricTableModel(table)
    qtmodeltester.check(model)
    assert model.columnCount() == 3  # the id column is not shown
    assert model.data(model.index(0, 1)) == "25.0%" and model.data(model.index(1, 1)) == "–"
    assert model.drill(0) == Drill("rate_month", ("2026-03",)) and model.drill(1) is None and model.drill(9) is None
    cases = CasesModel()
    cases.set_cases([DrilledCase("id1", "ESC-1001", "Outage", "Acme", "S1", "waiting_on_customer",
                                 datetime(2026, 3, 2, tzinfo=UTC))])  # fmt: skip
    qtmodeltester.check(cases)
    assert cases.data(cases.index(0, 4)) == "waiting on customer" and cases.data(cases.index(0, 1), RAW) == "id1"


def test_chart_axis_and_hit_testing(qtbot: QtBot) -> None:
    assert [nice_top(v) for v in (0, 0.3, 7, 12, 2400, 100)] == [1.0, 0.5, 10, 20, 2500, 100]
    chart = ChartWidget()
    qtbot.addWidget(chart)
    chart.resize(400, 240)
    chart.set_spec(ChartSpec(("a", "b", "c", "d"), (Series("n", (1.0, 2.0, None, 4.0), "#000"),), rows=(5, 6, 7, 8)))
    plot = chart.plot_rect()
    assert chart.category_at(plot.left() + 1) == 0 and chart.category_at(plot.right() - 1) == 3
    assert chart.category_at(plot.left() - 5) is None
    with qtbot.waitSignal(chart.activated) as activated:
        QTest.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(int(plot.left() + plot.width() * 0.3), 100))
    assert activated.args == [6]  # the row behind the second category
    assert "c\nn: –" in chart.describe(2)
    assert chart.grab().width() == 400  # paints without a warning, with a gap for the missing value


def test_hour_labels_show_a_fraction_only_where_it_says_something() -> None:
    assert [hours(v) for v in (0.0, 2.5, 8.0, 40.0, 1200.0)] == ["0 h", "2.5 h", "8 h", "40 h", "1,200 h"]


def test_sample_is_what_the_tests_assume() -> None:
    assert len(SAMPLE) == 5
