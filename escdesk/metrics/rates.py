"""Escalation rates (per month, by ARR band, by CSM), proactive vs reactive, re-escalation: tables from the SQL
aggregates of escdesk.store.metrics_sql, with the arithmetic of escdesk.metrics.definitions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from escdesk.domain import ArrBand, Pace
from escdesk.metrics.definitions import REESCALATION_WINDOW, per_100, ratio
from escdesk.metrics.period import Month
from escdesk.metrics.tables import Cell, Drill, Row, Table
from escdesk.money import from_cents
from escdesk.store import metrics_sql as q
from escdesk.store.models import Customer, Person

RATE_COLUMNS = (
    "active_accounts", "escalated_accounts", "rate", "per_100_accounts", "active_arr", "escalated_arr",
    "arr_weighted_rate",
)  # fmt: skip
RATE_NOTE = (
    "Accounts with a case opened in the period / accounts active in it (created before its end, not deleted); "
    "ARR-weighted: their ARR / the active accounts' ARR (current ARR, band and CSM of each account)."
)
BAND_NAMES = {ArrBand.SMB: "SMB", ArrBand.MID_MARKET: "Mid-market", ArrBand.ENTERPRISE: "Enterprise",
              ArrBand.STRATEGIC: "Strategic"}  # fmt: skip


def rounded(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


def rate_cells(escalated: int, escalated_cents: int, active: int, active_cents: int) -> tuple[Cell, ...]:
    return (
        active, escalated, rounded(ratio(escalated, active)), rounded(per_100(escalated, active), 2),
        from_cents(active_cents), from_cents(escalated_cents), rounded(ratio(escalated_cents, active_cents)),
    )  # fmt: skip


def rate_by_month(session: Session, scope: q.Scope, periods: Sequence[Month]) -> Table:
    starts = [m.start for m in periods]
    active = q.active_accounts(session, scope, [m.end for m in periods]) if periods else []
    escalated = q.escalated_by_period(session, scope, starts) if periods else {}
    rows = []
    for i, month in enumerate(periods):
        accounts, cents = escalated.get(i, (0, 0))
        rows.append(Row((month.label, *rate_cells(accounts, cents, *active[i])), Drill("rate_month", (month.label,))))
    return Table("escalation_rate_by_month", "Escalation rate by month", ("month", *RATE_COLUMNS), tuple(rows),
                 RATE_NOTE)  # fmt: skip


def rate_by_band(session: Session, scope: q.Scope) -> Table:
    found = q.escalated_by(session, scope, Customer.band)
    rows = []
    for band in ArrBand:  # every band, also one without accounts: a zero is information
        escalated, cents, active, active_cents = found.get(band.value, (0, 0, 0, 0))
        cells = (band.value, BAND_NAMES[band], *rate_cells(escalated, cents, active, active_cents))
        rows.append(Row(cells, Drill("rate_band", (band.value,))))
    return Table("escalation_rate_by_band", "Escalation rate by ARR band over the period",
                 ("band", "band_name", *RATE_COLUMNS), tuple(rows), RATE_NOTE)  # fmt: skip


def rate_by_csm(session: Session, scope: q.Scope) -> Table:
    found = q.escalated_by(session, scope, Customer.csm_id)
    names = _person_names(session, [k for k in found if k is not None])
    ordered = sorted(found.items(), key=lambda kv: (-kv[1][0], names.get(kv[0] or "", "")))
    rows = tuple(
        Row((csm or "", names.get(csm or "", "(no CSM)"), *rate_cells(*numbers)), Drill("rate_csm", (csm or "",)))
        for csm, numbers in ordered
    )
    return Table("escalation_rate_by_csm", "Escalation rate by CSM over the period",
                 ("csm_id", "csm", *RATE_COLUMNS), rows, RATE_NOTE)  # fmt: skip


def _person_names(session: Session, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    return {str(i): str(n) for i, n in session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))}


def proactive_reactive(session: Session, scope: q.Scope, periods: Sequence[Month]) -> Table:
    found = q.pace_by_period(session, scope, [m.start for m in periods]) if periods else {}
    rows = []
    for i, month in enumerate(periods):
        slow, fast = found.get((i, Pace.SLOW_BURN.value), 0), found.get((i, Pace.FAST.value), 0)
        cells = (month.label, slow, fast, rounded(ratio(slow, slow + fast)))
        rows.append(Row(cells, Drill("rate_month", (month.label,))))
    return Table(
        "proactive_vs_reactive",
        "Proactive (slow-burn) vs reactive (fast) cases opened",
        ("month", "proactive", "reactive", "proactive_share"),
        tuple(rows),
        "Proactive: slow-burn cases, opened by us on a declining account; reactive: fast ones (incidents).",
    )


def reescalation_by_month(session: Session, scope: q.Scope, periods: Sequence[Month]) -> Table:
    window_s = REESCALATION_WINDOW.total_seconds()
    found = q.reescalations(session, scope, [m.start for m in periods], window_s) if periods else {}
    rows = []
    for i, month in enumerate(periods):
        opened, repeats = found.get(i, (0, 0))
        cells = (month.label, opened, repeats, rounded(ratio(repeats, opened)))
        rows.append(Row(cells, Drill("reescalation", (month.label,))))
    note = ("A re-escalation: the account had an earlier case open at this one's opening or closed at most 90 days "
            "before it.")  # fmt: skip
    return Table("reescalation_by_month", "Re-escalations (same account within 90 days)",
                 ("month", "cases_opened", "reescalations", "rate"), tuple(rows), note)  # fmt: skip
