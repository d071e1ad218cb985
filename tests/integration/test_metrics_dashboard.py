"""The dashboard's SQL on a small hand-built book in a real SQLite file; every expected number is worked out by
hand in the comments. Window: March and April 2026 (UTC), now = 1 May 2026 00:00 UTC.

    account  ARR        band   CSM  created        cases
    A        2,000,000  STRAT  Ana  1 Jan          c1, c2
    B          300,000  ENT    Ana  1 Jan          c3, c8 (soft-deleted case: never counted)
    C           60,000  MM     Ben  1 Jan          c6 (Jan, before the window), c4
    D           20,000  SMB    Ben  10 Apr         c5
    E           40,000  SMB    Ana  1 Jan          none
    X          100,000  MM     Ben  1 Jan, deleted c7 (deleted account: never counted)

    case  sev pace  opened        ack          resolved      closed       levels (entered)    contacts
    c1    S1  fast  2 Mar 09:00   09:30        2 Mar 21:00   4 Mar 09:00  L3 09:00, L4 11:00  09:10, 10:00, 10:30
    c2    S3  slow  1 Apr 09:00   2 Apr 09:00  -             -            L2 09:00            5 Apr 09:00
    c3    S2  fast  10 Mar 12:00  14:00        12 Mar 12:00  13 Mar       L2                  12 Mar 15:00
    c4    S4  fast  20 Mar 09:00  -            19 Apr 09:00  20 Apr       L0                  -
    c5    S3  fast  15 Apr 09:00  17:00        16 Apr 09:00  17 Apr 09:00 L0 09:00, L1 21:00  20:00
    c6    S4  fast  10 Jan 09:00  10 Jan       31 Jan        1 Feb        L0                  -
Root causes: c1, c3 product defect; c5 onboarding; c4 none recorded.
"""

from __future__ import annotations

import gc
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from escdesk.cli import main
from escdesk.domain import ArrBand
from escdesk.ids import new_id
from escdesk.metrics import Dashboard, Drill, compute_dashboard, drill_down, to_csv
from escdesk.metrics.outcomes import OutcomeError, record_outcome
from escdesk.store import Store
from escdesk.store.models import CaseEventRow, ChecklistItem, Customer, Escalation, Person

NOW = datetime(2026, 5, 1, tzinfo=UTC)
MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 30)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def _versioned(when: datetime) -> dict[str, Any]:
    return {"version": 1, "created_at": when, "updated_at": when}


def _customer(name: str, arr: int, band: str, csm: str, created: datetime, deleted: datetime | None = None) -> Customer:
    return Customer(id=new_id(), name=name, band=band, arr_cents=arr * 100, csm_id=csm, deleted_at=deleted,
                    **_versioned(created))  # fmt: skip


def _case(number: int, customer: Customer, sev: str, pace: str, opened: datetime, **when: Any) -> Escalation:
    return Escalation(
        id=new_id(), number=number, customer_id=customer.id, title=f"c{number}", case_type="outage", severity=sev,
        pace=pace, level=0, status="open", opened_at=opened, level_entered_at=opened,
        acknowledged_at=when.get("ack"), resolved_at=when.get("resolved"), closed_at=when.get("closed"),
        root_cause=when.get("cause"), policy_version="2026.1", deleted_at=when.get("deleted"), **_versioned(opened),
    )  # fmt: skip


def _event(case: Escalation, when: datetime, kind: str, to_value: str | None = None) -> CaseEventRow:
    return CaseEventRow(id=new_id(), escalation_id=case.id, at=when, actor="t", kind=kind, to_value=to_value)


def _step(case: Escalation, position: int, key: str, status: str, due: datetime | None, done: datetime | None,
          deleted: datetime | None = None) -> ChecklistItem:  # fmt: skip
    return ChecklistItem(
        id=new_id(),
        escalation_id=case.id,
        position=position,
        step_key=key,
        title=key,
        status=status,
        due_at=due,
        done_at=done,
        deleted_at=deleted,
        **_versioned(case.opened_at),
    )


