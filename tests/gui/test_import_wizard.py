"""File > Import…: the whole wizard on real exports from ../shared/data (file, detected format, mapping with a live
preview, validation report, run, summary), escalation candidates confirmed into cases, and cancel leaving the
database as it was. Reading runs on a background thread, the import on the database worker."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest
from gui_builders import Desk, MakeDesk, build_database
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard
from pytestqt.qtbot import QtBot

from escdesk.importing import DateOrder
from ui import import_wizard_pages
from ui.import_wizard import ImportWizard, show_import_wizard

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
pytestmark = [
    pytest.mark.skipif(not DATA.is_dir(), reason=f"{DATA} is not here"),
]  # the offscreen platform's warning about size hints is ignored for every test (pyproject.toml)
# ESCDESK_WIZARD_SHOTS=DIR writes each page there as a PNG (to look at them; not a check)
SHOTS = Path(os.environ.get("ESCDESK_WIZARD_SHOTS") or ".")


@pytest.fixture
def desk(qtbot: QtBot, tmp_path: Path, make_desk: MakeDesk) -> tuple[Desk, Path]:
    db = tmp_path / "book.sqlite"
    build_database(db)
    window, controller = make_desk()
    with qtbot.waitSignal(controller.board_loaded, timeout=20_000):
        controller.start(str(db))
    return (window, controller), db


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute(sql).fetchone()[0])


def open_wizard(desk: Desk) -> ImportWizard:
    window, _ = desk
    action = window.findChild(type(window.menu_actions.quit), "importAction")
    assert action is not None and action in window.file_menu.actions()
    action.trigger()
    (wizard,) = [w for w in window.findChildren(ImportWizard) if w.isVisible()]  # a finished one may await deletion
    return wizard


def shoot(wizard: ImportWizard, name: str) -> None:
    if os.environ.get("ESCDESK_WIZARD_SHOTS"):
        QApplication.processEvents()  # widgets added to a shown page show on the next pass of the event loop
        SHOTS.mkdir(parents=True, exist_ok=True)
        wizard.grab().save(str(SHOTS / f"{name}.png"))


def advance(qtbot: QtBot, wizard: ImportWizard, name: str) -> None:
    """Wait until the page is complete (background reads done), look at it, go on."""
    qtbot.waitUntil(lambda: wizard.currentPage().isComplete(), timeout=30_000)
    shoot(wizard, name)
    wizard.next()


def choose(qtbot: QtBot, wizard: ImportWizard, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_wizard_pages, "choose_import_file", lambda _parent, _start: path)
    wizard.file_page._browse()
    assert wizard.file_page.path.text() == str(path)
    advance(qtbot, wizard, "1-file")


def test_the_whole_flow_on_a_freshdesk_export(
    qtbot: QtBot, desk: tuple[Desk, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    (window, controller), db = desk
    wizard = open_wizard((window, controller))
    choose(qtbot, wizard, DATA / "freshdesk_tickets_export_sample.csv", monkeypatch)

    qtbot.waitUntil(lambda: wizard.format_page.isComplete(), timeout=30_000)
    assert "freshdesk" in wizard.format_page.found.text() and "45 rows" in wizard.format_page.found.text()
    assert wizard.format_page.preset.currentData() == "freshdesk"
    advance(qtbot, wizard, "2-format")

    mapping = wizard.mapping_page
    assert mapping.choices["subject"].currentData() == "Subject"
    assert mapping.preview_model.rowCount() == 20
    subject_column = mapping.preview_model.headers.index("Subject")
    first = mapping.preview_model.rows[0][0][subject_column]
    assert first  # the live preview shows the converted subject
    mapping.choices["subject"].setCurrentIndex(0)  # "not used": the preview follows
    mapping.choices["subject"].activated.emit(0)
    qtbot.waitUntil(lambda: "Subject" not in mapping.preview_model.headers, timeout=30_000)
    mapping.choices["subject"].setCurrentIndex(mapping.choices["subject"].findData("Subject"))
    mapping.choices["subject"].activated.emit(0)
    qtbot.waitUntil(lambda: "Subject" in mapping.preview_model.headers, timeout=30_000)
    advance(qtbot, wizard, "3-mapping")
    assert wizard.prepared is not None and wizard.prepared.report.preset == "freshdesk"  # back to the preset itself

    report = wizard.currentPage()
    assert report is wizard.pages[3] and not report.isComplete()  # one bad row: the user must accept leaving it out
    model = wizard.pages[3].issues_model
    bad = [cells for cells, is_bad in model.rows if is_bad]
    assert bad == [[bad[0][0], "Status", "OpenPending", bad[0][3]]] and "unknown status" in bad[0][3]
    wizard.pages[3].accept_bad.setChecked(True)
    assert report.isComplete()
    shoot(wizard, "4-report")
    # Better than leaving the row out: say what the unknown status means; the file is read again.
    wizard.pages[3].accept_bad.setChecked(False)
    choice = wizard.pages[3].value_choices[("Status", "OpenPending")]
    choice.setCurrentIndex(choice.findData("open"))
    choice.activated.emit(choice.currentIndex())
    qtbot.waitUntil(lambda: report.isComplete(), timeout=30_000)
    assert wizard.prepared is not None and wizard.prepared.report.bad_rows == []
    assert wizard.pages[3].value_choices[("Status", "OpenPending")].currentData() == "open"  # kept, to undo
    shoot(wizard, "4-report-mapped")
    importing: set[str] = set()
    real_apply = wizard.prepared.inner.apply if wizard.prepared else None
    assert real_apply is not None

    def spy(*args: object, **kwargs: object) -> object:
        importing.add(threading.current_thread().name)
        return real_apply(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(wizard.prepared.inner, "apply", spy)
    with qtbot.waitSignal(wizard.imported, timeout=30_000) as done:
        wizard.next()
    assert importing and all(name.startswith("escdesk-db") for name in importing)
    assert (done.args[0].created, done.args[0].skipped) == (45, 0)
    assert count(db, "SELECT count(*) FROM support_tickets WHERE status_raw = 'OpenPending' AND status = 'open'") == 1
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page)
    assert "45 created" in wizard.summary_page.summary.text()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()  # the import cannot be run twice
    shoot(wizard, "6-summary")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert not wizard.isVisible()


def test_ravenstack_candidates_are_confirmed_into_cases(
    qtbot: QtBot, desk: tuple[Desk, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    (window, controller), db = desk
    for name in ("ravenstack_accounts.csv", "ravenstack_support_tickets.csv"):
        wizard = open_wizard((window, controller))
        choose(qtbot, wizard, DATA / name, monkeypatch)
        for page in ("2-format", "3-mapping"):
            advance(qtbot, wizard, f"rs-{page}")
        with qtbot.waitSignal(wizard.imported, timeout=60_000):
            advance(qtbot, wizard, "rs-4-report")
        qtbot.waitUntil(lambda w=wizard: w.currentPage() is w.summary_page)  # type: ignore[misc]
        if name == "ravenstack_accounts.csv":
            wizard.button(QWizard.WizardButton.FinishButton).click()
    summary = wizard.summary_page
    assert summary.candidates.count() == 91 and summary.candidates.isVisibleTo(wizard)
    assert not summary.open_button.isEnabled()
    for row in (0, 1):
        summary.candidates.item(row).setCheckState(Qt.CheckState.Checked)
    assert summary.open_button.text() == "Open 2 cases"
    shoot(wizard, "rs-6-candidates")
    before = count(db, "SELECT count(*) FROM escalations")
    with qtbot.waitSignal(wizard.cases_opened, timeout=30_000) as opened:
        summary.open_button.click()
    cards = opened.args[0]
    assert len(cards) == 2 and count(db, "SELECT count(*) FROM escalations") == before + 2
    assert count(db, "SELECT count(*) FROM escalation_tickets WHERE system = 'ravenstack'") >= 2
    assert "Opened ESC-" in summary.opened.text()
    shoot(wizard, "rs-7-opened")
    wizard.button(QWizard.WizardButton.FinishButton).click()


def test_cancel_rolls_the_import_back(qtbot: QtBot, desk: tuple[Desk, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    (window, controller), db = desk
    wizard = open_wizard((window, controller))
    choose(qtbot, wizard, DATA / "customer_support_tickets.csv", monkeypatch)
    advance(qtbot, wizard, "k-2-format")
    advance(qtbot, wizard, "k-3-mapping")
    logs = count(db, "SELECT count(*) FROM import_log")
    wizard.progressed.connect(lambda _done: wizard.reject())  # the user clicks Cancel as soon as rows go in
    qtbot.waitUntil(lambda: wizard.currentPage().isComplete(), timeout=30_000)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.run_page.finished, timeout=60_000)
    shoot(wizard, "k-5-cancelled")
    assert "Cancelled" in wizard.run_page.state.text()
    assert wizard.isVisible() and wizard.currentPage() is wizard.run_page
    assert count(db, "SELECT count(*) FROM support_tickets") == 0
    assert count(db, "SELECT count(*) FROM import_log") == logs
    assert wizard.buttonText(QWizard.WizardButton.CancelButton) == "Close"
    wizard.reject()
    assert not wizard.isVisible()


def test_without_a_database_the_action_says_so(qtbot: QtBot, make_desk: MakeDesk) -> None:
    window, controller = make_desk()
    assert show_import_wizard(window, controller) is None
    assert window.findChild(ImportWizard) is None


def test_an_xlsx_workbook_with_the_sheet_chosen(
    qtbot: QtBot, desk: tuple[Desk, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openpyxl  # type: ignore[import-untyped]

    (window, controller), db = desk
    book = openpyxl.Workbook()
    book.active.append(["Notes"])
    sheet = book.create_sheet("Accounts")
    sheet.append(["Account ID", "Name", "ARR", "Renewal Date"])
    sheet.append(["X-1", "Initech", 250000.5, __import__("datetime").date(2027, 1, 31)])
    path = tmp_path / "accounts.xlsx"
    book.save(path)
    wizard = open_wizard((window, controller))
    choose(qtbot, wizard, path, monkeypatch)
    page = wizard.format_page
    qtbot.waitUntil(lambda: not wizard.reading, timeout=30_000)
    assert not page.isComplete() and "cannot be imported" in page.found.text()  # the first sheet is only notes
    shoot(wizard, "x-2-format-first-sheet")
    assert wizard.prepared is None and [page.sheet.itemText(i) for i in range(page.sheet.count())] == [
        "Sheet",
        "Accounts",
    ]
    page.sheet.setCurrentIndex(1)
    page.sheet.activated.emit(1)
    qtbot.waitUntil(lambda: page.isComplete(), timeout=30_000)
    assert "sheet 'Accounts'" in page.found.text() and page.sheet.currentText() == "Accounts"
    shoot(wizard, "x-2-format")
    wizard.next()
    advance(qtbot, wizard, "x-3-mapping")
    with qtbot.waitSignal(wizard.imported, timeout=30_000):
        advance(qtbot, wizard, "x-4-report")
    assert count(db, "SELECT count(*) FROM customers WHERE name = 'Initech' AND arr_cents = 25000050") == 1
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page)
    wizard.button(QWizard.WizardButton.FinishButton).click()


def test_a_date_question_is_asked_and_its_answer_used(
    qtbot: QtBot, desk: tuple[Desk, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QComboBox

    (window, controller), db = desk
    path = tmp_path / "kunden.csv"
    path.write_bytes("Name;Renewal\r\nAcme;03.04.2026\r\nGlobex;05.06.2026\r\n".encode("cp1252"))
    wizard = open_wizard((window, controller))
    choose(qtbot, wizard, path, monkeypatch)
    page = wizard.format_page
    qtbot.waitUntil(lambda: not wizard.reading, timeout=30_000)
    (question,) = page.questions.findChildren(QComboBox)
    assert not page.isComplete()  # the user must say which order the dates are in
    shoot(wizard, "d-2-question")
    question.setCurrentIndex(question.findData(DateOrder.DAY_FIRST))
    question.activated.emit(question.currentIndex())
    qtbot.waitUntil(lambda: page.isComplete(), timeout=30_000)
    wizard.next()
    advance(qtbot, wizard, "d-3-mapping")
    with qtbot.waitSignal(wizard.imported, timeout=30_000):
        advance(qtbot, wizard, "d-4-report")
    assert count(db, "SELECT count(*) FROM customers WHERE name = 'Acme' AND renewal_date = '2026-04-03'") == 1
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page)
    wizard.button(QWizard.WizardButton.FinishButton).click()
