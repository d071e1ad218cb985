"""Which chart shows each dashboard table: the series, their colours and formats. One function per table; each
category is one row of the table, so a click on it drills into that row's cases."""

from __future__ import annotations

from collections.abc import Callable

from escdesk.metrics.tables import Cell, Table
from ui.charts import ChartSpec, Series, hours, money, percent, plain

SpecOf = Callable[[Table], ChartSpec]
BLUE, ORANGE, GREEN, RED, PURPLE, GREY, GOLD = (
    "#3b6fb6",
    "#e0803a",
    "#5aa469",
    "#c8493f",
    "#8c6bb1",
    "#a0a0a0",
    "#d4a72c",
)


def _number(value: Cell) -> float | None:
    if value is None or isinstance(value, str):
        return None
    return float(value)  # Decimal dollars too: a chart needs no cents


def _column(table: Table, name: str) -> tuple[float | None, ...]:
    return tuple(_number(v) for v in table.column(name))


def _labels(table: Table, name: str) -> tuple[str, ...]:
    return tuple(str(v).replace("_", " ") for v in table.column(name))


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_labels(table: Table) -> tuple[str, ...]:
    """ "Dec\n2025", "Jan\n2026", "Feb", ...: the year under the first month and under each January."""
    labels = []
    for i, value in enumerate(table.column("month")):
        year, month = str(value).split("-")
        labels.append(f"{MONTHS[int(month) - 1]}\n{year}" if i == 0 or month == "01" else MONTHS[int(month) - 1])
    return tuple(labels)


def rate_by_month(table: Table) -> ChartSpec:
    return ChartSpec(month_labels(table), (
        Series("Escalated per 100 accounts", _column(table, "per_100_accounts"), BLUE),
        Series("ARR-weighted rate", _column(table, "arr_weighted_rate"), ORANGE, line=True),
    ), left=plain, right=percent)  # fmt: skip


def rate_by_band(table: Table) -> ChartSpec:
    return ChartSpec(_labels(table, "band"), (
        Series("Escalated per 100 accounts", _column(table, "per_100_accounts"), BLUE),
        Series("ARR-weighted rate", _column(table, "arr_weighted_rate"), ORANGE, line=True),
    ))  # fmt: skip


def rate_by_csm(table: Table) -> ChartSpec:
    rows = sorted(range(len(table.rows)), key=lambda i: -(_number(table.rows[i].values[5]) or 0))[:15]
    names, per_100 = table.column("csm"), _column(table, "per_100_accounts")
    return ChartSpec(tuple(str(names[i]).split(" ")[-1] for i in rows),
                     (Series("Escalated per 100 accounts (top 15)", tuple(per_100[i] for i in rows), BLUE),),
                     rows=tuple(rows))  # fmt: skip


def proactive_reactive(table: Table) -> ChartSpec:
    return ChartSpec(month_labels(table), (
        Series("Proactive (slow-burn)", _column(table, "proactive"), GREEN),
        Series("Reactive (fast)", _column(table, "reactive"), RED),
        Series("Proactive share", _column(table, "proactive_share"), GREY, line=True),
    ), stacked=True)  # fmt: skip


def _measure_rows(table: Table, measure: str) -> tuple[int, ...]:
    return tuple(i for i, r in enumerate(table.rows) if r.values[0] == measure)


def clock_times(table: Table, measure: str) -> ChartSpec:
    rows = _measure_rows(table, measure)
    severity, median, p90 = table.column("severity"), _column(table, "median_h"), _column(table, "p90_h")
    return ChartSpec(tuple(str(severity[i]) for i in rows), (
        Series("Median", tuple(median[i] for i in rows), BLUE), Series("p90", tuple(p90[i] for i in rows), ORANGE),
    ), left=hours, rows=rows)  # fmt: skip


def time_at_level(table: Table) -> ChartSpec:
    return ChartSpec(_labels(table, "level"), (
        Series("Median", _column(table, "median_h"), BLUE), Series("p90", _column(table, "p90_h"), ORANGE),
    ), left=hours)  # fmt: skip


