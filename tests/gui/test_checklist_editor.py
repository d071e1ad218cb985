"""Tools > Checklist templates… (issue 7 item 4): steps and variants edited, saved with a new policy version the
desk uses at once (new cases get it; open cases keep theirs), a bad due offset refused naming the step and field."""

from __future__ import annotations

import json
from typing import Any

from gui_builders import MakeDesk
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from escdesk.domain import CaseType, Severity
from escdesk.policy_store import user_policy_path
from resources import resource_path
from ui.checklist_editor import ChecklistEditor
from ui.checklist_editor_models import ChecklistStepsModel
from ui.main_window import MainWindow
from ui.rule_editor import PolicyEditorDialog


def _default_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path("policy", "default.json").read_text(encoding="utf-8"))
    return data


def _open(window: MainWindow, qtbot: QtBot) -> ChecklistEditor:
    action = window.findChild(QAction, "checklistTemplatesAction")
    assert action is not None
    action.trigger()
    editors = [e for e in window.findChildren(ChecklistEditor) if e.isVisible()]
    assert len(editors) == 1
    return editors[0]


def _close(editor: PolicyEditorDialog, qtbot: QtBot) -> None:
    """Close the editor, throwing unsaved edits away when it asks."""
    editor.close()
    if editor.discard_armed:
        editor.close()
    qtbot.waitUntil(lambda: not editor.isVisible())


def _type(line: Any, text: str) -> None:
    line.setText(text)
    line.textEdited.emit(text)


def test_an_edited_step_is_saved_versioned_and_shown_again(qtbot: QtBot, make_desk: MakeDesk) -> None:
    window, controller = make_desk()
    editor = _open(window, qtbot)
    assert "Policy version in force: 2026.1" in editor.version.text()
    editor.select_step(1)
    _type(editor.form.title, "Listen first: a discovery call")
    _type(editor.form.fast, "2bh")
    editor.form.coaching.setPlainText("Let them talk. Play the impact back in their words.")
    assert editor.model.index(1, 1).data() == "Listen first: a discovery call"
    qtbot.mouseClick(editor.findChild(QPushButton, "saveChecklist"), Qt.MouseButton.LeftButton)
    assert not editor.error.isVisible(), editor.error.text()
    policy = controller.context.policy
    assert policy.version == "2026.1-edit-1" and controller.context.policy_file == user_policy_path()
    step = policy.checklist_for(CaseType.PRODUCT_BUG, Severity.S2).steps[1]
    assert step.title == "Listen first: a discovery call" and str(step.due_fast) == "2bh"
    assert "Policy version in force: 2026.1-edit-1" in editor.version.text()
    _close(editor, qtbot)

    again = _open(window, qtbot)
    again.select_step(1)
    assert again.form.title.text() == "Listen first: a discovery call"
    assert again.form.coaching.toPlainText() == "Let them talk. Play the impact back in their words."
    assert "saving creates version 2026.1-edit-2" in again.version.text()
    _close(again, qtbot)


def test_a_bad_due_offset_is_refused_naming_the_step_and_field(qtbot: QtBot, make_desk: MakeDesk) -> None:
    window, controller = make_desk()
    editor = _open(window, qtbot)
    editor.select_step(3)
    title = editor.form.title.text()
    _type(editor.form.fast, "soon")
    assert not editor.save()
    message = editor.error.text()
    assert f"step 4 “{title}”" in message and "checklist[3].due.fast" in message and "'soon'" in message
    assert not user_policy_path().exists() and controller.context.policy_file is None
    _close(editor, qtbot)


def test_steps_move_add_remove_and_variants_edit(qtbot: QtBot, escdesk_app: QApplication) -> None:
    data = _default_data()
    saved: list[dict[str, Any]] = []
    editor = ChecklistEditor(data, lambda d: saved.append(d) or d)  # type: ignore[func-returns-value]
    qtbot.addWidget(editor)
    first, second = data["checklist"][0]["key"], data["checklist"][1]["key"]
    editor.select_step(0)
    editor.move_step(1)
    assert [s["key"] for s in editor.steps[:2]] == [second, first]
    editor.add_step()
    assert editor.steps[2]["title"] == "New step" and editor.form.title.text() == "New step"
    editor.remove_step()
    assert len(editor.steps) == len(data["checklist"])
    editor.templates.setCurrentRow(1)  # the security variant: its steps say what they change
    assert editor.variant_box.isVisibleTo(editor) and not any(b.isVisibleTo(editor) for b in editor.move_buttons)
    assert editor.model.index(0, 0).data() == "involve · replaced"
    editor.severities.actions_by_value["S1"].setChecked(True)
    editor.select_step(0)
    editor.add_step()  # added after the chosen step, "involve"
    assert editor.model.index(editor.model.rowCount() - 1, 0).data() == "new_step · added after involve"
    editor.add_step()
    assert editor.variants[0]["add"][-1]["key"] == "new_step_2"
    editor.remove_step()
    assert editor.save()
    variant = saved[0]["checklist_variants"][0]
    assert variant["severities"] == ["S1"] and variant["add"][-1]["key"] == "new_step"
    assert [s["key"] for s in saved[0]["checklist"][:2]] == [second, first]


def test_the_steps_model_passes_qtmodeltester(qtmodeltester: ModelTester) -> None:
    model = ChecklistStepsModel()
    qtmodeltester.check(model)
    model.set_steps(_default_data()["checklist"])
    model.move(0, 2)
    model.insert(1, {"key": "x", "title": "X"})
    model.remove(0)
    qtmodeltester.check(model)
