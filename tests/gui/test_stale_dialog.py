"""The stale-save dialog: conflicting fields listed with all three values; Reload, Merge or Cancel."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from escdesk.domain import ArrBand, CaseCard, CaseStatus, CaseType, Level, Pace, Severity
from escdesk.merge import Side, merge_cards
from ui.stale_dialog import StaleCaseDialog, StaleDecision

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
BASE = CaseCard(
    id="c1", number=1042, title="EU region outage", customer_id="k1", customer_name="Müller & Söhne GmbH",
    band=ArrBand.STRATEGIC, arr=Decimal("1200000"), severity=Severity.S1, pace=Pace.FAST, case_type=CaseType.OUTAGE,
    level=Level.L3, status=CaseStatus.OPEN, owner_name="Dana", opened_at=T0, level_entered_at=T0,
    acknowledged_at=None, arr_at_risk=Decimal("1200000"), checklist_done=0, checklist_total=14,
    involvements_open=2, version=3,
)  # fmt: skip
MESSAGE = "ESC-1042 was changed by someone else since you loaded it (version 4, you had 3)."


def conflicting_dialog(qtbot: QtBot) -> StaleCaseDialog:
    theirs = replace(BASE, level=Level.L4, title="Outage (all regions)", version=4)
    result = merge_cards(BASE, {"level": Level.L2, "owner_name": "Sam"}, theirs)
    dialog = StaleCaseDialog(MESSAGE, result)
    qtbot.addWidget(dialog)
    return dialog


def test_the_conflicts_are_listed_with_base_theirs_and_mine(escdesk_app: QApplication, qtbot: QtBot) -> None:
    dialog = conflicting_dialog(qtbot)
    table = dialog.table
    assert table.rowCount() == 1
    cells = [table.item(0, c) for c in range(4)]
    assert [c.text() if c is not None else None for c in cells] == ["Level", "L3", "L4", "L2"]
    assert dialog.choices() == {"level": Side.THEIRS}  # the stored value stands unless the user picks theirs


def test_merge_saves_mine_where_chosen(escdesk_app: QApplication, qtbot: QtBot) -> None:
    dialog = conflicting_dialog(qtbot)
    dialog.choose("level", Side.MINE)
    with qtbot.waitSignal(dialog.merge_chosen) as merged:
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    fields = merged.args[0]
    assert (fields["level"], fields["owner_name"], fields["title"]) == (Level.L2, "Sam", "Outage (all regions)")
    assert dialog.decision is StaleDecision.MERGE
    assert dialog.result() == dialog.DialogCode.Accepted


def test_reload_drops_my_edits(escdesk_app: QApplication, qtbot: QtBot) -> None:
    dialog = conflicting_dialog(qtbot)
    with qtbot.waitSignal(dialog.reload_chosen):
        qtbot.mouseClick(dialog.reload_button, Qt.MouseButton.LeftButton)
    assert dialog.decision is StaleDecision.RELOAD


def test_cancel_decides_nothing(escdesk_app: QApplication, qtbot: QtBot) -> None:
    dialog = conflicting_dialog(qtbot)
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    with qtbot.waitSignal(dialog.rejected):
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert dialog.decision is None


def test_a_clean_merge_shows_no_table(escdesk_app: QApplication, qtbot: QtBot) -> None:
    result = merge_cards(BASE, {"title": "EU + US outage"}, replace(BASE, level=Level.L4))
    dialog = StaleCaseDialog(MESSAGE, result)
    qtbot.addWidget(dialog)
    assert dialog.table.isHidden()
    assert dialog.merged_fields()["title"] == "EU + US outage"


def test_the_dialog_renders(escdesk_app: QApplication, qtbot: QtBot, tmp_path: Path) -> None:
    dialog = conflicting_dialog(qtbot)
    image = dialog.grab()
    assert not image.isNull() and image.width() >= 600
    assert image.save(str(tmp_path / "stale_dialog.png"), "PNG")
