"""What the launch loads before the board is shown (issue 4): the modules the first look does not need stay out, and
the case workspace is built when a case is first opened, not at start."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from gui_builders import Desk
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from ui.workspace_dock import CaseWorkspaceDock

# Loaded when their window, dialog or export is first used (each is tens of milliseconds of the launch).
LATER = (
    "ui.workspace",  # the case workspace, its checklist, timeline and Brief tab
    "ui.brief_tab",
    "ui.prompts_panel",
    "ui.customer_picker",  # the New case dialog's customer search
    "escdesk.customer_search",
    "escdesk.exports",  # the PDF writers and the content they gather
    "escdesk.brief_service",
    "ui.automatic_moves",  # the ladder's automatic moves: first evaluated a minute after start
    "keyring",  # only a team database needs a password
)


def _modules_after(statement: str) -> set[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    code = f"{statement}; import json, sys; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


def test_the_entry_module_loads_neither_qt_nor_the_database_code() -> None:
    loaded = _modules_after("import ui.app")  # what escdesk.cli imports before run_app starts the early read
    assert not {name for name in loaded if name.split(".")[0] in ("PySide6", "sqlalchemy")}


def test_the_desk_modules_leave_later_features_out() -> None:
    loaded = _modules_after("import ui.desk_open, ui.desk")
    assert not loaded & set(LATER)


def test_the_workspace_is_built_when_a_case_is_first_opened(qtbot: QtBot, desk: Desk) -> None:
    window, _controller = desk
    dock = window.findChild(CaseWorkspaceDock)
    assert dock is not None and not dock.isVisible()
    assert not dock.workspace_built  # the board loaded, its clocks too: still nothing built
    new_case = window.findChild(QAction, "newCaseAction")
    assert new_case is not None and new_case in window.case_menu.actions()
    card = window.board.cards()[0]
    window.board.case_activated.emit(card.id)  # a double-click or Enter on the card
    assert dock.workspace_built and dock.isVisible()
    qtbot.waitUntil(lambda: dock.workspace.snapshot is not None, timeout=20_000)
    assert dock.workspace.snapshot is not None and dock.workspace.snapshot.case_id == card.id
    assert dock.widget() is dock.workspace
