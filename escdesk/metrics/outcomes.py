"""Outcome after escalation: did the accounts that escalated renew, downgrade or churn within N days?

Outcomes are facts about accounts (customer_outcomes, migration 0005), recorded by `record_outcome`: an import of
renewals and churn from a CRM export, the demo generator, or a person. The metric takes each account with a case
opened in the window, anchors it at its first such case, and reports the first outcome recorded from that day to
N days later (escdesk.metrics.definitions.outcome_after), by ARR band.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from escdesk.domain import ArrBand
from escdesk.errors import EscDeskError
from escdesk.ids import new_id
from escdesk.metrics.definitions import NO_OUTCOME, OUTCOME_DAYS, TOO_EARLY, outcome_after, ratio
from escdesk.metrics.rates import BAND_NAMES, rounded
from escdesk.metrics.tables import Drill, Row, Table
from escdesk.money import from_cents, to_cents
from escdesk.store import Store
from escdesk.store.metric_rows import OUTCOME_KINDS, CustomerOutcome
from escdesk.store.metrics_groups import EscalatedAccount
from escdesk.store.metrics_sql import Scope

KINDS = ("renewed", "downgraded", "churned", NO_OUTCOME, TOO_EARLY)
NOT_ESCALATED = "not_escalated"
NAMES = {"all": "All bands", NOT_ESCALATED: "Not escalated (comparison)"}


class OutcomeError(EscDeskError):
    pass


def record_outcome(
    store: Store,
    customer_id: str,
    kind: str,
    on: date,
    *,
    arr_change: Decimal | int | str = 0,
    source: str = "manual",
    now: datetime | None = None,
) -> str:
    """Record that an account renewed, churned or was downgraded on `on`, with the ARR change in dollars (a churn
    is usually minus the ARR). Recording the same (account, date, kind) again updates it: an import run twice
    changes nothing. Returns the outcome's id."""
    if kind not in OUTCOME_KINDS:
        raise OutcomeError(f"unknown outcome {kind!r}: use one of {', '.join(OUTCOME_KINDS)}")
    cents = to_cents(str(arr_change))
    with store.uow() as uow:
        found = uow.session.scalars(
            select(CustomerOutcome).where(CustomerOutcome.customer_id == customer_id,
                                          CustomerOutcome.occurred_on == on, CustomerOutcome.kind == kind)
        ).first()  # fmt: skip
        if found is None:
            found = CustomerOutcome(id=new_id(), customer_id=customer_id, kind=kind, occurred_on=on)
            uow.session.add(found)
        found.arr_change_cents, found.source, found.recorded_at = cents, source, now or datetime.now(UTC)
        uow.commit()
        return found.id


def outcomes_table(
    scope: Scope,
    outcomes: Iterable[tuple[str, date, str, int]],
    accounts: int,
    escalated: Sequence[EscalatedAccount],
    days: int = OUTCOME_DAYS,
) -> Table:
    """`outcomes`: those recorded since the window's start for the book's accounts (metrics_groups.book_outcomes);
    `accounts`: how many the book holds (the live accounts of the segment created before the window's end);
    `escalated`: those with a case opened in the window."""
    today = scope.now.date()
    first = {a.id: (a.band, a.first_s) for a in escalated}
    recorded: dict[str, list[tuple[date, str, int]]] = defaultdict(list)
    others: dict[str, tuple[date, str, int]] = {}  # the first outcome in the period of each account not escalated
    last_day = (scope.end - timedelta(microseconds=1)).date()
    for customer, on, kind, cents in outcomes:
        if customer in first:
            recorded[customer].append((on, kind, cents))
        elif on <= last_day and (on, kind, cents) < others.get(customer, (date.max, "", 0)):
            others[customer] = (on, kind, cents)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KINDS, 0))
    arr: dict[str, int] = defaultdict(int)
    unrecorded: dict[date, str] = {}  # the verdict for an account with nothing recorded depends on the day alone
    for customer, (band, opened_s) in first.items():
        opened_on, found = datetime.fromtimestamp(opened_s, UTC).date(), sorted(recorded.get(customer, ()))
        if not found and opened_on not in unrecorded:
            unrecorded[opened_on] = outcome_after(opened_on, [], days, today)
        kind = (
            outcome_after(opened_on, [(on, k) for on, k, _ in found], days, today) if found else unrecorded[opened_on]
        )
        change = next((c for on, k, c in found if k == kind and opened_on <= on), 0)
        for key in (band, "all"):
            counts[key][kind] += 1
            arr[key] += change if kind in OUTCOME_KINDS else 0
    rows = [_row(key, counts[key], arr[key]) for key in [b.value for b in ArrBand] + ["all"]]
    rows.append(_baseline(accounts - len(first), others))
    note = (
        f"Accounts with a case opened in the period, from their first such case: the first renewal, downgrade "
        f"or churn recorded within {days} days after it. Churn rate = churned / accounts with an outcome. For "
        f"comparison, the accounts without a case in the period: their first outcome recorded in it."
    )
    columns = ("band", "band_name", "accounts", *KINDS, "churn_rate", "arr_change")
    return Table("outcome_after_escalation", f"Outcome within {days} days after escalation (accounts)", columns,
                 tuple(rows), note)  # fmt: skip


def _baseline(accounts: int, found: dict[str, tuple[date, str, int]]) -> Row:
    """The `accounts` of the segment that did not escalate in the period, with what they did in it."""
    counts = dict.fromkeys(KINDS, 0)
    for _, kind, _ in found.values():
        counts[kind] += 1
    counts[NO_OUTCOME] += accounts - len(found)
    row = _row(NOT_ESCALATED, counts, sum(change for _, _, change in found.values()))
    return Row(row.values)  # no case behind it to drill into


def _row(key: str, counts: dict[str, int], cents: int) -> Row:
    name = NAMES.get(key) or BAND_NAMES[ArrBand(key)]
    known = counts["renewed"] + counts["downgraded"] + counts["churned"]
    cells = (key, name, sum(counts.values()), *(counts[k] for k in KINDS), rounded(ratio(counts["churned"], known)),
             from_cents(cents))  # fmt: skip
    return Row(cells, Drill("outcome", (key,)))
