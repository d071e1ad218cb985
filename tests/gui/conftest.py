"""GUI test fixtures: the EscDesk-styled QApplication, a desk (window + controller) on a frozen clock, and a guard
that fails any test leaving a worker thread alive (napari's habit: leaks are bugs, found where they start).

tests/conftest.py already makes every test headless, with a private keyring and private XDG folders.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from gui_builders import AS_OF, Desk, MakeDesk, build_database  # beside this file; pytest puts this folder on sys.path
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from escdesk.clock import FrozenClock
from escdesk.connect import open_database
from escdesk.policy import default_policy
from escdesk.settings import Settings
from ui.app import application, create_desk
from ui.controller import DeskContext, Opener


@pytest.fixture(autouse=True)
def nothing_left_running() -> Iterator[None]:
    """Fail the test if it leaves a thread running or a window open (checked after pytest-qt has closed the
    widgets the test registered with qtbot)."""
    before = set(threading.enumerate())
    yield
    leftover = [t.name for t in threading.enumerate() if t not in before and t.is_alive()]
    if leftover:
        pytest.fail(f"the test left threads running: {', '.join(leftover)}")
    app = QApplication.instance()
    windows = [w for w in QApplication.topLevelWidgets() if w.isVisible()] if app is not None else []
    if windows:
        names = ", ".join(w.objectName() or type(w).__name__ for w in windows)
        for window in windows:
            window.close()
        pytest.fail(f"the test left windows open: {names}")


@pytest.fixture
def escdesk_app(qapp: QApplication) -> QApplication:
    """pytest-qt's QApplication, set up as the app sets up its own (style sheet, icon, offscreen font)."""
    return application()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(AS_OF)


@pytest.fixture
def desk_context(clock: FrozenClock) -> DeskContext:
    return DeskContext(settings=Settings(), clock=clock, policy=default_policy(), actor="tester")


@pytest.fixture
def make_desk(escdesk_app: QApplication, qtbot: QtBot, desk_context: DeskContext) -> MakeDesk:
    """Build a window and its controller; closing it at teardown (pytest-qt) stops its worker."""

    def build(*, screenshot: bool = False, opener: Opener = open_database) -> Desk:
        window, controller = create_desk(desk_context, screenshot=screenshot, opener=opener)
        qtbot.addWidget(window)
        window.show()
        return window, controller

    return build


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """The small book of business of gui_builders in a fresh SQLite file."""
    db = tmp_path / "book.sqlite"
    build_database(db)
    return db


@pytest.fixture
def desk(qtbot: QtBot, book: Path, make_desk: MakeDesk) -> Desk:
    """The desk on `book`, its cards and clocks loaded (a test file may define its own `desk` instead)."""
    window, controller = make_desk()
    with qtbot.waitSignals([controller.board_loaded, controller.clocks_updated], timeout=20_000):
        controller.start(str(book))
    return window, controller
