"""EscDesk benchmark harness: builds the scale database and prints the figures as JSON.

Run it outside the test suite (it takes a minute or two):

    .venv/bin/python tests/benchmarks/bench.py [--workdir DIR] [--reuse]

Figures are ratios and budgets to compare against the issues' goals, never assertions in the tests:
- demo_build_s: `escdesk demo --customers 15000 --open 2000 --history 60000` wall time (goal < 60 s)
- launch_to_board_s: from starting `escdesk --db SCALE --screenshot` until the app reports the cards shown, median
  of LAUNCHES warm runs (goal < 1.5 s; includes interpreter and Qt start-up); launch_to_screenshot_with_clocks_s:
  until the PNG with every card's clock is written and the app has exited
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
- dashboard_shown_s: View > Dashboard in the app, the last twelve months, until every chart is painted, median of
  fresh computations; dashboard_first_shown_s is the first showing (goal < 1 s)
- slow_burn_scan_half_year_s / slow_burn_scan_year_s: the slow-burn scan over all 15,000 customers with the demo's
  26 weekly health scores each, and with a year of them (a copy topped up to 52), warm medians (goal < 2 s)
- board_filter_keystroke_ms: one keystroke in the board's search box, filter applied to every column and the
  board repainted, median (goal < 50 ms); board_move_commit_ms: a card moved a level (service commit on the
  worker, card put on the board, repaint), median (goal < 100 ms); board_peak_rss_mb: that GUI process's peak
  resident memory with all 2,000 cards loaded (goal < 400 MB). Run in a child process (--board-child); the
  *_cpu_ms figures are the process's CPU time for the same steps (steadier than wall time on a busy machine).
- rules_facts_load_ms: the facts of every open case from the store (escdesk.facts_service, a fixed number of
  queries, clocks included; rules_facts_given_clocks_ms with the board's clock views handed in);
  rules_evaluate_ms: every policy rule over those 2,000 fact sets (which fire); rules_prompts_ms: the whole
  prompts of every case (firing, explanations, people, due times), medians (goal < 200 ms to re-evaluate 2,000
  open cases); rule_engine_vs_python_ratio: one rule (product bug at S1/S2) compiled by the engine / the same
  predicate written in Python, over the 2,000 fact sets (goal <= 5)
- import_customers_15000_s / import_kaggle_tickets_s: `escdesk import` of a 15,000-row customer file and of the
  8,469-ticket Kaggle file into an empty database, and *_bare_s / *_vs_bare_ratio against a bare csv parse plus
  executemany of the same rows into the same tables (records, external ids, import log, undo list; cells as read),
  wall time; *_cpu_s / *_vs_bare_cpu_ratio the same in CPU time, steadier on a shared machine (goals < 5 s, <= 3x)
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


LAUNCHES = 5  # warm launches measured: a single one on a shared machine says more about the machine


def launch_to_board(path: Path, shot: Path) -> tuple[float, float, int]:
    """Launch -> cards on the board, and launch -> full board with clocks painted to a PNG: medians of LAUNCHES
    warm runs (after one that warms the file cache), and the largest peak RSS among them."""
    _screenshot_run(path, shot)
    runs = [_screenshot_run(path, shot) for _ in range(LAUNCHES)]
    shown, finished, rss = zip(*runs, strict=True)
    return statistics.median(shown), statistics.median(finished), max(rss)


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


def slow_burn_scan(path: Path, repeats: int = 5) -> dict[str, float]:
    """The slow-burn scan (escdesk.slow_burn_service) over all 15,000 customers, warm medians. The demo writes 26
    weekly health scores per customer, so the scan also runs on a copy topped up to a year (52 weekly scores, the
    older half a shifted copy of the newer): the scan reads only the last five weeks through its covering index,
    so the year should cost about what the half year does (goal < 2 s)."""
    import shutil
    from datetime import UTC, datetime

    from escdesk.clock import FrozenClock
    from escdesk.connect import open_database
    from escdesk.policy import default_policy
    from escdesk.slow_burn_service import SlowBurnService
    from escdesk.store.engine import resolve_target

    year = path.with_name("scale-year-of-health.sqlite")
    shutil.copyfile(path, year)
    raw = sqlite3.connect(year)
    with raw:
        raw.execute(
            "INSERT INTO health_scores (customer_id, measured_on, score, source) "
            "SELECT customer_id, date(measured_on, '-182 days'), score, source FROM health_scores"
        )
    health_rows = raw.execute("SELECT count(*) FROM health_scores").fetchone()[0]
    raw.close()
    clock = FrozenClock(datetime(2026, 12, 1, 9, tzinfo=UTC))  # the scale database's --as-of
    figures: dict[str, float] = {"slow_burn_health_rows_year": health_rows}
    for name, database in (("half_year", path), ("year", year)):
        store = open_database(resolve_target(database)).store
        service = SlowBurnService(store, clock, default_policy(), "bench")
        figures[f"slow_burn_scan_{name}_first_s"] = _median_seconds(service.scan, 1)
        figures[f"slow_burn_scan_{name}_s"] = _median_seconds(service.scan, repeats)
        cpu = time.process_time()  # less disturbed than wall time when other work shares the machine
        service.scan()
        figures[f"slow_burn_scan_{name}_cpu_s"] = time.process_time() - cpu
        figures[f"slow_burn_proposals_{name}"] = len(service.scan().proposals)
        store.close()
    year.unlink()
    return figures


def rules_reevaluate(path: Path, repeats: int = REPEATS) -> dict[str, float]:
    """Every rule of the default policy over the open cases' facts, and one rule through the engine against the
    same predicate in hand-written Python (escdesk.prompts, escdesk.facts_service)."""
    from datetime import UTC, datetime

    from escdesk.clock import FrozenClock
    from escdesk.clock_service import ClockService
    from escdesk.connect import open_database
    from escdesk.facts import rule_data
    from escdesk.facts_service import FactsService
    from escdesk.policy import default_policy
    from escdesk.prompt_service import load_directory
    from escdesk.prompts import DirectoryIndex, case_prompts
    from escdesk.rules.semantics import truthy
    from escdesk.store.engine import resolve_target

    policy = default_policy()
    store = open_database(resolve_target(path)).store
    service = FactsService(store, FrozenClock(datetime(2026, 12, 1, 9, tzinfo=UTC)), policy)
    cases = service.open_case_facts()
    clocks = ClockService(store, service.clock, policy).open_clocks()
    with store.read() as uow:
        directory = DirectoryIndex(load_directory(uow.session))
    nested = [rule_data(c.facts) for c in cases.values()]

    def evaluate() -> int:
        return sum(1 for data in (rule_data(c.facts) for c in cases.values()) for r in policy.rules
                   if truthy(r.check(data)))  # fmt: skip

    def prompts() -> int:
        return sum(len(case_prompts(policy, c.context, c.facts, directory).involvements) for c in cases.values())

    rule = next(r for r in policy.rules if r.key == "product-bug-urgent")

    def by_hand(data: dict[str, dict[str, object]]) -> bool:
        case = data["case"]
        return case["type"] == "product_bug" and case["severity"] in ("S1", "S2")

    engine_s = _median_seconds(lambda: [rule.check(d) for d in nested])
    python_s = _median_seconds(lambda: [by_hand(d) for d in nested])
    assert [truthy(rule.check(d)) for d in nested] == [by_hand(d) for d in nested], "engine and Python disagree"
    figures = {
        "rules_cases": len(cases),
        "rules_count": len(policy.rules),
        "rules_firings": evaluate(),
        "rules_facts_load_ms": _median_seconds(service.open_case_facts, 5) * 1000,
        # The same with the board's clock views handed in (it has just computed them): the SQL and assembly only.
        "rules_facts_given_clocks_ms": _median_seconds(lambda: service.open_case_facts(clocks), 5) * 1000,
        "rules_evaluate_ms": _median_seconds(evaluate, repeats) * 1000,
        "rules_evaluate_best_ms": min(_median_seconds(evaluate, 1) for _ in range(repeats)) * 1000,  # least disturbed
        "rules_prompts_ms": _median_seconds(prompts, 5) * 1000,
        "rules_prompts_best_ms": min(_median_seconds(prompts, 1) for _ in range(5)) * 1000,
        "rule_engine_us_per_case": engine_s / len(nested) * 1e6,
        "rule_python_us_per_case": python_s / len(nested) * 1e6,
        "rule_engine_vs_python_ratio": engine_s / python_s,
    }
    store.close()
    return figures


def board_interaction(path: Path, repeats: int = REPEATS) -> dict[str, float]:
    """In this process (offscreen): the desk on the scale database, then search keystrokes and level moves, each
    measured until the board has repainted; and this process's peak RSS."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from datetime import UTC, datetime

    from PySide6.QtCore import QEventLoop

    from escdesk.clock import FrozenClock
    from escdesk.domain import Level
    from escdesk.policy import default_policy
    from escdesk.settings import Settings
    from ui.app import SCREENSHOT_SIZE, application, create_desk
    from ui.board_moves import MoveController
    from ui.controller import DeskContext
    from ui.filters import FilterBar

    app = application()
    context = DeskContext(Settings(), FrozenClock(datetime(2026, 12, 1, 9, tzinfo=UTC)), default_policy(), "bench")
    window, controller = create_desk(context, screenshot=True)
    window.resize(SCREENSHOT_SIZE)
    window.show()

    def wait_for(signal: object, start: object) -> None:
        loop = QEventLoop()
        signal.connect(loop.quit)  # type: ignore[attr-defined]
        start()  # type: ignore[operator]
        loop.exec()
        signal.disconnect(loop.quit)  # type: ignore[attr-defined]

    wait_for(controller.clocks_updated, lambda: controller.start(str(path)))
    app.processEvents()
    search = window.findChild(FilterBar).search  # type: ignore[union-attr]
    word = "tidewater"
    typed = [word[:n] for n in range(1, len(word) + 1)] + [word[:n] for n in range(len(word) - 1, -1, -1)]
    keystrokes, keystrokes_cpu = [], []
    for query in typed:
        start, cpu = time.perf_counter(), time.process_time()
        search.setText(query)
        app.processEvents()  # the views' delayed layout of the rows now shown
        window.board.repaint()
        keystrokes.append(time.perf_counter() - start)
        keystrokes_cpu.append(time.process_time() - cpu)
    moves = window.findChild(MoveController) or controller.findChild(MoveController)
    assert moves is not None
    moves.ask_reason = lambda _title, _prompt: "benchmark move"
    case_id = window.board.models[Level.L1].cards()[0].id
    commits, commits_cpu = [], []
    for step in range(repeats):
        target = Level.L2 if step % 2 == 0 else Level.L1
        start, cpu = time.perf_counter(), time.process_time()
        wait_for(moves.move_done, lambda level=target: moves.request_move([case_id], level))
        app.processEvents()
        window.board.repaint()
        commits.append(time.perf_counter() - start)
        commits_cpu.append(time.process_time() - cpu)
    figures = {
        "board_cards": float(len(window.board.cards())),
        "board_filter_keystroke_ms": statistics.median(keystrokes) * 1000,
        "board_filter_keystroke_max_ms": max(keystrokes) * 1000,
        "board_filter_keystroke_cpu_ms": statistics.median(keystrokes_cpu) * 1000,
        "board_move_commit_ms": statistics.median(commits) * 1000,
        "board_move_commit_max_ms": max(commits) * 1000,
        "board_move_commit_cpu_ms": statistics.median(commits_cpu) * 1000,
        "board_peak_rss_mb": own_peak_rss_mb(),
    }
    controller.shutdown()
    window.close()
    return figures


