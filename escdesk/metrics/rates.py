"""Escalation rates (per month, by ARR band, by CSM), proactive vs reactive, re-escalation: tables from the SQL
aggregates of escdesk.store.metrics_groups (a few hundred grouped rows), with the arithmetic of
escdesk.metrics.definitions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import accumulate

from sqlalchemy import select
from sqlalchemy.orm import Session

from escdesk.domain import ArrBand, Pace
from escdesk.metrics.definitions import per_100, ratio
from escdesk.metrics.period import Month
from escdesk.metrics.tables import Cell, Drill, Row, Table
from escdesk.money import from_cents
from escdesk.store import metrics_groups as q
from escdesk.store.metrics_groups import CaseGroup, EscalatedAccount, OwnerRow
from escdesk.store.metrics_sql import Scope
from escdesk.store.models import Person

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


def _rate(rows: Iterable[OwnerRow], escalated: Iterable[EscalatedAccount]) -> tuple[Cell, ...]:
    hit = list(escalated)
    picked = list(rows)
    return rate_cells(len(hit), sum(a.cents for a in hit), sum(r.accounts for r in picked),
                      sum(r.cents for r in picked))  # fmt: skip


def starts_of(periods: Sequence[Month]) -> list[datetime]:
    return [m.start for m in periods]


def rate_by_month(
    periods: Sequence[Month], created: Iterable[tuple[int, int, int]], escalated: Sequence[EscalatedAccount]
) -> Table:
    """`created`: (month, accounts, ARR) by creation (escdesk.store.metrics_groups.accounts_by_month)."""
    by_month = [(0, 0)] * len(periods)
    for m, n, cents in created:
        by_month[m] = (n, cents)
    active = list(accumulate(n for n, _ in by_month))  # created before the month's end: months 0..i
    active_cents = list(accumulate(cents for _, cents in by_month))
    hit, hit_cents = [0] * len(periods), [0] * len(periods)
    for account in escalated:
        for m in account.months:
            hit[m] += 1
            hit_cents[m] += account.cents
    rows = []
    for i, month in enumerate(periods):
        cells = rate_cells(hit[i], hit_cents[i], active[i], active_cents[i])
        rows.append(Row((month.label, *cells), Drill("rate_month", (month.label,))))
    return Table("escalation_rate_by_month", "Escalation rate by month", ("month", *RATE_COLUMNS), tuple(rows),
                 RATE_NOTE)  # fmt: skip


def rate_by_band(owners: Sequence[OwnerRow], escalated: Sequence[EscalatedAccount]) -> Table:
    hit: dict[str, list[EscalatedAccount]] = defaultdict(list)
    for account in escalated:
        hit[account.band].append(account)
    rows = []
    for band in ArrBand:  # every band, also one without accounts: a zero is information
        cells = _rate((r for r in owners if r.band == band.value), hit[band.value])
        rows.append(Row((band.value, BAND_NAMES[band], *cells), Drill("rate_band", (band.value,))))
    return Table("escalation_rate_by_band", "Escalation rate by ARR band over the period",
                 ("band", "band_name", *RATE_COLUMNS), tuple(rows), RATE_NOTE)  # fmt: skip


def owners_and_names(session: Session, scope: Scope) -> tuple[list[OwnerRow], dict[str, str]]:
    owners = q.accounts_by_owner(session, scope)
    return owners, _person_names(session, sorted({o.csm_id for o in owners if o.csm_id is not None}))


def rate_by_csm(owners: Sequence[OwnerRow], names: dict[str, str], escalated: Sequence[EscalatedAccount]) -> Table:
    by_csm: dict[str | None, list[OwnerRow]] = defaultdict(list)
    for row in owners:
        by_csm[row.csm_id].append(row)
    hit: dict[str | None, list[EscalatedAccount]] = defaultdict(list)
    for account in escalated:
        hit[account.csm_id].append(account)
    found = {csm: _rate(rows, hit[csm]) for csm, rows in by_csm.items()}
    first = {csm: min(r.first_account for r in rows) for csm, rows in by_csm.items()}

    def order(csm: str | None) -> tuple[int, str, str]:
        # Most escalated first, then by name; CSMs alike in both in the order their first account is listed (id).
        return -int(found[csm][1] or 0), names.get(csm or "", ""), first[csm]

    rows = tuple(
        Row((csm or "", names.get(csm or "", "(no CSM)"), *found[csm]), Drill("rate_csm", (csm or "",)))
        for csm in sorted(found, key=order)
    )
    return Table("escalation_rate_by_csm", "Escalation rate by CSM over the period",
                 ("csm_id", "csm", *RATE_COLUMNS), rows, RATE_NOTE)  # fmt: skip


def _person_names(session: Session, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    return {str(i): str(n) for i, n in session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))}


def proactive_reactive(groups: Sequence[CaseGroup], periods: Sequence[Month]) -> Table:
    found = [{pace.value: 0 for pace in Pace} for _ in periods]
    for group in groups:
        found[group.month][group.pace] = found[group.month].get(group.pace, 0) + group.cases
    rows = []
    for i, month in enumerate(periods):
        slow, fast = found[i][Pace.SLOW_BURN.value], found[i][Pace.FAST.value]
        cells = (month.label, slow, fast, rounded(ratio(slow, slow + fast)))
        rows.append(Row(cells, Drill("rate_month", (month.label,))))
    return Table(
        "proactive_vs_reactive",
        "Proactive (slow-burn) vs reactive (fast) cases opened",
        ("month", "proactive", "reactive", "proactive_share"),
        tuple(rows),
        "Proactive: slow-burn cases, opened by us on a declining account; reactive: fast ones (incidents).",
    )


def reescalation_by_month(groups: Sequence[CaseGroup], periods: Sequence[Month]) -> Table:
    """Each case checked in the database (escdesk.store.metrics_sql.is_repeat), counted per month here."""
    counts = [(0, 0)] * len(periods)
    for group in groups:
        n, r = counts[group.month]
        counts[group.month] = (n + group.cases, r + group.repeats)
    rows = []
    for i, month in enumerate(periods):
        opened_n, repeats_n = counts[i]
        cells = (month.label, opened_n, repeats_n, rounded(ratio(repeats_n, opened_n)))
        rows.append(Row(cells, Drill("reescalation", (month.label,))))
    note = ("A re-escalation: the account had an earlier case open at this one's opening or closed at most 90 days "
            "before it.")  # fmt: skip
    return Table("reescalation_by_month", "Re-escalations (same account within 90 days)",
                 ("month", "cases_opened", "reescalations", "rate"), tuple(rows), note)  # fmt: skip
