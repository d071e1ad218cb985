"""The checklist through the case service on a real SQLite file, under a frozen clock: due times when a case opens,
resolves and closes; gating (case B1, the service half); tick, skip and reopen with their history; adherence
and the update cadence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from escdesk.checklist import Adherence
from escdesk.clock import FrozenClock
from escdesk.domain import CaseCard, CaseStatus, CaseType, Channel, Direction, EventKind, NewCase, Pace, Severity
from escdesk.errors import InvalidOperation, NotFound
from escdesk.ids import new_id
from escdesk.money import to_cents
from escdesk.policy import default_policy
from escdesk.services import CaseService
from escdesk.store import Store
from escdesk.store.models import Customer

ACTOR = "lead@example.com"
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # London is on GMT (= UTC) until 29 March


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def emea_customer(store: Store, arr: str = "400000") -> str:
    with store.uow() as uow:
        band = default_policy().band_for(Decimal(arr)).value
        customer = Customer(id=new_id(), name="Nordwind Logistik AG", band=band, arr_cents=to_cents(arr),
                            region="EMEA", version=1, created_at=MONDAY, updated_at=MONDAY)  # fmt: skip
        uow.customers.add(customer)
        uow.commit()
        return customer.id


def open_case(service: CaseService, store: Store, case_type: CaseType, severity: Severity, pace: Pace) -> CaseCard:
    return service.open_case(NewCase(emea_customer(store), f"{case_type.value} case", case_type, severity, pace))


def dues(service: CaseService, case_id: str) -> dict[str, datetime | None]:
    return {step.step_key: step.due_at for step in service.checklist(case_id)}


def finish_resolve_steps(service: CaseService, card: CaseCard) -> CaseCard:
    for step in service.checklist(card.id):
        if step.required and step.status == "open" and step.step_key not in ("thank", "diagnose", "sign_off"):
            card = service.complete_step(card.id, step.step_key, "", card.version)
    return card


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(MONDAY)


@pytest.fixture
def service(store: Store, clock: FrozenClock) -> CaseService:
    return CaseService(store, clock, default_policy(), actor=ACTOR)


def test_a_fast_case_gets_its_due_times_on_its_calendar(service: CaseService, store: Store) -> None:
    card = open_case(service, store, CaseType.PRODUCT_BUG, Severity.S2, Pace.FAST)
    got = dues(service, card.id)
    assert (got["acknowledge"], got["involve"], got["listen"], got["plan"]) == (
        utc(3, 2, 12), utc(3, 2, 11), utc(3, 2, 14), utc(3, 3, 10)
    )  # fmt: skip
    assert got["thank"] is got["diagnose"] is got["follow_up"] is None  # not resolved yet
    steps = service.checklist(card.id)
    assert steps[1].coaching.startswith("Get them on a call")
    assert (card.checklist_done, card.checklist_total) == (0, 14)


def test_a_slow_burn_case_and_a_variant(service: CaseService, store: Store, clock: FrozenClock) -> None:
    clock.set(utc(3, 5, 15))  # Thursday
    card = open_case(service, store, CaseType.SPONSOR_LOSS, Severity.S3, Pace.SLOW_BURN)
    got = dues(service, card.id)
    assert (got["acknowledge"], got["listen"], got["plan"], got["contain"]) == (
        utc(3, 6, 15), utc(3, 10, 15), utc(3, 12, 15), None
    )  # fmt: skip
    assert (got["stakeholder_map"], got["exec_introduction"]) == (utc(3, 12, 15), utc(3, 19, 15))
    assert card.checklist_total == 16
    assert [s.position for s in service.checklist(card.id)] == list(range(1, 17))
    (opened,) = service.history(card.id)
    assert opened.reason is not None and opened.reason.endswith("; checklist variant sponsor_loss")


def test_b1_resolve_is_refused_while_required_steps_are_open(service: CaseService, store: Store) -> None:
    card = open_case(service, store, CaseType.PRODUCT_BUG, Severity.S2, Pace.FAST)
    card = service.complete_step(card.id, "acknowledge", "Called Anna Weber, named myself owner", card.version)
    card = service.skip_step(card.id, "contain", "no workaround exists", card.version)
    with pytest.raises(InvalidOperation) as refused:
        service.set_status(card.id, CaseStatus.RESOLVED, "fixed in 4.2.1", card.version)
    message = str(refused.value)
    assert message.startswith("ESC-1001 cannot be resolved: 7 required steps are open: Listen: discovery call")
    assert "Written plan with owners and dates" in message and "Fix confirmed by the customer" in message
    assert "Thank and explain" not in message  # that one waits for the resolution
    after = service.card(card.id)
    assert (after.status, after.version) == (CaseStatus.OPEN, card.version)  # the case is left as it was
    assert service.history(card.id)[-1].kind is EventKind.CHECKLIST_CHANGED
    assert [c.id for c in service.open_cards()] == [card.id]  # still on the board, once


def test_resolving_dates_the_steps_after_the_fix(service: CaseService, store: Store, clock: FrozenClock) -> None:
    card = finish_resolve_steps(service, open_case(service, store, CaseType.PRODUCT_BUG, Severity.S2, Pace.FAST))
    clock.set(utc(3, 4, 16, 30))  # Wednesday
    card = service.set_status(card.id, CaseStatus.RESOLVED, "fixed in 4.2.1", card.version)
    got = dues(service, card.id)
    assert (got["thank"], got["diagnose"], got["follow_up"]) == (utc(3, 5, 16, 30), utc(3, 11, 16, 30), None)
    with pytest.raises(InvalidOperation, match=r"cannot be closed: 2 required steps are open: Thank .*, Diagnose"):
        service.set_status(card.id, CaseStatus.CLOSED, "Anna agreed on the call", card.version)


def test_closing_records_the_sign_off_and_starts_monitoring(
    service: CaseService, store: Store, clock: FrozenClock
) -> None:
    clock.set(utc(3, 5, 15))
    card = finish_resolve_steps(service, open_case(service, store, CaseType.HEALTH_DECLINE, Severity.S3,
                                                   Pace.SLOW_BURN))  # fmt: skip
    clock.set(utc(3, 16, 16, 30))
    card = service.set_status(card.id, CaseStatus.RESOLVED, "usage back to 80%", card.version)
    assert dues(service, card.id)["diagnose"] == utc(3, 30, 15, 30)  # 16:30 London, in summer time by then
    card = service.complete_step(card.id, "thank", "", card.version)
    card = service.complete_step(card.id, "diagnose", "customer_org_change; QBR cadence fixed", card.version)
    clock.set(utc(3, 18, 11))
    with pytest.raises(InvalidOperation, match="cannot be closed without the customer's sign-off"):
        service.set_status(card.id, CaseStatus.CLOSED, "  ", card.version)
    card = service.set_status(card.id, CaseStatus.CLOSED, "Their COO agreed by e-mail", card.version)
    steps = {s.step_key: s for s in service.checklist(card.id)}
    sign_off = steps["sign_off"]
    assert (sign_off.status, sign_off.note, sign_off.done_by, sign_off.done_at) == (
        "done", "Their COO agreed by e-mail", ACTOR, utc(3, 18, 11)
    )  # fmt: skip
    assert steps["follow_up"].due_at == utc(4, 17, 11)  # 30 days of monitoring for a slow-burn case
    # The follow-up is done after the close, during the monitoring period.
    clock.set(utc(4, 16, 9))
    card = service.complete_step(card.id, "follow_up", "health 71, sponsor engaged", card.version)
    # Containment (no due time for slow-burn cases) and making it right were never needed, and never ticked.
    assert service.checklist_adherence(card.id) == Adherence(on_time=12, open=2)


def test_a_fast_case_monitors_fourteen_days_and_a_reopen_withdraws_the_sign_off(
    service: CaseService, store: Store, clock: FrozenClock
) -> None:
    card = open_case(service, store, CaseType.PRODUCT_BUG, Severity.S2, Pace.FAST)
    for step in service.checklist(card.id):
        if step.required and step.step_key != "sign_off":
            card = service.complete_step(card.id, step.step_key, "", card.version)
    clock.set(utc(3, 6, 12))
    card = service.set_status(card.id, CaseStatus.CLOSED, "signed off on the call", card.version)  # no resolve step
    got = dues(service, card.id)
    assert got["follow_up"] == utc(3, 20, 12)
    with pytest.raises(InvalidOperation, match="ESC-1001 is closed; reopen the case to withdraw the sign-off"):
        service.reopen_step(card.id, "sign_off", "customer changed their mind", card.version)
    card = service.set_status(card.id, CaseStatus.OPEN, "the error is back", card.version)
    steps = {s.step_key: s for s in service.checklist(card.id)}
    assert (steps["sign_off"].status, steps["follow_up"].due_at) == ("open", None)
    assert steps["plan"].status == "done"  # work before the fix stays done


def test_skip_needs_a_reason_and_steps_change_once(service: CaseService, store: Store) -> None:
    card = open_case(service, store, CaseType.PRODUCT_BUG, Severity.S2, Pace.FAST)
    with pytest.raises(InvalidOperation, match="skipping a checklist step needs a reason"):
        service.skip_step(card.id, "contain", "   ", card.version)
    with pytest.raises(NotFound, match="ESC-1001 has no checklist step 'lunch'"):
        service.complete_step(card.id, "lunch", "", card.version)
    with pytest.raises(InvalidOperation, match="recorded by closing the case"):
        service.complete_step(card.id, "sign_off", "", card.version)
    card = service.complete_step(card.id, "listen", "", card.version)
    with pytest.raises(InvalidOperation, match=r"'Listen: .*' is already done; reopen it first"):
        service.skip_step(card.id, "listen", "not needed", card.version)
    with pytest.raises(InvalidOperation, match="reopening a checklist step needs a reason"):
        service.reopen_step(card.id, "listen", "", card.version)
    with pytest.raises(InvalidOperation, match="is already open"):
        service.reopen_step(card.id, "plan", "why not", card.version)
    assert service.card(card.id).version == card.version


def test_every_checklist_change_is_in_the_history(service: CaseService, store: Store, clock: FrozenClock) -> None:
    card = open_case(service, store, CaseType.PRODUCT_BUG, Severity.S2, Pace.FAST)
    clock.advance(timedelta(minutes=40))
    card = service.complete_step(card.id, "acknowledge", "Called Anna", card.version)
    card = service.skip_step(card.id, "contain", "no workaround exists", card.version)
    clock.advance(timedelta(minutes=5))
    card = service.reopen_step(card.id, "contain", "engineering found a feature flag", card.version)
    assert card.version == 4 and card.checklist_done == 1
    events = [e for e in service.history(card.id) if e.kind is EventKind.CHECKLIST_CHANGED]
    assert [(e.from_value, e.to_value, e.reason, e.body) for e in events] == [
        ("open", "done", "Called Anna", "acknowledge: Personal acknowledgement with one named owner"),
        ("open", "skipped", "no workaround exists", "contain: Workaround or containment"),
        ("skipped", "open", "engineering found a feature flag", "contain: Workaround or containment"),
    ]
    assert [(e.actor, e.at) for e in events] == [(ACTOR, utc(3, 2, 10, 40))] * 2 + [(ACTOR, utc(3, 2, 10, 45))]
    contain = next(s for s in service.checklist(card.id) if s.step_key == "contain")
    assert (contain.status, contain.done_by, contain.done_at, contain.note) == ("open", None, None, None)


def test_adherence_of_a_case(service: CaseService, store: Store, clock: FrozenClock) -> None:
    card = open_case(service, store, CaseType.PRODUCT_BUG, Severity.S2, Pace.FAST)
    clock.set(utc(3, 2, 11, 30))
    card = service.complete_step(card.id, "acknowledge", "", card.version)  # due 12:00: on time
    card = service.complete_step(card.id, "involve", "", card.version)  # due 11:00: late
    card = service.skip_step(card.id, "contain", "nothing short of the fix helps", card.version)
    clock.set(utc(3, 2, 15))  # listen, empathise and define_done were due at 14:00
    assert service.checklist_adherence(card.id) == Adherence(on_time=1, late=1, skipped=1, open_overdue=3, open=8)


def test_update_cadence_counts_our_updates(service: CaseService, store: Store, clock: FrozenClock) -> None:
    card = open_case(service, store, CaseType.PRODUCT_BUG, Severity.S2, Pace.FAST)  # updates every 4 bh
    clock.set(utc(3, 2, 10, 20))
    card = service.set_status(card.id, CaseStatus.ACKNOWLEDGED, "on it", card.version)
    clock.set(utc(3, 2, 13))
    card = service.log_contact(card.id, Channel.EMAIL, Direction.OUTBOUND, "update 1", card.version)
    clock.set(utc(3, 2, 15))
    card = service.log_contact(card.id, Channel.PHONE, Direction.INBOUND, "any news?", card.version)  # not ours
    clock.set(utc(3, 3, 15))
    report = service.update_cadence(card.id)
    assert report is not None
    # 13:00 + 4 bh = 17:00 Monday (a due time can be the close of business), missed; then Tuesday 13:00, missed.
    assert (report.updates, report.missed, report.next_due) == (1, (utc(3, 2, 17), utc(3, 3, 13)), utc(3, 3, 17))