def own_peak_rss_mb() -> float:
    """This process's peak RSS since it started. Not ru_maxrss: Linux carries that over fork and exec, so a child
    started by a big parent would report the parent's peak (the bench process reaches 550 MB)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def board_child(path: Path) -> dict[str, float]:
    """board_interaction in a fresh process, so its peak RSS is the GUI's alone."""
    done = subprocess.run(
        [sys.executable, __file__, "--board-child", str(path)], check=True, capture_output=True, text=True
    )
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


KAGGLE = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "customer_support_tickets.csv"


def _customer_file(path: Path, rows: int = 15000) -> Path:
    """A Gainsight-like customer list: ids, names, `$1,234.56` amounts, renewal dates, segments, domains."""
    import csv
    import random

    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Account ID", "Name", "ARR", "Renewal", "Segment", "Region", "Domain"])
        for n in range(rows):
            writer.writerow([f"C-{n:05d}", f"Customer {n:05d} GmbH", f"${rng.randint(1000, 3_000_000):,}.{n % 100:02d}",
                             f"2027-{n % 12 + 1:02d}-{n % 28 + 1:02d}", rng.choice(["SMB", "MM", "ENT"]),
                             rng.choice(["EMEA", "NA", "APAC"]), f"c{n}.example"])  # fmt: skip
    return path