def update_cadence(table: Table) -> ChartSpec:
    labels = tuple(f"{s}\n{'slow' if p == 'slow_burn' else 'fast'}"
                   for s, p in zip(table.column("severity"), table.column("pace"), strict=True))  # fmt: skip
    return ChartSpec(labels, (Series("Intervals within the cadence", _column(table, "compliance"), GREEN),),
                     left=percent)  # fmt: skip


def reescalation(table: Table) -> ChartSpec:
    return ChartSpec(month_labels(table), (
        Series("Re-escalations", _column(table, "reescalations"), PURPLE),
        Series("Share of cases opened", _column(table, "rate"), GREY, line=True),
    ))  # fmt: skip


def checklist(table: Table) -> ChartSpec:
    return ChartSpec(_labels(table, "step"), slanted=True, series=(
        Series("On time", _column(table, "on_time"), GREEN), Series("Late", _column(table, "late"), GOLD),
        Series("Skipped", _column(table, "skipped"), GREY), Series("Overdue", _column(table, "overdue"), RED),
        Series("Pending", _column(table, "pending"), "#c9d6ea"),
    ), stacked=True)  # fmt: skip


def pareto(table: Table, value: str, fmt: Callable[[float], str]) -> ChartSpec:
    rows = tuple(i for i, r in enumerate(table.rows) if r.values[0])  # the unrecorded row is no category
    names, values, running = table.column("cause_name"), _column(table, value), _column(table, "cumulative_share")
    return ChartSpec(tuple(str(names[i]) for i in rows), (
        Series("Cases" if value == "cases" else "Account ARR", tuple(values[i] for i in rows), BLUE),
        Series("Cumulative share", tuple(running[i] for i in rows), ORANGE, line=True),
    ), left=fmt, rows=rows, slanted=True)  # fmt: skip


def outcomes(table: Table) -> ChartSpec:
    """Shares of the known outcomes (renewed, downgraded, churned) per band, all escalated accounts, and the
    accounts that did not escalate: the comparison is the point. The counts (and the unknown) are in the table."""
    kinds = ("churned", "downgraded", "renewed")
    shares: dict[str, list[float | None]] = {k: [] for k in kinds}
    for row in table.as_dicts():
        known = sum(int(row[k] or 0) for k in kinds)
        for k in kinds:
            shares[k].append(None if not known else int(row[k] or 0) / known)
    labels = tuple("Not\nesc." if b == "not_escalated" else "All\nesc." if b == "all" else str(b)
                   for b in table.column("band"))  # fmt: skip
    return ChartSpec(labels, (
        Series("Churned", tuple(shares["churned"]), RED), Series("Downgraded", tuple(shares["downgraded"]), GOLD),
        Series("Renewed", tuple(shares["renewed"]), GREEN),
    ), stacked=True, left=percent)  # fmt: skip


# (table name, card title, chart): the dashboard's cards in reading order.
CARDS: tuple[tuple[str, str, SpecOf], ...] = (
    ("escalation_rate_by_month", "Escalation rate by month", rate_by_month),
    ("proactive_vs_reactive", "Proactive vs reactive cases", proactive_reactive),
    ("reescalation_by_month", "Re-escalations within 90 days", reescalation),
    ("time_to_acknowledge_and_resolve", "Time to acknowledge (hours)", lambda t: clock_times(t, "acknowledge")),
    ("time_to_acknowledge_and_resolve", "Time to resolve (hours)", lambda t: clock_times(t, "resolve")),
    ("time_at_level", "Time at each level (hours)", time_at_level),
    ("update_cadence", "Update cadence kept (business time)", update_cadence),
    ("checklist_adherence", "Service-recovery checklist adherence", checklist),
    ("outcome_after_escalation", "Outcome after escalation vs not", outcomes),
    ("root_causes_by_count", "Root causes by cases (Pareto)", lambda t: pareto(t, "cases", plain)),
    ("root_causes_by_arr", "Root causes by account ARR (Pareto)", lambda t: pareto(t, "arr", money)),
    ("escalation_rate_by_band", "Escalation rate by ARR band", rate_by_band),
    ("escalation_rate_by_csm", "Escalation rate by CSM", rate_by_csm),
)
