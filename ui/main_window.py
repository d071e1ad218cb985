"""The main window: menus, the board (or a busy / problem page in its place), notices and the status bar.

It shows what it is told and offers actions; opening databases and loading cards is the controller's job.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QMenu, QStackedWidget, QVBoxLayout, QWidget

from escdesk.clock_service import CaseClockView
from escdesk.domain import CaseCard
from escdesk.policy import Policy
from ui import text
from ui.board import BoardWidget
from ui.pages import BusyPage, Choice, NoticeBar, ProblemPage

DEFAULT_SIZE = (1440, 860)


@dataclass(frozen=True)
class WindowActions:
    """The window's menu actions; the controller connects to their `triggered` signals."""

    new_database: QAction
    open_database: QAction
    connect_team: QAction
    open_demo: QAction
    quit: QAction
    refresh: QAction
    about: QAction

    def database_actions(self) -> tuple[QAction, ...]:
        return (self.new_database, self.open_database, self.connect_team, self.open_demo, self.refresh)


class MainWindow(QMainWindow):
    """EscDesk's one main window.

    `state_file` (an INI file) keeps geometry and window state between runs; None keeps nothing (screenshots).

    Signals:
        closed(): the window was closed; the owner stops its background work.
        case_requested(str): a case should be shown in full (picked in the dashboard, say); the workspace opens it.
    """

    closed = Signal()
    case_requested = Signal(str)

    def __init__(
        self, policy: Policy, now: Callable[[], datetime], state_file: Path | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("EscDesk")
        self._state_file = state_file
        self.board = BoardWidget(policy, now, self)
        self.busy_page = BusyPage(self)
        self.problem_page = ProblemPage(self)
        self.notice_bar = NoticeBar(self)
        self.board_summary = QLabel(self)
        self.board_summary.setObjectName("boardSummary")
        self.stack = QStackedWidget(self)
        self._build_central()
        self.menu_actions = self._build_menus()
        self._build_status_bar()
        # An explicit minimum: the layout never resizes a shown window's limits when a label's text changes (and
        # the offscreen platform, which cannot pass size hints on, stays quiet).
        self.setMinimumSize(self.board.minimumSizeHint().width(), self.fontMetrics().height() * 30)
        self.resize(*DEFAULT_SIZE)
        self._restore_state()

    # -- construction -------------------------------------------------------------------------------------------
    def _build_central(self) -> None:
        board_page = QWidget(self)
        board_page.setObjectName("boardPage")
        header = QHBoxLayout()
        margin = self.fontMetrics().height()
        header.setContentsMargins(margin, margin // 2, margin, 0)
        title = QLabel("Open escalations", board_page)
        title.setObjectName("boardTitle")
        header.addWidget(title)
        header.addSpacing(margin)
        header.addWidget(self.board_summary, 1)
        page_layout = QVBoxLayout(board_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(0)
        page_layout.addLayout(header)
        page_layout.addWidget(self.board, 1)
        for page in (self.busy_page, self.problem_page, board_page):
            self.stack.addWidget(page)
        self._board_page = board_page
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.notice_bar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    def _action(self, label: str, shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None) -> QAction:
        action = QAction(label, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        return action

    def _build_menus(self) -> WindowActions:
        actions = WindowActions(
            new_database=self._action("&New empty database…", "Ctrl+Shift+N"),  # Ctrl+N: Case > New case…
            open_database=self._action("&Open database…", QKeySequence.StandardKey.Open),
            connect_team=self._action("&Connect team database…"),
            open_demo=self._action("Open &demo database"),
            quit=self._action("&Quit", "Ctrl+Q"),
            refresh=self._action("&Refresh", "F5"),
            about=self._action("&About EscDesk"),
        )
        file_menu = self.file_menu = self.menuBar().addMenu("&File")  # kept: the export actions join it
        file_menu.addActions([actions.new_database, actions.open_database, actions.connect_team, actions.open_demo])
        file_menu.addSeparator()
        file_menu.addAction(actions.quit)
        # Every top-level menu is made here, in the desktop's order; features add their actions to them.
        self.edit_menu = self._menu("&Edit", "editMenu")
        self.view_menu = self._menu("&View", "viewMenu")
        self.view_menu.addAction(actions.refresh)
        self.case_menu = self._menu("&Case", "caseMenu")
        self.tools_menu = self._menu("&Tools", "toolsMenu")
        self.help_menu = self._menu("&Help", "helpMenu")
        self.help_menu.addAction(actions.about)
        actions.quit.setMenuRole(QAction.MenuRole.QuitRole)
        actions.about.setMenuRole(QAction.MenuRole.AboutRole)
        actions.quit.triggered.connect(self.close)
        return actions

    def _menu(self, title: str, name: str) -> QMenu:
        menu = self.menuBar().addMenu(title)
        menu.setObjectName(name)
        return menu

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.database_label = QLabel(self)
        self.database_label.setObjectName("databaseLabel")
        self.demo_badge = QLabel("Demo data", self)
        self.demo_badge.setObjectName("demoBadge")
        self.demo_badge.setToolTip("Generated sample customers and cases, not real data")
        self.demo_badge.hide()
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        bar.addWidget(self.database_label, 1)
        bar.addPermanentWidget(self.demo_badge)
        bar.addPermanentWidget(self.count_label)

    # -- what the controller tells us -----------------------------------------------------------------------------
    def show_busy(self, title: str, detail: str = "") -> None:
        self.busy_page.show_work(title, detail)
        self.stack.setCurrentWidget(self.busy_page)

    def show_problem(self, title: str, message: str, choices: Sequence[Choice]) -> None:
        self.problem_page.show_problem(title, message, choices)
        self.stack.setCurrentWidget(self.problem_page)

    def show_board(self, cards: Sequence[CaseCard], clocks: Mapping[str, CaseClockView] | None = None) -> None:
        self.board.set_cards(cards, clocks)
        self.board_summary.setText(text.board_summary(cards))
        self.count_label.setText(text.count_text(len(cards), "open case"))
        self.stack.setCurrentWidget(self._board_page)

    def show_overdue(self, count: int) -> None:
        """The number of overdue clocks shown now (re-counted at each clock evaluation) joins the summary line."""
        self.board_summary.setText(text.board_summary(self.board.cards(), count))

    @property
    def showing_board(self) -> bool:
        return self.stack.currentWidget() is self._board_page

    def set_database(self, display: str, *, demo: bool) -> None:
        self.database_label.setText(display)
        self.database_label.setToolTip(display)
        self.demo_badge.setVisible(demo)
        name = Path(display).name if "://" not in display else display
        self.setWindowTitle(f"{name} — EscDesk" + (" (demo data)" if demo else ""))

    def show_notice(self, message: str, *, error: bool = False) -> None:
        self.notice_bar.show_notice(message, error=error)

    def set_working(self, working: bool) -> None:
        """While a database task runs, database actions wait (one open or load at a time)."""
        for action in self.menu_actions.database_actions():
            action.setEnabled(not working)

    # -- window state ---------------------------------------------------------------------------------------------
    def _settings(self) -> QSettings | None:
        if self._state_file is None:
            return None
        return QSettings(str(self._state_file), QSettings.Format.IniFormat)

    def _restore_state(self) -> None:
        settings = self._settings()
        if settings is None:
            return
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = settings.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)

    def save_state(self) -> None:
        settings = self._settings()
        if settings is None:
            return
        self._state_file.parent.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.closed.emit()
        super().closeEvent(event)
