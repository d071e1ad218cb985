"""Escalation analytics (issue 9): rates, clocks and root causes over a date window and a segment.

    dashboard = compute_dashboard(store, start=date(2026, 1, 1), end=date(2026, 11, 30), now=clock.now())
    for table in dashboard.tables: print(to_csv(table))
    ids = drill_down(store, dashboard, table.rows[0].drill)   # the cases behind a number

Definitions are in escdesk.metrics.definitions (pure functions, the reference). What needs a case's history
(business-time update cadence on the case's calendar, time at each level, checklist outcomes) is computed once
per case version and kept in case_metric_facts (escdesk.metrics.facts fills the missing rows first). Then the
database does the per-case work: grouped counts per month, band, CSM, severity and pace, nearest-rank percentiles
ranked with window functions, the re-escalation pass as a window over each account's cases
(escdesk.store.metrics_groups, escdesk.store.metrics_sql), so Python turns a few hundred grouped rows into
tables. Outcomes after escalation read customer_outcomes, filled by escdesk.metrics.outcomes.record_outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from escdesk.collector import collector_paused
from escdesk.domain import ArrBand
from escdesk.metrics import process, rates
from escdesk.metrics.definitions import OUTCOME_DAYS, REESCALATION_WINDOW
from escdesk.metrics.drill import DrilledCase, drill_ids, drilled_cases
from escdesk.metrics.facts import fill_facts, policy_digest
from escdesk.metrics.outcomes import outcomes_table
from escdesk.metrics.period import Month, midnight, months
from escdesk.metrics.tables import Drill, Row, Table, to_csv
from escdesk.policy import Policy, default_policy
from escdesk.store import Store
from escdesk.store import metrics_groups as g
from escdesk.store.metrics_sql import Scope, page_cache

# Threads for the reads. SQLite (and psycopg) release the GIL while a query runs, so on the 2-core machine the
# SQL of one read overlaps another read's Python. Measured on the scale database (medians of 9 interleaved runs,
# 12 months / 2 years): 1 thread 0.61 / 1.09 s, 2 threads 0.50 / 0.89 s, 4 threads 0.45 / 0.77 s. Four wins on
# 2 cores too: while one thread waits for the GIL, others are in SQL. (The old per-case reading was slower with
# its pool: its work was Python, contending for the GIL.)
MAX_WORKERS = 4
T = TypeVar("T")
Read = Callable[[Session], Any]


@dataclass(frozen=True, slots=True)
class Dashboard:
    start: date
    end: date  # inclusive
    band: ArrBand | None
    csm_id: str | None
    now: datetime
    scope: Scope  # what drill_down filters by
    tables: tuple[Table, ...]

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)


def scope_for(
    start: date, end: date, *, now: datetime, band: ArrBand | None = None, csm_id: str | None = None
) -> Scope:
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    band_value = None if band is None else band.value
    return Scope(midnight(start), midnight(end + timedelta(days=1)), now, band_value, csm_id)


def compute_dashboard(
    store: Store,
    *,
    start: date,
    end: date,
    now: datetime,
    band: ArrBand | None = None,
    csm_id: str | None = None,
    policy: Policy | None = None,
    workers: int | None = None,
    outcome_days: int = OUTCOME_DAYS,
) -> Dashboard:
    """Every table of the dashboard for [start, end] (dates in UTC, end inclusive), optionally one band or CSM.

    The per-case facts missing for the window are computed and kept first (escdesk.metrics.facts); then the
    grouped reads (`reads`) run on `workers` threads (see MAX_WORKERS) and the tables are put together here."""
    policy = policy or default_policy()
    scope, periods = scope_for(start, end, now=now, band=band, csm_id=csm_id), months(start, end)
    fill_facts(store, scope, policy)
    with collector_paused():  # 150,000 row tuples, no cycles (escdesk.collector)
        got = _run(store, reads(scope, periods, policy, outcome_days), workers or MAX_WORKERS)
    groups = got["groups"]
    tables = [
        *got["accounts"], rates.proactive_reactive(groups, periods), got["levels"],
        process.clock_times(got["acknowledge"], got["resolve"], groups), process.update_cadence(groups, policy),
        rates.reescalation_by_month(groups, periods), got["checklist"], *got["causes"],
    ]  # fmt: skip
    everything = {t.name: t for t in tables}
    return Dashboard(start, end, band, csm_id, now, scope, tuple(everything[name] for name in TABLE_ORDER))


def reads(scope: Scope, periods: tuple[Month, ...], policy: Policy, outcome_days: int) -> dict[str, Read]:
    """The dashboard's reads, each a query or a few giving grouped rows or finished tables (the Python work in
    the read, so a pool overlaps it with the other reads' SQL), the slowest first so a pool starts them first."""
    digest, starts = policy_digest(policy), [m.start for m in periods]

    def accounts(s: Session) -> tuple[Table, ...]:
        (owners, names), escalated = rates.owners_and_names(s, scope), g.escalated_accounts(s, scope, starts)
        book = sum(o.accounts for o in owners)
        return (rates.rate_by_month(periods, g.accounts_by_month(s, scope, starts), escalated),
                rates.rate_by_band(owners, escalated), rates.rate_by_csm(owners, names, escalated),
                outcomes_table(scope, g.book_outcomes(s, scope), book, escalated, outcome_days))  # fmt: skip

    return {
        "accounts": accounts,
        "groups": lambda s: g.case_groups(s, scope, starts, digest, REESCALATION_WINDOW),
        "checklist": lambda s: process.checklist_adherence(s, scope, digest),
        "levels": lambda s: process.time_at_level(s, scope, digest, policy),
        "resolve": lambda s: process.duration_quantiles(g.resolve_durations(s, scope)),
        "acknowledge": lambda s: process.duration_quantiles(g.acknowledge_durations(s, scope)),
        "causes": lambda s: process.root_cause_pareto(s, scope),
    }


