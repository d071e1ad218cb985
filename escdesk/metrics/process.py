"""How cases were worked: time to acknowledge and resolve, time at each level, update-cadence compliance,
checklist adherence, root-cause Pareto and outcomes. Tables from escdesk.store.metrics_sql's aggregates."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from escdesk.clocks import CONTINUOUS, target_duration
from escdesk.domain import Level, Pace, Severity
from escdesk.durations import parse_span
from escdesk.metrics.definitions import pareto, ratio
from escdesk.metrics.rates import rounded
from escdesk.metrics.tables import Cell, Drill, Row, Table
from escdesk.money import from_cents
from escdesk.policy import Policy
from escdesk.reports.portfolio import ROOT_CAUSE_NAMES
from escdesk.store import metrics_sql as q

HOUR = 3600.0
_ANY_START = datetime(2026, 1, 5, tzinfo=UTC)  # on the always-open calendar every start gives the same length
DURATION_NOTE = (
    "Elapsed hours (not business hours). Acknowledge: cases opened in the period; resolve: cases resolved in it. "
    "Percentiles are nearest-rank (the value of rank ceil(p x n)); the median of an even count is the lower middle."
)


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / HOUR, 2)


def _quantile_rows(measure: str, found: q.Quantiles) -> list[Row]:
    rows = []
    for key in [s.value for s in Severity] + ["all"]:
        n, p50, p90, _ = found.get(key, (0, None, None, 0.0))
        rows.append(Row((measure, key, n, _hours(p50), _hours(p90)), Drill(measure, (key,))))
    return rows


def clock_times(session: Session, scope: q.Scope) -> Table:
    rows = _quantile_rows("acknowledge", q.time_to_acknowledge(session, scope))
    rows += _quantile_rows("resolve", q.time_to_resolve(session, scope))
    unacknowledged, unresolved = q.pending(session, scope)
    note = f"{DURATION_NOTE} Not yet acknowledged: {unacknowledged}; not yet resolved: {unresolved}."
    return Table("time_to_acknowledge_and_resolve", "Time to acknowledge and to resolve (hours)",
                 ("measure", "severity", "cases", "median_h", "p90_h"), tuple(rows), note)  # fmt: skip


def time_at_level(session: Session, scope: q.Scope, policy: Policy) -> Table:
    found = q.level_stays(session, scope)
    rows = []
    for level in Level:
        n, p50, p90, total = found.get(level.code, (0, None, None, 0.0))
        cells = (level.code, policy.level_name(level), n, _hours(total), _hours(p50), _hours(p90))
        rows.append(Row(cells, Drill("level", (level.code,))))
    note = ("Stays at a level of the cases opened in the period: from entering it to the next level change, cut "
            "at resolution, else closure, else now (elapsed hours).")  # fmt: skip
    return Table("time_at_level", "Time at each level (hours)",
                 ("level", "level_name", "stays", "total_h", "median_h", "p90_h"), tuple(rows), note)  # fmt: skip


def cadences(policy: Policy) -> dict[tuple[str, str], float]:
    """Seconds per (severity, pace). Business units count as elapsed time here (a business day is 24 hours, as
    in the weekly report's past weeks): the calendars run per case and would need every case's history."""
    found = {}
    for s in policy.severities:
        for pace, text in ((Pace.FAST, s.update_fast), (Pace.SLOW_BURN, s.update_slow_burn)):
            span = target_duration(parse_span(text), CONTINUOUS, _ANY_START)
            found[(s.severity.value, pace.value)] = span.total_seconds()
    return found


def update_cadence(session: Session, scope: q.Scope, policy: Policy) -> Table:
    found = q.update_cadence(session, scope, cadences(policy))
    targets = {(s.severity.value, p.value): (s.update_fast if p is Pace.FAST else s.update_slow_burn)
               for s in policy.severities for p in Pace}  # fmt: skip
    rows = []
    for (severity, pace), target in targets.items():
        counted, within = found.get((severity, pace), (0, 0))
        cells = (severity, pace, target, counted, within, rounded(ratio(within, counted)))
        rows.append(Row(cells, Drill("cadence", (severity, pace))))
    note = ("Intervals from acknowledgement to the first customer contact (either way), between contacts, and to "
            "resolution; a running interval counts once late. Elapsed time: a business day counts as 24 hours, "
            "pauses are not taken out.")  # fmt: skip
    return Table(
        "update_cadence",
        "Update-cadence compliance",
        ("severity", "pace", "cadence", "intervals", "within_cadence", "compliance"),
        tuple(rows),
        note,
    )


def checklist_adherence(session: Session, scope: q.Scope) -> Table:
    rows = []
    for key, position, on_time, late, skipped, overdue, pending in sorted(
        q.checklist_outcomes(session, scope), key=lambda r: (r[1], r[0])
    ):
        settled = on_time + late + skipped
        cells = (key, position, on_time, late, skipped, overdue, pending, rounded(ratio(on_time, settled)))
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


def root_cause_pareto(session: Session, scope: q.Scope) -> tuple[Table, Table]:
    found = q.root_causes(session, scope)
    missing = found.pop(None, (0, 0, 0))
    counts = {str(c): v[0] for c, v in found.items()}
    arr = {str(c): v[1] for c, v in found.items()}
    return (
        _pareto_table("root_causes_by_count", "Root-cause Pareto by cases", counts, missing[0], money=False),
        _pareto_table("root_causes_by_arr", "Root-cause Pareto by account ARR", arr, missing[1], money=True),
    )


def outcomes(session: Session, scope: q.Scope) -> Table:
    accounts = q.escalated_accounts(session, scope)
    rows = (
        Row(("renewed", None)), Row(("churned", None)),
        Row(("unknown", accounts), Drill("outcome")),
    )  # fmt: skip
    note = "The database records no renewal or churn outcome yet: every escalated account's outcome is unknown."
    return Table("outcome_after_escalation", "Outcome after escalation (accounts)", ("outcome", "accounts"), rows,
                 note)  # fmt: skip
