"""The case workspace in a dock on the right of the main window, and how the desk installs it.

A dock rather than a page or a dialog: the board stays in view (a lead works one case while watching the rest
burn), the dock can be floated onto a second screen, and its place is kept with the window state.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

from ui.brief_tab import install_brief_tab
from ui.controller import DeskController
from ui.main_window import MainWindow
from ui.new_case_dialog import install_new_case_action
from ui.prompts_panel import PromptsPanel
from ui.workspace import CaseWorkspace


class CaseWorkspaceDock(QDockWidget):
    """The workspace in a dock on the right of the board."""

    def __init__(self, controller: DeskController, parent: QMainWindow) -> None:
        super().__init__("Case", parent)
        self.setObjectName("caseWorkspaceDock")  # saveState keeps its place by this name
        self.workspace = CaseWorkspace(controller, self)
        self.setWidget(self.workspace)
        self.setAllowedAreas(Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.BottomDockWidgetArea)
        self.workspace.case_loaded.connect(self._title_for_case)

    def open_case(self, case_id: str) -> None:
        self.show()
        self.raise_()
        self.workspace.show_case(case_id)

    def _title_for_case(self, _case_id: str) -> None:
        snapshot = self.workspace.snapshot
        if snapshot is not None:
            self.setWindowTitle(f"Case {snapshot.card.reference}")


def install_case_workspace(window: MainWindow, controller: DeskController) -> CaseWorkspaceDock:
    """The workspace dock, opened from the board (double-click, Enter), and Case > New case… (Ctrl+N)."""
    dock = CaseWorkspaceDock(controller, window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()
    window.board.case_activated.connect(dock.open_case)
    window.case_requested.connect(dock.open_case)
    controller.database_opened.connect(lambda _display: dock.workspace.clear())
    controller.board_loaded.connect(lambda _count: dock.workspace.follow_board(window.board.cards()))
    _embed_prompts_panel(dock.workspace, controller)
    install_brief_tab(dock.workspace, controller)  # the Brief tab: the brief's fields, edited and saved
    install_new_case_action(controller, dock.open_case)
    return dock


def _embed_prompts_panel(workspace: CaseWorkspace, controller: DeskController) -> None:
    panel = PromptsPanel(controller, workspace)
    workspace.set_prompts_panel(panel)

    def changed(_case_id: str) -> None:  # the panel saved an involvement: the case and the board move on
        workspace.refresh()
        controller.refresh()

    panel.case_changed.connect(changed)
