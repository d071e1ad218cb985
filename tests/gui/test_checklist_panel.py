"""The checklist panel: due times in the reader's zone, overdue steps highlighted, progress, the update cadence with
its missed slots, coaching one click away; done / skip / reopen through the workspace; the resolve gate (B1) through
the GUI and the service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from gui_builders import AS_OF, Desk, MakeDesk, build_database
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from escdesk import checklist as cl
from escdesk.domain import CaseStatus, CaseType, EventKind, Severity, StepStatus
from escdesk.errors import InvalidOperation
from escdesk.policy import default_policy
from ui import workspace_dialogs
from ui.checklist_panel import ChecklistPanel, StepRow
from ui.workspace import CaseWorkspace
from ui.workspace_dock import CaseWorkspaceDock

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
WAIT = 20_000


def steps_of(template: cl.ChecklistTemplate) -> list[cl.ChecklistStep]:
    """Step 1 done on time, 2 done late, 3 skipped, 4 overdue, 5 due later, the rest without a date yet."""
    plans = {
        1: (NOW - timedelta(hours=3), StepStatus.DONE, NOW - timedelta(hours=4)),
        2: (NOW - timedelta(hours=3), StepStatus.DONE, NOW - timedelta(hours=1)),
        3: (NOW - timedelta(hours=3), StepStatus.SKIPPED, NOW - timedelta(hours=2)),
        4: (NOW - timedelta(hours=2), StepStatus.OPEN, None),
        5: (NOW + timedelta(hours=5), StepStatus.OPEN, None),
    }
    steps = []
    for position, step in enumerate(template.steps, start=1):
        due, status, done_at = plans.get(position, (None, StepStatus.OPEN, None))
        note = "no time for a call; wrote instead" if status is StepStatus.SKIPPED else None
        by = "dana" if done_at else None
        steps.append(cl.ChecklistStep(position, step.key, step.title, step.required, due, status.value, by, done_at,
                                      note, step.coaching, step.role))  # fmt: skip
    return steps


@pytest.fixture
def panel(qtbot: QtBot) -> tuple[ChecklistPanel, list[cl.ChecklistStep]]:
    template = default_policy().checklist_for(CaseType.PRODUCT_BUG, Severity.S2)
    steps = steps_of(template)
    cadence = cl.CadenceReport(2, (NOW - timedelta(hours=8), NOW - timedelta(hours=4)), NOW + timedelta(hours=4))
    widget = ChecklistPanel()
    qtbot.addWidget(widget)
    widget.show_checklist(steps, template, cadence, NOW, "Europe/Berlin")
    return widget, steps


def row(panel: ChecklistPanel, position: int) -> StepRow:
    return next(r for r in panel.rows.values() if r.step.position == position)


def test_overdue_steps_are_highlighted_and_progress_counted(
    panel: tuple[ChecklistPanel, list[cl.ChecklistStep]],
) -> None:
    widget, steps = panel
    assert [r.overdue for r in (row(widget, n) for n in (1, 2, 3, 4, 5))] == [False, False, False, True, False]
    assert row(widget, 4).due.text() == "Overdue 2 h · was due Mon 2 Mar 11:00"  # 10:00 UTC in Berlin
    assert row(widget, 5).due.text() == "Due in 5 h · Mon 2 Mar 18:00"
    assert row(widget, 2).outcome.text() == "Done by dana, Mon 2 Mar 12:00, late (was due Mon 2 Mar 10:00)"
    assert (
        row(widget, 3).outcome.text().startswith("Skipped by dana") and "wrote instead" in row(widget, 3).outcome.text()
    )
    assert widget.progress.value() == 3 and widget.progress.maximum() == len(steps)
    assert "3 of 14 steps finished" in widget.summary.text() and "1 overdue" in widget.summary.text()
    assert "1 done late" in widget.summary.text() and "Europe/Berlin" in widget.summary.text()
    assert widget.gate.text().startswith("Before this case can be resolved:")


def test_required_marks_roles_coaching_and_the_cadence(panel: tuple[ChecklistPanel, list[cl.ChecklistStep]]) -> None:
    widget, _ = panel
    contain = widget.rows["contain"]
    assert contain.required_mark.text() == "Optional" and contain.role.text() == "· Support"
    assert widget.rows["diagnose"].role.text() == "· CS manager"
    assert widget.rows["acknowledge"].required_mark.text() == "Required"
    assert not row(widget, 4).coaching.isHidden()  # the next step to do: its coaching is open
    assert row(widget, 5).coaching.isHidden()
    involve_row = row(widget, 5)
    involve_row.coaching_toggle.click()
    assert not involve_row.coaching.isHidden() and "one channel for the case" in involve_row.coaching.text()
    cadence = widget.rows["updates"].cadence
    assert cadence.text().startswith("2 customer updates logged · 2 missed: Mon 2 Mar 05:00, Mon 2 Mar 09:00")
    assert cadence.property("missed") is True
    assert widget.rows["thank"].due.text() == "Falls due 1 working day after the fix (resolve)"
    assert widget.rows["follow_up"].due.text() == "Falls due 14 days after the close: the end of monitoring"
    assert widget.rows["fix_confirmed"].due.text() == "No due time: it is done when it happens"
    sign_off = widget.rows["sign_off"]
    assert sign_off.done_button.isHidden() and "sign-off" in sign_off.outcome.text()
    assert not row(widget, 1).reopen_button.isHidden() and row(widget, 1).done_button.isHidden()


def test_skip_needs_a_reason_before_anything_is_asked_of_the_service(
    panel: tuple[ChecklistPanel, list[cl.ChecklistStep]], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    widget, _ = panel
    asked: list[str] = []
    widget.skip_requested.connect(lambda key, reason: asked.append(f"{key}: {reason}"))
    monkeypatch.setattr(workspace_dialogs, "ask_text", lambda *_a, **_k: "")
    row(widget, 5).skip_button.click()
    assert asked == []
    monkeypatch.setattr(workspace_dialogs, "ask_text", lambda *_a, **_k: "the customer wrote the plan with us")
    row(widget, 5).skip_button.click()
    assert asked == [f"{row(widget, 5).key}: the customer wrote the plan with us"]


# -- through the workspace, on a real database -----------------------------------------------------------------


@pytest.fixture
def workspace(qtbot: QtBot, tmp_path: Path, make_desk: MakeDesk) -> tuple[CaseWorkspace, Desk]:
    db = tmp_path / "book.sqlite"
    build_database(db)
    window, controller = make_desk()
    with qtbot.waitSignals([controller.board_loaded, controller.clocks_updated], timeout=WAIT):
        controller.start(str(db))
    dock = window.findChild(CaseWorkspaceDock)
    assert dock is not None
    card = next(c for c in window.board.cards() if c.customer_name == "Northwind Traders")
    with qtbot.waitSignal(dock.workspace.case_loaded, timeout=WAIT):
        dock.open_case(card.id)
    return dock.workspace, (window, controller)


def click_and_wait(qtbot: QtBot, workspace: CaseWorkspace, button: QWidget) -> None:
    with qtbot.waitSignal(workspace.case_changed, timeout=WAIT):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_done_skip_and_reopen_are_saved_with_who_when_and_why(
    qtbot: QtBot, workspace: tuple[CaseWorkspace, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, _ = workspace
    panel = ws.checklist
    monkeypatch.setattr(workspace_dialogs, "ask_text", lambda *_a, **_k: "called Jane, she knows I own it")
    click_and_wait(qtbot, ws, panel.rows["acknowledge"].done_button)
    monkeypatch.setattr(workspace_dialogs, "ask_text", lambda *_a, **_k: "nothing short of the fix helps")
    click_and_wait(qtbot, ws, panel.rows["contain"].skip_button)
    assert ws.snapshot is not None
    steps = {s.step_key: s for s in ws.snapshot.steps}
    assert (steps["acknowledge"].status, steps["acknowledge"].done_by) == ("done", "tester")
    assert steps["acknowledge"].note == "called Jane, she knows I own it" and steps["acknowledge"].done_at == AS_OF
    assert (steps["contain"].status, steps["contain"].note) == ("skipped", "nothing short of the fix helps")
    assert not panel.rows["acknowledge"].reopen_button.isHidden()  # the rows were rebuilt from the service

    monkeypatch.setattr(workspace_dialogs, "ask_text", lambda *_a, **_k: "ticked on the wrong case")
    click_and_wait(qtbot, ws, panel.rows["acknowledge"].reopen_button)
    changes = [e for e in ws.snapshot.history if e.kind is EventKind.CHECKLIST_CHANGED]
    assert [(e.from_value, e.to_value, e.reason) for e in changes] == [
        ("open", "done", "called Jane, she knows I own it"),
        ("open", "skipped", "nothing short of the fix helps"),
        ("done", "open", "ticked on the wrong case"),
    ]
    assert not panel.rows["acknowledge"].done_button.isHidden()


def test_resolve_is_gated_by_the_required_steps_in_the_gui_and_the_service(
    qtbot: QtBot, workspace: tuple[CaseWorkspace, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, (_, controller) = workspace
    assert ws.snapshot is not None and controller.service is not None
    case_id = ws.snapshot.case_id
    with pytest.raises(InvalidOperation, match="cannot be resolved: 8 required steps are open"):
        controller.service.set_status(case_id, CaseStatus.RESOLVED, "", ws.snapshot.card.version)

    monkeypatch.setattr(workspace_dialogs, "ask_text", lambda *_a, **_k: "")
    with qtbot.waitSignal(ws.action_refused, timeout=WAIT) as refused:
        qtbot.mouseClick(ws.buttons["resolve"], Qt.MouseButton.LeftButton)
    assert "8 required steps are open" in refused.args[0] and ws.message.text() == refused.args[0]

    template = default_policy().checklist_for(ws.snapshot.card.case_type, ws.snapshot.card.severity)
    blocking = [s.step_key for s in cl.blocking_steps(ws.snapshot.steps, template, cl.Gate.RESOLVE)]
    for key in blocking:  # tick them in the panel, one by one
        click_and_wait(qtbot, ws, ws.checklist.rows[key].done_button)
    assert ws.checklist.gate.text() == "Nothing on the checklist holds back resolving this case."
    click_and_wait(qtbot, ws, ws.buttons["resolve"])
    assert ws.snapshot.card.status is CaseStatus.RESOLVED