def _build(store: Store) -> dict[str, str]:
    jan = datetime(2026, 1, 1, tzinfo=UTC)
    ana, ben = (Person(id=new_id(), name=n, **_versioned(jan)) for n in ("Ana", "Ben"))
    a, b = _customer("A", 2_000_000, "STRAT", ana.id, jan), _customer("B", 300_000, "ENT", ana.id, jan)
    c, d = _customer("C", 60_000, "MM", ben.id, jan), _customer("D", 20_000, "SMB", ben.id, at(4, 10))
    e, x = _customer("E", 40_000, "SMB", ana.id, jan), _customer("X", 100_000, "MM", ben.id, jan, at(2, 1))
    cases = {
        "c1": _case(1, a, "S1", "fast", at(3, 2), ack=at(3, 2, 9, 30), resolved=at(3, 2, 21), closed=at(3, 4),
                    cause="product_defect"),
        "c2": _case(2, a, "S3", "slow_burn", at(4, 1), ack=at(4, 2)),
        "c3": _case(3, b, "S2", "fast", at(3, 10, 12), ack=at(3, 10, 14), resolved=at(3, 12, 12), closed=at(3, 13),
                    cause="product_defect"),
        "c4": _case(4, c, "S4", "fast", at(3, 20), resolved=at(4, 19), closed=at(4, 20)),
        "c5": _case(5, d, "S3", "fast", at(4, 15), ack=at(4, 15, 17), resolved=at(4, 16), closed=at(4, 17),
                    cause="onboarding_implementation"),
        "c6": _case(6, c, "S4", "fast", at(1, 10), ack=at(1, 10, 10), resolved=at(1, 31), closed=at(2, 1)),
        "c7": _case(7, x, "S1", "fast", at(3, 5), ack=at(3, 5, 10)),
        "c8": _case(8, b, "S1", "fast", at(3, 15), ack=at(3, 15, 10), deleted=at(3, 16)),
    }  # fmt: skip
    k = cases
    events = [
        _event(k["c1"], at(3, 2), "opened", "L3"), _event(k["c1"], at(3, 2, 11), "level_changed", "L4"),
        *(_event(k["c1"], at(3, 2, 10, m), "customer_contact") for m in (0, 30)),
        _event(k["c1"], at(3, 2, 9, 10), "customer_contact"),  # before the acknowledgement: no interval
        _event(k["c2"], at(4, 1), "opened", "L2"), _event(k["c2"], at(4, 5), "customer_contact"),
        _event(k["c3"], at(3, 10, 12), "opened", "L2"),
        _event(k["c3"], at(3, 12, 15), "customer_contact"),  # after the resolution: no interval
        _event(k["c4"], at(3, 20), "opened", "L0"),
        _event(k["c5"], at(4, 15), "opened", "L0"), _event(k["c5"], at(4, 15, 21), "level_changed", "L1"),
        _event(k["c5"], at(4, 15, 20), "customer_contact"),
        _event(k["c6"], at(1, 10), "opened", "L0"), _event(k["c7"], at(3, 5), "opened", "L5"),
    ]  # fmt: skip
    steps = [
        _step(k["c1"], 1, "acknowledge", "done", at(3, 2, 9, 30), at(3, 2, 9, 20)),  # on time
        _step(k["c1"], 2, "listen", "done", at(3, 2, 13), at(3, 2, 14)),  # late
        _step(k["c1"], 6, "contain", "skipped", at(3, 3), None),
        _step(k["c1"], 7, "plan", "open", at(3, 3), None),  # overdue at now
        _step(k["c2"], 1, "acknowledge", "done", at(4, 2), at(4, 2)),  # done at its due time: on time
        _step(k["c2"], 2, "listen", "open", None, None),  # pending: no due time
        _step(k["c2"], 7, "plan", "open", at(5, 10), None),  # pending: due after now
        _step(k["c2"], 11, "thank", "open", at(4, 3), None, deleted=at(4, 2)),  # deleted: not counted
        _step(k["c6"], 1, "acknowledge", "done", at(1, 10), at(1, 11)),  # outside the window
    ]
    with store.uow() as uow:
        uow.session.add_all([ana, ben])
        uow.session.flush()  # no relationship tells the session that accounts refer to people
        uow.session.add_all([a, b, c, d, e, x])
        uow.session.flush()
        uow.session.add_all(cases.values())
        uow.session.flush()
        uow.session.add_all([*events, *steps])
        uow.commit()
    return {name: case.id for name, case in cases.items()} | {"ana": ana.id, "ben": ben.id}


