"""The executive brief built from a real SQLite database: the case, its customer, its history and the brief fields
(migration 0002) end up on one page; what nobody recorded says "Not recorded yet"; case E2 from the database."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader
from test_brief_render import drawn_glyphs, require_cjk_font  # beside this file (rootdir import mode)

from escdesk.brief_service import BriefFields, brief_content, resolve_case, save_brief_fields
from escdesk.briefs import BriefOption, PlanItem, build_brief_pdf
from escdesk.clock import FrozenClock
from escdesk.domain import CaseStatus, Channel, Direction, Level, NewCase
from escdesk.errors import NotFound
from escdesk.ids import new_id
from escdesk.policy import default_policy
from escdesk.services import CaseService
from escdesk.store import Store
from escdesk.store.models import CasePlanItem, Customer, HealthScore, Involvement, Person

ZONE = "Europe/Berlin"
CONTACT = "Дмитрий"
NOTE = "客户升级 <b>not bold</b> & co"


def page_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


def add_people_and_health(store: Store, customer_id: str, at: datetime) -> None:
    """CSM, AE and executive sponsor named on the customer, and a declining health history."""
    with store.uow() as uow:
        names = {"csm_id": "Anna Keller", "ae_id": "Marcus Boyd", "exec_sponsor_id": "Dana Whitfield"}
        customer = uow.session.get(Customer, customer_id)
        assert customer is not None
        for column, name in names.items():
            person = Person(id=new_id(), name=name, version=1, created_at=at, updated_at=at)
            uow.people.add(person)
            uow.session.flush()
            setattr(customer, column, person.id)
        customer.renewal_date = date(2026, 6, 30)
        for i, score in enumerate((78, 74, 70, 61, 52, 44)):
            uow.session.add(HealthScore(customer_id=customer_id, measured_on=date(2026, 1, 5) + timedelta(days=8 * i),
                                        score=score, source="gainsight"))  # fmt: skip
        uow.commit()


def full_fields(deadline: datetime) -> BriefFields:
    return BriefFields(
        impact="Planners re-key 180 hours of deliveries; two depots missed dispatch.",
        customer_ask="Working exports by Friday and a credit for March.",
        customer_contact="Jonas Lindqvist (VP Operations)",
        tried="Rolled back the export service; raised the timeout.",
        root_cause_known=True,
        root_cause_text="The index the export query needs is missing on EU-2.",
        exec_ask_of="Dana Whitfield, COO",
        exec_ask="Call Jonas Lindqvist before Friday and approve a 15% service credit.",
        exec_ask_deadline=deadline,
        options=(BriefOption("Call and credit now", "Shows ownership.", recommended=True), BriefOption("Wait")),
        cost_of_inaction="Termination for cause after a second SLA breach on 31 March.",
        plan=(
            PlanItem("Create the missing index on EU-2", "Priya Raman, Engineering", date(2026, 3, 5)),
            PlanItem("Daily status mail to Jonas", "Anna Keller, CSM", date(2026, 3, 6)),
        ),
    )


@pytest.fixture
def case_id(
    service: CaseService, store: Store, clock: FrozenClock, make_customer: Callable[..., str],
    new_outage: Callable[..., NewCase],
) -> str:  # fmt: skip
    """A demo-like case: S1 outage for a strategic account, moved to L4, with contacts, a note and the fields."""
    customer = make_customer("1240000", "Nordwind Logistics AG")
    add_people_and_health(store, customer, clock.now())
    new = new_outage(customer, title="EU data exports have failed for three nights")
    card = service.open_case(replace(new, description="Since the 2 March release the nightly EU export fails."))
    clock.advance(timedelta(minutes=20))
    card = service.set_status(card.id, CaseStatus.ACKNOWLEDGED, "", card.version)
    clock.advance(timedelta(hours=2))
    card = service.log_contact(
        card.id, Channel.PHONE, Direction.INBOUND, "Their COO cites the exit clause", card.version
    )
    card = service.move_level(card.id, Level.L4, "termination threat", card.version)
    clock.advance(timedelta(hours=1))
    card = service.add_note(card.id, "Engineering reproduced the timeout on EU-2", card.version)
    save_brief_fields(store, card.id, full_fields(clock.now() + timedelta(days=2)), clock=clock, actor="lead")
    return card.id


def test_the_brief_holds_the_facts_of_its_case(store: Store, clock: FrozenClock, case_id: str) -> None:
    content = brief_content(store, case_id, clock=clock, policy=default_policy(), time_zone=ZONE)
    assert content.account.customer == "Nordwind Logistics AG"
    assert content.account.level is Level.L4 and content.account.level_name == "COO"
    assert (content.account.csm, content.account.exec_sponsor) == ("Anna Keller", "Dana Whitfield")
    assert [p.score for p in content.account.health] == [78, 74, 70, 61, 52, 44]
    assert content.arr_at_risk == Decimal("1240000")
    assert [o.title for o in content.options] == ["Call and credit now", "Wait"]
    assert [p.owner for p in content.plan] == ["Priya Raman, Engineering", "Anna Keller, CSM"]

    pages, text = page_text(build_brief_pdf(content))
    assert pages == 1
    for fact in ("ESC-1001", "Nordwind Logistics AG", "$1,240,000", "L4 COO", "Anna Keller", "Marcus Boyd",
                 "30 Jun 2026", "EU data exports have failed for three nights", "Case opened at L3 VP CS",
                 "Moved to L4 COO: termination threat", "Customer wrote (Phone): Their COO cites the exit clause",
                 "Engineering reproduced the timeout", "Working exports by Friday", "Rolled back the export",
                 "Known", "missing on EU-2", "Create the missing index", "Priya Raman", "DANA WHITFIELD, COO",
                 "approve a 15% service credit", "RECOMMENDED", "Call and credit now", "Termination for cause",
                 "Jonas Lindqvist", "Since the 2 March release"):  # fmt: skip
        assert fact in text, fact
    assert "Not recorded yet" not in text


def test_missing_fields_say_not_recorded_yet(
    service: CaseService, store: Store, clock: FrozenClock, make_customer: Callable[..., str],
    new_outage: Callable[..., NewCase],
) -> None:  # fmt: skip
    card = service.open_case(new_outage(make_customer("80000", "Small Co")))
    content = brief_content(store, card.id, clock=clock, policy=default_policy(), time_zone=ZONE)
    # Derived when not recorded: the executive of the case's level, and the next update on the policy cadence.
    assert content.ask.of == "CS director" and content.ask.deadline is None
    assert content.next_update == clock.now() + timedelta(hours=1)  # S1 fast: hourly updates
    pages, text = page_text(build_brief_pdf(content))
    assert pages == 1
    assert text.count("Not recorded yet") >= 7, text
    assert "the specific decision asked of this executive is missing" in text


def test_saving_again_replaces_the_plan_and_keeps_the_old_items_soft_deleted(
    store: Store, clock: FrozenClock, case_id: str
) -> None:
    fields = BriefFields(plan=(PlanItem("New plan", "Someone", date(2026, 3, 9), done=True),))
    save_brief_fields(store, case_id, fields, clock=clock, actor="lead")
    content = brief_content(store, case_id, clock=clock, policy=default_policy(), time_zone=ZONE)
    assert [(p.action, p.done) for p in content.plan] == [("New plan", True)]
    assert content.customer_ask == "" and content.options == ()
    with store.read() as uow:
        live = [r.deleted_at is None for r in uow.session.query(CasePlanItem).filter_by(escalation_id=case_id)]
    assert sorted(live) == [False, False, True]


def test_a_case_is_found_by_reference_number_or_id(store: Store, case_id: str) -> None:
    for reference in ("ESC-1001", "esc-1001", "1001", case_id, f" {case_id} "):
        assert resolve_case(store, reference) == case_id
    with pytest.raises(NotFound, match="no case 'ESC-4242'"):
        resolve_case(store, "ESC-4242")


def test_e2_from_the_database(
    service: CaseService, store: Store, clock: FrozenClock, make_customer: Callable[..., str],
    new_outage: Callable[..., NewCase],
) -> None:  # fmt: skip
    """Case E2 end to end: the words come from the database and reach the page as text, markup not interpreted,
    every glyph drawn from a face that has it."""
    require_cjk_font()
    card = service.open_case(new_outage(make_customer(name="Müller & Söhne GmbH"), title=f"Escalation: {NOTE}"))
    card = service.add_note(card.id, NOTE, card.version)
    save_brief_fields(store, card.id, BriefFields(customer_contact=CONTACT, customer_ask=NOTE), clock=clock,
                      actor="lead")  # fmt: skip
    content = brief_content(store, card.id, clock=clock, policy=default_policy(), time_zone=ZONE)
    pdf = build_brief_pdf(content)
    pages, text = page_text(pdf)
    assert pages == 1
    assert "Müller & Söhne GmbH" in text and CONTACT in text
    assert text.count(NOTE) >= 3, text  # headline, timeline note, the customer's ask
    boxes = sorted({(font, char) for font, char, glyph in drawn_glyphs(pdf) if glyph == 0})
    assert boxes == [], f"characters drawn as .notdef boxes: {boxes}"


def test_the_brief_is_byte_stable(store: Store, case_id: str) -> None:
    clock = FrozenClock(datetime(2026, 3, 4, 13, 5, tzinfo=UTC))
    first = build_brief_pdf(brief_content(store, case_id, clock=clock, policy=default_policy(), time_zone=ZONE))
    second = build_brief_pdf(brief_content(store, case_id, clock=clock, policy=default_policy(), time_zone=ZONE))
    assert first == second


def test_without_a_written_plan_the_checklist_and_the_leaders_brought_in_are_the_plan(
    service: CaseService, store: Store, clock: FrozenClock, make_customer: Callable[..., str],
    new_outage: Callable[..., NewCase],
) -> None:  # fmt: skip
    """As demo and imported cases have it: dated checklist steps and involvements, no brief fields."""
    card = service.open_case(new_outage(make_customer()))
    now = clock.now()
    with store.uow() as uow:
        for step in uow.cases.checklist(card.id):  # only the first three are dated here
            step.due_at = now + timedelta(hours=step.position) if step.position <= 3 else None
            step.status = "done" if step.position == 1 else "open"
        uow.session.add(Involvement(id=new_id(), escalation_id=card.id, role="incident_commander",
                                    status="accepted", reason="Open the incident bridge", due_at=now,
                                    version=1, created_at=now, updated_at=now))  # fmt: skip
        uow.commit()
    content = brief_content(store, card.id, clock=clock, policy=default_policy(), time_zone=ZONE)
    assert [(p.action, p.done) for p in content.plan] == [
        ("Personal acknowledgement with one named owner", True),
        ("Listen: discovery call, impact in the customer's words", False),
        ("Empathise and apologise for the impact, no blame", False),
        ("Incident commander: Open the incident bridge", False),
    ]
    assert content.plan[-1].owner == "Incident commander"  # nobody named yet: the role
