"""The demo's commercial outcomes: a renewal, downgrade or churn at each past renewal date of every demo account,
so the dashboard's "outcome after escalation" has a history to show.

Read back from the rows just written (customers and cases), seeded from the spec, so the same demo always gets
the same outcomes. The odds are made up but follow what CS teams report: an account that escalated in the six
months before its renewal churns and downgrades about three times as often, more after a severe case.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection, insert, select

from escdesk.ids import seeded_id
from escdesk.store.metric_rows import CustomerOutcome
from escdesk.store.models import Customer, Escalation

if TYPE_CHECKING:
    from escdesk.demo import DemoSpec

LOOKBACK = timedelta(days=180)  # an escalation this close before a renewal weighs on it
# (churn, downgrade) odds: no case before the renewal, a case, a severe (S1/S2) case.
ODDS = {"none": (0.04, 0.06), "case": (0.12, 0.16), "severe": (0.22, 0.2)}
SALT = 90_210  # keeps this generator's random numbers apart from the book's


def _weight(opened: list[tuple[date, str]], renewal: date) -> str:
    recent = [severity for day, severity in opened if renewal - LOOKBACK <= day <= renewal]
    if not recent:
        return "none"
    return "severe" if any(s in ("S1", "S2") for s in recent) else "case"


def outcome_rows(
    rng: random.Random, customers: list[tuple[str, int, date | None, datetime]],
    cases: dict[str, list[tuple[date, str]]], as_of: datetime,
) -> list[dict[str, object]]:  # fmt: skip
    """One outcome per account at each renewal date of the last two years (a year before the next renewal, and
    two years before), when the account existed by then."""
    rows = []
    for customer_id, arr_cents, renewal, created in customers:
        if renewal is None:
            continue
        for years in (1, 2):
            day = renewal - timedelta(days=365 * years)
            if not created.date() < day <= as_of.date():
                continue
            churn, downgrade = ODDS[_weight(cases.get(customer_id, []), day)]
            roll = rng.random()
            if roll < churn:
                kind, change = "churned", -arr_cents
            elif roll < churn + downgrade:
                kind, change = "downgraded", -round(arr_cents * rng.uniform(0.1, 0.4))
            else:
                kind, change = "renewed", round(arr_cents * rng.uniform(0, 0.12))
            when = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
            rows.append({"id": seeded_id(rng, when), "customer_id": customer_id, "kind": kind, "occurred_on": day,
                         "arr_change_cents": change, "source": "demo", "recorded_at": as_of})  # fmt: skip
    return rows


def write_demo_outcomes(connection: Connection, spec: DemoSpec) -> int:
    """Insert the outcomes of the demo just written on `connection`; their number."""
    c, e = Customer, Escalation
    read = select(c.id, c.arr_cents, c.renewal_date, c.created_at).order_by(c.id)
    customers = [(i, int(a), r, created) for i, a, r, created in connection.execute(read)]
    cases: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for customer_id, opened, severity in connection.execute(select(e.customer_id, e.opened_at, e.severity)):
        cases[customer_id].append((opened.date(), severity))
    rows = outcome_rows(random.Random(spec.seed + SALT), customers, cases, spec.as_of)
    for i in range(0, len(rows), 5_000):
        connection.execute(insert(CustomerOutcome), rows[i : i + 5_000])
    return len(rows)