@pytest.fixture
def book(store: Store) -> dict[str, str]:
    return _build(store)


@pytest.fixture
def dashboard(store: Store, book: dict[str, str]) -> Dashboard:
    return compute_dashboard(store, start=MARCH, end=APRIL, now=NOW)


def rows(dashboard: Dashboard, name: str) -> list[tuple[object, ...]]:
    return [row.values for row in dashboard.table(name).rows]


def test_escalation_rate_by_month(dashboard: Dashboard) -> None:
    # March: active A, B, C, E (D created 10 Apr, X deleted) = 4, ARR 2,400,000; escalated A, B, C (c1, c3, c4)
    #   = 3/4 = 0.75, 75 per 100; ARR 2,360,000 / 2,400,000 = 0.98333 -> 0.9833.
    # April: active A, B, C, D, E = 5, ARR 2,420,000; escalated A (c2), D (c5) = 2/5 = 0.4; ARR 2,020,000 /
    #   2,420,000 = 0.834710 -> 0.8347.
    assert rows(dashboard, "escalation_rate_by_month") == [
        ("2026-03", 4, 3, 0.75, 75.0, Decimal(2_400_000), Decimal(2_360_000), 0.9833),
        ("2026-04", 5, 2, 0.4, 40.0, Decimal(2_420_000), Decimal(2_020_000), 0.8347),
    ]


def test_rates_over_a_window_longer_than_one_month_mask(store: Store, book: dict[str, str]) -> None:
    # The months an account escalated in come back as bits, one column per 60 months: over 76 months (Jan 2020 to
    # Apr 2026) March and April sit in the second column and read as over two months. January 2026 (c6, C):
    # active A, B, C, E = 4, escalated C; December 2025: no account yet; the re-escalations as in test_reescalation.
    long = compute_dashboard(store, start=date(2020, 1, 1), end=APRIL, now=NOW)
    by_month = {r[0]: r for r in rows(long, "escalation_rate_by_month")}
    assert len(by_month) == 76
    assert [by_month["2026-03"], by_month["2026-04"]] == rows(
        compute_dashboard(store, start=MARCH, end=APRIL, now=NOW), "escalation_rate_by_month"
    )
    assert by_month["2026-01"][1:4] == (4, 1, 0.25)
    assert by_month["2025-12"][1:4] == (0, 0, None)
    again = {r[0]: r[1:3] for r in rows(long, "reescalation_by_month")}
    assert (again["2026-01"], again["2026-03"], again["2026-04"]) == ((1, 0), (3, 1), (2, 1))


