"""Automatic ladder moves, the pure part: which level an automatic rule asks for, and which cases it leaves alone;
the policy's "automatic" key validated at load."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from quiet_facts import QUIET

from escdesk.domain import Level
from escdesk.facts import CaseContext
from escdesk.ladder import Moved, automatic_rules, fields_at, ladder_paused, planned_step
from escdesk.policy import Policy, PolicyError, default_policy, parse_policy
from resources import resource_path

CASE = CaseContext(
    id="c1", number=1234, title="Checkout API returning 502s", customer_id="k1", customer_name="Müller & Söhne",
    case_type="product_bug", severity="S3", pace="fast", level=1, status="acknowledged", band="ENT",
    region="EMEA", opened_at=datetime(2026, 12, 1, 9, tzinfo=UTC), arr=400_000, renewal_date=date(2027, 6, 1),
    policy_version="2026.1", csm_id=None, ae_id=None, exec_sponsor_id=None, flags_set_at={},
)  # fmt: skip
PASSED = {**QUIET, "case.level": 1, "clock.ceiling_passed": True, "clock.minutes_to_ceiling": -30}


def _raw() -> dict[str, Any]:
    return copy.deepcopy(json.loads(resource_path("policy", "default.json").read_text(encoding="utf-8")))


def _automatic(*keys: str) -> Policy:
    raw = _raw()
    for rule in raw["rules"]:
        if rule["key"] in keys:
            rule["then"]["automatic"] = True
    return parse_policy(raw)


def test_the_shipped_policy_moves_nothing_by_itself() -> None:
    policy = default_policy()
    assert automatic_rules(policy) == ()
    assert planned_step(policy, CASE, PASSED, policy.rules) is not None  # the ceiling still prompts
    assert planned_step(policy, CASE, PASSED, automatic_rules(policy)) is None


def test_a_ceiling_that_ran_out_asks_for_the_next_level_with_the_level_named() -> None:
    policy = _automatic("ceiling-reached")
    assert [r.key for r in automatic_rules(policy)] == ["ceiling-reached"]
    step = planned_step(policy, CASE, PASSED, automatic_rules(policy))
    assert step is not None and step.to_level is Level.L2 and step.rule_key == "ceiling-reached"
    assert step.explanation == "the time allowed at L1 ran out"  # not "this level": after the move that is L2


def test_never_past_l5_and_never_down() -> None:
    policy = _automatic("ceiling-reached", "exec-contact")
    rules = automatic_rules(policy)
    assert planned_step(policy, replace(CASE, level=5), {**PASSED, "case.level": 5}, rules) is None
    at_four = {**QUIET, "case.level": 4, "case.flags": ["exec_contact"]}  # the jump asks for at least L3
    assert planned_step(policy, replace(CASE, level=4), at_four, rules) is None
    at_one = {**at_four, "case.level": 1}
    step = planned_step(policy, CASE, at_one, rules)
    assert step is not None and step.to_level is Level.L3


def test_the_highest_level_asked_wins_with_every_reason() -> None:
    policy = _automatic("ceiling-reached", "press")
    facts = {**PASSED, "case.flags": ["press"]}
    step = planned_step(policy, CASE, facts, automatic_rules(policy))
    assert step is not None and step.to_level is Level.L5 and "press or public post" in step.explanation


@pytest.mark.parametrize("status", ["resolved", "closed", "waiting_on_customer", "mitigated"])
def test_inactive_and_paused_cases_stay(status: str) -> None:
    policy = _automatic("ceiling-reached")
    case = replace(CASE, status=status)
    assert planned_step(policy, case, {**PASSED, "case.status": status}, automatic_rules(policy)) is None


def test_paused_follows_the_policys_ceiling_pauses() -> None:
    policy = default_policy()
    assert ladder_paused(policy, "waiting_on_customer") and not ladder_paused(policy, "acknowledged")


def test_level_labels_name_the_level() -> None:
    assert fields_at(Level.L1)["clock.ceiling_passed"].label == "the time allowed at L1 ran out"
    assert fields_at(Level.L1)["case.type"] is fields_at(Level.L2)["case.type"]


def test_moved_reads_as_a_notice_and_a_reason() -> None:
    at = datetime(2026, 12, 3, 12, tzinfo=UTC)
    move = Moved("c1", "ESC-1234", Level.L1, Level.L2, "CS director", "ceiling-reached",
                 "Time at this level ran out", "the time allowed at L1 ran out", at)  # fmt: skip
    assert move.sentence() == "ESC-1234 moved to L2 CS director: the time allowed at L1 ran out"
    assert move.reason == "Time at this level ran out: the time allowed at L1 ran out"
    assert replace(move, applied=False).sentence().startswith("ESC-1234 would move to L2")


def test_automatic_must_be_a_boolean() -> None:
    raw = _raw()
    raw["rules"][-1]["then"]["automatic"] = "yes"
    with pytest.raises(PolicyError, match=r"rule 'ceiling-reached'\.then\.automatic: expected true or false"):
        parse_policy(raw)


def test_automatic_needs_a_level_change() -> None:
    raw = _raw()
    bug = next(r for r in raw["rules"] if r["key"] == "product-bug-urgent")
    bug["then"]["automatic"] = True
    with pytest.raises(PolicyError, match=r"rule 'product-bug-urgent'\.then\.automatic: only a rule that changes"):
        parse_policy(raw)


def test_automatic_false_is_accepted_and_means_a_prompt() -> None:
    raw = _raw()
    raw["rules"][-1]["then"]["automatic"] = False
    policy = parse_policy(raw)
    assert not policy.rules[-1].then.automatic and automatic_rules(policy) == ()
