"""Case > New case… (Ctrl+N) on a book of 15,000 customers: the picker searches as you type on the worker and drops
stale answers, the starting level from the policy is shown before saving, the case is created through the service
and opened in the workspace, and its clocks start at creation exactly like an imported case's (B3)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from gui_builders import AS_OF, Desk, MakeDesk
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QApplication, QMenu, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import insert

from escdesk.clock import FrozenClock
from escdesk.clock_service import ClockService
from escdesk.connect import open_database
from escdesk.domain import CaseCard, CaseStatus, CaseType, EventKind, Level, Pace, Severity
from escdesk.ids import new_id
from escdesk.money import to_cents
from escdesk.policy import default_policy
from escdesk.store import Store
from escdesk.store.engine import resolve_target
from escdesk.store.models import CaseEventRow, Customer, Escalation
from ui.new_case_dialog import NewCaseDialog
from ui.workspace_dock import CaseWorkspaceDock

WAIT = 20_000
WORDS = ("Acme", "Northwind", "Contoso", "Fabrikam", "Globex", "Initech", "Umbrella", "Wayne", "Stark", "Hooli")
KINDS = ("Traders", "Airlines", "Pharma", "Logistics", "Bank", "Retail")
ARRS = (30_000, 120_000, 400_000, 1_500_000)  # SMB, Mid-market, Enterprise, Strategic


def write_book(path: Path, count: int = 15_000) -> None:
    """An empty EscDesk database with `count` customers, written in one executemany (about a second)."""
    policy = default_policy()
    rows = []
    for i in range(count):
        arr = ARRS[i % len(ARRS)]
        name = f"{WORDS[i % len(WORDS)]} {KINDS[i // len(WORDS) % len(KINDS)]} {i:05d}"
        rows.append(dict(id=new_id(), name=name, band=policy.band_for(Decimal(arr)).value, arr_cents=to_cents(arr),
                         timezone="UTC", version=1, created_at=AS_OF, updated_at=AS_OF))  # fmt: skip
    rows[0]["name"] = "Müller & Söhne GmbH"  # found by a word in the middle, with umlauts
    opened = open_database(resolve_target(path), create=True)
    try:
        with opened.store.uow() as uow:
            uow.session.execute(insert(Customer), rows)
            uow.commit()
    finally:
        opened.store.close()


@pytest.fixture(scope="module")
def book_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("book") / "customers.sqlite"
    write_book(path)
    return path


@pytest.fixture
def desk(qtbot: QtBot, book_template: Path, tmp_path: Path, make_desk: MakeDesk) -> Desk:
    db = tmp_path / "book.sqlite"
    db.write_bytes(book_template.read_bytes())  # each test changes its own copy
    window, controller = make_desk()
    with qtbot.waitSignal(controller.board_loaded, timeout=WAIT):
        controller.start(str(db))
    return window, controller


def open_dialog(qtbot: QtBot, desk: Desk) -> NewCaseDialog:
    window, _ = desk
    action = next(a for a in window.findChildren(QAction) if a.objectName() == "newCaseAction")
    action.trigger()
    dialog = window.findChild(NewCaseDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def type_text(widget: QWidget, text: str) -> None:
    """Key presses carrying each character (QTest.keyClicks asserts on anything outside ASCII, like 'ö')."""
    for char in text:
        QApplication.sendEvent(
            widget, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
        )


def type_and_wait(qtbot: QtBot, dialog: NewCaseDialog, text: str) -> None:
    with qtbot.waitSignal(dialog.picker.searched, timeout=WAIT):
        type_text(dialog.picker.search, text)


def test_new_case_is_ctrl_n_in_the_case_menu_before_help(desk: Desk) -> None:
    window, _ = desk
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.index("&Case") < titles.index("&Help") == len(titles) - 1
    case_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Case")
    assert isinstance(case_menu, QMenu)
    first = case_menu.actions()[0]
    assert first.text() == "&New case…" and first.shortcut().toString() == "Ctrl+N"
    assert window.menu_actions.new_database.shortcut().toString() != "Ctrl+N"  # no ambiguous shortcut


def test_the_picker_searches_as_you_type(qtbot: QtBot, desk: Desk, qtmodeltester: ModelTester) -> None:
    dialog = open_dialog(qtbot, desk)
    type_and_wait(qtbot, dialog, "söhne")
    hits = dialog.picker.model.hits()
    assert [h.name for h in hits] == ["Müller & Söhne GmbH"] and dialog.picker.status.text() == "1 customer matches."
    dialog.picker.search.clear()
    type_and_wait(qtbot, dialog, "northwind bank")
    names = [h.name for h in dialog.picker.model.hits()]
    assert len(names) == 25 and all(n.startswith("Northwind Bank") for n in names)
    assert "type more" in dialog.picker.status.text()
    qtmodeltester.check(dialog.picker.model)
    dialog.reject()


def test_stale_answers_are_dropped(qtbot: QtBot, desk: Desk) -> None:
    dialog = open_dialog(qtbot, desk)
    picker, answered = dialog.picker, []
    picker.searched.connect(lambda text, _count: answered.append(text))
    picker.search.setText("Acme")
    picker._run_search()  # two searches queued on the one worker: the first answer arrives first, and is stale
    picker.search.setText("Globex Pharma")
    with qtbot.waitSignal(picker.searched, timeout=WAIT):
        picker._run_search()
    assert answered == ["Globex Pharma"]
    assert picker.model.hits() and all(h.name.startswith("Globex Pharma") for h in picker.model.hits())
    dialog.reject()


def test_the_starting_level_is_shown_before_saving_and_the_case_created(qtbot: QtBot, desk: Desk) -> None:
    window, controller = desk
    dialog = open_dialog(qtbot, desk)
    assert not dialog.create_button.isEnabled()
    assert dialog.starting_point.text() == "Choose the customer to see where the case starts."
    type_and_wait(qtbot, dialog, "Acme Airlines 00010")  # i = 10: ARRS[2], Enterprise
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    assert dialog.picker.chosen is not None and dialog.picker.chosen.name == "Acme Airlines 00010"
    dialog.severity.setCurrentIndex(dialog.severity.findData(Severity.S2))
    assert "<b>L2 CS director</b>: S2 for Enterprise customers" in dialog.starting_point.text()
    dialog.case_type.setCurrentIndex(dialog.case_type.findData(CaseType.SECURITY))
    assert "security variant" in dialog.starting_point.text()
    assert not dialog.create_button.isEnabled()  # no title yet
    qtbot.keyClicks(dialog.title_edit, "SSO tokens accepted after revocation")
    dialog.description.setPlainText("Found by their red team on Monday.")
    dock = window.findChild(CaseWorkspaceDock)
    assert dock is not None
    with qtbot.waitSignals([dialog.case_created, dock.workspace.case_loaded, controller.board_loaded], timeout=WAIT):
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(NewCaseDialog) is None)  # closed and deleted
    snapshot = dock.workspace.snapshot
    assert snapshot is not None and dock.isVisible()
    card = snapshot.card
    assert (card.level, card.severity, card.case_type, card.status) == (
        Level.L2, Severity.S2, CaseType.SECURITY, CaseStatus.OPEN)  # fmt: skip
    assert card.opened_at == AS_OF and [e.kind for e in snapshot.history] == [EventKind.OPENED]
    assert [c.id for c in window.board.cards()] == [card.id]


def import_like(store: Store, card: CaseCard) -> str:
    """The same case as an import writes it: its own opened_at, the rows written three days later."""
    later = card.opened_at + timedelta(days=3)
    with store.uow() as uow:
        case = Escalation(
            id=new_id(), number=uow.cases.next_number(), customer_id=card.customer_id, title="Imported",
            description="", case_type=card.case_type.value, severity=card.severity.value, pace=card.pace.value,
            level=int(card.level), status=CaseStatus.OPEN.value, opened_at=card.opened_at,
            level_entered_at=card.opened_at, arr_at_risk_cents=0, policy_version="2026.1", source="import",
            version=1, created_at=later, updated_at=later,
        )  # fmt: skip
        uow.cases.add(case)
        uow.session.flush()
        uow.cases.add_event(CaseEventRow(id=new_id(), escalation_id=case.id, at=card.opened_at, actor="import",
                                         kind=EventKind.OPENED.value, to_value=card.level.code))  # fmt: skip
        uow.commit()
        return case.id


def test_b3_a_case_made_in_the_dialog_keeps_time_like_an_imported_one(
    qtbot: QtBot, desk: Desk, clock: FrozenClock
) -> None:
    _, controller = desk
    dialog = open_dialog(qtbot, desk)
    type_and_wait(qtbot, dialog, "Stark Pharma")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    dialog.severity.setCurrentIndex(dialog.severity.findData(Severity.S1))
    qtbot.keyClicks(dialog.title_edit, "Checkout down for all stores")
    with qtbot.waitSignal(dialog.case_created, timeout=WAIT) as created:
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    by_hand: CaseCard = created.args[0]
    assert by_hand.pace is Pace.FAST and by_hand.opened_at == clock.now()
    service = controller.service
    assert service is not None
    imported = import_like(service.store, by_hand)
    clocks = ClockService(service.store, clock, controller.context.policy)
    for minutes in (1, 25, 45, 240):
        clock.set(by_hand.opened_at + timedelta(minutes=minutes))
        views = clocks.open_clocks()
        assert views[by_hand.id]._replace(case_id=imported) == views[imported]
    clock.set(by_hand.opened_at + timedelta(minutes=1))
    assert clocks.open_clocks()[by_hand.id].minutes_to_due == 29  # S1: acknowledge within 30 min of creation
