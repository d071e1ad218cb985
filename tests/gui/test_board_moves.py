"""Moving cases on the board (issue 4, cases B1 and B2): drag and drop between columns and onto Resolved, the
keyboard, a reason for every move, undo, a refused move snapping back, a stale version reloading the case."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from gui_builders import SAMPLE, MakeDesk, build_database
from PySide6.QtCore import QMimeData, QModelIndex, QPoint, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMenu
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from escdesk import paths
from escdesk.clock import FrozenClock
from escdesk.connect import open_database
from escdesk.domain import CaseStatus, EventKind, Level
from escdesk.policy import default_policy
from escdesk.services import CaseService
from escdesk.store.engine import resolve_target
from ui.board_groups import Grouping
from ui.board_install import BOARD_PREFERENCES_FILE
from ui.board_model import GroupRole
from ui.board_moves import MoveController
from ui.board_prefs import BoardPreferences
from ui.controller import DeskController
from ui.filters import FilterBar
from ui.main_window import MainWindow

OUTAGE = 0  # SAMPLE[0]: an S1 product bug at L3 with its required checklist steps open
REASON = "Customer exec called our COO"


@dataclass
class Person:
    """Answers the reason dialog and remembers what it was asked."""

    answer: str | None = REASON
    asked: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, title: str, prompt: str) -> str | None:
        self.asked.append((title, prompt))
        return self.answer


@dataclass
class Board:
    window: MainWindow
    controller: DeskController
    moves: MoveController
    person: Person
    db: Path

    def column_of(self, case_id: str) -> list[Level]:
        return [level for level, model in self.window.board.models.items() if model.row_of(case_id) is not None]

    def mime(self, level: Level, case_id: str) -> QMimeData:
        model = self.window.board.models[level]
        row = model.row_of(case_id)
        assert row is not None
        return model.mimeData([model.index(row, 0)])

    def history(self, case_id: str) -> list[object]:
        service = self.controller.service
        assert service is not None
        return list(service.history(case_id))


@pytest.fixture
def board(qtbot: QtBot, make_desk: MakeDesk, tmp_path: Path) -> Iterator[Board]:
    db = tmp_path / "board.sqlite"
    build_database(db)
    window, controller = make_desk()
    with qtbot.waitSignals([controller.board_loaded, controller.clocks_updated], timeout=20_000):
        controller.start(str(db))
    moves = controller.findChild(MoveController)
    assert isinstance(moves, MoveController)
    person = Person()
    moves.ask_reason = person
    yield Board(window, controller, moves, person, db)
    # A key event without modifiers: Ctrl+Shift from the keyboard tests must not stay "held" for later tests.
    qtbot.keyClick(window.board, Qt.Key.Key_Escape)


def _case_id(board: Board, index: int) -> str:
    title = SAMPLE[index].title
    return next(card.id for card in board.window.board.cards() if card.title == title)


def test_b1_drop_on_resolved_with_open_required_steps_is_refused_and_snaps_back(qtbot: QtBot, board: Board) -> None:
    case_id = _case_id(board, OUTAGE)
    assert board.column_of(case_id) == [Level.L3]
    mime = board.mime(Level.L3, case_id)
    zone = board.window.board.resolve_zone
    drop = QDropEvent(
        QPoint(5, 5), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    with qtbot.waitSignal(board.moves.move_refused, timeout=10_000) as refused:
        zone.dropEvent(drop)
    message = refused.args[0]
    assert "cannot be resolved" in message and "required step" in message
    assert board.person.asked and board.person.asked[0][0] == "Resolve"
    assert board.column_of(case_id) == [Level.L3]  # it snapped back: still in its column, still open
    card = board.window.board.card(case_id)
    assert card is not None and card.status is CaseStatus.OPEN
    assert "cannot be resolved" in board.window.notice_bar.text  # the reason is shown above the board
    with qtbot.waitSignal(board.controller.board_loaded, timeout=10_000):
        board.controller.refresh()
    ids = Counter(card.id for model in board.window.board.models.values() for card in model.cards())
    assert len(ids) == len(SAMPLE) and set(ids.values()) == {1}  # each case exactly once after the refresh
    assert not [e for e in board.history(case_id) if getattr(e, "kind", None) is EventKind.STATUS_CHANGED]


def test_b2_drag_to_the_next_column_asks_a_reason_and_records_it(
    qtbot: QtBot, board: Board, clock: FrozenClock, qtmodeltester: ModelTester
) -> None:
    case_id = _case_id(board, OUTAGE)
    target = board.window.board.models[Level.L4]
    qtmodeltester.check(target, force_py=True)  # and the reset that brings the moved card in
    mime = board.mime(Level.L3, case_id)
    assert target.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, QModelIndex())
    with qtbot.waitSignal(board.moves.move_done, timeout=10_000):
        assert target.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, QModelIndex())
        assert board.column_of(case_id) == [Level.L3]  # nothing moves before the service has said yes
    assert len(board.person.asked) == 1 and "L4" in board.person.asked[0][1]
    assert board.column_of(case_id) == [Level.L4]
    moved = [e for e in board.history(case_id) if getattr(e, "kind", None) is EventKind.LEVEL_CHANGED]
    assert len(moved) == 1
    event = moved[0]
    assert (event.from_value, event.to_value, event.reason) == ("L3", "L4", REASON)  # type: ignore[attr-defined]
    assert event.actor == "tester" and event.at == clock.now()  # type: ignore[attr-defined]
    assert board.window.board.selected_case_id() == case_id


def test_a_drop_on_its_own_column_is_not_a_move(board: Board) -> None:
    case_id = _case_id(board, OUTAGE)
    own = board.window.board.models[Level.L3]
    mime = board.mime(Level.L3, case_id)
    assert not own.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, QModelIndex())
    assert not own.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, QModelIndex())
    foreign = QMimeData()
    foreign.setText(case_id)
    assert not board.window.board.models[Level.L4].dropMimeData(
        foreign, Qt.DropAction.MoveAction, -1, -1, QModelIndex()
    )


def test_cancelled_or_empty_reason_moves_nothing(qtbot: QtBot, board: Board) -> None:
    case_id = _case_id(board, OUTAGE)
    board.person.answer = None
    board.moves.request_move([case_id], Level.L4)
    board.person.answer = "   "
    with qtbot.waitSignal(board.moves.move_refused, timeout=5_000) as refused:
        board.moves.request_move([case_id], Level.L4)
    assert "needs a reason" in refused.args[0]
    assert len(board.person.asked) == 2
    assert board.column_of(case_id) == [Level.L3]
    assert not board.moves.can_undo  # nothing was sent to the database, so nothing to undo
    assert not [e for e in board.history(case_id) if getattr(e, "kind", None) is EventKind.LEVEL_CHANGED]


def _select(board: Board, case_id: str) -> None:
    assert board.window.board.select_case(case_id)
    level = board.column_of(case_id)[0]
    view = board.window.board.columns[level].view
    view.setFocus()


def test_keyboard_escalates_and_deescalates_the_selected_card(qtbot: QtBot, board: Board) -> None:
    case_id = _case_id(board, OUTAGE)
    _select(board, case_id)
    board.window.activateWindow()
    view = board.window.board.columns[Level.L3].view
    with qtbot.waitSignal(board.moves.move_done, timeout=10_000):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert board.column_of(case_id) == [Level.L4]
    view = board.window.board.columns[Level.L4].view
    view.setFocus()
    with qtbot.waitSignal(board.moves.move_done, timeout=10_000):
        qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert board.column_of(case_id) == [Level.L3]
    case_menu = next(m for m in board.window.findChildren(QMenu) if m.title() == "&Case")
    shortcuts = {a.text(): a.shortcut().toString() for a in case_menu.actions()}
    assert shortcuts["&Escalate one level…"] == "Ctrl+Shift+Right"
    assert shortcuts["&De-escalate one level…"] == "Ctrl+Shift+Left"


def test_no_level_above_l5(qtbot: QtBot, board: Board) -> None:
    case_id = _case_id(board, OUTAGE)
    with qtbot.waitSignal(board.moves.move_done, timeout=10_000):
        board.moves.request_move([case_id], Level.L5)
    _select(board, case_id)
    with qtbot.waitSignal(board.moves.move_refused, timeout=5_000) as refused:
        board.moves.escalate_selected()
    assert "already at L5" in refused.args[0]


def test_undo_moves_the_case_back_with_the_reason(qtbot: QtBot, board: Board) -> None:
    case_id = _case_id(board, OUTAGE)
    undo = next(m for m in board.window.findChildren(QMenu) if m.objectName() == "editMenu").actions()[0]
    assert not undo.isEnabled() and undo.shortcut().toString() == "Ctrl+Z"
    with qtbot.waitSignal(board.moves.move_done, timeout=10_000):
        board.moves.request_move([case_id], Level.L5)
    assert undo.isEnabled()
    with qtbot.waitSignal(board.moves.move_done, timeout=10_000):
        undo.trigger()
    assert board.column_of(case_id) == [Level.L3]
    assert not undo.isEnabled()
    moved = [e for e in board.history(case_id) if getattr(e, "kind", None) is EventKind.LEVEL_CHANGED]
    assert [(e.to_value, e.reason) for e in moved] == [("L5", REASON), ("L3", f"Undo: {REASON}")]  # type: ignore[attr-defined]
    assert len(board.person.asked) == 1  # undo does not ask again: it reuses the move's reason


def test_a_stale_version_is_explained_and_the_case_reloaded(qtbot: QtBot, board: Board, clock: FrozenClock) -> None:
    case_id = _case_id(board, OUTAGE)
    shown = board.window.board.card(case_id)
    assert shown is not None
    opened = open_database(resolve_target(board.db))  # someone else, on the same database
    try:
        other = CaseService(opened.store, clock, default_policy(), "someone else")
        other.move_level(case_id, Level.L4, "their reason", shown.version)
    finally:
        opened.store.close()
    with qtbot.waitSignal(board.moves.move_refused, timeout=10_000) as refused:
        board.moves.request_move([case_id], Level.L5)
    assert "changed by someone else" in refused.args[0]
    qtbot.waitUntil(lambda: board.column_of(case_id) == [Level.L4], timeout=10_000)  # reloaded: as it is now
    assert not board.moves.can_undo


def test_a_drop_on_a_card_of_another_column_asks_for_the_move(qtbot: QtBot, board: Board) -> None:
    """The view's own drop handler: dropped on a card (not between cards) of the L4 column, it is still a move."""
    case_id = _case_id(board, OUTAGE)
    view = board.window.board.columns[Level.L4].view
    target = view.visualRect(view.model().index(0, 0)).center()
    mime = board.mime(Level.L3, case_id)  # kept alive: the event does not own it
    drop = QDropEvent(
        target.toPointF(),
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(board.moves.move_done, timeout=10_000):
        view.dropEvent(drop)
    assert drop.isAccepted()
    assert board.column_of(case_id) == [Level.L4]


def test_the_window_filters_groups_and_remembers_the_swimlanes(qtbot: QtBot, board: Board) -> None:
    window = board.window
    bar = window.findChild(FilterBar)
    assert isinstance(bar, FilterBar) and bar.isVisibleTo(window)
    qtbot.keyClicks(bar.search, "Northwind")
    shown = [card.customer_name for model in window.board.models.values() for card in model.cards()]
    assert shown == ["Northwind Traders"]
    bar.clear()
    lanes = next(a for a in window.view_menu.actions() if a.text() == "&Swimlanes").menu()
    assert isinstance(lanes, QMenu)
    next(a for a in lanes.actions() if a.text() == "By severity").trigger()
    assert all(model.grouping is Grouping.SEVERITY for model in window.board.models.values())
    assert BoardPreferences(paths.config_dir() / BOARD_PREFERENCES_FILE).grouping is Grouping.SEVERITY
    l3 = window.board.models[Level.L3]
    assert l3.index(0, 0).data(GroupRole) == "S1 · 1"