def _run(store: Store, found: dict[str, Read], workers: int) -> dict[str, Any]:
    if workers <= 1:
        return {name: _build(store, read) for name, read in found.items()}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="escdesk-metrics") as pool:
        futures = {name: pool.submit(_build, store, read) for name, read in found.items()}
        return {name: future.result() for name, future in futures.items()}


TABLE_ORDER = (
    "escalation_rate_by_month", "escalation_rate_by_band", "escalation_rate_by_csm", "proactive_vs_reactive",
    "time_to_acknowledge_and_resolve", "time_at_level", "update_cadence", "reescalation_by_month",
    "checklist_adherence", "root_causes_by_count", "root_causes_by_arr", "outcome_after_escalation",
)  # fmt: skip


def _build(store: Store, builder: Callable[[Session], T]) -> T:
    """One read in its own read-only unit of work: SQLite (like PostgreSQL) runs queries on separate connections
    in parallel, the GIL released while they run. The reads are separate snapshots, so a case saved meanwhile may
    show in one table and not another."""
    with store.read() as uow, page_cache(uow.session):
        return builder(uow.session)


def drill_cases(store: Store, dashboard: Dashboard, drill: Drill, limit: int | None = None) -> list[DrilledCase]:
    """The cases behind a row with their reference, title, customer, severity and status (for a list)."""
    with store.read() as uow:
        return drilled_cases(uow.session, dashboard.scope, drill, limit)


def drill_down(store: Store, dashboard: Dashboard, drill: Drill, limit: int | None = None) -> list[str]:
    """The ids of the cases behind a row (oldest first), read when asked."""
    with store.read() as uow:
        return drill_ids(uow.session, dashboard.scope, drill, limit)


__all__ = [
    "Dashboard",
    "Drill",
    "DrilledCase",
    "Row",
    "Table",
    "compute_dashboard",
    "drill_cases",
    "drill_down",
    "scope_for",
    "to_csv",
]