def test_escalation_rate_by_band_and_csm(dashboard: Dashboard, book: dict[str, str]) -> None:
    # Over the window, accounts active at its end: SMB has D (escalated) and E (not): 1/2; ARR 20k / 60k.
    by_band = {r[0]: r[2:6] for r in rows(dashboard, "escalation_rate_by_band")}
    assert by_band == {"SMB": (2, 1, 0.5, 50.0), "MM": (1, 1, 1.0, 100.0), "ENT": (1, 1, 1.0, 100.0),
                       "STRAT": (1, 1, 1.0, 100.0)}  # fmt: skip
    assert rows(dashboard, "escalation_rate_by_band")[0][-1] == 0.3333
    # Ana: A, B, E active, A and B escalated = 2/3 = 0.6667; ARR 2,300,000 / 2,340,000 = 0.98291 -> 0.9829.
    # Ben: C, D both escalated (X is deleted) = 1.0. Same escalated count: by name.
    assert rows(dashboard, "escalation_rate_by_csm") == [
        (book["ana"], "Ana", 3, 2, 0.6667, 66.67, Decimal(2_340_000), Decimal(2_300_000), 0.9829),
        (book["ben"], "Ben", 2, 2, 1.0, 100.0, Decimal(80_000), Decimal(80_000), 1.0),
    ]


def test_proactive_vs_reactive(dashboard: Dashboard) -> None:
    # March: c1, c3, c4 all fast; April: c2 slow-burn, c5 fast.
    assert rows(dashboard, "proactive_vs_reactive") == [("2026-03", 0, 3, 0.0), ("2026-04", 1, 1, 0.5)]


def test_time_to_acknowledge_and_resolve(dashboard: Dashboard) -> None:
    table = {(r[0], r[1]): r[2:] for r in rows(dashboard, "time_to_acknowledge_and_resolve")}
    # Acknowledged among cases opened in the window: c1 0.5 h (S1), c3 2 h (S2), c5 8 h and c2 24 h (S3).
    # All four sorted [0.5, 2, 8, 24]: median rank ceil(0.5 x 4) = 2 -> 2 h; p90 rank ceil(3.6) = 4 -> 24 h.
    # S3 [8, 24]: median rank 1 -> 8; p90 rank ceil(1.8) = 2 -> 24. S4: c4 never acknowledged: no value.
    assert table[("acknowledge", "all")] == (4, 2.0, 24.0)
    assert table[("acknowledge", "S3")] == (2, 8.0, 24.0)
    assert table[("acknowledge", "S1")] == (1, 0.5, 0.5)
    assert table[("acknowledge", "S4")] == (0, None, None)
    # Resolved in the window: c1 12 h, c5 24 h, c3 48 h, c4 720 h (30 days): median rank 2 -> 24; p90 -> 720.
    assert table[("resolve", "all")] == (4, 24.0, 720.0)
    assert table[("resolve", "S4")] == (1, 720.0, 720.0)
    assert "Not yet acknowledged: 1; not yet resolved: 1." in dashboard.table("time_to_acknowledge_and_resolve").note


def test_time_at_level(dashboard: Dashboard) -> None:
    # c1: L3 09:00-11:00 = 2 h, L4 11:00 to resolution 21:00 = 10 h. c2: L2 from 1 Apr 09:00 to now (1 May 00:00)
    # = 30 days - 9 h = 711 h. c3: L2 48 h (to resolution). c4: L0 720 h. c5: L0 12 h, L1 21:00-09:00 = 12 h.
    # L0 [12, 720]: total 732, median 12, p90 rank 2 -> 720. L2 [48, 711]: total 759.
    by_level = {r[0]: r[2:] for r in rows(dashboard, "time_at_level")}
    assert by_level == {
        "L0": (2, 732.0, 12.0, 720.0), "L1": (1, 12.0, 12.0, 12.0), "L2": (2, 759.0, 48.0, 711.0),
        "L3": (1, 2.0, 2.0, 2.0), "L4": (1, 10.0, 10.0, 10.0), "L5": (0, 0.0, None, None),
    }  # fmt: skip


