"""Escalation analytics (issue 9): rates, clocks and root causes over a date window and a segment.

    dashboard = compute_dashboard(store, start=date(2026, 1, 1), end=date(2026, 11, 30), now=clock.now())
    for table in dashboard.tables: print(to_csv(table))
    ids = drill_down(store, dashboard, table.rows[0].drill)   # the cases behind a number

Definitions are in escdesk.metrics.definitions (pure functions, the reference). What needs a case's history
(business-time update cadence on the case's calendar, time at each level, checklist outcomes) is computed once
per case version and kept in case_metric_facts (escdesk.metrics.facts); a reading then takes a few indexed
queries (escdesk.store.metrics_facts, escdesk.store.metrics_sql) and sums 30,000 rows, under a second on the
scale database. Outcomes after escalation read customer_outcomes, filled by escdesk.metrics.outcomes.record_outcome.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from sqlalchemy.orm import Session

from escdesk.domain import ArrBand
from escdesk.metrics import process, rates
from escdesk.metrics.definitions import OUTCOME_DAYS
from escdesk.metrics.drill import DrilledCase, drill_ids, drilled_cases
from escdesk.metrics.facts import read_facts
from escdesk.metrics.outcomes import outcomes_table
from escdesk.metrics.period import midnight, months
from escdesk.metrics.tables import Drill, Row, Table, to_csv
from escdesk.policy import Policy, default_policy
from escdesk.store import Store
from escdesk.store import metrics_facts as q
from escdesk.store.metrics_sql import Scope

MAX_WORKERS = 4
T = TypeVar("T")
Builder = Callable[[Session], "Table | tuple[Table, ...]"]


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

    The per-case facts (cadence, level stays, checklist) are read (or computed and kept, escdesk.metrics.facts)
    while the database aggregates the rest, then summed here."""
    policy = policy or default_policy()
    scope, periods = scope_for(start, end, now=now, band=band, csm_id=csm_id), months(start, end)
    workers = max(1, workers or min(MAX_WORKERS, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="escdesk-metrics") as pool:

        def read(builder: Builder) -> Future[Table | tuple[Table, ...]]:
            return pool.submit(_build, store, builder)

        facts = pool.submit(read_facts, store, scope, policy)
        accounts = pool.submit(_build, store, lambda s: q.accounts(s, scope))
        by_sql = [read(lambda s: rates.reescalation_by_month(s, scope, periods)),
                  read(lambda s: process.root_cause_pareto(s, scope))]  # fmt: skip
        reading = facts.result()
        book = rates.Book({a.id: a for a in accounts.result()}, reading.lines)
        by_sql += [read(lambda s: process.clock_times(s, scope, reading)), read(lambda s: rates.rate_by_csm(s, book)),
                   read(lambda s: outcomes_table(s, scope, book, outcome_days))]  # fmt: skip
        in_memory = [
            rates.rate_by_month(book, periods), rates.rate_by_band(book), rates.proactive_reactive(book, periods),
            process.time_at_level(reading, policy), process.update_cadence(reading, policy),
            process.checklist_adherence(reading),
        ]  # fmt: skip
        built = [f.result() for f in by_sql]
    tables = [t for result in built for t in (result if isinstance(result, tuple) else (result,))] + in_memory
    everything = {t.name: t for t in tables}
    return Dashboard(start, end, band, csm_id, now, scope, tuple(everything[name] for name in TABLE_ORDER))


TABLE_ORDER = (
    "escalation_rate_by_month", "escalation_rate_by_band", "escalation_rate_by_csm", "proactive_vs_reactive",
    "time_to_acknowledge_and_resolve", "time_at_level", "update_cadence", "reescalation_by_month",
    "checklist_adherence", "root_causes_by_count", "root_causes_by_arr", "outcome_after_escalation",
)  # fmt: skip


def _build(store: Store, builder: Callable[[Session], T]) -> T:
    """One read in its own read-only unit of work: SQLite (like PostgreSQL) runs queries on separate connections
    in parallel, the GIL released while they run. The reads are separate snapshots, so a case saved meanwhile may
    show in one table and not another."""
    with store.read() as uow:
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
