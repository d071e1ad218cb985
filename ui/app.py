"""The composition root: the one place that wires settings, clock, policy, user, database, services and windows.

Nothing happens at import time; `run_app` does everything, in order: choose the Qt platform, create the
QApplication, build the context, show the window, open the database off the GUI thread.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from escdesk import __version__, paths
from escdesk.clock import SystemClock
from escdesk.connect import open_database
from escdesk.errors import EscDeskError
from escdesk.logs import configure_logging
from escdesk.policy import PolicyError
from escdesk.policy_store import load_effective_policy
from escdesk.settings import Settings
from resources import resource_path
from ui.board_install import install_board_tools
from ui.controller import DeskContext, DeskController, Opener
from ui.daily_backup import DailyBackup
from ui.exports import ExportController
from ui.feature_actions import install_feature_actions
from ui.main_window import MainWindow
from ui.settings_dialog import install_settings_action
from ui.slow_burn_dialog import install_slow_burn_action
from ui.workspace_dock import install_case_workspace

# tests/benchmarks/bench.py sets this to time launch -> board shown from outside the process.
STARTUP_MARKER_VARIABLE = "ESCDESK_STARTUP_MARKERS"
STARTUP_MARKER = "escdesk: board shown"
SCREENSHOT_SIZE = QSize(1600, 900)
SCREENSHOT_TIMEOUT_MS = 300_000  # a screenshot run never hangs a build: it gives up after five minutes
OFFSCREEN_FONT = ("DejaVu Sans", 10)  # offscreen Qt has no desktop font settings; this one ships with the machine


def choose_platform(screenshot: Path | None) -> None:
    """Before any QApplication: render offscreen for --screenshot, or when there is no display to show on."""
    if screenshot is not None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return
    if os.environ.get("QT_QPA_PLATFORM"):
        return
    linux_like = sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))
    if linux_like and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        print(
            "escdesk: note: no display (DISPLAY and WAYLAND_DISPLAY are unset), so the window is not visible; "
            "use --screenshot FILE.png to see the board, or the subcommands (escdesk --help)",
            file=sys.stderr,
        )


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


def _actor() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (some containers): still record something honest
        return "unknown user"


def make_context() -> DeskContext:
    """The user's policy file when it is valid, else the default (a broken file is named in a notice)."""
    effective = load_effective_policy()
    return DeskContext(
        settings=Settings.load(),
        clock=SystemClock(),
        policy=effective.policy,
        actor=_actor(),
        policy_file=effective.source,
        policy_notice=effective.notice,
    )


def create_desk(
    context: DeskContext, *, screenshot: bool = False, opener: Opener = open_database
) -> tuple[MainWindow, DeskController]:
    """The main window and its controller. A screenshot run asks nothing and keeps no window state."""
    state_file = None if screenshot else paths.config_dir() / "window.ini"
    window = MainWindow(context.policy, context.clock.now, state_file)
    controller = DeskController(context, window, interactive=not screenshot, opener=opener)
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


def run_app(db: str | None, screenshot: Path | None) -> int:
    """Start the desktop app on `db` (or the last / default / demo database); 0 on a normal exit.

    With `screenshot`, render the window once the board has loaded, write the PNG and exit 0; on any failure
    print the reason to stderr and exit 1.
    """
    choose_platform(screenshot)
    configure_logging()  # warnings and errors to the user's log folder (escdesk.logs), never a password
    app = application()
    try:
        context = make_context()
    except PolicyError as exc:
        print(f"escdesk: error: {exc}", file=sys.stderr)
        return 1
    window, controller = create_desk(context, screenshot=screenshot is not None)
    if os.environ.get(STARTUP_MARKER_VARIABLE):
        controller.board_loaded.connect(_print_startup_marker)
    if screenshot is not None:
        return _run_for_screenshot(app, window, controller, db, screenshot)
    window.show()
    QTimer.singleShot(0, lambda: controller.start(db))
    code = app.exec()
    _dispose(window, controller)
    return code


def _run_for_screenshot(
    app: QApplication, window: MainWindow, controller: DeskController, db: str | None, target: Path
) -> int:
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
    window.show()
    QTimer.singleShot(0, lambda: controller.start(db))
    code = app.exec()
    _dispose(window, controller)
    return code


def _print_startup_marker(count: int) -> None:
    print(f"{STARTUP_MARKER} ({count} cases)", file=sys.stderr, flush=True)


def _dispose(window: MainWindow, controller: DeskController) -> None:
    controller.shutdown()
    window.close()
    window.deleteLater()


def main() -> int:
    """The `escdesk-gui` entry point: the same command line as `escdesk` (see escdesk.cli)."""
    from escdesk.cli import main as cli_main

    return cli_main(sys.argv[1:])