def test_update_cadence(dashboard: Dashboard) -> None:
    # c1 S1 fast (1 h): ack 09:30 -> 10:00 (0.5 h ok) -> 10:30 (ok) -> resolved 21:00 (10.5 h late): 3, 2 within;
    #   the 09:10 contact came before the acknowledgement and does not count.
    # c3 S2 fast (4bh = 4 h elapsed): ack 14:00 -> resolved 2 days later: 1, 0 (the contact after resolution
    #   does not count). c5 S3 fast (1bd = 24 h): 17:00 -> 20:00 -> 09:00: 2, 2.
    # c2 S3 slow-burn (5bd = 120 h): ack 2 Apr -> contact 5 Apr (72 h ok) -> still running to now (26 days,
    #   already late, so counted): 2, 1. c4 was never acknowledged: no intervals.
    table = {(r[0], r[1]): r[2:] for r in rows(dashboard, "update_cadence")}
    assert table[("S1", "fast")] == ("1h", 3, 2, 0.6667)
    assert table[("S2", "fast")] == ("4bh", 1, 0, 0.0)
    assert table[("S3", "fast")] == ("1bd", 2, 2, 1.0)
    assert table[("S3", "slow_burn")] == ("5bd", 2, 1, 0.5)
    assert table[("S4", "fast")] == ("5bd", 0, 0, None)


def test_reescalation(dashboard: Dashboard, store: Store, book: dict[str, str]) -> None:
    # March: c4 (C's c6 closed 1 Feb, 47 days before 20 Mar) repeats; c1 (no earlier A case) and c3 (B's
    # earlier c8 is deleted) do not: 1 of 3. April: c2 (c1 closed 4 Mar, 28 days before) repeats, c5 not: 1 of 2.
    assert rows(dashboard, "reescalation_by_month") == [("2026-03", 3, 1, 0.3333), ("2026-04", 2, 1, 0.5)]
    assert drill_down(store, dashboard, Drill("reescalation", ("2026-04",))) == [book["c2"]]


def test_checklist_adherence(dashboard: Dashboard) -> None:
    # acknowledge: c1 done before due, c2 done at due -> 2 on time. listen: c1 late, c2 open without due
    # (pending): share 0 / 1. contain: skipped. plan: c1 overdue, c2 pending: nothing settled, no share.
    assert rows(dashboard, "checklist_adherence") == [
        ("acknowledge", 1, 2, 0, 0, 0, 0, 1.0), ("listen", 2, 0, 1, 0, 0, 1, 0.0),
        ("contain", 6, 0, 0, 1, 0, 0, 0.0), ("plan", 7, 0, 0, 0, 1, 1, None),
    ]  # fmt: skip


def test_root_cause_pareto(dashboard: Dashboard, store: Store, book: dict[str, str]) -> None:
    # Closed in the window: c1, c3 product defect; c5 onboarding; c4 none. Counts 2, 1 of 3 recorded.
    assert rows(dashboard, "root_causes_by_count") == [
        ("product_defect", "Product defect", 2, 0.6667, 0.6667),
        ("onboarding_implementation", "Onboarding / implementation", 1, 0.3333, 1.0),
        ("", "Not recorded", 1, None, None),
    ]
    # ARR: A 2,000,000 + B 300,000 = 2,300,000 / 2,320,000 = 0.99138; D 20,000 = 0.00862; C 60,000 unrecorded.
    assert rows(dashboard, "root_causes_by_arr") == [
        ("product_defect", "Product defect", Decimal(2_300_000), 0.9914, 0.9914),
        ("onboarding_implementation", "Onboarding / implementation", Decimal(20_000), 0.0086, 1.0),
        ("", "Not recorded", Decimal(60_000), None, None),
    ]
    assert drill_down(store, dashboard, Drill("root_cause", ("",))) == [book["c4"]]


def test_outcomes_too_early_to_tell(dashboard: Dashboard) -> None:
    # No outcome recorded, and 180 days after the first cases (2 Mar at the earliest) have not passed by 1 May.
    table = {r[0]: r[2:] for r in rows(dashboard, "outcome_after_escalation")}
    assert table["all"] == (4, 0, 0, 0, 0, 4, None, Decimal(0))
    assert table["not_escalated"][:2] == (1, 0)  # E
    assert table["SMB"][0] == 1 and table["STRAT"][-3] == 1