BARE_STAMP = "2026-12-01 09:00:00.000000"


def _bare_statements(path: Path, kind: str) -> list[tuple[str, list[tuple[object, ...]]]]:
    """The baseline: csv.reader, then one executemany per table of the same rows `escdesk import` writes (every
    column of the records, their external ids, the import log row and the undo list), cells stored as read (no
    validation, no conversion; 26-character counter ids, as long as our ULIDs, without generating ULIDs)."""
    import csv

    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        next(reader)
        cells = [c for c in reader if any(c)]
    ids = [f"{n:026d}" for n in range(1, len(cells) + 1)]
    log = [("0" * 26, path.name, "0" * 64, kind, "bare", len(cells), len(cells), 0, 0, "bench", BARE_STAMP)]
    table = "customers" if kind == "customers" else "support_tickets"
    statements = [
        ("INSERT INTO import_log (id, file_name, sha256, kind, preset, rows_read, created, updated, skipped, "
         "imported_by, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", log),
        ("INSERT INTO import_items (import_id, table_name, row_id, action, previous) VALUES (?, ?, ?, ?, ?)",
         [("0" * 26, table, i, "created", "null") for i in ids]),  # JSON null, as the JSON column stores None
    ]  # fmt: skip
    if kind == "customers":
        customers = ("INSERT INTO customers (id, name, segment, band, arr_cents, renewal_date, csm_id, ae_id, "
                     "exec_sponsor_id, region, timezone, domain, version, created_at, updated_at, deleted_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")  # fmt: skip
        rows = [(i, c[1], c[4], "SMB", c[2], c[3], None, None, None, c[5], "UTC", c[6], 1, BARE_STAMP, BARE_STAMP, None)
                for i, c in zip(ids, cells, strict=True)]  # fmt: skip
        external = [(i, "bench", c[0]) for i, c in zip(ids, cells, strict=True)]
        statements[1:1] = [(customers, rows), ("INSERT INTO customer_external_ids (customer_id, system, external_id) "
                                               "VALUES (?, ?, ?)", external)]  # fmt: skip
        return statements
    tickets = ("INSERT INTO support_tickets (id, system, external_id, customer_id, subject, status, status_raw, "
               "priority, priority_raw, requester_email, organization, opened_at, first_response_at, resolved_at, "
               "escalated, labels, comments) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")  # fmt: skip
    rows = [(i, "kaggle", c[0], None, c[8], c[10], c[10], c[12], c[12], c[2], None, None, c[14] or None,
             c[15] or None, 0, "[]", "[]") for i, c in zip(ids, cells, strict=True)]  # fmt: skip
    statements[1:1] = [(tickets, rows)]
    return statements


