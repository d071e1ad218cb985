"""PromptService on a real SQLite database: proposals synced once, accept / dismiss / done recorded with who and
when, signals in the history, a drafted message, and a case kept on its policy version until re-applied."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from escdesk.clock import FrozenClock
from escdesk.domain import CaseType, EventKind, InvolvementStatus, NewCase, Pace, Severity
from escdesk.errors import InvalidOperation
from escdesk.facts_service import FactsService
from escdesk.ids import new_id
from escdesk.policy import default_policy, parse_policy
from escdesk.prompt_service import PromptService
from escdesk.services import CaseService
from escdesk.store import Store
from escdesk.store.models import Involvement, Person, PersonRole
from resources import resource_path

# The integration conftest's frozen instant and actor (its clock and service fixtures use them).
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ACTOR = "lead@example.com"
MakeCustomer = Callable[..., str]


def _raw_policy() -> dict[str, Any]:
    return copy.deepcopy(json.loads(resource_path("policy", "default.json").read_text(encoding="utf-8")))


def _hire(store: Store, name: str, role: str, email: str) -> str:
    with store.uow() as uow:
        person = Person(id=new_id(), name=name, email=email, version=1, created_at=T0, updated_at=T0)
        uow.people.add(person)
        uow.session.add(PersonRole(person_id=person.id, role=role, bands="", regions=""))
        uow.commit()
        return person.id


@pytest.fixture
def prompts(store: Store, clock: FrozenClock) -> PromptService:
    return PromptService(store, clock, default_policy(), ACTOR, _raw_policy())


@pytest.fixture
def bug_case(service: CaseService, make_customer: MakeCustomer, store: Store) -> str:
    _hire(store, "Lena Lead", "support_lead", "lena@example.com")
    customer = make_customer(arr="400000")
    case = service.open_case(NewCase(customer, "Checkout 502s", CaseType.PRODUCT_BUG, Severity.S1, Pace.FAST))
    return case.id


def _events(service: CaseService, case_id: str) -> list[Any]:
    return [e for e in service.history(case_id) if e.kind is EventKind.INVOLVEMENT_CHANGED]


def test_looking_proposes_once_per_rule_and_role(prompts: PromptService, service: CaseService, bug_case: str) -> None:
    first = prompts.case_prompts(bug_case)
    proposed = {(i.rule_key, i.role) for i in first.involvements}
    assert ("product-bug-urgent", "support_lead") in proposed and (
        "product-bug-urgent",
        "engineering_manager",
    ) in proposed
    again = prompts.case_prompts(bug_case)
    assert [i.id for i in again.involvements] == [i.id for i in first.involvements]
    assert len(_events(service, bug_case)) == len(first.involvements)  # the second look wrote nothing
    lead = next(i for i in first.involvements if i.role == "support_lead")
    assert lead.person_name == "Lena Lead" and lead.due_at == T0 + timedelta(hours=1)
    manager = next(i for i in first.involvements if i.role == "engineering_manager")
    assert manager.prompt is not None and manager.prompt.nobody


def test_accept_dismiss_done_record_who_when_and_why(
    prompts: PromptService, service: CaseService, bug_case: str, clock: FrozenClock
) -> None:
    view = prompts.case_prompts(bug_case)
    lead, manager = (next(i for i in view.involvements if i.role == r) for r in ("support_lead", "engineering_manager"))
    clock.advance(timedelta(minutes=20))
    accepted = next(i for i in prompts.accept(lead.id).involvements if i.id == lead.id)
    assert (accepted.status, accepted.decided_by, accepted.decided_at) == (
        InvolvementStatus.ACCEPTED,
        ACTOR,
        clock.now(),
    )
    with pytest.raises(InvalidOperation, match="say why"):
        prompts.dismiss(manager.id, "  ")
    dismissed = next(i for i in prompts.dismiss(manager.id, "Engineering already on the bridge").involvements
                     if i.id == manager.id)  # fmt: skip
    assert dismissed.status is InvolvementStatus.DISMISSED and dismissed.reason == "Engineering already on the bridge"
    clock.advance(timedelta(minutes=10))
    done = next(i for i in prompts.done(lead.id).involvements if i.id == lead.id)
    assert done.status is InvolvementStatus.DONE and done.done_at == clock.now()
    with pytest.raises(InvalidOperation, match="is done"):
        prompts.accept(lead.id)
    changes = [(e.from_value, e.to_value, e.actor) for e in _events(service, bug_case)][-3:]
    assert changes == [("proposed", "accepted", ACTOR), ("proposed", "dismissed", ACTOR), ("accepted", "done", ACTOR)]
    assert _events(service, bug_case)[-2].reason == "Engineering already on the bridge"


def test_a_later_sync_never_touches_decided_involvements(prompts: PromptService, bug_case: str) -> None:
    view = prompts.case_prompts(bug_case)
    lead = next(i for i in view.involvements if i.role == "support_lead")
    prompts.dismiss(lead.id, "not needed")
    again = next(i for i in prompts.case_prompts(bug_case).involvements if i.role == "support_lead")
    assert again.id == lead.id and again.status is InvolvementStatus.DISMISSED


def test_overdue_involvements_are_flagged(prompts: PromptService, bug_case: str, clock: FrozenClock) -> None:
    view = prompts.case_prompts(bug_case)
    assert not any(i.overdue for i in view.involvements)
    clock.advance(timedelta(hours=2))
    overdue = {i.role for i in prompts.case_prompts(bug_case).involvements if i.overdue}
    assert overdue == {"support_lead"}  # due 1 h after opening; the manager has 4 h


def test_signals_set_and_cleared_are_history_and_drive_rules(
    prompts: PromptService, service: CaseService, bug_case: str
) -> None:
    view = prompts.set_signal(bug_case, "press", True, "Post on a forum")
    assert "press" in view.flags
    assert any(p.rule_key == "press" and p.to_level.code == "L5" for p in view.ladder)
    assert any(i.rule_key == "press" and i.role == "communications" for i in view.involvements)
    view = prompts.set_signal(bug_case, "press", False)
    assert "press" not in view.flags and not any(i.rule_key == "press" for i in view.involvements)
    changes = [(e.from_value, e.to_value) for e in service.history(bug_case) if e.kind is EventKind.FIELD_CHANGED]
    assert changes == [("signal press: clear", "signal press: set"), ("signal press: set", "signal press: clear")]
    withdrawn = [e for e in _events(service, bug_case) if e.to_value == "withdrawn"]
    assert withdrawn and withdrawn[0].reason == "the rule no longer applies"
    with pytest.raises(InvalidOperation, match="unknown signal"):
        prompts.set_signal(bug_case, "astrology", True)


def test_drafted_message_has_the_ask_and_a_case_summary(prompts: PromptService, bug_case: str) -> None:
    lead = next(i for i in prompts.case_prompts(bug_case).involvements if i.role == "support_lead")
    draft = prompts.draft(lead.id)
    assert draft.to == "lena@example.com"
    assert draft.subject.startswith("ESC-") and "we need Support lead by" in draft.subject
    assert "Hi Lena," in draft.body and "Checkout 502s" in draft.body and "ARR $400k (ENT)" in draft.body
    assert "Why you: case type is product bug and severity is S1" in draft.body
    assert draft.mailto().startswith("mailto:lena%40example.com?subject=ESC-")


def test_facts_come_from_the_store(store: Store, clock: FrozenClock, bug_case: str) -> None:
    facts = FactsService(store, clock, default_policy()).one_case_facts(bug_case)
    assert facts is not None
    assert facts.facts["case.type"] == "product_bug" and facts.facts["account.arr"] == 400_000
    assert facts.facts["clock.minutes_to_ack_due"] == 30 and facts.facts["account.repeat_90d"] is False
    batch = FactsService(store, clock, default_policy()).open_case_facts()
    assert batch[bug_case].facts == facts.facts


def test_a_case_keeps_its_policy_version_until_re_applied(
    store: Store, clock: FrozenClock, bug_case: str, service: CaseService
) -> None:
    PromptService(store, clock, default_policy(), ACTOR, _raw_policy()).case_prompts(bug_case)  # stores 2026.1
    newer = _raw_policy()
    newer["version"] = "2027.1"
    newer["rules"] = [r for r in newer["rules"] if r["key"] != "product-bug-urgent"]
    service_new = PromptService(store, clock, parse_policy(newer), ACTOR, newer)
    kept = service_new.case_prompts(bug_case)
    assert kept.needs_reapply and any(i.rule_key == "product-bug-urgent" and i.status.value == "proposed"
                                      for i in kept.involvements)  # fmt: skip
    applied = service_new.reapply_policy(bug_case)
    assert not applied.needs_reapply and applied.policy_version == "2027.1"
    assert not any(i.rule_key == "product-bug-urgent" for i in applied.involvements)
    events = [(e.from_value, e.to_value) for e in service.history(bug_case) if e.kind is EventKind.FIELD_CHANGED]
    assert events == [("policy 2026.1", "policy 2027.1")]


def _foreign_row(store: Store, case_id: str, role: str, status: str = "proposed") -> None:
    """An involvement some other tool (or the demo) wrote, under a rule key this policy does not have."""
    with store.uow() as uow:
        uow.session.add(Involvement(id=new_id(), escalation_id=case_id, role=role, rule_key="imported_rule",
                                    status=status, version=1, created_at=T0, updated_at=T0))  # fmt: skip
        uow.commit()


def test_batch_prompts_match_the_case_view_and_foreign_proposals_stay(
    prompts: PromptService, bug_case: str, store: Store
) -> None:
    _foreign_row(store, bug_case, "legal")
    view = prompts.case_prompts(bug_case)
    assert any(i.rule_key == "imported_rule" and i.status is InvolvementStatus.PROPOSED for i in view.involvements)
    batch = prompts.open_prompts()[bug_case]
    assert {(p.rule_key, p.role) for p in batch.involvements} == {
        (i.rule_key, i.role) for i in view.involvements if i.prompt is not None
    }
    assert batch.ladder == view.ladder


def test_a_role_already_on_the_case_is_not_proposed_again(prompts: PromptService, bug_case: str, store: Store) -> None:
    _foreign_row(store, bug_case, "support", "accepted")  # a functional role: it stands for the support lead
    roles = [i.role for i in prompts.case_prompts(bug_case).involvements]
    assert "support_lead" not in roles and roles.count("support") == 1 and "engineering_manager" in roles
