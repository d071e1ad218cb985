"""The people directory dialog and the slow-burn proposals dialog on a real database, plus the daily scan notice.
File dialogs and the reason prompt are replaced; every database call runs on the desk's worker."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from gui_builders import AS_OF, Desk, MakeDesk, build_database
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.qtbot import QtBot
from sqlalchemy import insert

from escdesk.connect import open_database
from escdesk.ids import new_id
from escdesk.store.engine import resolve_target
from escdesk.store.models import Customer, HealthScore
from ui import directory_dialog, slow_burn_dialog
from ui.directory_dialog import DirectoryDialog, open_directory
from ui.slow_burn_dialog import SlowBurnDialog, SlowBurnWatcher, open_slow_burn

SHOTS = os.environ.get("ESCDESK_TEST_SHOTS")  # a folder: the dialogs are saved there as PNGs to look at


def add_sliding_customers(path: Path) -> None:
    """Two customers without a case: one fell 28 points in a week (red), one 17 with renewal in 60 days."""
    store = open_database(resolve_target(path)).store
    today = AS_OF.date()
    try:
        with store.uow() as uow:
            for name, arr, last, renewal in (("Tailspin Toys", 1_300_000_00, 53, 300),
                                             ("Wingtip Coffee", 30_000_00, 63, 60)):  # fmt: skip
                customer_id = new_id()
                band = "STRAT" if arr >= 1_000_000_00 else "SMB"
                uow.session.add(Customer(id=customer_id, name=name, band=band, arr_cents=arr, version=1,
                                         renewal_date=today + timedelta(days=renewal), created_at=AS_OF,
                                         updated_at=AS_OF))  # fmt: skip
                uow.session.flush()
                points = [(today - timedelta(days=ago), 81 if ago else last) for ago in range(70, -1, -7)]
                uow.session.execute(insert(HealthScore), [
                    {"customer_id": customer_id, "measured_on": on, "score": s, "source": "gainsight"}
                    for on, s in points
                ])  # fmt: skip
            uow.commit()
    finally:
        store.close()


@pytest.fixture
def desk(qtbot: QtBot, tmp_path: Path, make_desk: MakeDesk) -> Desk:
    db = tmp_path / "book.sqlite"
    build_database(db)
    add_sliding_customers(db)
    window, controller = make_desk()
    watcher = controller.findChild(SlowBurnWatcher)
    assert watcher is not None
    watcher.after_open.setInterval(0)  # the app waits 20 s after opening a database
    with qtbot.waitSignal(watcher.daily_scan_finished, timeout=20_000) as daily:
        controller.start(str(db))
    assert daily.args == [2]
    assert "The daily scan proposes 2 slow-burn escalations" in window.notice_bar.text
    return window, controller


def shoot(widget: object, name: str) -> None:
    if SHOTS:
        QApplication.processEvents()  # the layout of text set a moment ago
        widget.grab().save(str(Path(SHOTS) / name))  # type: ignore[attr-defined]


def test_slow_burn_dialog_confirms_and_dismisses(qtbot: QtBot, desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    window, controller = desk
    dialog = open_slow_burn(window, controller)
    assert isinstance(dialog, SlowBurnDialog)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=20_000)
    names = [p.customer_name for p in dialog.model.proposals]
    assert names == ["Tailspin Toys", "Wingtip Coffee"]  # S2 (Strategic) and S2 (renewal in 60 days)
    assert dialog.model.proposals[0].reason == "Health fell 28 points in 7 days (81 -> 53)"
    shoot(dialog, "slow_burn_dialog.png")

    with qtbot.waitSignal(dialog.confirmed, timeout=20_000) as confirmed:
        dialog.confirm_selected()
    reference = confirmed.args[0]
    qtbot.waitUntil(lambda: any(c.reference == reference for c in window.board.cards()), timeout=20_000)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=20_000)

    monkeypatch.setattr(slow_burn_dialog, "ask_dismiss_reason", lambda _parent, _proposal: "   ")
    dialog.dismiss_selected()
    assert "needs a reason" in dialog.status.text()
    monkeypatch.setattr(slow_burn_dialog, "ask_dismiss_reason", lambda _p, _q: "Renewal signed last week")
    with qtbot.waitSignal(dialog.dismissed, timeout=20_000):
        dialog.dismiss_selected()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=20_000)
    with qtbot.waitSignal(dialog.scanned, timeout=20_000) as again:
        dialog.rescan()
    assert again.args == [0]  # remembered: not proposed again
    dialog.close()


def test_directory_dialog_edits_imports_and_exports(
    qtbot: QtBot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, controller = desk
    dialog = open_directory(window, controller)
    assert isinstance(dialog, DirectoryDialog)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.uncovered.text() != "", timeout=20_000)
    assert dialog.uncovered.text().startswith("Roles without anyone: Support lead, Support manager")

    editor = dialog.add_person()
    editor.name.setText("Aiko Tanaka")
    editor.email.setText("aiko@")
    editor.add_role(None)
    box = editor.role_box(0)
    assert isinstance(box, QComboBox)
    box.setCurrentIndex(box.findData("legal"))
    editor.accept()
    assert "email: 'aiko@' is not an e-mail address" in editor.error.text()
    shoot(editor, "person_editor.png")
    editor.email.setText("aiko@example.com")
    with qtbot.waitSignal(dialog.loaded, timeout=20_000):
        editor.accept()
    assert [p.name for p in dialog.model.people] == ["Aiko Tanaka"]
    assert "Legal" not in dialog.uncovered.text()

    source = tmp_path / "people.csv"
    source.write_text(
        "name,email,title,role,bands,regions\nJordan Reyes,jordan@example.com,VP Support,support_lead,ENT;STRAT,EMEA\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(directory_dialog, "choose_csv_to_open", lambda _parent: source)
    with qtbot.waitSignal(dialog.loaded, timeout=20_000):
        dialog.import_csv()
    assert "1 added" in dialog.status.text()
    jordan_row = [p.name for p in dialog.model.people].index("Jordan Reyes")
    assert dialog.model.index(jordan_row, 3).data() == "Support lead (ENT, STRAT; EMEA)"
    shoot(dialog, "directory_dialog.png")

    bad = tmp_path / "bad.csv"
    bad.write_text("name,email,title,role,bands,regions\nKim,kim@example.com,,wizard,,\n", encoding="utf-8")
    monkeypatch.setattr(directory_dialog, "choose_csv_to_open", lambda _parent: bad)
    with qtbot.waitSignal(dialog.failed, timeout=20_000) as failed:
        dialog.import_csv()
    assert "line 2, column role ('wizard')" in failed.args[0]

    target = tmp_path / "out.csv"
    monkeypatch.setattr(directory_dialog, "choose_csv_to_save", lambda _parent: target)
    dialog.export_csv()
    qtbot.waitUntil(lambda: "Wrote 2 people" in dialog.status.text(), timeout=20_000)
    assert "Jordan Reyes,jordan@example.com,VP Support,support_lead,ENT;STRAT,EMEA" in target.read_text("utf-8")

    dialog.table.selectRow([p.name for p in dialog.model.people].index("Aiko Tanaka"))
    monkeypatch.setattr(directory_dialog, "confirm_remove", lambda _parent, _name: True)
    with qtbot.waitSignal(dialog.loaded, timeout=20_000):
        dialog.remove_selected()
    assert [p.name for p in dialog.model.people] == ["Jordan Reyes"]
    dialog.close()


def test_menus_sit_before_help(desk: Desk) -> None:
    window, _ = desk
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[-1] == "&Help"
    assert "directoryAction" in [a.objectName() for a in window.tools_menu.actions()]
    assert "slowBurnAction" in [a.objectName() for a in window.view_menu.actions()]


def test_no_daily_scan_when_already_done_today(qtbot: QtBot, desk: Desk) -> None:
    window, controller = desk
    watcher = controller.findChild(SlowBurnWatcher)
    assert watcher is not None
    window.notice_bar.hide()
    watcher.check()
    qtbot.waitUntil(lambda: controller.tasks.is_idle, timeout=20_000)
    assert window.notice_bar.text == ""


def test_an_import_runs_the_scan_again_and_says_what_it_found(qtbot: QtBot, desk: Desk) -> None:
    """After an import (the wizard calls this) the scan runs even though today's daily scan is done."""
    window, controller = desk
    watcher = controller.findChild(SlowBurnWatcher)
    assert watcher is not None
    window.notice_bar.hide()
    watcher.scan_after_import()
    qtbot.waitUntil(lambda: window.notice_bar.isVisible(), timeout=20_000)
    assert "The imported data proposes 2 slow-burn escalations" in window.notice_bar.text
