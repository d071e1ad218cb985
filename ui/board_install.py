"""Wires the board's tools into the main window: the filter bar, the Edit and Case menus (undo, escalate,
de-escalate, resolve), View > Find, Swimlanes and Attention limits, the move controller and the tray notices.

`create_desk` calls `install_board_tools(window, controller)` once; everything here lives as long as the window.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QBoxLayout, QDialog, QDialogButtonBox, QFormLayout, QInputDialog, QMenu, QSpinBox, QWidget

from escdesk import paths
from escdesk.domain import Level
from escdesk.notices import overdue_now
from escdesk.zones import user_zone
from ui import text
from ui.board_groups import GROUPING_TEXT, Grouping
from ui.board_moves import MoveController
from ui.board_prefs import MAX_WIP_LIMIT, BoardPreferences
from ui.controller import DeskController
from ui.filters import FilterBar, owners_of
from ui.main_window import MainWindow
from ui.move_dialog import ask_reason
from ui.tray import BreachNotifier

BOARD_PREFERENCES_FILE = "board.ini"


@dataclass
class BoardTools:
    preferences: BoardPreferences
    filter_bar: FilterBar
    moves: MoveController
    notifier: BreachNotifier
    case_menu: QMenu
    undo_action: QAction
    escalate_action: QAction
    deescalate_action: QAction
    resolve_action: QAction
    grouping_actions: dict[Grouping, QAction]

    def me(self, actor: str) -> str:
        return self.preferences.my_name or actor


def install_board_tools(
    window: MainWindow,
    controller: DeskController,
    preferences: BoardPreferences | None = None,
    *,
    remember: bool = True,
) -> BoardTools:
    """Add the board's tools to `window`. `remember` False (screenshots) keeps the board's settings in memory."""
    if preferences is None:
        preferences = BoardPreferences(paths.config_dir() / BOARD_PREFERENCES_FILE if remember else None)
    board = window.board
    board.set_zone(user_zone(controller.context.settings.display_timezone))  # tooltips' instants: the user's zone
    filter_bar = FilterBar(preferences, window)
    page = board.parentWidget()
    page_layout = None if page is None else page.layout()
    if isinstance(page_layout, QBoxLayout):
        page_layout.insertWidget(1, filter_bar)  # between the board's header line and the columns

    def notify(message: str, error: bool) -> None:
        if error:
            window.show_notice(message, error=True)
        else:
            window.statusBar().showMessage(message, 8000)

    moves = MoveController(
        board,
        controller.tasks,
        lambda: controller.service,
        lambda title, prompt: ask_reason(window, title, prompt),
        notify,
        controller,
    )
    notifier = BreachNotifier(window.windowIcon(), parent=controller)
    tools = _build_menus(window, preferences, filter_bar, moves, notifier)
    _wire(window, controller, tools)
    board.set_wip_limits({level: preferences.wip_limit(level) for level in Level})
    _apply_view(window, controller, tools)
    return tools


def _action(window: MainWindow, label: str, shortcut: str | QKeySequence.StandardKey | None = None) -> QAction:
    action = QAction(label, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    return action


def _build_menus(
    window: MainWindow,
    preferences: BoardPreferences,
    filter_bar: FilterBar,
    moves: MoveController,
    notifier: BreachNotifier,
) -> BoardTools:
    edit_menu = window.edit_menu
    undo = _action(window, "&Undo last move", QKeySequence.StandardKey.Undo)
    undo.setEnabled(False)
    edit_menu.addAction(undo)
    case_menu = window.case_menu
    escalate = _action(window, "&Escalate one level…", "Ctrl+Shift+Right")
    deescalate = _action(window, "&De-escalate one level…", "Ctrl+Shift+Left")
    resolve = _action(window, "&Resolve…", "Ctrl+Shift+R")
    first = case_menu.actions()[0] if case_menu.actions() else None
    case_menu.insertActions(first, [escalate, deescalate, resolve])  # type: ignore[arg-type]
    if first is not None:
        case_menu.insertSeparator(first)
    find = _action(window, "&Find cases", QKeySequence.StandardKey.Find)
    clear = _action(window, "C&lear search and filters", "Ctrl+Shift+F")
    limits = _action(window, "&Attention limits…")
    window.view_menu.addSeparator()
    window.view_menu.addActions([find, clear])
    lanes = window.view_menu.addMenu("&Swimlanes")
    group = QActionGroup(window)
    grouping_actions = {}
    for grouping, label in GROUPING_TEXT.items():
        action = group.addAction(label)
        action.setCheckable(True)
        action.setChecked(grouping is preferences.grouping)
        lanes.addAction(action)
        grouping_actions[grouping] = action
    window.view_menu.addAction(limits)
    my_name = _action(window, "&My owner name (for Mine)…")
    my_name.setObjectName("myOwnerNameAction")
    window.view_menu.addAction(my_name)
    find.triggered.connect(lambda: _focus_search(filter_bar))
    clear.triggered.connect(lambda: filter_bar.clear())
    limits.triggered.connect(lambda: _edit_limits(window, preferences))
    my_name.triggered.connect(lambda: _ask_my_name(window, preferences, filter_bar))
    return BoardTools(
        preferences, filter_bar, moves, notifier, case_menu, undo, escalate, deescalate, resolve, grouping_actions
    )


def _focus_search(filter_bar: FilterBar) -> None:
    filter_bar.search.setFocus()
    filter_bar.search.selectAll()


def _wire(window: MainWindow, controller: DeskController, tools: BoardTools) -> None:
    moves, board = tools.moves, window.board
    tools.undo_action.triggered.connect(lambda: moves.undo())
    tools.escalate_action.triggered.connect(lambda: moves.escalate_selected())
    tools.deescalate_action.triggered.connect(lambda: moves.deescalate_selected())
    tools.resolve_action.triggered.connect(lambda: moves.resolve_selected())
    moves.undo_changed.connect(tools.undo_action.setEnabled)
    tools.filter_bar.filter_changed.connect(lambda: _apply_view(window, controller, tools))
    for grouping, action in tools.grouping_actions.items():
        action.triggered.connect(lambda _checked=False, g=grouping: _set_grouping(window, controller, tools, g))
    controller.database_opened.connect(lambda _display: moves.clear_undo())
    controller.database_opened.connect(lambda _display: tools.notifier.forget())
    controller.board_loaded.connect(lambda _count: tools.filter_bar.set_owners(owners_of(board.cards())))
    controller.clocks_updated.connect(lambda _count: _check_breaches(window, controller, tools))
    moves.move_done.connect(lambda _case_id: _update_summary(window, controller))
    tools.filter_bar.mine.setToolTip(f"Cases owned by {tools.me(controller.context.actor)}")


def _update_summary(window: MainWindow, controller: DeskController) -> None:
    """The line above the board after a move (a resolve changes what is open and acknowledged)."""
    context = controller.context
    clocks = window.board.models[Level.L0].clocks.values()
    window.show_overdue(len(overdue_now(clocks, context.policy.clocks.calendars, context.clock.now())))


def _ask_my_name(window: MainWindow, preferences: BoardPreferences, filter_bar: FilterBar) -> None:
    """The owner name "Mine" matches, when the cases carry a name other than the login name (empty: the login)."""
    current = preferences.my_name or ""
    name, ok = QInputDialog.getText(
        window, "My owner name", "Your name as the cases' owner (empty: your login name):", text=current
    )
    if ok:
        preferences.my_name = name.strip() or None
        filter_bar.mine.setToolTip(f"Cases owned by {name.strip()}" if name.strip() else "Cases you own")
        filter_bar.filter_changed.emit()


def _apply_view(window: MainWindow, controller: DeskController, tools: BoardTools) -> None:
    """The filter bar's filter and the chosen swimlanes, on every column (a keystroke: one reset per column)."""
    me = tools.me(controller.context.actor)
    window.board.set_view(tools.filter_bar.current_filter(), me, tools.preferences.grouping)


