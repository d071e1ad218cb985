"""Escalation analytics (issue 9): rates, clocks and root causes over a date window and a segment.

    dashboard = compute_dashboard(store, start=date(2026, 1, 1), end=date(2026, 11, 30), now=clock.now())
    for table in dashboard.tables: print(to_csv(table))
    ids = drill_down(store, dashboard, table.rows[0].drill)   # the cases behind a number

Definitions are in escdesk.metrics.definitions (pure functions, the reference); the heavy aggregation runs in the
database (escdesk.store.metrics_sql), all of it in one read-only unit of work.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from escdesk.domain import ArrBand
from escdesk.metrics import process, rates
from escdesk.metrics.drill import drill_ids
from escdesk.metrics.period import midnight, months
from escdesk.metrics.tables import Drill, Row, Table, to_csv
from escdesk.policy import Policy, default_policy
from escdesk.store import Store
from escdesk.store.metrics_sql import Scope

MAX_WORKERS = 4
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
) -> Dashboard:
    """Every table of the dashboard for [start, end] (dates in UTC, end inclusive), optionally one band or CSM."""
    policy = policy or default_policy()
    scope, periods = scope_for(start, end, now=now, band=band, csm_id=csm_id), months(start, end)
    builders: list[Builder] = [
        lambda s: rates.rate_by_month(s, scope, periods),
        lambda s: rates.rate_by_band(s, scope),
        lambda s: rates.rate_by_csm(s, scope),
        lambda s: rates.proactive_reactive(s, scope, periods),
        lambda s: process.clock_times(s, scope),
        lambda s: process.time_at_level(s, scope, policy),
        lambda s: process.update_cadence(s, scope, policy),
        lambda s: rates.reescalation_by_month(s, scope, periods),
        lambda s: process.checklist_adherence(s, scope),
        lambda s: process.root_cause_pareto(s, scope),
        lambda s: process.outcomes(s, scope),
    ]
    built = _run(store, builders, workers or min(MAX_WORKERS, os.cpu_count() or 1))
    tables = tuple(t for result in built for t in (result if isinstance(result, tuple) else (result,)))
    return Dashboard(start, end, band, csm_id, now, scope, tables)


def _run(store: Store, builders: list[Builder], workers: int) -> list[Table | tuple[Table, ...]]:
    """Each table in its own read-only unit of work, several at once: the database does the work and SQLite
    (like PostgreSQL) runs queries on separate connections in parallel, the GIL released while they run. The
    tables are read in separate snapshots, so a case saved meanwhile may show in one table and not another."""

    def build(builder: Builder) -> Table | tuple[Table, ...]:
        with store.read() as uow:
            return builder(uow.session)

    if workers <= 1:
        return [build(b) for b in builders]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="escdesk-metrics") as pool:
        return list(pool.map(build, builders))


def drill_down(store: Store, dashboard: Dashboard, drill: Drill, limit: int | None = None) -> list[str]:
    """The ids of the cases behind a row (oldest first), read when asked."""
    with store.read() as uow:
        return drill_ids(uow.session, dashboard.scope, drill, limit)


__all__ = ["Dashboard", "Drill", "Row", "Table", "compute_dashboard", "drill_down", "scope_for", "to_csv"]
