"""Prompts for one case from its facts: the sentence, the person behind the role, the due time, the ladder."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from quiet_facts import QUIET

from escdesk.facts import CaseContext
from escdesk.policy import Policy, default_policy, parse_policy
from escdesk.prompts import DirectoryEntry, case_prompts, choose_person, format_instant
from resources import resource_path

OPENED = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)  # a Thursday, 16:00 in London
CASE = CaseContext(
    id="c1", number=1042, title="Checkout API returning 502s", customer_id="k1", customer_name="Müller & Söhne",
    case_type="product_bug", severity="S2", pace="fast", level=0, status="open", band="ENT", region="EMEA",
    opened_at=OPENED, arr=400_000, renewal_date=date(2027, 3, 1), policy_version="2026.1", csm_id="p-csm",
    ae_id="p-ae", exec_sponsor_id=None, flags_set_at={},
)  # fmt: skip
DIRECTORY = [
    DirectoryEntry("p-sup-all", "Zoe Support", "zoe@x.test", "support"),
    DirectoryEntry("p-sup-emea", "Ali Support", "ali@x.test", "support", regions=frozenset({"EMEA"})),
    DirectoryEntry("p-lead", "Lena Lead", "lena@x.test", "support_lead", bands=frozenset({"ENT", "STRAT"})),
    DirectoryEntry("p-ae", "Amir Account", "amir@x.test", "account_executive"),
    DirectoryEntry("p-ae2", "Bea Account", "bea@x.test", "account_executive"),
]


def _facts(**changes: Any) -> dict[str, Any]:
    return {**QUIET, **{"case.type": "product_bug", "case.severity": "S2", "account.band": "ENT"}, **changes}


def _roles(policy: Policy) -> dict[str, Any]:
    return {r.key: r for r in policy.roles}


def test_sentence_names_role_person_time_action_and_reason() -> None:
    prompts = case_prompts(default_policy(), CASE, _facts(), DIRECTORY)
    lead = next(p for p in prompts.involvements if p.role == "support_lead")
    assert lead.sentence() == (
        "Bring in Support lead (Lena Lead) by Thu 03 Dec 17:00 GMT: open the engineering escalation, link the "
        "tickets and agree the update cadence, because case type is product bug and severity is S2 (one of S1, S2)"
    )


def test_a_role_nobody_covers_is_flagged_not_hidden() -> None:
    prompts = case_prompts(default_policy(), CASE, _facts(), DIRECTORY)
    manager = next(p for p in prompts.involvements if p.role == "engineering_manager")
    assert manager.nobody and "(nobody in the directory covers Engineering manager)" in manager.sentence()


def _chosen(role: Any, case: CaseContext) -> str | None:
    person = choose_person(role, case, DIRECTORY)
    return None if person is None else person.person_id


def test_person_choice_prefers_the_account_then_the_role_then_the_function() -> None:
    roles = _roles(default_policy())
    assert _chosen(roles["account_executive"], CASE) == "p-ae"  # the account's own AE
    assert _chosen(roles["support_lead"], CASE) == "p-lead"
    smb = replace(CASE, band="SMB")  # Lena covers ENT and STRAT only: the function stands in, region first
    assert _chosen(roles["support_lead"], smb) == "p-sup-emea"
    apac = replace(CASE, band="SMB", region="APAC")
    assert _chosen(roles["support_lead"], apac) == "p-sup-all"
    assert choose_person(roles["legal"], CASE, DIRECTORY) is None


def _policy_with(rule: dict[str, Any]) -> Policy:
    raw = copy.deepcopy(json.loads(resource_path("policy", "default.json").read_text(encoding="utf-8")))
    raw["rules"] = [rule]
    return parse_policy(raw)


def test_business_spans_count_on_the_case_calendar() -> None:
    rule = {"key": "b", "title": "B", "when": {"var": "clock.acknowledged"},
            "then": {"involve": [{"role": "finance", "within": "4bh"}]}}  # fmt: skip
    prompt = case_prompts(_policy_with(rule), CASE, _facts(), DIRECTORY).involvements[0]
    # Opened Thursday 16:00 London; EMEA business hours end at 17:00, so 3 of the 4 hours fall on Friday.
    assert prompt.due_at.astimezone(UTC).date() == date(2026, 12, 4)
    assert prompt.due_at > OPENED.replace(day=4, hour=9)


def test_a_signal_set_later_starts_the_span_when_it_was_set() -> None:
    set_at = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    case = replace(CASE, flags_set_at={"press": set_at})
    prompts = case_prompts(default_policy(), case, _facts(**{"case.flags": ["press"]}), DIRECTORY)
    comms = next(p for p in prompts.involvements if p.rule_key == "press")
    assert comms.due_at == datetime(2026, 12, 5, 11, 0, tzinfo=UTC)


def test_jump_rules_ask_for_at_least_a_level() -> None:
    prompts = case_prompts(default_policy(), CASE, _facts(**{"case.flags": ["press", "exec_contact"]}), DIRECTORY)
    # Their exec called (at least L3) and a press post (L5): only the highest level is asked for.
    assert [p.sentence() for p in prompts.ladder] == [
        "Move to at least L5 CEO: because signals contains press or public post"
    ]


def test_several_rules_asking_the_same_level_give_every_reason() -> None:
    flags = {"case.flags": ["legal_letter", "legal_threat"]}
    (step,) = case_prompts(default_policy(), CASE, _facts(**flags), DIRECTORY).ladder
    assert step.sentence() == (
        "Move to at least L4 COO: because signals contains legal threat; signals contains legal letter received"
    )


def test_a_case_already_high_enough_gets_no_ladder_prompt() -> None:
    high = replace(CASE, level=5)
    assert case_prompts(default_policy(), high, _facts(**{"case.flags": ["press"]}), DIRECTORY).ladder == ()


def test_repeat_goes_one_above_the_starting_level() -> None:
    prompts = case_prompts(default_policy(), CASE, _facts(**{"account.repeat_90d": True}), DIRECTORY)
    (step,) = prompts.ladder
    # S2 at an Enterprise account starts at L2: a repeat starts one higher.
    assert step.sentence() == (
        "Move to at least L3 VP CS: because escalated again within 90 days; cases like this start at L2"
    )


def test_ceiling_passed_escalates_to_the_next_level() -> None:
    prompts = case_prompts(default_policy(), replace(CASE, level=1), _facts(**{"clock.ceiling_passed": True}), [])
    (step,) = prompts.ladder
    assert step.escalate and step.sentence() == (
        "Escalate to L2 CS director: because the time allowed at this level ran out"
    )


@pytest.mark.parametrize(
    ("zone", "text"),
    [
        ("UTC", "Thu 03 Dec 16:00 UTC"),
        ("America/New_York", "Thu 03 Dec 11:00 EST"),
        ("Asia/Singapore", "Fri 04 Dec 00:00 UTC+08"),
    ],
)
def test_instants_read_in_the_calendar_zone(zone: str, text: str) -> None:
    assert format_instant(OPENED, zone) == text


def test_a_title_picks_among_the_people_of_a_broad_function() -> None:
    executives = [
        DirectoryEntry("p-vp", "Astrid VP", None, "executive", title="VP Customer Success"),
        DirectoryEntry("p-coo", "Olu Ops", None, "executive", title="Chief Operating Officer"),
    ]
    roles = _roles(default_policy())
    coo = choose_person(roles["coo"], CASE, executives)
    assert coo is not None and coo.person_id == "p-coo"
    assert choose_person(roles["ceo"], CASE, executives) is None  # no Chief Executive listed: flagged, not guessed


def test_an_account_without_a_sponsor_says_so() -> None:
    facts = _facts(**{"case.type": "sponsor_loss", "case.severity": "S3"})
    prompts = case_prompts(default_policy(), replace(CASE, case_type="sponsor_loss"), facts, DIRECTORY)
    sponsor = next(p for p in prompts.involvements if p.role == "executive_sponsor")
    assert sponsor.nobody and "(the account has no executive sponsor named)" in sponsor.sentence()


def test_regions_match_whatever_their_case() -> None:
    """The directory keeps regions upper-case; a customer's region is what its import said ("emea", "Emea")."""
    entry = DirectoryEntry("p", "Ali Support", None, "support", regions=frozenset({"EMEA"}))
    assert entry.covers("ENT", "emea") and entry.covers("ENT", "EMEA") and entry.covers("SMB", "Emea")
    assert not entry.covers("ENT", "APAC") and not entry.covers("ENT", None)
    limited = DirectoryEntry("q", "Lena Lead", None, "support_lead", bands=frozenset({"ENT"}))
    assert limited.covers("ENT", "anything") and not limited.covers("SMB", None)
