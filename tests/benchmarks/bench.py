"""EscDesk benchmark harness: builds the scale database and prints the figures as JSON.

Run it outside the test suite (it takes a minute or two):

    .venv/bin/python tests/benchmarks/bench.py [--workdir DIR] [--keep]

Figures are ratios and budgets to compare against the issues' goals, never assertions in the tests:
- demo_build_s: `escdesk demo --customers 15000 --open 2000 --history 60000` wall time (goal < 60 s)
- launch_to_board_s: `escdesk --db SCALE --screenshot` wall time, from process start until the board has loaded
  and been painted to a PNG (goal < 2 s; includes interpreter and Qt start-up)
- store_vs_raw_ratio: loading the open cases through the store (DTOs) / a raw sqlite3 SELECT of the same columns,
  median of repeated runs (goal <= 2)
- peak_rss_mb: peak resident memory of the GUI process on the scale database, and of the store load
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCALE = {"customers": 15000, "open": 2000, "history": 60000}
REPEATS = 15


def escdesk_command() -> list[str]:
    return [sys.executable, "-m", "escdesk"]


def timed_run(args: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one child process (os.wait4 gives that child's own rusage)."""
    start = time.perf_counter()
    child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed with exit code {child.returncode}")
    return seconds, usage.ru_maxrss // 1024


def build_scale_database(path: Path) -> float:
    args = [
        *escdesk_command(),
        "demo",
        "--db",
        str(path),
        "--replace",
        "--as-of",
        "2026-12-01T09:00Z",
        "--customers",
        str(SCALE["customers"]),
        "--open",
        str(SCALE["open"]),
        "--history",
        str(SCALE["history"]),
    ]
    seconds, _ = timed_run(args)
    return seconds


def launch_to_board(path: Path, shot: Path) -> tuple[float, int]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    timed_run([*escdesk_command(), "--db", str(path), "--screenshot", str(shot)], env)  # warm the file cache
    return timed_run([*escdesk_command(), "--db", str(path), "--screenshot", str(shot)], env)


def _median_seconds(function: object, repeats: int = REPEATS) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def store_vs_raw(path: Path) -> dict[str, float]:
    from escdesk.connect import open_database
    from escdesk.store.engine import resolve_target
    from escdesk.store.repositories import card_columns_query

    opened = open_database(resolve_target(path))
    store = opened.store
    sql = str(card_columns_query().compile(store.engine, compile_kwargs={"literal_binds": True}))
    raw = sqlite3.connect(path)

    def through_store() -> int:
        with store.read() as uow:
            return len(uow.cases.open_cards())

    def raw_select() -> int:
        return len(raw.execute(sql).fetchall())

    count = through_store()
    assert count == raw_select(), "store and raw SELECT disagree on the number of open cases"
    store_s, raw_s = _median_seconds(through_store), _median_seconds(raw_select)
    raw.close()
    store.close()
    return {
        "open_cases": count,
        "store_load_ms": store_s * 1000,
        "raw_select_ms": raw_s * 1000,
        "store_vs_raw_ratio": store_s / raw_s,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, help="where to build the scale database (default: a temp dir)")
    parser.add_argument("--reuse", action="store_true", help="reuse an existing scale.sqlite in --workdir")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="escdesk-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "scale.sqlite"
    figures: dict[str, object] = {"scale": SCALE}
    if not (args.reuse and database.exists()):
        figures["demo_build_s"] = round(build_scale_database(database), 2)
    figures["database_mb"] = round(database.stat().st_size / 2**20, 1)
    launch_s, gui_rss = launch_to_board(database, workdir / "board.png")
    figures["launch_to_board_s"] = round(launch_s, 2)
    figures["gui_peak_rss_mb"] = gui_rss
    figures.update({k: round(v, 3) if isinstance(v, float) else v for k, v in store_vs_raw(database).items()})
    figures["bench_process_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
