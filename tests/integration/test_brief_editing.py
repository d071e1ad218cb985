"""Editing the brief's fields on a real SQLite database (escdesk.brief_editing): a save lands in the case, the brief
and the plan; a stale version is refused and writes nothing; each save is one FIELD_CHANGED entry that says what
changed; problems name their field; saving the same draft again changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pytest

from escdesk.brief_editing import BriefDraft, BriefInvalid, load_brief, save_brief
from escdesk.brief_service import brief_content
from escdesk.briefs import BriefOption, PlanItem
from escdesk.clock import FrozenClock
from escdesk.domain import EventKind, NewCase
from escdesk.errors import StaleCase
from escdesk.policy import default_policy
from escdesk.services import CaseService
from escdesk.store import Store

MakeCase = Callable[[], tuple[str, int]]


@pytest.fixture
def make_case(service: CaseService, make_customer: Callable[..., str], new_outage: Callable[..., NewCase]) -> MakeCase:
    def make() -> tuple[str, int]:
        card = service.open_case(new_outage(make_customer()))
        return card.id, card.version

    return make


def full_draft(clock: FrozenClock) -> BriefDraft:
    return BriefDraft(
        situation="Nightly EU exports fail since the 2.14 release.",
        impact="180 planner hours lost; two late dispatches.",
        customer_ask="Working exports by Friday, an RCA in five days.",
        tried="Rolled back (failed); raised the timeout (partly).",
        root_cause_known=True,
        root_cause="The EU-2 index was never created.",
        exec_ask_of="Dana Whitfield, COO",
        exec_ask="Call their COO before Friday and approve a 15% credit.",
        exec_ask_deadline=clock.now() + timedelta(days=2),
        options=(BriefOption("Call and credit now", "Shows ownership", recommended=True), BriefOption("Wait", "")),
        cost_of_inaction="They can terminate for cause on 31 March.",
        next_update_at=clock.now() + timedelta(hours=20),
        plan=(
            PlanItem("Create the index", "Priya, Engineering", date(2026, 3, 5)),
            PlanItem("Daily status mail", "Anna, CSM", date(2026, 3, 4), done=True),
        ),
        customer_contact="Jonas Lindqvist (VP Operations)",
    )


def test_a_new_case_has_an_empty_draft_with_its_description_as_the_situation(store: Store, make_case: MakeCase) -> None:
    case_id, version = make_case()
    loaded = load_brief(store, case_id, default_policy())
    assert loaded.version == version and loaded.reference.startswith("ESC-")
    assert loaded.draft == BriefDraft(situation="")
    assert loaded.default_ask_of  # the owner of the case's level, e.g. "VP CS"


def test_a_save_lands_in_the_brief_the_case_and_the_plan(store: Store, clock: FrozenClock, make_case: MakeCase) -> None:
    case_id, version = make_case()
    draft = full_draft(clock)
    changed = save_brief(store, case_id, draft, version, clock=clock, actor="lead")
    assert "Situation" in changed and "Plan" in changed and "Options" in changed
    loaded = load_brief(store, case_id, default_policy())
    assert loaded.draft == draft and loaded.version == version + 1
    content = brief_content(store, case_id, clock=clock, policy=default_policy(), time_zone="Europe/Berlin")
    assert content.situation == draft.situation and content.root_cause_known
    assert content.ask.request == draft.exec_ask and content.ask.deadline == draft.exec_ask_deadline
    assert [(p.action, p.done) for p in content.plan] == [("Create the index", False), ("Daily status mail", True)]
    assert [o.title for o in content.options if o.recommended] == ["Call and credit now"]


def test_each_save_is_one_history_entry_naming_what_changed(
    store: Store, service: CaseService, clock: FrozenClock, make_case: MakeCase
) -> None:
    case_id, version = make_case()
    save_brief(store, case_id, full_draft(clock), version, clock=clock, actor="lead")
    loaded = load_brief(store, case_id, default_policy())
    clock.advance(timedelta(minutes=5))
    edited = replace(loaded.draft, impact="Now 240 planner hours.", plan=loaded.draft.plan[:1])
    assert save_brief(store, case_id, edited, loaded.version, clock=clock, actor="anna") == ("Impact", "Plan")
    entries = [e for e in service.history(case_id) if e.kind is EventKind.FIELD_CHANGED]
    assert len(entries) == 2
    last = entries[-1]
    assert last.actor == "anna" and last.to_value == "brief" and last.at == clock.now()
    assert last.reason == "Brief edited: Impact, Plan"
    assert last.body == "Impact: Now 240 planner hours.\nPlan: 1 item, 0 done"


def test_a_stale_save_is_refused_and_writes_nothing(
    store: Store, service: CaseService, clock: FrozenClock, make_case: MakeCase
) -> None:
    case_id, version = make_case()
    service.add_note(case_id, "someone else was here", version)  # the case moves on to version + 1
    with pytest.raises(StaleCase, match=rf"changed by someone else .*version {version + 1}, you had {version}"):
        save_brief(store, case_id, full_draft(clock), version, clock=clock, actor="lead")
    assert load_brief(store, case_id, default_policy()).draft == BriefDraft()
    assert not [e for e in service.history(case_id) if e.kind is EventKind.FIELD_CHANGED]


def test_problems_name_their_fields_and_nothing_is_written(
    store: Store, service: CaseService, clock: FrozenClock, make_case: MakeCase
) -> None:
    case_id, version = make_case()
    bad = replace(
        full_draft(clock),
        root_cause="",
        exec_ask="",
        options=(BriefOption("A", recommended=True), BriefOption("", "detail"), BriefOption("C", recommended=True)),
        plan=(PlanItem("Do it", " ", date(2026, 3, 5)), PlanItem("", "", date(2026, 3, 5))),
        headline="x" * 301,
    )
    with pytest.raises(BriefInvalid) as refused:
        save_brief(store, case_id, bad, version, clock=clock, actor="lead")
    messages = [p.message for p in refused.value.problems]
    assert messages == [
        "Headline: 301 characters; the limit is 300.",
        "Root cause: marked as known but not described.",
        "The ask of this executive: a deadline is set but the ask is empty.",
        "Options: option 2 needs a title.",
        "Options: recommend one option, not several.",
        "Plan: item 1 needs an owner.",
        "Plan: item 2 needs an action and an owner.",
    ]
    assert [p.field for p in refused.value.problems][:3] == ["headline", "root_cause", "exec_ask"]
    assert str(refused.value).startswith(f"ESC-{service.card(case_id).number}: the brief was not saved.")
    assert load_brief(store, case_id, default_policy()).version == version


def test_saving_the_same_draft_again_changes_nothing(
    store: Store, service: CaseService, clock: FrozenClock, make_case: MakeCase
) -> None:
    case_id, version = make_case()
    save_brief(store, case_id, full_draft(clock), version, clock=clock, actor="lead")
    loaded = load_brief(store, case_id, default_policy())
    padded = replace(loaded.draft, impact=f"  {loaded.draft.impact}  ")
    assert save_brief(store, case_id, padded, loaded.version, clock=clock, actor="lead") == ()
    assert load_brief(store, case_id, default_policy()).version == loaded.version
    assert len([e for e in service.history(case_id) if e.kind is EventKind.FIELD_CHANGED]) == 1


def test_a_done_plan_item_keeps_when_it_was_done(store: Store, clock: FrozenClock, make_case: MakeCase) -> None:
    case_id, version = make_case()
    save_brief(store, case_id, full_draft(clock), version, clock=clock, actor="lead")
    done_at = clock.now()
    clock.advance(timedelta(days=1))
    loaded = load_brief(store, case_id, default_policy())
    more = (*loaded.draft.plan, PlanItem("Credit proposal", "Laura, Finance", date(2026, 3, 9)))
    save_brief(store, case_id, replace(loaded.draft, plan=more), loaded.version, clock=clock, actor="lead")
    with store.read() as uow:
        rows = {row.action: row.done_at for row in uow.briefs.plan(case_id)}
    assert rows == {"Create the index": None, "Daily status mail": done_at, "Credit proposal": None}