def _record_outcomes(store: Store, book: dict[str, str]) -> None:
    with store.read() as uow:
        ids = {c.name: c.id for c in uow.session.query(Customer)}
    record_outcome(store, ids["A"], "renewed", date(2026, 4, 1), arr_change=100_000, source="crm")
    record_outcome(store, ids["B"], "churned", date(2026, 2, 20), arr_change=-300_000)  # before its escalation
    record_outcome(store, ids["C"], "downgraded", date(2026, 4, 25), arr_change=-10_000)
    record_outcome(store, ids["C"], "churned", date(2026, 4, 28), arr_change=-50_000)  # after the downgrade
    record_outcome(store, ids["D"], "churned", date(2026, 4, 20), arr_change=-1)
    record_outcome(store, ids["D"], "churned", date(2026, 4, 20), arr_change=-20_000)  # again: updates it


def test_outcomes_after_escalation(store: Store, book: dict[str, str]) -> None:
    # A (first case c1, 2 Mar) renewed 1 Apr; B churned 20 Feb, before its case (10 Mar): nothing since, and
    # 10 Mar + 180 days is after now: too early. C (c4, 20 Mar) was downgraded 25 Apr, then churned: the first
    # counts. D (c5, 15 Apr) churned 20 Apr (recorded twice, the second updating the first).
    # Churn rate: 1 churned of 3 with an outcome = 0.3333; ARR change 100,000 - 10,000 - 20,000 = 70,000.
    _record_outcomes(store, book)
    dashboard = compute_dashboard(store, start=MARCH, end=APRIL, now=NOW)
    assert rows(dashboard, "outcome_after_escalation") == [
        ("SMB", "SMB", 1, 0, 0, 1, 0, 0, 1.0, Decimal(-20_000)),
        ("MM", "Mid-market", 1, 0, 1, 0, 0, 0, 0.0, Decimal(-10_000)),
        ("ENT", "Enterprise", 1, 0, 0, 0, 0, 1, None, Decimal(0)),
        ("STRAT", "Strategic", 1, 1, 0, 0, 0, 0, 0.0, Decimal(100_000)),
        ("all", "All bands", 4, 1, 1, 1, 0, 1, 0.3333, Decimal(70_000)),
        # For comparison: E is the one live account without a case in March-April; nothing recorded for it.
        ("not_escalated", "Not escalated (comparison)", 1, 0, 0, 0, 1, 0, None, Decimal(0)),
    ]
    assert drill_down(store, dashboard, Drill("outcome", ("SMB",))) == [book["c5"]]
    # Each account's first case in the window: A's c1 (not c2), B's c3, C's c4, D's c5.
    assert drill_down(store, dashboard, Drill("outcome", ("all",))) == [book[c] for c in ("c1", "c3", "c4", "c5")]
    # A year later B's 180 days have passed with nothing recorded: none recorded.
    later = compute_dashboard(store, start=MARCH, end=APRIL, now=datetime(2027, 1, 1, tzinfo=UTC))
    assert rows(later, "outcome_after_escalation")[2][2:9] == (1, 0, 0, 0, 1, 0, None)
    assert drill_down(store, dashboard, Drill("outcome", ("STRAT",))) == [book["c1"]]
    # Within 30 days instead: C's downgrade (36 days after 20 Mar) no longer counts; A's renewal (30 days) does.
    short = compute_dashboard(store, start=MARCH, end=APRIL, now=datetime(2027, 1, 1, tzinfo=UTC), outcome_days=30)
    assert rows(short, "outcome_after_escalation")[1][2:9] == (1, 0, 0, 0, 1, 0, None)
    assert rows(short, "outcome_after_escalation")[3][2:9] == (1, 1, 0, 0, 0, 0, 0.0)