def _bare_import(path: Path, kind: str, target: Path) -> int:
    """Parse and write as _bare_statements says, in one transaction, with the connection settings EscDesk uses
    (foreign keys on, synchronous FULL; the file is in WAL mode already); the number of records written."""
    statements = _bare_statements(path, kind)
    raw = sqlite3.connect(target, isolation_level=None)
    raw.execute("PRAGMA foreign_keys = ON")
    raw.execute("PRAGMA synchronous = FULL")
    raw.execute("BEGIN IMMEDIATE")
    for sql, rows in statements:
        raw.executemany(sql, rows)
    raw.execute("COMMIT")
    raw.close()
    return len(statements[1][1])


def import_vs_raw(workdir: Path, repeats: int = 5) -> dict[str, float]:
    """`escdesk import` of a 15,000-row customer file and of the 8,469-ticket Kaggle file into an empty database
    (read, encoding and date checks, validation, one transaction with the import log and undo list), against a
    bare csv parse plus executemany of the same rows into the same tables (_bare_statements); medians of wall and
    CPU time (*_cpu_s, steadier on a shared machine), each run on a fresh copy (goals: < 5 s, <= 3x)."""
    import shutil

    from escdesk.connect import open_database
    from escdesk.importing import prepare_import
    from escdesk.store.engine import resolve_target

    empty = workdir / "import-empty.sqlite"
    empty.unlink(missing_ok=True)
    open_database(resolve_target(empty), create=True).store.close()
    files = {"customers_15000": (_customer_file(workdir / "customers-15000.csv"), "customers")}
    if KAGGLE.is_file():
        files["kaggle_tickets"] = (KAGGLE, "tickets")
    figures: dict[str, float] = {}
    for name, (source, kind) in files.items():
        ours, bare, ours_cpu, bare_cpu = [], [], [], []
        for _ in range(repeats):
            target = workdir / "import-run.sqlite"
            shutil.copyfile(empty, target)
            store = open_database(resolve_target(target)).store
            start, cpu = time.perf_counter(), time.process_time()
            report = prepare_import(source).apply(store, include_good_rows_only=True)
            ours.append(time.perf_counter() - start)
            ours_cpu.append(time.process_time() - cpu)
            store.close()
            shutil.copyfile(empty, target)
            start, cpu = time.perf_counter(), time.process_time()
            written = _bare_import(source, kind, target)
            bare.append(time.perf_counter() - start)
            bare_cpu.append(time.process_time() - cpu)
        assert report.created == written, f"{name}: {report.created} imported, {written} rows in the file"
        figures[f"import_{name}_s"] = statistics.median(ours)
        figures[f"import_{name}_bare_s"] = statistics.median(bare)
        figures[f"import_{name}_vs_bare_ratio"] = statistics.median(ours) / statistics.median(bare)
        figures[f"import_{name}_cpu_s"] = statistics.median(ours_cpu)
        figures[f"import_{name}_bare_cpu_s"] = statistics.median(bare_cpu)
        figures[f"import_{name}_vs_bare_cpu_ratio"] = statistics.median(ours_cpu) / statistics.median(bare_cpu)
    return figures


