"""The case workspace in a dock on the right of the main window, and how the desk installs it.

A dock rather than a page or a dialog: the board stays in view (a lead works one case while watching the rest
burn), the dock can be floated onto a second screen, and its place is kept with the window state.

The dock is made at start (its place, Case > New case…); the workspace inside it is built the first time a case
is opened (or something asks for `workspace`): its modules (the checklist, the timeline, the brief tab, the
prompts panel) are about a tenth of a second of the launch, and the first look at the board shows no case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

from ui.controller import DeskController
from ui.main_window import MainWindow
from ui.new_case_dialog import install_new_case_action

if TYPE_CHECKING:
    from ui.workspace import CaseWorkspace


class CaseWorkspaceDock(QDockWidget):
    """The workspace in a dock on the right of the board; the workspace is built on first use."""

    def __init__(self, controller: DeskController, parent: QMainWindow) -> None:
        super().__init__("Case", parent)
        self.setObjectName("caseWorkspaceDock")  # saveState keeps its place by this name
        self._controller = controller
        self._workspace: CaseWorkspace | None = None
        self.setAllowedAreas(Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.BottomDockWidgetArea)

    @property
    def workspace(self) -> CaseWorkspace:
        """The case workspace, with its prompts panel and Brief tab (built the first time it is asked for)."""
        if self._workspace is None:
            self._workspace = _build_workspace(self._controller, self)
            self.setWidget(self._workspace)
            self._workspace.case_loaded.connect(self._title_for_case)
        return self._workspace

    @property
    def workspace_built(self) -> bool:
        return self._workspace is not None

    def open_case(self, case_id: str) -> None:
        workspace = self.workspace
        self.show()
        self.raise_()
        workspace.show_case(case_id)

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
    # A workspace not built yet shows no case: nothing of it to clear or to bring up to date.
    controller.database_opened.connect(lambda _display: dock.workspace.clear() if dock.workspace_built else None)
    controller.board_loaded.connect(
        lambda _count: dock.workspace.follow_board(window.board.cards()) if dock.workspace_built else None
    )
    install_new_case_action(controller, dock.open_case)
    return dock


def _build_workspace(controller: DeskController, dock: CaseWorkspaceDock) -> CaseWorkspace:
    from ui.brief_tab import install_brief_tab
    from ui.workspace import CaseWorkspace

    workspace = CaseWorkspace(controller, dock)
    _embed_prompts_panel(workspace, controller)
    install_brief_tab(workspace, controller)  # the Brief tab: the brief's fields, edited and saved
    return workspace


def _embed_prompts_panel(workspace: CaseWorkspace, controller: DeskController) -> None:
    from ui.prompts_panel import PromptsPanel

    panel = PromptsPanel(controller, workspace)
    workspace.set_prompts_panel(panel)

    def changed(_case_id: str) -> None:  # the panel saved an involvement: the case and the board move on
        workspace.refresh()
        controller.refresh()

    panel.case_changed.connect(changed)
