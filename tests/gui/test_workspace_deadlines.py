"""The workspace's Deadlines box in a user zone that is not UTC (Europe/Berlin): a deadline entered at 17:00 Berlin
time is stored at 16:00 UTC, becomes the board's next due, goes overdue, is met or cleared (reason asked); a
holiday added by hand in the calendar editor moves the SLA due time (T5 through the GUI) and never the deadline;
Acknowledge is offered again after a move up; the prompts panel and the tooltips name the user's zone; View >
Calendars counts the customers that name a calendar and warns about a name the policy lacks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from gui_builders import SAMPLE, Desk, MakeDesk
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QPushButton, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from escdesk.clock import FrozenClock
from escdesk.clock_service import CaseClockView
from escdesk.clocks import ClockKind
from escdesk.connect import open_database
from escdesk.domain import CaseStatus, EventKind, Level
from escdesk.policy import default_policy
from escdesk.settings import Settings
from escdesk.store.engine import resolve_target
from escdesk.store.models import Customer
from ui import workspace_actions, workspace_dialogs
from ui.board_model import ClockRole
from ui.calendar_editor import CalendarEditor
from ui.calendars_view import CalendarsDialog
from ui.controller import DeskContext
from ui.prompts_panel import PromptsPanel
from ui.workspace import CaseWorkspace
from ui.workspace_dock import CaseWorkspaceDock

WAIT = 20_000
BERLIN = "Europe/Berlin"
SHOTS = Path("/tmp/escdesk_deadlines")
BILLING = "Fabrikam Residences"  # SAMPLE[4]: S3, no region: the NA calendar, acknowledge within a working day


@pytest.fixture
def desk_context(clock: FrozenClock) -> DeskContext:
    """The reader sits in Berlin (the setting), the cases run on New York's calendar."""
    return DeskContext(settings=Settings(display_timezone=BERLIN), clock=clock, policy=default_policy(), actor="tester")


def open_case(qtbot: QtBot, desk: Desk, customer: str) -> CaseWorkspace:
    dock = desk[0].findChild(CaseWorkspaceDock)
    assert dock is not None
    card = next(c for c in desk[0].board.cards() if c.customer_name == customer)
    with qtbot.waitSignal(dock.workspace.case_loaded, timeout=WAIT):
        dock.open_case(card.id)
    return dock.workspace


def saved(qtbot: QtBot, desk: Desk, workspace: CaseWorkspace, click: Callable[[], None]) -> None:
    with qtbot.waitSignals([workspace.case_changed, desk[1].board_loaded], timeout=WAIT):
        click()


def clock_view(desk: Desk, case_id: str) -> CaseClockView:
    for model in desk[0].board.models.values():
        row = model.row_of(case_id)
        if row is not None:
            view = model.index(row, 0).data(ClockRole)
            assert isinstance(view, CaseClockView)
            return view
    raise AssertionError("case not on the board")


def set_deadline(qtbot: QtBot, desk: Desk, workspace: CaseWorkspace, label: str, wall: datetime) -> None:
    box = workspace.deadlines_box
    box.label.setText(label)
    box.set_wall_time(wall)
    saved(qtbot, desk, workspace, lambda: qtbot.mouseClick(box.set_button, Qt.MouseButton.LeftButton))


