"""The reason dialog every move opens: OK stays disabled until a reason is written, and Enter on an empty one
does not accept it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from ui.move_dialog import ReasonDialog


def test_ok_needs_a_reason(qtbot: QtBot) -> None:
    dialog = ReasonDialog("Move to L4 · COO", "Why does ESC-1001 move to L4?")
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    dialog.editor.setPlainText("   \n ")
    assert not dialog.ok_button.isEnabled()
    dialog.accept()  # Enter with only blanks: refused, the dialog stays open
    assert dialog.result() != QDialog.DialogCode.Accepted
    dialog.editor.setPlainText("  Customer exec called our COO \n")
    assert dialog.ok_button.isEnabled()
    assert dialog.reason() == "Customer exec called our COO"
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.editor.accessibleName() == "Reason"
