"""Escalation rates (per month, by ARR band, by CSM), proactive vs reactive, re-escalation: tables from the SQL
aggregates of escdesk.store.metrics_sql, with the arithmetic of escdesk.metrics.definitions."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate

from sqlalchemy import select
from sqlalchemy.orm import Session

from escdesk.domain import ArrBand, Pace
from escdesk.metrics.definitions import REESCALATION_WINDOW, per_100, ratio
from escdesk.metrics.period import Month
from escdesk.metrics.tables import Cell, Drill, Row, Table
from escdesk.money import from_cents
from escdesk.store import metrics_facts as q
from escdesk.store.metrics_facts import CaseLine
from escdesk.store.metrics_sql import OPEN_FOREVER
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


@dataclass(frozen=True, slots=True)
class Book:
    """What the rates read once for every table: the segment's accounts and the window's cases."""

    accounts: dict[str, q.Account]  # live accounts of the segment created before the window's end, by id
    lines: Sequence[CaseLine]  # the cases opened in the window


def _month_index(periods: Sequence[Month]) -> Callable[[float], int]:
    starts = [m.start.timestamp() for m in periods]
    return lambda opened_s: bisect_right(starts, opened_s) - 1


def _rate(accounts: Iterable[q.Account], escalated: set[str]) -> tuple[Cell, ...]:
    active = list(accounts)
    hit = [a for a in active if a.id in escalated]
    return rate_cells(len(hit), sum(a.arr_cents for a in hit), len(active), sum(a.arr_cents for a in active))


def rate_by_month(book: Book, periods: Sequence[Month]) -> Table:
    month_of = _month_index(periods)
    escalated: list[set[str]] = [set() for _ in periods]
    for line in book.lines:
        escalated[month_of(line.opened_s)].add(line.customer_id)
    created = sorted((a.created_s, a.arr_cents) for a in book.accounts.values())
    stamps, running = [c for c, _ in created], list(accumulate((cents for _, cents in created), initial=0))
    rows = []
    for i, month in enumerate(periods):
        active = bisect_left(stamps, month.end.timestamp())  # accounts created before the month's end
        hit = {c for c in escalated[i] if c in book.accounts}  # an account created after the month still counts
        cells = rate_cells(len(hit), sum(book.accounts[c].arr_cents for c in hit), active, running[active])
        rows.append(Row((month.label, *cells), Drill("rate_month", (month.label,))))
    return Table("escalation_rate_by_month", "Escalation rate by month", ("month", *RATE_COLUMNS), tuple(rows),
                 RATE_NOTE)  # fmt: skip


def _escalated(book: Book) -> set[str]:
    return {line.customer_id for line in book.lines}


def rate_by_band(book: Book) -> Table:
    escalated, rows = _escalated(book), []
    for band in ArrBand:  # every band, also one without accounts: a zero is information
        cells = _rate((a for a in book.accounts.values() if a.band == band.value), escalated)
        rows.append(Row((band.value, BAND_NAMES[band], *cells), Drill("rate_band", (band.value,))))
    return Table("escalation_rate_by_band", "Escalation rate by ARR band over the period",
                 ("band", "band_name", *RATE_COLUMNS), tuple(rows), RATE_NOTE)  # fmt: skip


def rate_by_csm(session: Session, book: Book) -> Table:
    escalated = _escalated(book)
    by_csm: dict[str | None, list[q.Account]] = defaultdict(list)
    for account in book.accounts.values():
        by_csm[account.csm_id].append(account)
    names = _person_names(session, [k for k in by_csm if k is not None])
    found = {csm: _rate(accounts, escalated) for csm, accounts in by_csm.items()}
    ordered = sorted(found.items(), key=lambda kv: (-int(kv[1][1] or 0), names.get(kv[0] or "", "")))
    rows = tuple(
        Row((csm or "", names.get(csm or "", "(no CSM)"), *cells), Drill("rate_csm", (csm or "",)))
        for csm, cells in ordered
    )
    return Table("escalation_rate_by_csm", "Escalation rate by CSM over the period",
                 ("csm_id", "csm", *RATE_COLUMNS), rows, RATE_NOTE)  # fmt: skip


def _person_names(session: Session, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    return {str(i): str(n) for i, n in session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))}


def proactive_reactive(book: Book, periods: Sequence[Month]) -> Table:
    month_of = _month_index(periods)
    found: Counter[tuple[int, str]] = Counter((month_of(line.opened_s), line.pace) for line in book.lines)
    rows = []
    for i, month in enumerate(periods):
        slow, fast = found[(i, Pace.SLOW_BURN.value)], found[(i, Pace.FAST.value)]
        cells = (month.label, slow, fast, rounded(ratio(slow, slow + fast)))
        rows.append(Row(cells, Drill("rate_month", (month.label,))))
    return Table(
        "proactive_vs_reactive",
        "Proactive (slow-burn) vs reactive (fast) cases opened",
        ("month", "proactive", "reactive", "proactive_share"),
        tuple(rows),
        "Proactive: slow-burn cases, opened by us on a declining account; reactive: fast ones (incidents).",
    )


def repeats(
    history: Iterable[tuple[str, str, float, float | None]], window_s: float
) -> Iterator[tuple[str, float, bool]]:
    """(case id, opened, re-escalation?) from (customer, case, opened, closed) in account and opening order:
    an earlier case of the account still open at the opening, or closed at most `window_s` before it."""
    customer, latest = None, -OPEN_FOREVER
    for account, case_id, opened, closed in history:
        if account != customer:
            customer, latest = account, -OPEN_FOREVER
        yield case_id, opened, latest >= opened - window_s
        latest = max(latest, OPEN_FOREVER if closed is None else closed)


def reescalation_by_month(session: Session, scope: q.Scope, periods: Sequence[Month]) -> Table:
    window_s, month_of = REESCALATION_WINDOW.total_seconds(), _month_index(periods)
    start_s = scope.start.timestamp()
    found: list[list[int]] = [[0, 0] for _ in periods]
    for _, opened, repeat in repeats(q.case_history(session, scope, REESCALATION_WINDOW), window_s):
        if opened >= start_s:
            counts = found[month_of(opened)]
            counts[0] += 1
            counts[1] += repeat
    rows = []
    for i, month in enumerate(periods):
        opened_n, repeats_n = found[i]
        cells = (month.label, opened_n, repeats_n, rounded(ratio(repeats_n, opened_n)))
        rows.append(Row(cells, Drill("reescalation", (month.label,))))
    note = ("A re-escalation: the account had an earlier case open at this one's opening or closed at most 90 days "
            "before it.")  # fmt: skip
    return Table("reescalation_by_month", "Re-escalations (same account within 90 days)",
                 ("month", "cases_opened", "reescalations", "rate"), tuple(rows), note)  # fmt: skip
