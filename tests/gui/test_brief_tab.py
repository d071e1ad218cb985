"""The workspace's Brief tab on a real SQLite book: it loads a case's brief, saves edits through
escdesk.brief_editing (history entry, version bump, board reload), names the field of a refused draft, refuses a
stale save and keeps the edits; and Full case report… writes the report through the app's export path."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from gui_builders import AS_OF, Desk
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem
from pytestqt.qtbot import QtBot

from escdesk.brief_editing import load_brief, save_brief
from escdesk.briefs import PlanItem
from escdesk.clock import FrozenClock
from escdesk.connect import open_database
from escdesk.domain import EventKind
from escdesk.policy import default_policy
from escdesk.store.engine import resolve_target
from ui import exports, workspace_dialogs
from ui.brief_tab import BriefTab
from ui.exports import ExportController
from ui.workspace import CaseWorkspace
from ui.workspace_dock import CaseWorkspaceDock

WAIT = 20_000


def cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    item = table.item(row, column)
    assert item is not None
    return item


def open_brief(qtbot: QtBot, desk: Desk, customer: str) -> tuple[CaseWorkspace, BriefTab]:
    dock = desk[0].findChild(CaseWorkspaceDock)
    assert dock is not None
    tab = dock.workspace.findChild(BriefTab)
    assert tab is not None
    card = next(c for c in desk[0].board.cards() if c.customer_name == customer)
    with qtbot.waitSignals([dock.workspace.case_loaded, tab.loaded], timeout=WAIT):
        dock.open_case(card.id)
    dock.workspace.tabs.setCurrentWidget(tab)
    return dock.workspace, tab


def test_the_tab_is_in_the_workspace_and_shows_the_case(qtbot: QtBot, desk: Desk) -> None:
    workspace, tab = open_brief(qtbot, desk, "Northwind Traders")
    assert workspace.tabs.tabText(workspace.tabs.indexOf(tab)) == "Brief"
    assert tab.isEnabled() and tab.current is not None
    assert tab.exec_ask_of.placeholderText() == tab.current.default_ask_of  # whom the brief asks by default
    assert "Times are in" in tab.zone_note.text()


def test_a_save_is_written_with_its_history_and_the_board_reloads(qtbot: QtBot, desk: Desk, book: Path) -> None:
    workspace, tab = open_brief(qtbot, desk, "Northwind Traders")
    assert tab.current is not None
    case_id, version = tab.current.case_id, tab.current.version
    tab.situation.setPlainText("EU dashboards time out after 30 s since Monday.")
    tab.exec_ask.setPlainText("Approve a temporary read replica for EU.")
    tab.exec_ask_deadline.enabled.setChecked(True)
    tab.root_cause_known.setCurrentIndex(1)
    tab.root_cause.setPlainText("A missing index on the EU cluster.")
    tab.options.add_button.click()
    cell(tab.options.table, 0, 0).setText("Read replica now")
    cell(tab.options.table, 0, 2).setCheckState(Qt.CheckState.Checked)
    tab.plan.add_button.click()
    cell(tab.plan.table, 0, 0).setText("Create the index")
    cell(tab.plan.table, 0, 1).setText("Priya, Engineering")
    with qtbot.waitSignals([tab.saved, desk[1].board_loaded, workspace.case_loaded], timeout=WAIT):
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert tab.message.text().startswith("Saved: Situation, Root cause known, Root cause")
    opened = open_database(resolve_target(book))
    try:
        loaded = load_brief(opened.store, case_id, default_policy())
    finally:
        opened.store.close()
    assert loaded.version == version + 1 and tab.current is not None and tab.current.version == version + 1
    draft = loaded.draft
    assert draft.situation.startswith("EU dashboards") and draft.root_cause_known
    assert draft.exec_ask_deadline is not None and draft.exec_ask_deadline.utcoffset() is not None
    assert [(o.title, o.recommended) for o in draft.options] == [("Read replica now", True)]
    assert draft.plan == (PlanItem("Create the index", "Priya, Engineering", AS_OF.date()),)
    history = [e for e in workspace.snapshot.history if e.kind is EventKind.FIELD_CHANGED] if workspace.snapshot else []
    assert len(history) == 1 and history[0].reason is not None and "Plan" in history[0].reason


def test_a_refused_draft_names_the_field_and_focuses_it(qtbot: QtBot, desk: Desk) -> None:
    _, tab = open_brief(qtbot, desk, "Northwind Traders")
    tab.plan.add_button.click()
    cell(tab.plan.table, 0, 0).setText("Create the index")  # no owner
    with qtbot.waitSignal(tab.save_refused, timeout=WAIT) as refused:
        tab.save()
    assert "Plan: item 1 needs an owner." in refused.args[0]
    assert tab.message.isVisible() and "Plan: item 1 needs an owner." in tab.message.text()
    assert cell(tab.plan.table, 0, 0).text() == "Create the index"  # the edits stay


def test_a_stale_save_is_refused_and_keeps_the_edits(qtbot: QtBot, desk: Desk, book: Path) -> None:
    _, tab = open_brief(qtbot, desk, "Northwind Traders")
    assert tab.current is not None
    opened = open_database(resolve_target(book))  # a colleague saves the brief in between
    try:
        theirs = load_brief(opened.store, tab.current.case_id, default_policy())
        colleague = replace(theirs.draft, impact="Their words")
        save_brief(opened.store, theirs.case_id, colleague, theirs.version, clock=FrozenClock(AS_OF), actor="them")
    finally:
        opened.store.close()
    tab.impact.setPlainText("My words")
    with qtbot.waitSignal(tab.save_refused, timeout=WAIT) as refused:
        tab.save()
    assert "changed by someone else" in refused.args[0]
    assert tab.impact.toPlainText() == "My words"
    with qtbot.waitSignal(tab.loaded, timeout=WAIT):
        tab.revert()
    assert tab.impact.toPlainText() == "Their words"


def test_full_case_report_from_the_workspace_button(
    qtbot: QtBot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace, _ = open_brief(qtbot, desk, "Blue Yonder Airlines")
    asked: list[Path] = []
    target = tmp_path / "report.pdf"

    def choose(_parent: object, _title: str, suggested: Path) -> Path:
        asked.append(suggested)
        return target

    monkeypatch.setattr(exports, "choose_pdf_file", choose)
    monkeypatch.setattr(exports, "open_in_viewer", lambda _path: None)
    exporter = desk[1].findChild(ExportController)
    assert exporter is not None
    with qtbot.waitSignal(exporter.exported, timeout=WAIT) as done:
        qtbot.mouseClick(workspace.buttons["report"], Qt.MouseButton.LeftButton)
    assert done.args == [[str(target)]]
    assert asked[0].name.endswith("full case report.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(target.read_bytes())).pages)
    assert "FULL CASE REPORT" in text and "Blue Yonder Airlines" in text and "SERVICE-RECOVERY CHECKLIST" in text
    assert exporter.actions.case_report.text() == "&Full case report…"
    assert exporter.actions.case_report in desk[0].case_menu.actions()


def test_an_unrelated_change_keeps_the_edits_and_the_save_still_lands(
    qtbot: QtBot, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace, tab = open_brief(qtbot, desk, "Northwind Traders")
    tab.tried.setPlainText("Restarted the EU workers")
    monkeypatch.setattr(workspace_dialogs, "ask_text", lambda *_a, **_k: "Called their IT lead")
    with qtbot.waitSignals([workspace.case_changed, tab.kept_edits], timeout=WAIT):
        workspace.add_note()  # the case moves to a new version; its brief does not change
    assert tab.tried.toPlainText() == "Restarted the EU workers"
    with qtbot.waitSignals([tab.saved, desk[1].board_loaded], timeout=WAIT):
        tab.save()
    assert tab.message.text() == "Saved: What we tried."


def test_case_menu_full_case_report_writes_the_selected_case(
    qtbot: QtBot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, controller = desk
    card = next(c for c in window.board.cards() if c.customer_name == "Müller & Söhne GmbH")
    assert window.board.select_case(card.id)
    target = tmp_path / "menu.pdf"
    monkeypatch.setattr(exports, "choose_pdf_file", lambda *_a: target)
    monkeypatch.setattr(exports, "open_in_viewer", lambda _path: None)
    exporter = controller.findChild(ExportController)
    assert exporter is not None
    with qtbot.waitSignal(exporter.exported, timeout=WAIT):
        exporter.actions.case_report.trigger()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(target.read_bytes())).pages).split())
    assert f"FULL CASE REPORT · {card.reference}" in text and "Müller & Söhne GmbH" in text