def test_a_single_case_outcome_and_a_bad_kind(store: Store, book: dict[str, str]) -> None:
    _record_outcomes(store, book)
    one = compute_dashboard(store, start=date(2026, 4, 15), end=date(2026, 4, 16), now=NOW)
    assert rows(one, "outcome_after_escalation")[-2] == ("all", "All bands", 1, 0, 0, 1, 0, 0, 1.0, Decimal(-20_000))
    # Not escalated on 15-16 Apr: A, B, C, E; A renewed 1 Apr, before the period: nothing recorded in it.
    assert rows(one, "outcome_after_escalation")[-1][2:9] == (4, 0, 0, 0, 4, 0, None)
    with pytest.raises(OutcomeError, match="unknown outcome"):
        record_outcome(store, book["c1"], "lost", date(2026, 4, 1))


def test_drill_down(dashboard: Dashboard, store: Store, book: dict[str, str]) -> None:
    def ids(metric: str, *key: str) -> list[str]:
        return drill_down(store, dashboard, Drill(metric, key))

    assert ids("rate_month", "2026-03") == [book["c1"], book["c3"], book["c4"]]
    assert ids("rate_band", "SMB") == [book["c5"]]
    assert ids("rate_csm", book["ben"]) == [book["c4"], book["c5"]]
    assert ids("level", "L0") == [book["c4"], book["c5"]]
    assert ids("checklist", "plan") == [book["c1"], book["c2"]]
    assert ids("cadence", "S3", "fast") == [book["c5"]]
    assert ids("resolve", "all") == [book["c1"], book["c3"], book["c4"], book["c5"]]
    with pytest.raises(ValueError, match="no drill-down"):
        ids("nonsense")


def test_band_filter(store: Store, book: dict[str, str]) -> None:
    # Enterprise is B alone: March 1 of 1 (c3), April 0 of 1; only c3's 2 h acknowledgement.
    ent = compute_dashboard(store, start=MARCH, end=APRIL, now=NOW, band=ArrBand.ENTERPRISE)
    assert [r[:4] for r in rows(ent, "escalation_rate_by_month")] == [("2026-03", 1, 1, 1.0), ("2026-04", 1, 0, 0.0)]
    ack = {r[1]: r[2:] for r in rows(ent, "time_to_acknowledge_and_resolve") if r[0] == "acknowledge"}
    assert ack["all"] == (1, 2.0, 2.0)


def test_single_case(store: Store, book: dict[str, str]) -> None:
    # 15-16 Apr holds c5 alone: active A, B, C, D, E = 5, escalated 1 = 0.2; ack 8 h; resolved 16 Apr: 24 h.
    one = compute_dashboard(store, start=date(2026, 4, 15), end=date(2026, 4, 16), now=NOW)
    assert [r[:4] for r in rows(one, "escalation_rate_by_month")] == [("2026-04", 5, 1, 0.2)]
    clocks = {(r[0], r[1]): r[2:] for r in rows(one, "time_to_acknowledge_and_resolve")}
    assert clocks[("acknowledge", "all")] == (1, 8.0, 8.0)
    assert clocks[("resolve", "all")] == (1, 24.0, 24.0)
    assert rows(one, "reescalation_by_month") == [("2026-04", 1, 0, 0.0)]


def test_empty_period(store: Store, book: dict[str, str]) -> None:
    # June 2025: no account existed yet, no case: rates None (no active account), counts 0, medians None.
    empty = compute_dashboard(store, start=date(2025, 6, 1), end=date(2025, 6, 30), now=NOW)
    assert rows(empty, "escalation_rate_by_month") == [("2025-06", 0, 0, None, None, Decimal(0), Decimal(0), None)]
    assert rows(empty, "reescalation_by_month") == [("2025-06", 0, 0, None)]
    assert all(r[2:] == (0, None, None) for r in rows(empty, "time_to_acknowledge_and_resolve"))
    assert rows(empty, "checklist_adherence") == []
    assert all(r[3:] == (0, 0, None) for r in rows(empty, "update_cadence"))
    assert all(r[2:] == (0, 0.0, None, None) for r in rows(empty, "time_at_level"))
    assert [r[2] for r in rows(empty, "escalation_rate_by_band")] == [0, 0, 0, 0]
    assert rows(empty, "proactive_vs_reactive") == [("2025-06", 0, 0, None)]
    assert rows(empty, "root_causes_by_count") == []
    assert rows(empty, "outcome_after_escalation")[-2] == ("all", "All bands", 0, 0, 0, 0, 0, 0, None, Decimal(0))
    for table in empty.tables:
        assert to_csv(table).startswith(",".join(table.columns))


