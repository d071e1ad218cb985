"""SIGKILL at random points during an import, a board move and a PDF export: nothing committed is lost.

Each run starts a child process that repeats one unit of work (an import of a file, a level move, a brief export)
and, after each commit, writes what it committed to a report file and fsyncs it. The parent kills the child with
SIGKILL at a random moment (seeded: the same seed replays the same kill points), then checks:
- SQLite's `PRAGMA integrity_check` passes;
- every change the child reported as committed is in the database;
- the unit that was cut short is all or nothing (an import's customers all there or none, a move's level, version
  and history event together or not at all, a PDF whole or the previous one).

ESCDESK_CRASH_RUNS (default 5; two thirds of that for exports) sets the kills per kind; ESCDESK_CRASH_SEED the
seed; ESCDESK_FIGURES a JSON-lines file the figures (runs, faults injected, committed units, lost) are appended to
(docs/reliability.md quotes them).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from escdesk.connect import OpenedDatabase
from escdesk.domain import Level
from escdesk.services import CaseService

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

RUNS = int(os.environ.get("ESCDESK_CRASH_RUNS", "5"))
EXPORT_RUNS = max(RUNS * 2 // 3, 1)  # each export run pays for loading reportlab and the fonts
SEED = int(os.environ.get("ESCDESK_CRASH_SEED", "20261203"))
ROWS_PER_IMPORT = 120
STARTUP_TIMEOUT = 60.0

# The child: `python -c CHILD KIND DATABASE REPORT [ARGS]`; loops until killed (or a bound, as a safety net).
CHILD = r"""
import os, sys
from datetime import UTC, datetime
from pathlib import Path

kind, database, report_path = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
from escdesk.clock import FrozenClock
from escdesk.connect import open_database
from escdesk.policy import default_policy
from escdesk.store.engine import resolve_target

store = open_database(resolve_target(database)).store
report = open(report_path, "a", encoding="utf-8")

def committed(line):
    report.write(line + "\n")
    report.flush()
    os.fsync(report.fileno())

report.write("ready\n"); report.flush()
clock = FrozenClock(datetime(2026, 12, 3, 12, 0, tzinfo=UTC))
if kind == "move":
    from escdesk.domain import Level
    from escdesk.services import CaseService
    service = CaseService(store, clock, default_policy(), actor="crash-test")
    case_id = sys.argv[4]
    for _ in range(5000):
        card = service.card(case_id)
        target = Level.L4 if card.level == Level.L3 else Level.L3
        moved = service.move_level(case_id, target, "crash test move", card.version)
        committed(f"{moved.version} {moved.level.code}")
elif kind == "import":
    from escdesk.importing import prepare_import
    for path in sys.argv[4:]:
        prepare_import(Path(path)).apply(store, now=clock.now())
        committed(Path(path).stem)
elif kind == "export":
    from escdesk.exports import ExportOptions, export_brief
    options = ExportOptions(clock=clock, policy=default_policy(), time_zone="Europe/Berlin")
    target = Path(sys.argv[5])
    for number in range(500):
        export_brief(store, sys.argv[4], target, options)
        committed(f"export {number} {target.stat().st_size}")
