"""Tools > Rules… (issue 6 item 7): the rules listed, a condition edited in the builder, saved as the user's policy
with a new version and used by the desk at once; a bad value or a broken rule refused with a message naming it;
read-only JSON for what the builder cannot show; a preview of the open cases a rule matches."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gui_builders import SAMPLE, MakeDesk, build_database
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPushButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from escdesk.condition_builder import Group, Row
from escdesk.facts import FACT_CATALOGUE
from escdesk.policy_store import user_policy_path
from resources import resource_path
from ui.condition_builder_widget import ChoicesButton, GroupWidget, RowWidget
from ui.main_window import MainWindow
from ui.rule_editor import PolicyEditorDialog, RuleEditor
from ui.rule_editor_models import MatchListModel, RuleListModel


def _default_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path("policy", "default.json").read_text(encoding="utf-8"))
    return data


def _open(window: MainWindow, qtbot: QtBot) -> RuleEditor:
    action = window.findChild(QAction, "rulesAction")
    assert action is not None
    action.trigger()
    editors = [e for e in window.findChildren(RuleEditor) if e.isVisible()]
    assert len(editors) == 1
    return editors[0]


def _select(editor: RuleEditor, key: str) -> None:
    editor.select(next(i for i, rule in enumerate(editor.model.rules) if rule["key"] == key))
    assert editor.key.text() == key


def _close(editor: PolicyEditorDialog, qtbot: QtBot) -> None:
    """Close the editor, throwing unsaved edits away when it asks."""
    editor.close()
    if editor.discard_armed:
        editor.close()
    qtbot.waitUntil(lambda: not editor.isVisible())


def _add_arr_row(editor: RuleEditor, text: str) -> RowWidget:
    assert editor.builder.root is not None
    row = editor.builder.root.add_row()
    row.field_box.setCurrentIndex(row.field_box.findData("account.arr"))
    row.op_box.setCurrentIndex(row.op_box.findData(">="))
    value = row.value_widgets[0]
    assert isinstance(value, QLineEdit)
    value.setText(text)
    value.textEdited.emit(text)
    return row


def test_tools_menu_sits_before_help(make_desk: MakeDesk) -> None:
    window, _controller = make_desk()
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles.index("&Tools") == titles.index("&Help") - 1
    names = [a.objectName() for a in window.tools_menu.actions()]
    assert names.index("checklistTemplatesAction") == names.index("rulesAction") + 1


def test_a_condition_edited_in_the_builder_is_saved_and_shown_again(qtbot: QtBot, make_desk: MakeDesk) -> None:
    window, controller = make_desk()
    editor = _open(window, qtbot)
    assert editor.model.rowCount() == len(_default_data()["rules"])
    _select(editor, "billing-dispute")
    _add_arr_row(editor, "1,000,000")
    qtbot.mouseClick(editor.findChild(QPushButton, "saveRules"), Qt.MouseButton.LeftButton)
    assert not editor.error.isVisible(), editor.error.text()
    saved = json.loads(user_policy_path().read_text(encoding="utf-8"))
    rule = next(r for r in saved["rules"] if r["key"] == "billing-dispute")
    assert rule["when"] == {
        "and": [{"==": [{"var": "case.type"}, "billing"]}, {">=": [{"var": "account.arr"}, 1_000_000]}]
    }
    assert saved["version"] == controller.context.policy.version == "2026.1-edit-1"
    in_force = next(r for r in controller.context.policy.rules if r.key == "billing-dispute")
    assert in_force.when == rule["when"]  # the desk evaluates the edited rule from now on
    assert controller.context.policy_file == user_policy_path()
    assert "2026.1-edit-1" in editor.status.text()
    _close(editor, qtbot)

    again = _open(window, qtbot)
    _select(again, "billing-dispute")
    assert again.builder.tree() == Group(
        "and", (Row("case.type", "==", "billing"), Row("account.arr", ">=", 1_000_000))
    )
    shown = again.findChildren(RowWidget)[1].value_widgets[0]
    assert isinstance(shown, QLineEdit) and shown.text() == "1,000,000"
    _close(again, qtbot)


def test_a_bad_value_is_refused_with_a_message_naming_the_field(qtbot: QtBot, make_desk: MakeDesk) -> None:
    window, controller = make_desk()
    editor = _open(window, qtbot)
    _select(editor, "billing-dispute")
    _add_arr_row(editor, "lots")
    assert editor.error.isVisible()
    assert "ARR (account.arr): 'lots' is not a number" in editor.error.text()
    editor.select(0)  # the rule with the problem stays chosen
    assert editor.key.text() == "billing-dispute"
    assert not editor.save()
    assert not user_policy_path().exists() and controller.context.policy_file is None
    _close(editor, qtbot)


def test_a_refused_save_names_the_rule(qtbot: QtBot, make_desk: MakeDesk) -> None:
    window, _controller = make_desk()
    editor = _open(window, qtbot)
    _select(editor, "billing-dispute")
    within = editor.then.rows[0].within
    within.setText("soon")
    within.textEdited.emit("soon")
    assert not editor.save()
    assert "rule 'billing-dispute' (Billing dispute)" in editor.error.text()
    assert "'soon'" in editor.error.text()
    assert not user_policy_path().exists()
    _close(editor, qtbot)


def test_what_the_builder_cannot_show_is_read_only_json_kept_as_written(
    qtbot: QtBot, escdesk_app: QApplication
) -> None:
    data = _default_data()
    odd = {"some": [{"var": "case.flags"}, {"==": [{"var": ""}, "press"]}]}
    data["rules"][0]["when"] = odd
    saved: list[dict[str, Any]] = []
    editor = RuleEditor(data, FACT_CATALOGUE, lambda d: saved.append(d) or d)  # type: ignore[func-returns-value]
    qtbot.addWidget(editor)
    assert not editor.tabs.isTabEnabled(0) and editor.tabs.currentIndex() == 1
    assert editor.json_view.isReadOnly() and json.loads(editor.json_view.toPlainText()) == odd
    editor.title.setText("Press via flags")
    editor.title.textEdited.emit("Press via flags")
    assert editor.save()
    assert saved[0]["rules"][0]["when"] == odd and saved[0]["rules"][0]["title"] == "Press via flags"
    editor.select(1)
    assert editor.tabs.isTabEnabled(0) and editor.tabs.currentIndex() == 0


def test_add_duplicate_and_delete_rules(qtbot: QtBot, escdesk_app: QApplication) -> None:
    data = _default_data()
    editor = RuleEditor(data, FACT_CATALOGUE, lambda d: d)
    qtbot.addWidget(editor)
    count = editor.model.rowCount()
    editor.duplicate_rule()
    assert editor.model.rowCount() == count + 1 and editor.key.text() == f"{data['rules'][0]['key']}-copy"
    editor.add_rule()
    assert editor.key.text() == "new-rule" and editor.title.text() == "New rule"
    editor.delete_rule()
    assert editor.model.rowCount() == count + 1 and "new-rule" not in {r["key"] for r in editor.model.rules}
    assert editor.save()
    assert len(editor.data["rules"]) == count + 1


def test_group_and_value_editors_follow_the_fact_kind(qtbot: QtBot, escdesk_app: QApplication) -> None:
    editor = RuleEditor(_default_data(), FACT_CATALOGUE, lambda d: d)
    qtbot.addWidget(editor)
    _select(editor, "product-bug-urgent")  # type is product_bug and severity one of S1, S2
    choices = editor.findChild(ChoicesButton)
    assert choices is not None and choices.selected() == ("S1", "S2")
    choices.actions_by_value["S3"].setChecked(True)
    root = editor.builder.root
    assert root is not None
    group = root.add_group()
    group.op_box.setCurrentIndex(group.op_box.findData("not"))
    flag_row = group.items[0]
    assert isinstance(flag_row, RowWidget)
    flag_row.field_box.setCurrentIndex(flag_row.field_box.findData("clock.acknowledged"))
    yes_no = flag_row.value_widgets[0]
    assert isinstance(yes_no, QComboBox) and [yes_no.itemText(i) for i in range(yes_no.count())] == ["yes", "no"]
    when = editor.model.rules[editor.current]["when"]
    assert when["and"][1] == {"in": [{"var": "case.severity"}, ["S1", "S2", "S3"]]}
    assert when["and"][2] == {"!": {"var": "clock.acknowledged"}}
    assert isinstance(group, GroupWidget)
    group.remove_requested.emit()
    assert len(editor.model.rules[editor.current]["when"]["and"]) == 2
    _close(editor, qtbot)


def test_closing_with_unsaved_edits_asks_first(qtbot: QtBot, escdesk_app: QApplication) -> None:
    editor = RuleEditor(_default_data(), FACT_CATALOGUE, lambda d: d)
    qtbot.addWidget(editor)
    editor.show()
    editor.close()  # nothing edited: closes at once
    assert not editor.isVisible()
    editor.show()
    editor.title.setText("Renamed")
    editor.title.textEdited.emit("Renamed")
    assert editor.status.text() == "Unsaved changes"
    editor.close()
    assert editor.isVisible() and editor.discard_armed
    assert "not saved" in editor.error.text() and editor.close_button.text() == "Discard and close"
    assert editor.save() and not editor.dirty and editor.close_button.text() == "Close"
    editor.close()
    assert not editor.isVisible()


def test_the_preview_lists_the_open_cases_a_rule_matches(qtbot: QtBot, make_desk: MakeDesk, tmp_path: Path) -> None:
    db = tmp_path / "desk.sqlite"
    build_database(db, SAMPLE)
    window, controller = make_desk()
    with qtbot.waitSignal(controller.board_loaded, timeout=20_000):
        controller.start(str(db))
    editor = _open(window, qtbot)
    qtbot.waitUntil(lambda: editor.facts is not None, timeout=20_000)
    _select(editor, "product-bug-urgent")
    expected = [s for s in SAMPLE if s.case_type.value == "product_bug" and s.severity.value in ("S1", "S2")]
    assert editor.matches.rowCount() == len(expected) > 0
    assert editor.preview_summary.text() == f"Matches {len(expected)} of {len(SAMPLE)} open cases now."
    customers = {editor.matches.index(r, 1).data() for r in range(editor.matches.rowCount())}
    assert customers == {s.customer for s in expected}
    editor.preview.setCurrentIndex(editor.matches.index(0, 0))
    reference = editor.matches.index(0, 0).data()
    assert editor.because.text().startswith(f"{reference} matches because case type is product bug and severity is S")
    assert "Matches because" in editor.matches.index(0, 2).data(Qt.ItemDataRole.ToolTipRole)
    choices = editor.findChild(ChoicesButton)
    assert choices is not None
    choices.actions_by_value["S2"].setChecked(False)  # the preview follows the edit at once
    only_s1 = [s for s in expected if s.severity.value == "S1"]
    assert editor.matches.rowCount() == len(only_s1)
    assert editor.preview_summary.text() == f"Matches {len(only_s1)} of {len(SAMPLE)} open cases now."
    _close(editor, qtbot)


def test_the_rule_list_model_passes_qtmodeltester(qtmodeltester: ModelTester) -> None:
    model = RuleListModel(_default_data()["rules"])
    qtmodeltester.check(model)
    model.insert(1, dict(model.rules[0], key="x"))
    model.remove(0)
    model.replace(0, dict(model.rules[0], title="changed"))
    qtmodeltester.check(model)


def test_the_match_list_model_passes_qtmodeltester(qtmodeltester: ModelTester) -> None:
    model = MatchListModel()
    qtmodeltester.check(model)
    model.set_cases([("ESC-1", "Northwind", "S2", "Dashboards time out"), ("ESC-2", "Contoso", "S3", "Sponsor left")])
    qtmodeltester.check(model)
