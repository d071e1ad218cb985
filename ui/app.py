"""The composition root: the one place that wires settings, clock, policy, user, database, services and windows.

Nothing happens at import time; `run_app` does everything, in order: choose the Qt platform, start opening the
launch's database and reading its board on a thread (ui.desk_open.EarlyOpen), then, while that runs, import Qt,
create the QApplication and the window (ui.desk), show the board once both are ready.

This module imports no Qt and none of the core's database code at load time: `escdesk` (escdesk.cli) imports it
for the GUI only, and the launch's read must start before the few hundred milliseconds of importing PySide6 and
the widgets (issue 4: the board within 1.5 s of launch on 15,000 customers). The Qt half's names are served
from ui.desk on first use (`from ui.app import create_desk` still works).
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from escdesk.logs import configure_logging

if TYPE_CHECKING:
    from ui.desk import SCREENSHOT_SIZE as SCREENSHOT_SIZE
    from ui.desk import application as application
    from ui.desk import create_desk as create_desk
    from ui.desk import save_screenshot as save_screenshot
    from ui.desk_open import make_context as make_context

# tests/benchmarks/bench.py sets this to time launch -> board shown from outside the process. The marker is printed
# when the board shows the open cases (DeskController.board_loaded), before their clocks follow.
STARTUP_MARKER_VARIABLE = "ESCDESK_STARTUP_MARKERS"
STARTUP_MARKER = "escdesk: board shown"

_LAZY_NAMES = {
    "SCREENSHOT_SIZE": "ui.desk",
    "application": "ui.desk",
    "create_desk": "ui.desk",
    "save_screenshot": "ui.desk",
    "make_context": "ui.desk_open",
}


def __getattr__(name: str) -> object:
    """The Qt half's names (tests, benchmarks and ui.dashboard_bench import them from here), loaded when asked."""
    module = _LAZY_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


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


def run_app(db: str | None, screenshot: Path | None) -> int:
    """Start the desktop app on `db` (or the last / default / demo database); 0 on a normal exit.

    With `screenshot`, render the window once the board has loaded, write the PNG and exit 0; on any failure
    print the reason to stderr and exit 1.
    """
    choose_platform(screenshot)
    configure_logging()  # warnings and errors to the user's log folder (escdesk.logs), never a password
    collecting = gc.isenabled()
    gc.disable()  # until the window is up: see _startup_done
    try:
        # The core's database half (SQLAlchemy, the store, the services) is imported here, on this thread, before
        # the thread starts: two threads importing overlapping modules at once can deadlock on the import locks.
        from ui.desk_open import EarlyOpen

        early = EarlyOpen(db)  # the context, then the database opened and its cards read, while Qt loads
        try:
            from ui.desk import run_desk

            return run_desk(db, screenshot, early, _startup_done(collecting))
        finally:
            early.close()
    finally:
        gc.unfreeze()  # the caller's process as it was (tests run the app in theirs)
        if collecting:
            gc.enable()


def _startup_done(collecting: bool) -> Callable[[], None]:
    """What `run_desk` calls once the window is built, just before the event loop.

    Importing Qt, SQLAlchemy and the app makes some 80,000 tracked objects that live as long as the app, and
    almost no garbage; the cycle collector, left on, walks them again and again while they are made (about 60 ms
    of the launch on the scale database) and on every full collection after (40-60 ms each). So it is off until
    the window is built, then everything made so far is frozen (never walked again) and it runs as usual for what
    the app makes from then on.
    """

    def done() -> None:
        gc.freeze()
        if collecting:
            gc.enable()

    return done


def print_startup_marker(count: int) -> None:
    print(f"{STARTUP_MARKER} ({count} cases)", file=sys.stderr, flush=True)


def main() -> int:
    """The `escdesk-gui` entry point: the same command line as `escdesk` (see escdesk.cli)."""
    from escdesk.cli import main as cli_main

    return cli_main(sys.argv[1:])
