"""The per-case facts the dashboard keeps (case_metric_facts): business-time cadence on the case's calendar, a
second reading served from the kept rows with the same result, an open case's running parts finished for a later
`now`, and rows recomputed when the case or the clock policy changes. Hand-computed numbers in the comments."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from escdesk.ids import new_id
from escdesk.metrics import compute_dashboard, scope_for
from escdesk.metrics.facts import fill_facts
from escdesk.policy import default_policy
from escdesk.store import Store
from escdesk.store.metric_rows import CaseMetricFacts
from escdesk.store.models import CaseEventRow, ChecklistItem, Customer, Escalation

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def _row(**values: Any) -> dict[str, Any]:
    return {"version": 1, "created_at": at(1, 0), "updated_at": at(1, 0), **values}


def _build(store: Store) -> dict[str, str]:
    """An EMEA account (Europe/London 09:00-17:00 on weekdays, UTC in March before the clocks change).
    closed: S2 fast (4bh): acknowledged Friday 6 Mar 15:00, contact Monday 9 Mar 10:00, resolved Monday 16:00.
    running: S3 fast (1bd), still open: acknowledged Tuesday 10 Mar 10:00, a contact Wednesday 11 Mar 09:00."""
    customer = Customer(id=new_id(), name="Acme", band="ENT", arr_cents=30_000_000, region="EMEA", **_row())
    closed = Escalation(id=new_id(), number=1, customer_id=customer.id, title="closed", case_type="outage",
                        severity="S2", pace="fast", level=1, status="closed", opened_at=at(6, 14),
                        level_entered_at=at(6, 14), acknowledged_at=at(6, 15), resolved_at=at(9, 16),
                        closed_at=at(10, 9), policy_version="t", **_row())  # fmt: skip
    running = Escalation(id=new_id(), number=2, customer_id=customer.id, title="running", case_type="outage",
                         severity="S3", pace="fast", level=0, status="open", opened_at=at(10, 9),
                         level_entered_at=at(10, 9), acknowledged_at=at(10, 10), policy_version="t",
                         **_row())  # fmt: skip
    events = [
        CaseEventRow(id=new_id(), escalation_id=closed.id, at=at(6, 14), actor="t", kind="opened", to_value="L1"),
        CaseEventRow(id=new_id(), escalation_id=closed.id, at=at(9, 10), actor="t", kind="customer_contact"),
        CaseEventRow(id=new_id(), escalation_id=running.id, at=at(10, 9), actor="t", kind="opened", to_value="L0"),
        CaseEventRow(id=new_id(), escalation_id=running.id, at=at(11, 9), actor="t", kind="customer_contact"),
    ]
    with store.uow() as uow:
        uow.session.add(customer)
        uow.session.flush()
        uow.session.add_all([closed, running])
        uow.session.flush()
        uow.session.add_all(events)
        uow.commit()
    return {"closed": closed.id, "running": running.id}


def cadence(store: Store, now: datetime, **kw: Any) -> dict[tuple[str, str], tuple[object, ...]]:
    dashboard = compute_dashboard(store, start=MARCH[0], end=MARCH[1], now=now, **kw)
    return {(r.values[0], r.values[1]): r.values[3:] for r in dashboard.table("update_cadence").rows}  # type: ignore[misc]


def kept(store: Store) -> int:
    with store.read() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(CaseMetricFacts)) or 0)


def test_cadence_in_business_time_and_kept_facts(store: Store) -> None:
    ids = _build(store)
    # closed, 4bh on the London calendar: Friday 15:00 + 2 h to closing + 2 h Monday = due Monday 11:00, the
    # 10:00 contact is on time (67 elapsed hours); 10:00 + 4bh = 14:00, resolved 16:00: late. 2 intervals, 1.
    # running, 1bd: Tuesday 10:00 -> Wednesday 09:00 on time (due Wednesday 10:00); running since Wednesday
    # 09:00, due Thursday 09:00: at Wednesday 17:00 not late yet (not counted): 1, 1.
    first = cadence(store, at(11, 17))
    assert first[("S2", "fast")] == (2, 1, 0.5)
    assert first[("S3", "fast")] == (1, 1, 1.0)
    assert kept(store) == 2  # both kept: the open one with its running parts as instants
    again = cadence(store, at(11, 17))
    assert again == first  # from the kept rows
    # A week later the running interval is late and counts: 2, 1.
    assert cadence(store, at(18, 12))[("S3", "fast")] == (2, 1, 0.5)
    assert fill_facts(store, scope_for(*MARCH, now=at(18, 12)), default_policy()) == 0
    with store.read() as uow:  # every case of the window has its row, which the aggregates read
        assert set(uow.session.scalars(select(CaseMetricFacts.escalation_id))) == set(ids.values())


def test_time_at_level_of_an_open_case_runs_to_now(store: Store) -> None:
    _build(store)
    compute_dashboard(store, start=MARCH[0], end=MARCH[1], now=at(11, 9))  # keeps the rows
    # running: at L0 since Tuesday 09:00; at Friday 13 Mar 09:00 that is 72 h. closed: L1 from Friday 14:00 to the
    # resolution Monday 16:00 = 74 h.
    dashboard = compute_dashboard(store, start=MARCH[0], end=MARCH[1], now=at(13, 9))
    levels = {r.values[0]: r.values[2:] for r in dashboard.table("time_at_level").rows}
    assert levels["L0"] == (1, 72.0, 72.0, 72.0)
    assert levels["L1"] == (1, 74.0, 74.0, 74.0)
    checklist = dashboard.table("checklist_adherence").rows
    assert checklist == ()  # no checklist rows in this book


def test_kept_facts_are_recomputed_when_the_case_or_the_policy_changes(store: Store) -> None:
    ids = _build(store)
    now = at(11, 17)
    cadence(store, now)
    scope = scope_for(*MARCH, now=now)
    assert fill_facts(store, scope, default_policy()) == 0
    with store.uow() as uow:  # a change to the case bumps its version (as every service command does)
        uow.session.execute(update(Escalation).where(Escalation.id == ids["closed"]).values(version=2))
        uow.commit()
    assert fill_facts(store, scope, default_policy()) == 1
    # Another cadence for S2 fast (1bd): a new digest, every case computed again, and the numbers follow:
    # Friday 15:00 + 1bd = Monday 15:00, contact at 10:00 on time; Monday 10:00 + 1bd = Tuesday 10:00, resolved
    # Monday 16:00 on time: 2, 2.
    policy = default_policy()
    severities = tuple(replace(s, update_fast="1bd") if s.severity.value == "S2" else s for s in policy.severities)
    changed = replace(policy, severities=severities)
    assert fill_facts(store, scope, changed) == 2
    assert cadence(store, now, policy=changed)[("S2", "fast")] == (2, 2, 1.0)


def test_kept_checklist_and_instants_to_the_microsecond(store: Store) -> None:
    """The history read takes the stored instants as they are, microseconds included: a step done one microsecond
    after its due time is late, one done at it on time; an open step's due time and a level entry are kept to
    the microsecond; steps in position order, deleted ones left out."""
    ids = _build(store)
    closed, running = ids["closed"], ids["running"]
    us = timedelta(microseconds=1)
    due = at(12, 9) + 123 * us
    steps = [  # inserted out of position order
        _step(closed, 6, "thank", "done", None, at(9, 10)),  # done, no due time: on time
        _step(closed, 2, "listen", "done", at(6, 16), at(6, 16) + us),  # late by a microsecond
        _step(closed, 1, "acknowledge", "done", at(6, 15), at(6, 15)),  # at its due time: on time
        _step(closed, 5, "updates", "open", due, None),  # open with a due time: kept as an instant
        _step(closed, 3, "contain", "skipped", at(7, 9), None),
        _step(closed, 4, "plan", "open", None, None),  # pending
        _step(closed, 7, "sign_off", "done", at(9, 9), at(9, 8), deleted=at(9, 8)),  # deleted: left out
    ]
    raised = at(10, 12) + 7 * us
    level = CaseEventRow(id=new_id(), escalation_id=running, at=raised, actor="t", kind="level_changed",
                         to_value="L2")  # fmt: skip
    with store.uow() as uow:
        uow.session.add_all([*steps, level])
        uow.commit()
    assert fill_facts(store, scope_for(*MARCH, now=at(11, 17)), default_policy()) == 2
    f = CaseMetricFacts
    with store.read() as uow:
        rows = {row[0]: row[1:] for row in uow.session.execute(select(
            f.escalation_id, f.step_keys, f.steps, f.open_due, f.current_level, f.current_since_s, f.level_l0_s,
            f.level_l2_s))}  # fmt: skip
    assert rows[closed][:3] == ("acknowledge:1,listen:2,contain:3,plan:4,updates:5,thank:6", "olspdo",
                                f"5={due.timestamp()!r}")  # fmt: skip
    # running: no steps; L0 from its opening (Tuesday 09:00) to the raise, then L2 since the raise (running).
    l0 = max(0.0, (raised - at(10, 9)).total_seconds() / 3600) * 3600
    assert rows[running] == ("", "", "", "L2", raised.timestamp(), l0, None)


def _step(case_id: str, position: int, key: str, status: str, due: datetime | None, done: datetime | None,
          deleted: datetime | None = None) -> ChecklistItem:  # fmt: skip
    return ChecklistItem(id=new_id(), escalation_id=case_id, position=position, step_key=key, title=key,
                         status=status, due_at=due, done_at=done, deleted_at=deleted, **_row())  # fmt: skip