def test_a_deadline_set_in_berlin_time_is_the_next_due_then_overdue_then_met(
    qtbot: QtBot, desk: Desk, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = open_case(qtbot, desk, BILLING)
    box = workspace.deadlines_box
    assert box.title() == "Deadlines (times in CET, Europe/Berlin)" and box.isEnabled()
    set_deadline(qtbot, desk, workspace, "CFO call", datetime(2026, 3, 2, 12, 0))  # noon Monday, Berlin
    assert workspace.snapshot is not None
    (deadline,) = workspace.snapshot.deadlines
    assert deadline.due_at == datetime(2026, 3, 2, 11, 0, tzinfo=UTC) and deadline.set_by == "tester"
    assert box.list.item(0).text() == "Mon 2 Mar 12:00 · CFO call · in 2 h"  # AS_OF is 10:00 in Berlin
    with qtbot.waitSignal(desk[1].clocks_updated, timeout=WAIT):
        desk[0].board.clock_ticked()
    view = clock_view(desk, workspace.snapshot.case_id)
    assert view.next_kind is ClockKind.DEADLINE and view.next_label == "CFO call"  # before the acknowledgement
    tip = desk[0].board.models[Level.L0].index(desk[0].board.models[Level.L0].row_of(view.case_id) or 0, 0)
    tooltip = tip.data(Qt.ItemDataRole.ToolTipRole)
    assert "Next due: CFO call at Mon 2 Mar 12:00 (CET, Europe/Berlin)" in tooltip
    clock.advance(timedelta(hours=3))  # 13:00 in Berlin: passed, not met
    with qtbot.waitSignal(desk[1].clocks_updated, timeout=WAIT):
        desk[0].board.clock_ticked()
    assert clock_view(desk, view.case_id).overdue
    workspace.refresh()
    qtbot.waitUntil(lambda: "overdue 1 h" in box.list.item(0).text(), timeout=WAIT)
    box.list.setCurrentRow(0)
    saved(qtbot, desk, workspace, lambda: qtbot.mouseClick(box.met_button, Qt.MouseButton.LeftButton))
    assert "met Mon 2 Mar 13:00 (late) by tester" in box.list.item(0).text()
    monkeypatch.setattr(workspace_dialogs, "ask_text", lambda *_a, **_k: "the call happened; nothing left")
    box.list.setCurrentRow(0)
    saved(qtbot, desk, workspace, lambda: qtbot.mouseClick(box.clear_button, Qt.MouseButton.LeftButton))
    assert workspace.snapshot.deadlines == ()
    kinds = [(e.to_value, e.reason) for e in workspace.snapshot.history if e.kind is EventKind.DEADLINE_CHANGED]
    assert kinds == [("set", None), ("met", None), ("cleared", "the call happened; nothing left")]


def test_a_holiday_added_by_hand_moves_the_sla_due_time_not_the_deadline(
    qtbot: QtBot, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = open_case(qtbot, desk, BILLING)
    set_deadline(qtbot, desk, workspace, "Fix promised", datetime(2026, 3, 4, 17, 0))  # Wednesday 17:00 Berlin
    with qtbot.waitSignal(desk[1].clocks_updated, timeout=WAIT):
        desk[0].board.clock_ticked()
    assert workspace.snapshot is not None
    case_id = workspace.snapshot.case_id
    before = clock_view(desk, case_id)
    ack_before = before.reading(ClockKind.ACKNOWLEDGE)
    assert ack_before is not None and ack_before.due_at == datetime(2026, 3, 2, 22, tzinfo=UTC)
    editor = open_editor(desk, "Business hours NA")
    editor.new_day.setDate(QDate(2026, 3, 2))
    editor.new_name.setText("Founders' day")
    add = editor.findChild(QPushButton, "addHoliday")
    assert add is not None
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    assert [(h.on, h.active, h.name) for h in editor.holidays()] == [(date(2026, 3, 2), True, "Founders' day")]
    with qtbot.waitSignal(desk[1].clocks_updated, timeout=WAIT):
        editor.accept()
    after = clock_view(desk, case_id)
    ack_after, fixed = after.reading(ClockKind.ACKNOWLEDGE), after.reading(ClockKind.DEADLINE)
    assert ack_after is not None and ack_after.due_at == datetime(2026, 3, 3, 22, tzinfo=UTC)  # T5: a day later
    assert fixed is not None and fixed.due_at == datetime(2026, 3, 4, 16, tzinfo=UTC)  # never moved
    for dialog in desk[0].findChildren(CalendarsDialog):
        dialog.close()


def open_editor(desk: Desk, name: str) -> CalendarEditor:
    action = desk[0].findChild(QAction, "calendarsAction")
    assert action is not None
    action.trigger()
    view = desk[0].findChild(CalendarsDialog)
    assert view is not None
    tops = [view.tree.topLevelItem(i) for i in range(view.tree.topLevelItemCount())]
    view.tree.setCurrentItem(next(t for t in tops if t is not None and t.text(0).startswith(name)))
    view.edit_selected()
    editor = view.findChild(CalendarEditor)
    assert editor is not None
    return editor


def test_acknowledge_is_offered_again_after_a_move_up(
    qtbot: QtBot, desk: Desk, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = open_case(qtbot, desk, BILLING)
    acknowledge = workspace.buttons["acknowledge"]
    assert acknowledge.isEnabled()
    saved(qtbot, desk, workspace, lambda: qtbot.mouseClick(acknowledge, Qt.MouseButton.LeftButton))
    assert workspace.snapshot is not None and workspace.snapshot.card.status is CaseStatus.ACKNOWLEDGED
    assert not acknowledge.isEnabled()
    clock.advance(timedelta(minutes=30))
    monkeypatch.setattr(workspace_dialogs, "ask_text", lambda *_a, **_k: "their CFO called")
    saved(qtbot, desk, workspace, lambda: qtbot.mouseClick(workspace.buttons["escalate"], Qt.MouseButton.LeftButton))
    assert workspace.snapshot.card.level == Level.L1 and acknowledge.isEnabled()  # the new level takes it on
    saved(qtbot, desk, workspace, lambda: qtbot.mouseClick(acknowledge, Qt.MouseButton.LeftButton))
    assert not acknowledge.isEnabled()
    assert workspace.snapshot.history[-1].kind is EventKind.LEVEL_ACKNOWLEDGED
    clock.advance(timedelta(minutes=30))
    monkeypatch.setattr(workspace_dialogs, "ask_text", lambda *_a, **_k: "mitigated")
    saved(qtbot, desk, workspace, lambda: qtbot.mouseClick(workspace.buttons["de_escalate"], Qt.MouseButton.LeftButton))
    assert not acknowledge.isEnabled()  # a move down keeps the acknowledgement


def test_the_prompts_panel_shows_times_in_the_users_zone(qtbot: QtBot, desk: Desk) -> None:
    _window, controller = desk
    card = next(c for c in desk[0].board.cards() if c.customer_name == SAMPLE[0].customer)  # S1 product bug
    panel = PromptsPanel(controller, desk[0])
    with qtbot.waitSignal(panel.prompts_shown, timeout=WAIT):
        panel.show_case(card.id)
    assert "Times in CET, Europe/Berlin" in panel.header.text()
    sentences = [row.sentence.text() for row in panel.rows.values() if row.item.prompt is not None]
    assert sentences and all(" CET" in s and " UTC:" not in s for s in sentences)
    panel.deleteLater()


def children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    found = [item.child(i) for i in range(item.childCount())]
    return [child for child in found if child is not None]


def test_view_calendars_counts_customers_and_warns_about_a_name_the_policy_lacks(
    qtbot: QtBot, book: Path, make_desk: MakeDesk, escdesk_app: QApplication
) -> None:
    opened = open_database(resolve_target(book))
    try:
        with opened.store.uow() as uow:
            customers = list(uow.session.query(Customer).order_by(Customer.name))
            customers[0].calendar, customers[1].calendar, customers[2].calendar = "24/7", "24/7", "Gold support"
            uow.commit()
    finally:
        opened.store.close()
    window, controller = make_desk()
    with qtbot.waitSignals([controller.board_loaded, controller.clocks_updated], timeout=WAIT):
        controller.start(str(book))
    action = window.findChild(QAction, "calendarsAction")
    assert action is not None
    action.trigger()
    dialog = window.findChild(CalendarsDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.unknown.isVisible(), timeout=WAIT)
    assert "1 customer names 'Gold support'" in dialog.unknown.text()
    always = next(t for t in children(dialog.tree.invisibleRootItem()) if t.text(0) == "24/7 · UTC")
    used_by = next(section for section in children(always) if section.text(0) == "Used by")
    lines = [line.text(0) for line in children(used_by)]
    assert lines == ["rule 1: S1 cases", "2 customers name it for all their cases"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(SHOTS / "calendars.png"))
    dialog.close()


def test_screenshot_of_the_workspace_with_its_deadlines(qtbot: QtBot, desk: Desk) -> None:
    workspace = open_case(qtbot, desk, BILLING)
    set_deadline(qtbot, desk, workspace, "Fix promised to the customer", datetime(2026, 3, 4, 17, 0))
    set_deadline(qtbot, desk, workspace, "CFO call", datetime(2026, 3, 2, 9, 30))  # already passed: overdue
    dock = desk[0].findChild(CaseWorkspaceDock)
    assert dock is not None
    window = desk[0]
    window.resize(2000, 900)
    window.resizeDocks([dock], [860], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: dock.width() >= 600, timeout=WAIT)
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert workspace.grab().save(str(SHOTS / "workspace.png"))
    assert workspace.deadlines_box.list.count() == 2
    assert workspace.deadlines_box.list.item(0).text().startswith("Mon 2 Mar 09:30 · CFO call · overdue")


def test_choosing_the_customers_calendar_moves_its_clocks_at_once(
    qtbot: QtBot, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = open_case(qtbot, desk, BILLING)
    assert workspace.customer_box.calendar.text() == "Business hours NA (by the rules)"
    assert workspace.snapshot is not None
    case_id = workspace.snapshot.case_id
    monkeypatch.setattr(workspace_actions, "ask_calendar", lambda _parent, names, current: "24/7")
    with qtbot.waitSignals([desk[1].board_loaded, workspace.case_loaded], timeout=WAIT):
        qtbot.mouseClick(workspace.customer_box.change_calendar, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: workspace.customer_box.calendar.text() == "24/7 (the customer's)", timeout=WAIT)
    assert clock_view(desk, case_id).calendar == "24/7"  # the board's clocks, re-evaluated with the cards
    monkeypatch.setattr(workspace_actions, "ask_calendar", lambda _parent, names, current: "")
    with qtbot.waitSignals([desk[1].board_loaded, workspace.case_loaded], timeout=WAIT):
        qtbot.mouseClick(workspace.customer_box.change_calendar, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: clock_view(desk, case_id).calendar == "Business hours NA", timeout=WAIT)


def test_a_holiday_added_by_hand_replaces_the_same_day_and_may_be_worked_as_usual(qtbot: QtBot) -> None:
    editor = CalendarEditor(default_policy().clocks.calendars["Business hours EMEA"], 2026)
    qtbot.addWidget(editor)
    editor.new_day.setDate(QDate(2026, 12, 24))
    editor.new_name.setText("  Christmas   Eve ")
    editor.new_active.setChecked(False)
    editor.add_by_hand()
    assert [(h.on, h.active, h.name) for h in editor.holidays()] == [(date(2026, 12, 24), False, "Christmas Eve")]
    assert editor.new_name.text() == ""
    editor.new_name.setText("Office closed")
    editor.new_active.setChecked(True)
    editor.add_by_hand()
    assert [(h.on, h.active, h.name) for h in editor.holidays()] == [(date(2026, 12, 24), True, "Office closed")]
    assert editor.holiday_list.item(0).text() == "2026-12-24 Thu  Office closed"


def test_the_tray_names_an_overdue_deadline(escdesk_app: QApplication) -> None:
    from escdesk.clock_service import compute_open_clocks
    from escdesk.deadlines import PersonDeadline
    from escdesk.store.clock_rows import ClockCaseRow
    from ui.tray import BreachNotifier

    monday = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    row = ClockCaseRow("c1", "S3", "fast", "acknowledged", "NA", monday, monday, monday)
    call = PersonDeadline("d1", "c1", "CFO call", monday + timedelta(hours=1), "dana", monday)
    now = monday + timedelta(hours=3)
    views = compute_open_clocks([row], [], default_policy().clocks, now, {"c1": [call]})
    shown: list[tuple[str, str]] = []
    notifier = BreachNotifier(show=lambda title, message: shown.append((title, message)))
    notifier.check(views.values(), default_policy().clocks.calendars, now, {"c1": "ESC-1"})
    assert shown == [("ESC-1: Deadline 'CFO call' overdue", "Overdue by 2 h")]
    notifier.deleteLater()
