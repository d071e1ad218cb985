"""How cases were worked: time to acknowledge and resolve, time at each level, update-cadence compliance,
checklist adherence, root-cause Pareto. Tables from the aggregates of escdesk.store.metrics_groups and
escdesk.store.metrics_sql: percentiles come from the database ranked (nearest-rank), counts grouped."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from escdesk.domain import Level, Pace, Severity
from escdesk.metrics.definitions import StepOutcome, pareto, ratio, sorted_rank
from escdesk.metrics.facts import LEVEL_CODES, step_counts
from escdesk.metrics.rates import rounded
from escdesk.metrics.tables import Cell, Drill, Row, Table
from escdesk.money import from_cents
from escdesk.policy import Policy
from escdesk.reports.portfolio import ROOT_CAUSE_NAMES
from escdesk.store import metrics_groups as g
from escdesk.store.metrics_facts import step_groups
from escdesk.store.metrics_groups import CaseGroup
from escdesk.store.metrics_sql import Scope, root_causes

HOUR = 3600.0
DURATION_NOTE = (
    "Elapsed hours (not business hours). Acknowledge: cases opened in the period; resolve: cases resolved in it. "
    "Percentiles are nearest-rank (the value of rank ceil(p x n)); the median of an even count is the lower middle."
)
Quantiles = dict[str, tuple[int, float | None, float | None, float]]


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / HOUR, 2)


def quantiles(groups: dict[str, list[float]]) -> Quantiles:
    """Group -> (n, median, p90, total), nearest-rank (each group sorted once, then picked from in order)."""
    found = {}
    for group, values in groups.items():
        values.sort()
        found[group] = (len(values), sorted_rank(values, 0.5), sorted_rank(values, 0.9), float(sum(values)))
    return found


def by_severity(pairs: Iterable[tuple[str, float]]) -> dict[str, list[float]]:
    """Values grouped by severity, and all of them under "all"."""
    groups: dict[str, list[float]] = defaultdict(list)
    for severity, value in pairs:
        groups[severity].append(value)
    groups["all"] = [value for values in list(groups.values()) for value in values]
    return groups


def _quantile_rows(measure: str, found: Quantiles) -> list[Row]:
    rows = []
    for key in [s.value for s in Severity] + ["all"]:
        n, p50, p90, _ = found.get(key, (0, None, None, 0.0))
        rows.append(Row((measure, key, n, _hours(p50), _hours(p90)), Drill(measure, (key,))))
    return rows


def duration_quantiles(pairs: Iterable[tuple[str, float]]) -> Quantiles:
    return quantiles(by_severity(pairs))


def clock_times(acknowledge: Quantiles, resolve: Quantiles, groups: Sequence[CaseGroup]) -> Table:
    rows = _quantile_rows("acknowledge", acknowledge) + _quantile_rows("resolve", resolve)
    unacknowledged = sum(group.unacknowledged for group in groups)
    unresolved = sum(group.unresolved for group in groups)
    note = f"{DURATION_NOTE} Not yet acknowledged: {unacknowledged}; not yet resolved: {unresolved}."
    return Table("time_to_acknowledge_and_resolve", "Time to acknowledge and to resolve (hours)",
                 ("measure", "severity", "cases", "median_h", "p90_h"), tuple(rows), note)  # fmt: skip


def level_groups(rows: Sequence[Any], now_s: float) -> dict[str, list[float]]:
    """Level code -> seconds of each case at it: its settled stays there, plus at the current level the stay
    running to now (never negative). Column by column: most cases are closed, with no running stay."""
    if not rows:
        return {}
    *settled, currents, sinces = zip(*rows, strict=True)
    running = {
        i: (c, t) for i, (c, t) in enumerate(zip(currents, sinces, strict=True)) if c is not None and t is not None
    }
    groups: dict[str, list[float]] = {}
    for column, code in zip(settled, LEVEL_CODES, strict=True):
        skip = {i for i, (current, _) in running.items() if current == code}  # replaced by the running total
        groups[code] = [v for i, v in enumerate(column) if v is not None and i not in skip] if skip else [
            v for v in column if v is not None]  # fmt: skip
    index = {code: k for k, code in enumerate(LEVEL_CODES)}
    for i, (current, since) in running.items():
        before = settled[index[current]][i] if current in index else None
        groups.setdefault(current, []).append((0.0 if before is None else before) + max(0.0, now_s - since))
    return groups


def time_at_level(session: Session, scope: Scope, digest: str, policy: Policy) -> Table:
    found = quantiles(level_groups(g.level_seconds(session, scope, digest), scope.now.timestamp()))
    rows = []
    for level in Level:
        n, p50, p90, total = found.get(level.code, (0, None, None, 0.0))
        cells = (level.code, policy.level_name(level), n, _hours(total), _hours(p50), _hours(p90))
        rows.append(Row(cells, Drill("level", (level.code,))))
    note = ("Time each case opened in the period spent at a level, over its stays there: from entering it to the "
            "next level change, cut at resolution, else closure, else now (elapsed hours).")  # fmt: skip
    return Table("time_at_level", "Time at each level (hours)",
                 ("level", "level_name", "cases", "total_h", "median_h", "p90_h"), tuple(rows), note)  # fmt: skip


def update_cadence(groups: Sequence[CaseGroup], policy: Policy) -> Table:
    found: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for group in groups:
        sums = found[(group.severity, group.pace)]
        sums[0] += group.intervals
        sums[1] += group.within
    targets = {(s.severity.value, p.value): (s.update_fast if p is Pace.FAST else s.update_slow_burn)
               for s in policy.severities for p in Pace}  # fmt: skip
    rows = []
    for (severity, pace), target in targets.items():
        counted, within = found.get((severity, pace), (0, 0))
        cells = (severity, pace, target, counted, within, rounded(ratio(within, counted)))
        rows.append(Row(cells, Drill("cadence", (severity, pace))))
    note = ("Intervals from acknowledgement to the first customer contact (either way), between contacts, and to "
            "resolution, against the cadence counted on the case's calendar as its unit says (4bh: working "
            "hours; 1bd: the same hour next working day; 1h: elapsed); a running interval counts once late. "
            "Waiting on the customer does not pause it.")  # fmt: skip
    return Table(
        "update_cadence",
        "Update-cadence compliance",
        ("severity", "pace", "cadence", "intervals", "within_cadence", "compliance"),
        tuple(rows),
        note,
    )


_STEP_COLUMNS = (StepOutcome.ON_TIME, StepOutcome.LATE, StepOutcome.SKIPPED, StepOutcome.OVERDUE,
                 StepOutcome.PENDING)  # fmt: skip


def checklist_adherence(session: Session, scope: Scope, digest: str) -> Table:
    counts: Counter[tuple[str, StepOutcome]] = Counter()
    order: dict[str, int] = {}
    groups = step_groups(session, scope, digest)
    for (key, position, outcome), n in step_counts(groups, scope.now.timestamp()).items():
        counts[(key, outcome)] += n
        if position < order.get(key, position + 1):
            order[key] = position
    rows = []
    for key in sorted(order, key=lambda k: (order[k], k)):
        on_time, late, skipped, overdue, pending = (counts[(key, o)] for o in _STEP_COLUMNS)
        settled = on_time + late + skipped
        cells = (key, order[key], on_time, late, skipped, overdue, pending, rounded(ratio(on_time, settled)))
        rows.append(Row(cells, Drill("checklist", (key,))))
    note = ("Steps of the cases opened in the period. On time: done by its due time (or none set); on-time share "
            "= on time / (on time + late + skipped).")  # fmt: skip
    columns = ("step", "position", "on_time", "late", "skipped", "overdue", "pending", "on_time_share")
    return Table("checklist_adherence", "Checklist adherence", columns, tuple(rows), note)


def cause_name(cause: str) -> str:
    known = {c.value: name for c, name in ROOT_CAUSE_NAMES.items()}
    return known.get(cause, cause.replace("_", " ").capitalize())


def _pareto_table(name: str, title: str, values: dict[str, int], missing: int, money: bool) -> Table:
    def amount(v: int) -> Cell:
        return from_cents(v) if money else v

    rows = [
        Row((r.key, cause_name(r.key), amount(r.value), rounded(r.share), rounded(r.cumulative)),
            Drill("root_cause", (r.key,)))
        for r in pareto(values) if r.value
    ]  # fmt: skip
    if missing:  # not ranked: an unrecorded cause is a gap to close, not a category
        rows.append(Row(("", "Not recorded", amount(missing), None, None), Drill("root_cause", ("",))))
    column = "arr" if money else "cases"
    note = "Cases closed in the period; shares and the running share are of the cases with a recorded cause."
    return Table(name, title, ("cause", "cause_name", column, "share", "cumulative_share"), tuple(rows), note)


def root_cause_pareto(session: Session, scope: Scope) -> tuple[Table, Table]:
    found = root_causes(session, scope)
    missing = found.pop(None, (0, 0, 0))
    counts = {str(c): v[0] for c, v in found.items()}
    arr = {str(c): v[1] for c, v in found.items()}
    return (
        _pareto_table("root_causes_by_count", "Root-cause Pareto by cases", counts, missing[0], money=False),
        _pareto_table("root_causes_by_arr", "Root-cause Pareto by account ARR", arr, missing[1], money=True),
    )