def test_cli_metrics_json_and_csv(sqlite_db: Path, book: dict[str, str], tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    out = tmp_path / "csv"
    code = main(["metrics", "--db", str(sqlite_db), "--from", "2026-03-01", "--to", "2026-04-30", "--json",
                 "--csv-dir", str(out)])  # fmt: skip
    assert code == 0
    import json

    data = json.loads(capsys.readouterr().out)
    march = data["tables"]["escalation_rate_by_month"]["rows"][0]
    assert march["month"] == "2026-03" and march["rate"] == 0.75 and march["active_arr"] == "2400000"
    assert (
        (out / "escalation_rate_by_month.csv")
        .read_text(encoding="utf-8")
        .splitlines()[1]
        .startswith("2026-03,4,3,0.75,75.0,2400000")
    )
    assert len(list(out.glob("*.csv"))) == len(data["tables"])


def test_cli_metrics_rejects_a_backwards_period(sqlite_db: Path, book: dict[str, str]) -> None:
    assert main(["metrics", "--db", str(sqlite_db), "--from", "2026-04-01", "--to", "2026-03-01"]) == 1


def test_parallel_and_serial_reads_agree(store: Store, book: dict[str, str]) -> None:
    serial = compute_dashboard(store, start=MARCH, end=APRIL, now=NOW, workers=1)
    parallel = compute_dashboard(store, start=MARCH, end=APRIL, now=NOW, workers=4)
    assert serial.tables == parallel.tables


def test_the_garbage_collector_is_left_as_found(store: Store, book: dict[str, str]) -> None:
    # The reads run with the cyclic collector off; afterwards it is as the caller had it, on or off.
    assert gc.isenabled()
    compute_dashboard(store, start=MARCH, end=APRIL, now=NOW)
    assert gc.isenabled()
    gc.disable()
    try:
        compute_dashboard(store, start=MARCH, end=APRIL, now=NOW)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cli_metrics_text_for_one_band(
    sqlite_db: Path, book: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["metrics", "--db", str(sqlite_db), "--from", "2026-03-01", "--to", "2026-04-30", "--band", "ENT"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Escalation metrics 2026-03-01 to 2026-04-30, band ENT")
    assert "2026-03,1,1,1.0,100.0,300000" in out


def test_headline(store: Store, book: dict[str, str]) -> None:
    from escdesk.metrics.summary import headline

    _record_outcomes(store, book)
    dashboard = compute_dashboard(store, start=MARCH, end=APRIL, now=NOW)
    # April 40 per 100, March 75: average 57.5. Product defect 99.14% of the ARR. 1 churned of 3 known = 33%;
    # E (not escalated) has no outcome: no comparison. Cadence: 3+1+2+2 = 8 intervals, 2+0+2+1 = 5 on time: 62%.
    assert headline(dashboard) == (
        "40.0 of every 100 accounts escalated in 2026-04 (period average 57.5); Product defect accounts for 99% of "
        "the ARR behind closed cases; 33% of escalated accounts with a known outcome churned; 62% of customer "
        "updates came on cadence."
    )
    empty = compute_dashboard(store, start=date(2025, 6, 1), end=date(2025, 6, 30), now=NOW)
    assert headline(empty) == "No escalations in this period."
