"""SLA clocks on the board: the card says which clock falls due next and paints an overdue one in red; the minute
timer re-evaluates the clocks on the worker (a change written meanwhile shows up) without reloading the cards."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from gui_builders import SAMPLE, MakeDesk, build_database
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAction, QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from escdesk.calendars import BusinessCalendar
from escdesk.clock import FrozenClock
from escdesk.clock_service import CaseClockView
from escdesk.connect import open_database
from escdesk.domain import CaseStatus, Level
from escdesk.policy import default_policy
from escdesk.services import CaseService
from escdesk.store.engine import resolve_target
from ui.board_model import ClockRole, ClockStateRole, ClockTextRole, LevelColumnModel
from ui.calendars_view import CalendarsDialog, holiday_lines, hours_lines
from ui.card_delegate import CLOCK_COLOURS
from ui.controller import DeskController
from ui.main_window import MainWindow
from ui.text import ClockState

# SAMPLE[0]: an S1 for a Strategic account (L3), opened 5 h before AS_OF and never acknowledged: 30 min to ack.
OUTAGE = SAMPLE[:1]


def _load(qtbot: QtBot, make_desk: MakeDesk, db: Path) -> tuple[MainWindow, DeskController, LevelColumnModel]:
    window, controller = make_desk()
    # The cards show first (board_loaded), their clocks follow in a second task (clocks_updated).
    with qtbot.waitSignals([controller.board_loaded, controller.clocks_updated], timeout=20_000):
        controller.start(str(db))
    return window, controller, window.board.models[Level.L3]


def _red_pixels(image: QImage) -> int:
    red = CLOCK_COLOURS[ClockState.OVERDUE]
    return sum(
        1 for y in range(image.height()) for x in range(0, image.width(), 2) if _close(image.pixelColor(x, y), red)
    )


def _close(a: QColor, b: QColor) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 40


def _paint(window: MainWindow, model: LevelColumnModel) -> QImage:
    option = QStyleOptionViewItem()
    option.palette = QPalette()
    option.font = window.font()
    size = window.board.delegate.sizeHint(option, model.index(0, 0))
    option.rect = QRect(0, 0, max(size.width(), 320), size.height())
    image = QImage(option.rect.size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    window.board.delegate.paint(painter, option, model.index(0, 0))
    painter.end()
    return image


def test_a_card_with_an_overdue_ack_says_so_in_red(qtbot: QtBot, tmp_path: Path, make_desk: MakeDesk) -> None:
    db = tmp_path / "book.sqlite"
    (card,) = build_database(db, OUTAGE)
    window, _controller, model = _load(qtbot, make_desk, db)
    index = model.index(0, 0)
    view = index.data(ClockRole)
    assert isinstance(view, CaseClockView) and view.case_id == card.id and view.calendar == "24/7"
    assert index.data(ClockTextRole) == "Ack overdue 4 h 30 m"
    assert index.data(ClockStateRole) is ClockState.OVERDUE
    assert "Clocks: Ack overdue 4 h 30 m (24/7 calendar)" in index.data(Qt.ItemDataRole.ToolTipRole)
    # The overdue notices shown now (S1: urgent, not held): the acknowledgement and the 4 h ceiling at L3.
    assert window.board_summary.text().endswith(" · 2 clocks overdue")
    overdue = _red_pixels(_paint(window, model))

    model.set_clocks({})  # the same card without its clock line (the S1 chip and stripe stay red)
    assert index.data(ClockTextRole) == ""
    assert overdue > _red_pixels(_paint(window, model)) + 50


def test_the_minute_timer_re_evaluates_the_clocks_on_the_worker(
    qtbot: QtBot, tmp_path: Path, make_desk: MakeDesk, clock: FrozenClock
) -> None:
    db = tmp_path / "book.sqlite"
    (card,) = build_database(db, OUTAGE)
    window, controller, model = _load(qtbot, make_desk, db)
    assert model.index(0, 0).data(ClockTextRole) == "Ack overdue 4 h 30 m"

    # Someone acknowledges the case (another desk on the same file); the next tick picks it up.
    opened = open_database(resolve_target(db))
    try:
        CaseService(opened.store, clock, default_policy(), "colleague").set_status(
            card.id, CaseStatus.ACKNOWLEDGED, "on it", card.version
        )
    finally:
        opened.store.close()
    clock.advance(timedelta(minutes=20))
    with qtbot.waitSignal(controller.clocks_updated, timeout=20_000):
        window.board.clock_ticked()
    assert model.index(0, 0).data(ClockTextRole) == "Update due in 40 min"  # S1: hourly, from the acknowledgement
    assert model.index(0, 0).data(ClockStateRole) is ClockState.DUE_SOON


def test_view_calendars_lists_each_calendar_its_hours_and_holidays(qtbot: QtBot, make_desk: MakeDesk) -> None:
    window, _controller = make_desk()
    action = window.findChild(QAction, "calendarsAction")
    assert action is not None and action in window.view_menu.actions()
    action.trigger()
    dialog = window.findChild(CalendarsDialog)
    assert dialog is not None and dialog.isVisible()
    tops = [dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())]
    assert [t.text(0) for t in tops][:2] == [
        "Business hours NA · America/New_York",
        "Business hours EMEA · Europe/London",
    ]
    details = {tops[0].child(i).text(0): tops[0].child(i).child(0).text(0) for i in range(3)}
    assert details == {
        "Hours": "Mon–Fri 09:00–17:00",
        "Holidays": "No holidays listed",
        "Used by": "rule 2: customers in NA",
    }
    dialog.close()


def test_calendar_lines_show_lunch_breaks_and_inactive_holidays() -> None:
    calendar = BusinessCalendar.from_dict(
        {
            "name": "Berlin office",
            "time_zone": "Europe/Berlin",
            "hours": {"mon-thu": ["08:00-13:00", "14:00-18:00"], "fri": "08:00-14:00"},
            "holidays": [{"date": "2026-12-24", "active": False, "name": "Christmas Eve"}, "2026-12-25"],
        }
    )
    assert hours_lines(calendar) == ["Mon–Thu 08:00–13:00, 14:00–18:00", "Fri 08:00–14:00", "Sat–Sun closed"]
    assert holiday_lines(calendar) == ["2026-12-24 Christmas Eve (listed, worked as usual)", "2026-12-25"]
    assert hours_lines(BusinessCalendar.always_open()) == ["Open day and night, every day"]