"""


@dataclass
class Figures:
    kind: str
    runs: int = 0
    faults: int = 0
    committed: int = 0
    lost: int = 0
    interrupted_partial: int = 0
    delays: list[float] = field(default_factory=list)

    def killed(self, delay: float) -> None:
        self.runs += 1
        self.faults += 1
        self.delays.append(delay)

    def write(self) -> None:
        destination = os.environ.get("ESCDESK_FIGURES")
        if destination:
            figures = {k: v for k, v in self.__dict__.items() if k != "delays"}
            spread = {
                "kill_ms_min": round(1000 * min(self.delays), 1),
                "kill_ms_max": round(1000 * max(self.delays), 1),
            }
            with open(destination, "a", encoding="utf-8") as out:
                out.write(json.dumps({**figures, **spread, "seed": SEED}) + "\n")


def report_lines(report: Path) -> list[str]:
    if not report.exists():
        return []
    return [line for line in report.read_text(encoding="utf-8").splitlines() if line != "ready"]


def run_and_kill(args: list[str], report: Path, rng: random.Random, wait_for: int) -> float:
    """Start the child, let it commit `wait_for` units, SIGKILL it at a random moment of the next unit.

    The moment is drawn uniformly over 1.5 times the unit's duration as measured on this run (from "ready" and
    the reports' arrival), so kills land anywhere in the unit: reading, writing, committing, reporting. Returns
    the delay after the last report, in seconds.
    """
    child = subprocess.Popen([sys.executable, "-c", CHILD, *args], stderr=subprocess.PIPE)
    try:
        started = time.monotonic()
        seen = len(all_lines(report))
        arrivals: list[float] = []
        while len(arrivals) < wait_for + 1:  # "ready", then `wait_for` commits
            if child.poll() is not None:
                errors = child.stderr.read().decode() if child.stderr else ""
                raise AssertionError(f"the child ended by itself: {errors}")
            if time.monotonic() - started > STARTUP_TIMEOUT:
                raise AssertionError("the child made no progress")
            now_seen = len(all_lines(report))
            arrivals += [time.monotonic()] * (now_seen - seen)
            seen = now_seen
            time.sleep(0.001)
        unit = (arrivals[-1] - arrivals[0]) / wait_for
        delay = rng.uniform(0, 1.5 * unit)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        if child.stderr:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL, "the child was meant to die of SIGKILL"
    return delay


def all_lines(report: Path) -> list[str]:
    return report.read_text(encoding="utf-8").splitlines() if report.exists() else []


def integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


def rows(path: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


@pytest.fixture
def database(
    opened: OpenedDatabase, service: CaseService, make_customer: Callable[..., str], new_outage: Callable[..., Any]
) -> tuple[Path, str]:
    """A database with one open S1 case (at L3: Strategic), closed again so that the children own it."""
    case = service.open_case(new_outage(make_customer()))
    opened.store.close()
    path = opened.store.target.path
    assert path is not None
    return path, case.id


def check_moves(path: Path, case_id: str, reported: list[str]) -> int:
    """Every reported move is in the history; level, version and history agree (the cut move: all or nothing)."""
    assert integrity(path) == "ok"
    ((version, level),) = rows(path, "SELECT version, level FROM escalations WHERE id = ?", case_id)
    events = rows(
        path, "SELECT to_value FROM case_events WHERE escalation_id = ? AND kind = 'level_changed' ORDER BY at, id",
        case_id,
    )  # fmt: skip
    assert len(events) == version - 1, "every move bumps the version once and appends one event, together"
    assert Level(level).code == (events[-1][0] if events else "L3")
    last = reported[-1].split() if reported else ["1", "L3"]
    # The database may hold one move more than reported (killed between commit and report), never one less.
    assert version >= int(last[0]), f"committed version {last[0]} lost (database has {version})"
    lost = max(int(last[0]) - version, 0)
    return lost


def test_sigkill_during_board_moves(database: tuple[Path, str]) -> None:
    path, case_id = database
    rng = random.Random(SEED)
    report = path.parent / "moves.report"
    figures = Figures("board move")
    for _ in range(RUNS):
        figures.killed(run_and_kill(["move", str(path), str(report), case_id], report, rng, rng.randint(1, 10)))
        figures.lost += check_moves(path, case_id, report_lines(report))
    figures.committed = len(report_lines(report))
    figures.write()
    assert figures.lost == 0


def write_import_files(folder: Path, count: int) -> list[Path]:
    files = []
    for number in range(count):
        lines = ["Account Name,Account External ID,ARR"]
        lines += [f"Crash Co {number}-{row},CR-{number}-{row},{1000 * (row + 1)}" for row in range(ROWS_PER_IMPORT)]
        path = folder / f"import-{number:03d}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    return files


def imported_counts(path: Path) -> dict[str, int]:
    found = rows(path, "SELECT name FROM customers WHERE name LIKE 'Crash Co %'")
    counts: dict[str, int] = {}
    for (name,) in found:
        number = int(name.removeprefix("Crash Co ").split("-")[0])
        key = f"import-{number:03d}"
        counts[key] = counts.get(key, 0) + 1
    return counts


def check_imports(path: Path, reported: list[str]) -> tuple[int, int]:
    """(lost, partial): every reported import whole in the database; no import half there."""
    assert integrity(path) == "ok"
    counts = imported_counts(path)
    logs = {Path(name).stem for (name,) in rows(path, "SELECT file_name FROM import_log")}
    partial = sum(1 for n in counts.values() if n != ROWS_PER_IMPORT)
    assert partial == 0, f"an import was cut in half: {counts}"
    assert set(counts) == logs, "customers and the import log are written in one transaction"
    lost = len(set(reported) - set(counts))
    return lost, partial


def test_sigkill_during_imports(database: tuple[Path, str]) -> None:
    path, _ = database
    rng = random.Random(SEED + 1)
    report = path.parent / "imports.report"
    files = write_import_files(path.parent, 4 * RUNS)  # a run commits at most 3
    figures = Figures("import")
    position = 0
    for _ in range(RUNS):
        remaining = [str(f) for f in files[position:]]
        figures.killed(run_and_kill(["import", str(path), str(report), *remaining], report, rng, rng.randint(1, 2)))
        done = report_lines(report)
        lost, partial = check_imports(path, done)
        figures.lost += lost
        figures.interrupted_partial += partial
        # The next child goes on after what is in the database (the cut import may or may not have committed).
        position = len(imported_counts(path))
    figures.committed = len(imported_counts(path))
    figures.write()
    assert figures.lost == 0


def test_sigkill_during_pdf_exports(database: tuple[Path, str], tmp_path: Path) -> None:
    path, case_id = database
    rng = random.Random(SEED + 2)
    report = path.parent / "exports.report"
    target = tmp_path / "out" / "ESC-1001 brief.pdf"
    target.parent.mkdir()
    figures = Figures("PDF export")
    for _ in range(EXPORT_RUNS):
        args = ["export", str(path), str(report), case_id, str(target)]
        figures.killed(run_and_kill(args, report, rng, 1))
        # Whatever moment the kill hit, the file a reader finds is a whole PDF, never a truncated one.
        data = target.read_bytes()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        assert len(PdfReader(target).pages) == 1
        assert integrity(path) == "ok"
    figures.committed = len(report_lines(report))
    leftovers = [p.name for p in target.parent.iterdir() if p != target]
    # A kill mid-write can leave a hidden .part file (nobody can clean up after SIGKILL); never a wrong PDF.
    assert all(name.startswith(f".{target.name}.") and name.endswith(".part") for name in leftovers)
    figures.write()
