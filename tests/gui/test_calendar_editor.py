"""The calendar editor (View > Calendars… > Edit…): ranges per weekday, 24/7, the time zone, holidays proposed by
the `holidays` package and confirmed by the person; saving writes the user's policy file and moves due times at
once (issue 5, T5). A broken user policy file gives a notice and the default policy, never a crash."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from gui_builders import SAMPLE, MakeDesk, build_database
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from escdesk.calendars import BusinessCalendar, Holiday, WorkingRange
from escdesk.clock_service import CaseClockView
from escdesk.clocks import ClockKind
from escdesk.domain import Level
from escdesk.policy import default_policy
from escdesk.policy_store import user_policy_path
from ui.app import create_desk, make_context
from ui.board_model import ClockRole
from ui.calendar_editor import CalendarEditor, parse_day
from ui.calendars_view import CalendarsDialog
from ui.main_window import MainWindow

NA = "Business hours NA"
FOUNDERS_DAY = Holiday(date(2026, 3, 2), True, "Founders' day")  # the day of AS_OF, Monday 2 March
# SAMPLE[4]: an S3 (acknowledge within 1 working day) for a customer without a region: the NA calendar.
BILLING = SAMPLE[4:5]


def _ack_due(window: MainWindow) -> datetime | None:
    view = window.board.models[Level.L0].index(0, 0).data(ClockRole)
    assert isinstance(view, CaseClockView)
    reading = view.reading(ClockKind.ACKNOWLEDGE)
    return None if reading is None else reading.due_at


def _lines(view: CalendarsDialog) -> list[QTreeWidgetItem]:
    found = []
    stack = [view.tree.topLevelItem(i) for i in range(view.tree.topLevelItemCount())]
    while stack:
        item = stack.pop()
        if item is not None:
            found.append(item)
            stack.extend(item.child(i) for i in range(item.childCount()))
    return found


def _open_editor(window: MainWindow, name: str) -> tuple[CalendarsDialog, CalendarEditor]:
    action = window.findChild(QAction, "calendarsAction")
    assert action is not None
    action.trigger()
    view = window.findChild(CalendarsDialog)
    assert view is not None
    tops = [view.tree.topLevelItem(i) for i in range(view.tree.topLevelItemCount())]
    view.tree.setCurrentItem(next(t for t in tops if t is not None and t.text(0).startswith(name)))
    view.edit_selected()
    editor = view.findChild(CalendarEditor)
    assert editor is not None and editor.isVisible()
    return view, editor


def test_editing_a_calendar_saves_the_user_policy_and_moves_the_due_time(
    qtbot: QtBot, make_desk: MakeDesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "desk.sqlite"
    build_database(db, BILLING)
    window, controller = make_desk()
    with qtbot.waitSignals([controller.board_loaded, controller.clocks_updated], timeout=20_000):
        controller.start(str(db))
    before = _ack_due(window)
    assert "clock overdue" not in window.board_summary.text()  # due at 17:00 Monday in New York
    # The package proposes; the test's proposer stands in for a country list that has this Tuesday.
    monkeypatch.setattr("ui.calendar_editor.propose_holidays", lambda country, year, listed: [FOUNDERS_DAY])
    view, editor = _open_editor(window, NA)
    editor.days[0].setText("09:00-12:00, 13:00-17:00")
    proposal = editor.propose()
    proposal.show_proposals()
    assert proposal.proposals.count() == 1 and editor.holidays() == []  # shown, not added
    proposal.proposals.item(0).setCheckState(Qt.CheckState.Checked)
    proposal.accept()
    assert editor.holidays() == [FOUNDERS_DAY]
    with qtbot.waitSignal(controller.clocks_updated, timeout=20_000):
        editor.accept()
    saved = json.loads(user_policy_path().read_text(encoding="utf-8"))
    na = next(c for c in saved["clocks"]["calendars"] if c["name"] == NA)
    assert na["hours"]["mon"] == ["09:00-12:00", "13:00-17:00"]
    assert na["holidays"] == [{"date": "2026-03-02", "active": True, "name": "Founders' day"}]
    assert controller.context.policy_file == user_policy_path()
    assert controller.context.policy.version == saved["version"] == f"{default_policy().version}-edit-1"  # a new one
    assert controller.context.policy.clocks.calendars[NA].holidays == (FOUNDERS_DAY,)
    # Opened Sunday night in New York: one working day of open time, Monday's, runs out at 17:00 Monday; with
    # Monday a holiday it is Tuesday's (the lunch break added on Monday no longer matters).
    assert before == datetime(2026, 3, 2, 22, tzinfo=UTC)
    assert _ack_due(window) == datetime(2026, 3, 3, 22, tzinfo=UTC)
    assert view.selected_calendar() == NA  # the view shows the saved policy, the same calendar chosen
    assert any(t.text(0) == "2026-03-02 Founders' day" for t in _lines(view))
    view.close()


def test_day_ranges_parse_and_errors_name_the_weekday_and_range() -> None:
    assert parse_day(0, "09:00-12:00; 13:00-17:00") == (WorkingRange(540, 720), WorkingRange(780, 1020))
    assert parse_day(5, "  ") == ()
    with pytest.raises(ValueError, match=r"Wednesday: range '09:00-25:00'"):
        parse_day(2, "09:00-25:00")
    with pytest.raises(ValueError, match="Friday: the ranges 09:00-12:00 and 11:00-17:00 overlap"):
        parse_day(4, "11:00-17:00, 09:00-12:00")


def test_the_editor_refuses_bad_fields_with_the_reason_and_knows_24_7(qtbot: QtBot) -> None:
    calendar = default_policy().clocks.calendars["Business hours EMEA"]
    editor = CalendarEditor(calendar, 2026)
    qtbot.addWidget(editor)
    editor.show()
    editor.days[1].setText("09:00-12:00, 17:00-13:00")
    editor.accept()
    assert editor.isVisible() and editor.edited is None
    assert editor.error.text() == "Tuesday: range 17:00-13:00: the end must be after the start"
    editor.days[1].setText("09:00-17:00")
    editor.zone.setCurrentText("Europe/Atlantis")
    editor.accept()
    assert "unknown time zone 'Europe/Atlantis'" in editor.error.text()
    editor.zone.setCurrentText("Asia/Tokyo")
    editor.always.setChecked(True)
    assert not editor.days[0].isEnabled()
    editor.accept()
    assert not editor.isVisible()
    assert editor.edited == BusinessCalendar.always_open("Asia/Tokyo", name="Business hours EMEA")


def test_inactive_holidays_stay_listed_and_proposals_already_listed_are_left_out(qtbot: QtBot) -> None:
    listed = (Holiday(date(2026, 12, 24), False, "Christmas Eve"), Holiday(date(2026, 12, 25), True, "Christmas Day"))
    calendar = BusinessCalendar("Europe/London", ((WorkingRange(540, 1020),),) * 5 + ((), ()), listed, "London")
    editor = CalendarEditor(calendar, 2026)  # the real `holidays` package proposes
    qtbot.addWidget(editor)
    assert editor.holidays() == list(listed)
    proposal = editor.propose()
    assert proposal.country_code() == "GB"  # from the calendar's zone, Europe/London
    proposal.show_proposals()
    shown = [proposal.proposals.item(i).text() for i in range(proposal.proposals.count())]
    assert "2026-04-03 Fri  Good Friday" in shown and not any("Christmas Day" in text for text in shown)
    proposal.accept()  # nothing ticked: nothing added
    assert editor.holidays() == list(listed)
    editor.reject()


def test_a_broken_user_policy_file_gives_a_notice_and_the_default_policy(
    qtbot: QtBot, escdesk_app: QApplication
) -> None:
    path = user_policy_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"format": "escdesk-policy"}', encoding="utf-8")
    context = make_context()
    assert context.policy is default_policy() and context.policy_file is None
    window, _controller = create_desk(context)  # the desk starts all the same
    qtbot.addWidget(window)
    window.show()
    assert str(path) in window.notice_bar.text and "missing field 'severities'" in window.notice_bar.text
