"""The Qt half of the composition root: the QApplication, the main window and its controller, every feature
installed on them, and the event loop of a run (interactive or a screenshot).

`ui.app.run_app` comes here once it has started reading the launch's database (ui.desk_open.EarlyOpen).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from escdesk import __version__, paths
from escdesk.connect import open_database
from escdesk.errors import EscDeskError
from escdesk.policy import PolicyError
from resources import resource_path
from ui.app import STARTUP_MARKER_VARIABLE, print_startup_marker
from ui.board_install import install_board_tools
from ui.controller import DeskContext, DeskController, Opener
from ui.daily_backup import DailyBackup
from ui.desk_open import EarlyOpen
from ui.exports import ExportController
from ui.feature_actions import install_feature_actions
from ui.main_window import MainWindow
from ui.settings_dialog import install_settings_action
from ui.slow_burn_dialog import install_slow_burn_action
from ui.workspace_dock import install_case_workspace

SCREENSHOT_SIZE = QSize(1600, 900)
SCREENSHOT_TIMEOUT_MS = 300_000  # a screenshot run never hangs a build: it gives up after five minutes
OFFSCREEN_FONT = ("DejaVu Sans", 10)  # offscreen Qt has no desktop font settings; this one ships with the machine


def application() -> QApplication:
    """The QApplication (created once; tests bring their own), named, with the icon and the style sheet."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(paths.APP_NAME)
    app.setOrganizationName(paths.APP_NAME)
    app.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName("escdesk")
    if QGuiApplication.platformName() == "offscreen":
        _ensure_offscreen_font(resource_path("fonts"))
        app.setFont(QFont(*OFFSCREEN_FONT))

    app.setWindowIcon(QIcon(str(resource_path("icons", "escdesk.svg"))))
    style = resource_path("style", "escdesk.qss")
    if style.is_file():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def _ensure_offscreen_font(fonts: Path) -> None:
    """A machine without DejaVu (a slim CI image, a bundle) still renders text: use the copy the PDFs embed."""
    if OFFSCREEN_FONT[0] in QFontDatabase.families():
        return
    for font in sorted(fonts.glob("DejaVuSans*.ttf")):
        QFontDatabase.addApplicationFont(str(font))


def create_desk(
    context: DeskContext,
    *,
    screenshot: bool = False,
    opener: Opener = open_database,
    early: EarlyOpen | None = None,
) -> tuple[MainWindow, DeskController]:
    """The main window and its controller. A screenshot run asks nothing and keeps no window state.

    `early`: the launch's database, already being opened and read (run_app); the controller's first open takes it.
    """
    state_file = None if screenshot else paths.config_dir() / "window.ini"
    window = MainWindow(context.policy, context.clock.now, state_file)
    controller = DeskController(context, window, interactive=not screenshot, opener=opener, early=early)
    ExportController(controller)  # parented to the controller: its menu actions live as long as the desk
    install_feature_actions(window, controller)  # dashboard, import, calendars, directory, editors: loaded when used
    install_slow_burn_action(window, controller, daily=not screenshot)  # View > Slow-burn proposals…, daily scan
    install_board_tools(window, controller, remember=not screenshot)
    install_case_workspace(window, controller)  # the case dock beside the board, Case > New case… (Ctrl+N)
    install_settings_action(window, controller)  # Edit > Preferences…
    if not screenshot:
        DailyBackup(controller)  # once the board is shown, off the GUI thread and the database worker
    if context.policy_notice is not None:
        window.show_notice(context.policy_notice, error=True)
    return window, controller


def save_screenshot(window: MainWindow, target: Path) -> None:
    """Render the window as it is now to a PNG; raises EscDeskError with the reason when it cannot."""
    QApplication.processEvents()  # let the list views lay out the cards just loaded
    if not target.parent.is_dir():
        raise EscDeskError(f"cannot write the screenshot {target}: the folder {target.parent} does not exist")
    if not window.grab().save(str(target), "PNG"):
        raise EscDeskError(f"cannot write the screenshot {target}")


def run_desk(db: str | None, screenshot: Path | None, early: EarlyOpen, built: Callable[[], None]) -> int:
    """The rest of `ui.app.run_app`: the application, the window, the event loop; 0 on a normal exit.

    `built` is called once the window is built, before the event loop starts."""
    app = application()
    try:
        context = early.context()
    except PolicyError as exc:
        print(f"escdesk: error: {exc}", file=sys.stderr)
        return 1
    window, controller = create_desk(context, screenshot=screenshot is not None, early=early)
    if os.environ.get(STARTUP_MARKER_VARIABLE):
        controller.board_loaded.connect(print_startup_marker)
    if screenshot is not None:
        _shoot_when_loaded(app, window, controller, screenshot)
    return _run_loop(app, window, controller, db, built)


def _run_loop(
    app: QApplication, window: MainWindow, controller: DeskController, db: str | None, built: Callable[[], None]
) -> int:
    """Show the window, open the database once the loop runs, run the loop; the loop's exit status."""
    window.show()
    QTimer.singleShot(0, lambda: controller.start(db))
    built()
    with _interrupt_quits(app):
        code = app.exec()
    _dispose(window, controller)
    return code


def _shoot_when_loaded(app: QApplication, window: MainWindow, controller: DeskController, target: Path) -> None:
    """A screenshot run: once the board and its clocks are in, write the PNG and end the loop (1 on failure)."""

    def loaded(_count: int) -> None:
        QTimer.singleShot(0, shoot)  # after the views' delayed layout of the new rows

    def shoot() -> None:
        try:
            save_screenshot(window, target)
        except EscDeskError as exc:
            failed(str(exc))
            return
        app.exit(0)

    def failed(message: str) -> None:
        print(f"escdesk: error: {message}", file=sys.stderr)
        app.exit(1)

    # The cards show first and their clocks follow (see DeskController._opened): the picture waits for both.
    controller.clocks_updated.connect(loaded)
    controller.clocks_failed.connect(lambda _message: loaded(0))
    controller.open_failed.connect(failed)
    QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, window, lambda: failed("timed out waiting for the board to load"))
    window.resize(SCREENSHOT_SIZE)


@contextmanager
def _interrupt_quits(app: QApplication) -> Iterator[None]:
    """While the event loop runs, Ctrl+C (SIGINT) ends the run as Quit does, with exit status 130.

    Left to Python's default, the KeyboardInterrupt is raised in whichever slot or paint event runs Python next:
    PySide prints it and drops that callback (a lost board load leaves the window "Opening the database" for good)
    or, inside a paintEvent, Qt crashes. The launch enters the loop while the board is still being read, so a
    Ctrl+C just after start lands here. Python runs signal handlers only between bytecodes: the timer makes some."""
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield  # ignored (a background job) or the embedding program's own handler: left as it is
        return

    def interrupted(_signal: int, _frame: object) -> None:
        print("escdesk: interrupted", file=sys.stderr)
        app.exit(130)

    tick = QTimer()
    tick.timeout.connect(lambda: None)
    tick.start(200)
    signal.signal(signal.SIGINT, interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        tick.stop()


def _dispose(window: MainWindow, controller: DeskController) -> None:
    controller.shutdown()
    window.close()
    window.deleteLater()
