"""EscDesk benchmark harness: builds the scale database and prints the figures as JSON.

Run it outside the test suite (it takes a minute or two):

    .venv/bin/python tests/benchmarks/bench.py [--workdir DIR] [--reuse]

Figures are ratios and budgets to compare against the issues' goals, never assertions in the tests:
- demo_build_s: `escdesk demo --customers 15000 --open 2000 --history 60000` wall time (goal < 60 s)
- launch_to_board_s: from starting `escdesk --db SCALE --screenshot` until the app reports the cards shown (goal
  < 2 s; includes interpreter and Qt start-up); launch_to_screenshot_with_clocks_s: until the PNG with every
  card's clock is written and the app has exited
- store_vs_raw_ratio: loading the open cases through the store (DTOs) / a raw sqlite3 SELECT of the same columns,
  median of repeated runs (goal <= 2)
- peak_rss_mb: peak resident memory of the GUI process on the scale database, and of the store load
- brief_warm_ms: one executive brief from the store to PDF bytes, warm, median (goal < 300 ms)
- weekly_report_s: the weekly portfolio report for the 2,000 open cases, SQL to PDF bytes, median (goal < 5 s)
- clocks_load_ms / clocks_compute_ms: every SLA clock of the open cases: the store read (two queries, rows to
  timelines) and the computation (escdesk.clock_service.evaluate), medians; clocks_first_compute_ms is the
  first run, calendars still cold (goal < 100 ms for the compute)
- metrics_two_years_s / metrics_twelve_months_s: the whole analytics dashboard (escdesk.metrics) over all 60,000
  cases and over the last twelve months, warm medians; metrics_first_s is the first run (goal < 1 s)
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


STARTUP_MARKER = "escdesk: board shown"  # printed by ui/app.py when ESCDESK_STARTUP_MARKERS is set


def _screenshot_run(path: Path, shot: Path) -> tuple[float, float, int]:
    """(seconds to the 'board shown' marker, seconds to exit with the PNG written, peak RSS MiB) of one run."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ESCDESK_STARTUP_MARKERS="1")
    start = time.perf_counter()
    child = subprocess.Popen(
        [*escdesk_command(), "--db", str(path), "--screenshot", str(shot)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    shown = float("nan")
    assert child.stderr is not None
    for line in child.stderr:
        if line.startswith(STARTUP_MARKER) and shown != shown:
            shown = time.perf_counter() - start
    _, status, usage = os.wait4(child.pid, 0)
    finished = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the screenshot run on {path} failed")
    return shown, finished, usage.ru_maxrss // 1024


def launch_to_board(path: Path, shot: Path) -> tuple[float, float, int]:
    """Launch -> cards on the board, and launch -> full board with clocks painted to a PNG (second, warm run)."""
    _screenshot_run(path, shot)  # warm the file cache
    return _screenshot_run(path, shot)


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


def clocks_compute(path: Path) -> dict[str, float]:
    """Every SLA clock of the open cases: the store read (two queries, rows to timelines), then the computation
    (calendars, pauses, due times, the board's views), as the board's minute timer runs them."""
    from datetime import datetime

    from escdesk.clock_service import ClockService, evaluate
    from escdesk.connect import open_database
    from escdesk.policy import default_policy
    from escdesk.store.engine import resolve_target

    as_of = datetime.fromisoformat("2026-12-01T09:00:00+00:00")  # the scale database's --as-of

    class _AsOf:
        def now(self) -> datetime:
            return as_of

    opened = open_database(resolve_target(path))
    service = ClockService(opened.store, _AsOf(), default_policy())
    cases, clocks = service.load(), service.policy.clocks
    start = time.perf_counter()
    count = len(evaluate(cases, clocks, as_of))
    first_s = time.perf_counter() - start
    load_s = _median_seconds(service.load)
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        evaluate(cases, clocks, as_of)
        samples.append(time.perf_counter() - start)
    opened.store.close()
    return {
        "clock_cases": count,
        "clocks_load_ms": load_s * 1000,
        "clocks_first_compute_ms": first_s * 1000,
        "clocks_compute_ms": statistics.median(samples) * 1000,
        "clocks_compute_best_ms": min(samples) * 1000,  # the least disturbed run, on a busy machine
    }


def brief_and_weekly(path: Path, repeats: int = 5) -> dict[str, float]:
    """Warm brief build (content from the store + PDF) for the open case with the longest history, and the weekly
    report (aggregates, SLA clocks of every open case, PDF) for the week of the scale data's as-of instant."""
    from datetime import UTC, datetime

    from sqlalchemy import func, select

    from escdesk.brief_service import brief_content
    from escdesk.briefs import build_brief_pdf
    from escdesk.clock import FrozenClock
    from escdesk.connect import open_database
    from escdesk.policy import default_policy
    from escdesk.reports.portfolio import weekly_portfolio
    from escdesk.reports.weekly import build_weekly_pdf
    from escdesk.reports.weeks import week_of
    from escdesk.store.engine import resolve_target
    from escdesk.store.models import CaseEventRow, Escalation

    store = open_database(resolve_target(path)).store
    clock, policy, zone = FrozenClock(datetime(2026, 12, 1, 9, tzinfo=UTC)), default_policy(), "Europe/Berlin"
    with store.read() as uow:
        longest = (
            select(CaseEventRow.escalation_id).join(Escalation, Escalation.id == CaseEventRow.escalation_id)
            .where(Escalation.closed_at.is_(None)).group_by(CaseEventRow.escalation_id)
            .order_by(func.count().desc()).limit(1)
        )  # fmt: skip
        case_id = uow.session.scalar(longest)

    def brief() -> bytes:
        return build_brief_pdf(brief_content(store, case_id, clock=clock, policy=policy, time_zone=zone))

    def weekly() -> bytes:
        week = week_of(clock.now(), zone)
        return build_weekly_pdf(weekly_portfolio(store, week, clock=clock, policy=policy, time_zone=zone))

    brief()  # warm: fonts registered, caches filled
    figures = {
        "brief_warm_ms": _median_seconds(brief, repeats * 3) * 1000,
        "weekly_report_s": _median_seconds(weekly, repeats),
    }
    store.close()
    return figures


def metrics_dashboard(path: Path, repeats: int = 5) -> dict[str, float]:
    """The whole escalation-analytics dashboard (every table of escdesk.metrics, SQL aggregation) over the scale
    data's two years of history (60,000 cases) and over its last twelve months, warm medians (goal < 1 s)."""
    from datetime import UTC, date, datetime

    from escdesk.connect import open_database
    from escdesk.metrics import compute_dashboard
    from escdesk.store.engine import resolve_target

    store = open_database(resolve_target(path)).store
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)  # the scale database's --as-of

    def dashboard(start: date) -> int:
        return len(compute_dashboard(store, start=start, end=date(2026, 11, 30), now=now).tables)

    first = _median_seconds(lambda: dashboard(date(2024, 12, 1)), 1)
    figures = {
        "metrics_first_s": first,
        "metrics_two_years_s": _median_seconds(lambda: dashboard(date(2024, 12, 1)), repeats),
        "metrics_twelve_months_s": _median_seconds(lambda: dashboard(date(2025, 12, 1)), repeats),
    }
    store.close()
    return figures


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
    launch_s, full_s, gui_rss = launch_to_board(database, workdir / "board.png")
    figures["launch_to_board_s"] = round(launch_s, 2)
    figures["launch_to_screenshot_with_clocks_s"] = round(full_s, 2)
    figures["gui_peak_rss_mb"] = gui_rss
    figures.update({k: round(v, 3) if isinstance(v, float) else v for k, v in store_vs_raw(database).items()})
    figures.update({k: round(v, 1) if isinstance(v, float) else v for k, v in clocks_compute(database).items()})
    figures.update({k: round(v, 3) for k, v in brief_and_weekly(database).items()})
    figures.update({k: round(v, 3) for k, v in metrics_dashboard(database).items()})
    figures["bench_process_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