def dashboard_shown(path: Path) -> dict[str, float]:
    """View > Dashboard in the app, offscreen, in a process of its own (ui.dashboard_bench): the first showing,
    and the median of later ones (a fresh computation each, as after a filter change) until every chart is painted."""
    child = subprocess.run(
        [sys.executable, "-m", "ui.dashboard_bench", str(path), "2026-12-01T09:00:00+00:00"],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), capture_output=True, text=True, check=True,
    )  # fmt: skip
    return dict(json.loads(child.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, help="where to build the scale database (default: a temp dir)")
    parser.add_argument("--reuse", action="store_true", help="reuse an existing scale.sqlite in --workdir")
    parser.add_argument("--board-child", type=Path, help=argparse.SUPPRESS)  # board_child's own process
    args = parser.parse_args()
    if args.board_child is not None:
        print(json.dumps(board_interaction(args.board_child)))
        return 0
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
    figures.update(dashboard_shown(database))
    figures.update({k: round(v, 3) for k, v in slow_burn_scan(database).items()})
    figures.update({k: round(v, 2) for k, v in rules_reevaluate(database).items()})
    figures.update({k: round(v, 1) for k, v in board_child(database).items()})
    figures.update({k: round(v, 2) for k, v in import_vs_raw(workdir).items()})
    figures["bench_process_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
