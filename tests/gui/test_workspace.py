"""The case workspace beside the board, on a real SQLite book: opened with Enter on a card, every action written to
the history through the service on the worker, refusals (B1) and stale versions shown in words, the close with the
customer's sign-off starting the monitoring period, the brief exported through the app's export path."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from gui_builders import AS_OF, Desk, build_database
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from escdesk import checklist as cl
from escdesk.clock import FrozenClock
from escdesk.connect import open_database
from escdesk.domain import CaseCard, CaseStatus, Channel, Direction, EventKind, HealthPoint, Level, Severity, StepStatus
from escdesk.errors import InvalidOperation
from escdesk.merge import Side
from escdesk.policy import default_policy
from escdesk.services import CaseService
from escdesk.store.engine import resolve_target
from ui import exports, workspace_dialogs
from ui.exports import ExportController
from ui.sparkline import RED, HealthSparkline, trend_text
from ui.stale_dialog import StaleCaseDialog
from ui.workspace import CaseWorkspace
from ui.workspace_dock import CaseWorkspaceDock

WAIT = 20_000


@pytest.fixture
def outside(book: Path) -> Iterator[CaseService]:
    """Someone else on the same database (another desk, the command line)."""
    opened = open_database(resolve_target(book))
    yield CaseService(opened.store, FrozenClock(AS_OF), default_policy(), "colleague")
    opened.store.close()


def dock_of(desk: Desk) -> CaseWorkspaceDock:
    found = desk[0].findChild(CaseWorkspaceDock)
    assert found is not None
    return found


def card_of(desk: Desk, customer: str) -> CaseCard:
    return next(c for c in desk[0].board.cards() if c.customer_name == customer)


def open_in_workspace(qtbot: QtBot, desk: Desk, customer: str) -> CaseWorkspace:
    dock, card = dock_of(desk), card_of(desk, customer)
    with qtbot.waitSignal(dock.workspace.case_loaded, timeout=WAIT):
        dock.open_case(card.id)
    return dock.workspace


def act(qtbot: QtBot, desk: Desk, workspace: CaseWorkspace, button: str) -> None:
    """Click an action and wait until it is saved and the board has reloaded."""
    with qtbot.waitSignals([workspace.case_changed, desk[1].board_loaded], timeout=WAIT):
        qtbot.mouseClick(workspace.buttons[button], Qt.MouseButton.LeftButton)


def history_kinds(workspace: CaseWorkspace) -> list[EventKind]:
    """What the actions wrote (the prompts panel's rules add their proposals in between)."""
    assert workspace.snapshot is not None
    return [e.kind for e in workspace.snapshot.history if e.kind is not EventKind.INVOLVEMENT_CHANGED]


def test_enter_on_a_card_opens_the_workspace_beside_the_board(
    qtbot: QtBot, desk: Desk, qtmodeltester: ModelTester
) -> None:
    window, _ = desk
    dock, card = dock_of(desk), card_of(desk, "Müller & Söhne GmbH")
    assert dock.isHidden()
    assert window.board.select_case(card.id)
    view = window.board.columns[card.level].view
    view.setFocus()
    with qtbot.waitSignal(dock.workspace.case_loaded, timeout=WAIT) as loaded:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert loaded.args == [card.id]
    workspace = dock.workspace
    assert dock.isVisible() and window.board.isVisible()  # side by side, not instead of the board
    assert dock.windowTitle() == f"Case {card.reference}"
    assert card.reference in workspace.header.title.text()
    facts = workspace.header.facts.text()
    assert "Müller &amp; Söhne GmbH" in facts and "L3 VP CS" in facts and "S1" in facts
    assert workspace.customer_box.arr.text() == "$1.4M · Strategic"
    assert workspace.tabs.tabText(3) == "Involvement prompts"
    assert workspace.prompts_panel is not None and workspace.prompts_panel.parent() is workspace.prompts_slot
    assert workspace.timeline_model.events()[-1].kind is EventKind.OPENED  # newest first
    qtmodeltester.check(workspace.timeline_model)
    qtmodeltester.check(workspace.notes_model)


def test_every_action_is_saved_and_written_to_the_history(
    qtbot: QtBot, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = open_in_workspace(qtbot, desk, "Müller & Söhne GmbH")
    monkeypatch.setattr(workspace_dialogs, "ask_text", lambda *_a, **_k: "customer's CTO called our COO")
    monkeypatch.setattr(workspace_dialogs, "ask_severity", lambda *_a: (Severity.S2, "workaround holds"))
    contact = (Channel.PHONE, Direction.OUTBOUND, "walked them through the workaround")
    monkeypatch.setattr(workspace_dialogs, "ask_contact", lambda *_a: contact)

    act(qtbot, desk, workspace, "acknowledge")
    assert workspace.snapshot is not None and workspace.snapshot.card.status is CaseStatus.ACKNOWLEDGED
    assert not workspace.buttons["acknowledge"].isEnabled()
    act(qtbot, desk, workspace, "escalate")
    assert workspace.snapshot.card.level is Level.L4
    assert card_of(desk, "Müller & Söhne GmbH").level is Level.L4  # the board moved it too
    act(qtbot, desk, workspace, "de_escalate")
    act(qtbot, desk, workspace, "severity")
    assert workspace.snapshot.card.severity is Severity.S2
    act(qtbot, desk, workspace, "waiting")
    assert workspace.buttons["waiting"].text() == "Customer replied"
    act(qtbot, desk, workspace, "waiting")
    act(qtbot, desk, workspace, "note")
    act(qtbot, desk, workspace, "contact")

    kinds = history_kinds(workspace)
    assert kinds == [EventKind.OPENED, EventKind.STATUS_CHANGED, EventKind.LEVEL_CHANGED, EventKind.LEVEL_CHANGED,
                     EventKind.SEVERITY_CHANGED, EventKind.STATUS_CHANGED, EventKind.STATUS_CHANGED, EventKind.NOTE,
                     EventKind.CUSTOMER_CONTACT]  # fmt: skip
    moved = next(e for e in workspace.snapshot.history if e.kind is EventKind.LEVEL_CHANGED)
    assert (moved.actor, moved.to_value, moved.reason) == ("tester", "L4", "customer's CTO called our COO")
    assert workspace.notes_model.rowCount() == 2
    newest = workspace.notes_model.index(0, 0).data()
    assert "Phone to the customer" in newest
    assert "walked them through the workaround" in newest
    assert workspace.message.text() == "Contact logged"


def test_a_refused_resolve_shows_the_reason_and_changes_nothing(
    qtbot: QtBot, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = open_in_workspace(qtbot, desk, "Northwind Traders")
    before = workspace.snapshot
    assert before is not None
    asked: list[str] = []

    def ask_text(_parent: object, title: str, *_a: object, **_k: object) -> str:
        asked.append(title)
        return ""

    monkeypatch.setattr(workspace_dialogs, "ask_text", ask_text)
    with qtbot.waitSignal(workspace.action_refused, timeout=WAIT) as refused:
        qtbot.mouseClick(workspace.buttons["resolve"], Qt.MouseButton.LeftButton)
    assert asked == []  # refused before asking for a note the person would type for nothing
    message = refused.args[0]
    assert message.startswith(f"{before.card.reference} cannot be resolved") and "required steps are open" in message
    assert "Personal acknowledgement with one named owner" in message
    assert workspace.message.isVisible() and workspace.message.text() == message
    assert workspace.snapshot == before  # nothing was saved, nothing re-read
    assert "required steps are still open" in workspace.checklist.gate.text()


def stale_action(qtbot: QtBot, workspace: CaseWorkspace, button: str) -> StaleCaseDialog:
    """Click an action on a case someone else saved meanwhile: refused in words, then Reload / Merge is offered."""
    offered: list[StaleCaseDialog] = []
    workspace.stale_offered.connect(offered.append)
    with qtbot.waitSignal(workspace.action_refused, timeout=WAIT):
        qtbot.mouseClick(workspace.buttons[button], Qt.MouseButton.LeftButton)
    assert "changed by someone else" in workspace.message.text()
    qtbot.waitUntil(lambda: bool(offered), timeout=WAIT)
    dialog = offered[0]
    assert isinstance(dialog, StaleCaseDialog) and dialog.isVisible()
    return dialog


def test_a_stale_version_is_explained_and_reload_shows_the_case_as_saved(
    qtbot: QtBot, desk: Desk, outside: CaseService, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = open_in_workspace(qtbot, desk, "Fabrikam Residences")
    assert workspace.snapshot is not None
    seen = workspace.snapshot.card
    outside.add_note(seen.id, "colleague's note", seen.version)
    monkeypatch.setattr(workspace_dialogs, "ask_text", lambda *_a, **_k: "my note")
    dialog = stale_action(qtbot, workspace, "note")
    qtbot.mouseClick(dialog.reload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: workspace.snapshot is not None and workspace.snapshot.card.version > seen.version)
    assert workspace.snapshot.card.version == seen.version + 1  # re-read: the next try carries the new version
    assert [e.body for e in workspace.snapshot.history if e.kind is EventKind.NOTE] == ["colleague's note"]
    act(qtbot, desk, workspace, "note")
    assert [e.body for e in workspace.snapshot.history if e.kind is EventKind.NOTE] == ["colleague's note", "my note"]


def test_merge_keeps_both_changes_when_they_do_not_clash(
    qtbot: QtBot, desk: Desk, outside: CaseService, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = open_in_workspace(qtbot, desk, "Fabrikam Residences")
    assert workspace.snapshot is not None
    seen = workspace.snapshot.card
    outside.add_note(seen.id, "colleague's note", seen.version)
    monkeypatch.setattr(workspace_dialogs, "ask_text", lambda *_a, **_k: "on the call with their CTO")
    dialog = stale_action(qtbot, workspace, "escalate")
    assert not dialog.table.isVisibleTo(dialog)  # no field both changed
    with qtbot.waitSignal(workspace.case_changed, timeout=WAIT):
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: workspace.snapshot is not None and workspace.snapshot.card.level == seen.level + 1)
    kinds = history_kinds(workspace)
    assert EventKind.NOTE in kinds and kinds[-1] is EventKind.LEVEL_CHANGED  # theirs kept, mine saved on top


@pytest.mark.parametrize("keep", [Side.MINE, Side.THEIRS])
def test_a_clash_is_decided_by_the_person_never_silently(
    qtbot: QtBot, desk: Desk, outside: CaseService, monkeypatch: pytest.MonkeyPatch, keep: Side
) -> None:
    workspace = open_in_workspace(qtbot, desk, "Fabrikam Residences")
    assert workspace.snapshot is not None
    seen = workspace.snapshot.card
    theirs = Level(seen.level + 2)
    outside.move_level(seen.id, theirs, "their call", seen.version)
    monkeypatch.setattr(workspace_dialogs, "ask_text", lambda *_a, **_k: "my call")
    dialog = stale_action(qtbot, workspace, "escalate")
    assert [c.field for c in dialog._result.conflicts] == ["level"]
    dialog.choose("level", keep)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    expected = Level(seen.level + 1) if keep is Side.MINE else theirs
    qtbot.waitUntil(lambda: workspace.snapshot is not None and workspace.snapshot.card.level == expected)
    reasons = [e.reason for e in workspace.snapshot.history if e.kind is EventKind.LEVEL_CHANGED]
    assert "their call" in reasons and ("my call" in reasons) is (keep is Side.MINE)


def test_a_move_made_elsewhere_reaches_the_open_workspace(qtbot: QtBot, desk: Desk, outside: CaseService) -> None:
    workspace = open_in_workspace(qtbot, desk, "Blue Yonder Airlines")
    assert workspace.snapshot is not None
    seen = workspace.snapshot.card
    outside.move_level(seen.id, Level.L2, "dragged on another desk", seen.version)
    with qtbot.waitSignal(workspace.case_loaded, timeout=WAIT):
        desk[1].refresh()  # the board reloads, sees a newer version of the case shown, and the workspace follows
    assert workspace.snapshot.card.level is Level.L2 and "L2 CS director" in workspace.header.facts.text()


def finish_required_steps(service: CaseService, case_id: str, gate: cl.Gate) -> None:
    template = default_policy().checklist_for(service.card(case_id).case_type, service.card(case_id).severity)
    for step in service.checklist(case_id):
        if cl.blocking_steps([step], template, gate):
            service.complete_step(case_id, step.step_key, "", service.card(case_id).version)


def test_close_with_sign_off_records_it_and_starts_the_monitoring_period(
    qtbot: QtBot, desk: Desk, outside: CaseService, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = card_of(desk, "Northwind Traders")
    finish_required_steps(outside, card.id, cl.Gate.RESOLVE)
    workspace = open_in_workspace(qtbot, desk, "Northwind Traders")
    monkeypatch.setattr(workspace_dialogs, "ask_text", lambda *_a, **_k: "patched the EU cluster")
    act(qtbot, desk, workspace, "resolve")
    assert workspace.snapshot is not None and workspace.snapshot.card.status is CaseStatus.RESOLVED
    finish_required_steps(outside, card.id, cl.Gate.CLOSE)
    monkeypatch.setattr(workspace_dialogs, "ask_sign_off", lambda *_a: ("Jane Roe, IT director", "e-mail of 2 March"))
    with qtbot.waitSignal(workspace.case_loaded, timeout=WAIT):
        workspace.refresh()
    act(qtbot, desk, workspace, "close")

    snapshot = workspace.snapshot
    assert snapshot.card.status is CaseStatus.CLOSED
    closing = next(e for e in snapshot.history if e.kind is EventKind.STATUS_CHANGED and e.to_value == "closed")
    assert closing.reason == "Signed off by Jane Roe, IT director: e-mail of 2 March"
    steps = {s.step_key: s for s in snapshot.steps}
    assert steps["sign_off"].status == StepStatus.DONE.value and steps["sign_off"].note == closing.reason
    assert steps["follow_up"].due_at == AS_OF + timedelta(days=14)  # fast case: 14 days of monitoring
    assert workspace.header.monitoring.isVisible() and "Monitoring until" in workspace.header.monitoring.text()
    assert all(c.id != card.id for c in desk[0].board.cards())  # off the board, still in the workspace
    assert workspace.buttons["reopen"].isEnabled() and not workspace.buttons["resolve"].isEnabled()


def test_export_brief_uses_the_apps_export_path(
    qtbot: QtBot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = open_in_workspace(qtbot, desk, "Blue Yonder Airlines")
    target = tmp_path / "brief.pdf"
    monkeypatch.setattr(exports, "choose_pdf_file", lambda *_a: target)
    monkeypatch.setattr(exports, "open_in_viewer", lambda _path: None)
    exporter = desk[1].findChild(ExportController)
    assert exporter is not None
    with qtbot.waitSignal(exporter.exported, timeout=WAIT) as done:
        qtbot.mouseClick(workspace.buttons["export"], Qt.MouseButton.LeftButton)
    assert done.args == [[str(target)]] and target.read_bytes().startswith(b"%PDF")


def test_opening_another_database_clears_the_workspace(qtbot: QtBot, desk: Desk, tmp_path: Path) -> None:
    workspace = open_in_workspace(qtbot, desk, "Blue Yonder Airlines")
    other = tmp_path / "other.sqlite"
    build_database(other, ())
    with qtbot.waitSignal(desk[1].board_loaded, timeout=WAIT):
        desk[1].open_database_at(other)
    assert workspace.snapshot is None and not workspace.isEnabled()


# -- the service calls behind the new actions, refused in words ------------------------------------------------


def test_the_service_refuses_severity_and_sign_off_without_what_it_needs(outside: CaseService) -> None:
    card = next(c for c in outside.open_cards() if c.customer_name == "Blue Yonder Airlines")
    with pytest.raises(InvalidOperation, match="changing the severity needs a reason"):
        outside.set_severity(card.id, Severity.S2, "  ", card.version)
    with pytest.raises(InvalidOperation, match="is already S4"):
        outside.set_severity(card.id, Severity.S4, "double-checked", card.version)
    with pytest.raises(InvalidOperation, match="who agreed, and how"):
        outside.close_with_sign_off(card.id, "Jane Roe", " ", card.version)
    with pytest.raises(InvalidOperation, match="cannot be closed: "):
        outside.close_with_sign_off(card.id, "Jane Roe", "call on Monday", card.version)
    changed = outside.set_severity(card.id, Severity.S2, "their CFO is now involved", card.version)
    assert changed.severity is Severity.S2 and changed.version == card.version + 1
    last = outside.history(card.id)[-1]
    assert (last.kind, last.from_value, last.to_value, last.reason) == (
        EventKind.SEVERITY_CHANGED, "S4", "S2", "their CFO is now involved")  # fmt: skip


def test_the_sign_off_and_contact_dialogs_ask_for_what_the_history_needs(qtbot: QtBot) -> None:
    sign_off = workspace_dialogs.SignOffDialog(None, "ESC-7")
    qtbot.addWidget(sign_off)
    ok = sign_off.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    sign_off.person.setText("Jane Roe, IT director")
    assert not ok.isEnabled()  # who, and how: both
    sign_off.editor.setPlainText("agreed on the Monday call")
    assert ok.isEnabled() and "monitoring period" in sign_off.intro.text()
    contact = workspace_dialogs.LogContactDialog(None)
    qtbot.addWidget(contact)
    assert contact.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()  # text optional
    assert contact.direction is Direction.OUTBOUND
    contact.inbound.setChecked(True)
    contact.channel.setCurrentIndex(contact.channel.findData(Channel.PORTAL))
    assert contact.direction is Direction.INBOUND and contact.channel.currentData() == Channel.PORTAL


def test_the_sparkline_draws_the_health_history_and_says_the_trend(qtbot: QtBot) -> None:
    spark = HealthSparkline()
    qtbot.addWidget(spark)
    spark.resize(240, 60)
    assert trend_text(()) == "No health scores recorded"
    spark.set_points([HealthPoint(date(2026, 1, 5), 30)])
    assert spark.accessibleDescription() == "Health 30, unchanged since 5 Jan"
    points = [HealthPoint(date(2026, 1, 5), 80), HealthPoint(date(2026, 2, 1), 61), HealthPoint(date(2026, 3, 1), 35)]
    spark.set_points(points)
    assert spark.toolTip() == "Health 35, down 45 since 5 Jan"
    image = spark.grab().toImage()
    reds = sum(
        1 for x in range(image.width()) for y in range(image.height()) if QColor(image.pixel(x, y)).rgb() == RED.rgb()
    )
    assert reds > 10  # the last point is marked in the red band's colour: below 40