def _set_grouping(window: MainWindow, controller: DeskController, tools: BoardTools, grouping: Grouping) -> None:
    tools.preferences.grouping = grouping
    _apply_view(window, controller, tools)


def _check_breaches(window: MainWindow, controller: DeskController, tools: BoardTools) -> None:
    board = window.board
    clocks = board.models[Level.L0].clocks
    references = {card.id: f"{card.reference} · {card.customer_name}" for card in board.cards()}
    context = controller.context
    tools.notifier.check(clocks.values(), context.policy.clocks.calendars, context.clock.now(), references)


class WipLimitsDialog(QDialog):
    """An attention limit per column (0: none): the header turns amber at the limit and red over it."""

    def __init__(self, window: MainWindow, preferences: BoardPreferences, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("Attention limits")
        self.setObjectName("wipLimitsDialog")
        form = QFormLayout(self)
        self.spins: dict[Level, QSpinBox] = {}
        for level, column in window.board.columns.items():
            spin = QSpinBox(self)
            spin.setRange(0, MAX_WIP_LIMIT)
            spin.setSpecialValueText("No limit")
            spin.setValue(preferences.wip_limit(level) or 0)
            spin.setAccessibleName(f"Attention limit for {column.title_label.text()}")
            form.addRow(column.title_label.text(), spin)
            self.spins[level] = spin
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def limits(self) -> dict[Level, int | None]:
        return {level: spin.value() or None for level, spin in self.spins.items()}


def _edit_limits(window: MainWindow, preferences: BoardPreferences) -> None:
    dialog = WipLimitsDialog(window, preferences)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        apply_limits(window, preferences, dialog.limits())
    dialog.deleteLater()


def apply_limits(window: MainWindow, preferences: BoardPreferences, limits: dict[Level, int | None]) -> None:
    for level, limit in limits.items():
        preferences.set_wip_limit(level, limit)
    window.board.set_wip_limits(limits)
    over = [column for column in window.board.columns.values() if column.attention == "over"]
    if over:
        window.statusBar().showMessage(f"{text.count_text(len(over), 'column')} over the attention limit", 5000)
