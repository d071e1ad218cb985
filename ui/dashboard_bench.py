"""Time View > Dashboard on a database, for tests/benchmarks/bench.py: from the menu action until every chart shows
the result (the `computed` signal, then the paint), offscreen, in a process of its own.

    python -m ui.dashboard_bench SCALE.sqlite 2026-12-01T09:00:00+00:00   # prints {"dashboard_shown_s": ...}

The first showing comes once the board has settled (its cards, then their clocks: what the launch does on the
database worker), as a person who looked at the board would open it; it fills the per-case facts of a database
that has none (escdesk.metrics.facts). The figure is the median of the showings after it, each a fresh
computation (Apply), as a person changing a filter would see.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import datetime

REPEATS = 5


def measure(database: str, now: datetime, repeats: int = REPEATS) -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QAction

    from escdesk.clock import FrozenClock
    from escdesk.policy import default_policy
    from escdesk.settings import Settings
    from ui.app import application, create_desk
    from ui.controller import DeskContext
    from ui.dashboard import DashboardWindow

    app = application()
    context = DeskContext(settings=Settings(), clock=FrozenClock(now), policy=default_policy(), actor="bench")
    window, controller = create_desk(context, screenshot=True)

    def wait(signal: object) -> None:
        loop = QEventLoop()
        signal.connect(loop.quit)  # type: ignore[attr-defined]
        QTimer.singleShot(600_000, loop.quit)
        loop.exec()

    controller.start(database)
    wait(controller.clocks_updated)  # the launch's own work done (cards, then their clocks): the board settled
    action = window.findChild(QAction, "dashboardAction")
    assert action is not None, "View > Dashboard is not installed"
    start = time.perf_counter()
    action.trigger()
    dashboard = window.findChild(DashboardWindow)
    assert dashboard is not None
    samples = []
    for i in range(repeats + 1):
        if i:
            start = time.perf_counter()
            dashboard.apply_button.click()
        wait(dashboard.computed)
        dashboard.grid_host.repaint()  # every chart painted
        app.processEvents()
        samples.append(time.perf_counter() - start)
    controller.shutdown()
    window.close()
    return {"dashboard_first_shown_s": samples[0], "dashboard_shown_s": statistics.median(samples[1:])}


if __name__ == "__main__":
    figures = measure(sys.argv[1], datetime.fromisoformat(sys.argv[2]))
    print(json.dumps({k: round(v, 3) for k, v in figures.items()}))
