"""Ctrl+C just after launch: the event loop is already running while the board is still being read (the early
read of ui.desk_open), and the run must end with a clean message, not a lost board load, a hang or a crash."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from gui_builders import SAMPLE, build_database

# The board's read takes its time, and the Ctrl+C comes while it runs: sent from the database worker, so the main
# thread is surely in the event loop (a real launch on a big database, interrupted in its first second).
INTERRUPTED_WHILE_LOADING = """
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # as from a terminal (a background job ignores it)
from ui.controller import DeskController
take = DeskController._take_early
def slow_take(self, early, value):
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.5)
    return take(self, early, value)
DeskController._take_early = slow_take
from escdesk.cli import main
sys.exit(main(["--db", sys.argv[1], "--screenshot", sys.argv[2]]))
"""


@pytest.mark.slow
@pytest.mark.skipif(os.name == "nt", reason="SIGINT is a POSIX signal")
def test_ctrl_c_while_the_board_loads_quits_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "book.sqlite"
    build_database(db, SAMPLE)
    shot = tmp_path / "board.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_WHILE_LOADING, str(db), str(shot)],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,  # without the handler the board never loads and the run waits for its 5-minute limit
        check=False,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip() == "escdesk: interrupted"  # no traceback from a slot, no crash
    assert not shot.exists()
    assert not Path(f"{db}-wal").exists()  # closed properly: SQLite folded and removed its journal
