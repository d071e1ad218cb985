"""Every default rule of DESIGN.md section 4 fires on facts that match it, not on a near miss, and says why."""

from __future__ import annotations

from typing import Any

import pytest
from quiet_facts import QUIET

from escdesk.facts import FACT_CATALOGUE, rule_data
from escdesk.policy import default_policy
from escdesk.policy_rules import RuleDef
from escdesk.prompts import firing_rules, why

# rule key -> (facts that make it fire, a near miss that must not, words its explanation must contain)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    "product-bug-urgent": ({"case.type": "product_bug", "case.severity": "S2"},
                           {"case.type": "product_bug", "case.severity": "S3"},
                           "case type is product bug and severity is S2 (one of S1, S2)"),
    "outage-several-customers": ({"case.type": "outage", "case.flags": ["several_customers"]},
                                 {"case.type": "outage"}, "signals contains several customers affected"),
    "performance-over-24h": ({"case.type": "performance", "case.age_hours": 30},
                             {"case.type": "performance", "case.age_hours": 20}, "case age 30 hours >= 24 hours"),
    "data-loss": ({"case.type": "data_loss"}, {"case.type": "outage"}, "case type is data loss"),
    "security-privacy": ({"case.flags": ["security_incident"]}, {"case.flags": ["press"]}, "security or privacy"),
    "security-wide": ({"case.type": "security", "case.flags": ["regulator"]}, {"case.type": "security"},
                      "regulator involved"),
    "feature-gap-renewal": ({"account.days_to_renewal": 90}, {"account.days_to_renewal": None},
                            "days to renewal 90 days <= 120 days"),
    "billing-dispute": ({"case.type": "billing"}, {"case.type": "churn_threat"}, "case type is billing"),
    "contract-legal-threat": ({"case.flags": ["sla_credit"]}, {"case.type": "billing"}, "SLA credit claimed"),
    "churn-threat": ({"case.type": "churn_threat"}, {"case.type": "billing"}, "case type is churn threat"),
    "health-red-renewal": ({"account.health": 35, "account.days_to_renewal": 100},
                           {"account.health": 35, "account.days_to_renewal": None},
                           "health score 35 points < 40 points"),
    "implementation-late": ({"case.type": "implementation"}, {"case.type": "billing"}, "implementation"),
    "sponsor-left": ({"case.flags": ["sponsor_left"]}, {"case.flags": ["low_csat"]}, "champion or sponsor left"),
    "support-sla-csat": ({"case.flags": ["low_csat"]}, {"case.flags": ["press"]}, "signals contains low CSAT"),
    "exec-contact": ({"case.type": "exec_contact"}, {"case.type": "churn_threat"}, "case type is exec contact"),
    "legal-letter": ({"case.flags": ["termination_notice"]}, {"case.flags": ["legal_threat"]}, "termination notice"),
    "press": ({"case.flags": ["press"]}, {"case.flags": ["regulator"]}, "press or public post"),
    "repeat-90d": ({"account.repeat_90d": True}, {"account.repeat_90d": False}, "escalated again within 90 days"),
    "strategic-s1-coo": ({"case.severity": "S1", "account.band": "STRAT"}, {"case.severity": "S1"},
                         "severity is S1 and ARR band is STRAT"),
    "ceiling-reached": ({"clock.ceiling_passed": True}, {"clock.ceiling_passed": False},
                        "the time allowed at this level ran out"),
}  # fmt: skip
RULES = {rule.key: rule for rule in default_policy().rules}


def _facts(**changes: Any) -> dict[str, Any]:
    facts = {**QUIET, **changes}
    assert facts.keys() == FACT_CATALOGUE.keys(), "the quiet fact set names every catalogued fact"
    return facts


def _fires(rule: RuleDef, changes: dict[str, Any]) -> bool:
    return rule in firing_rules([rule], _facts(**changes))


def test_the_quiet_case_fires_nothing() -> None:
    assert firing_rules(RULES.values(), _facts()) == []


def test_every_default_rule_has_a_case() -> None:
    assert CASES.keys() == RULES.keys()


@pytest.mark.parametrize("key", sorted(CASES))
def test_rule_fires_on_matching_facts_only(key: str) -> None:
    matching, near_miss, _ = CASES[key]
    assert _fires(RULES[key], matching), f"{key} should fire on {matching}"
    assert not _fires(RULES[key], near_miss), f"{key} should not fire on {near_miss}"


@pytest.mark.parametrize("key", sorted(CASES))
def test_explanation_states_the_facts(key: str) -> None:
    matching, _, words = CASES[key]
    text = why(RULES[key], rule_data(_facts(**matching)))
    assert words.lower() in text.lower(), text
    assert "not set" not in text and "_" not in text.replace("case.", ""), text  # no raw values or nulls


def test_explanations_read_well() -> None:
    facts = _facts(**{"case.type": "security", "case.flags": ["several_customers", "regulator"]})
    assert why(RULES["security-wide"], rule_data(facts)) == (
        "case type is security and (signals contains several customers affected or signals contains regulator involved)"
    )
    bug = rule_data(_facts(**{"case.type": "product_bug", "case.severity": "S1"}))
    assert why(RULES["product-bug-urgent"], bug) == "case type is product bug and severity is S1 (one of S1, S2)"
    red = rule_data(_facts(**{"account.health_drop_30d": 27, "account.days_to_renewal": 60}))
    assert why(RULES["health-red-renewal"], red) == (
        "health drop over 30 days 27 points >= 25 points and days to renewal given and days to renewal 60 days <= "
        "120 days"
    )


@pytest.mark.parametrize(
    ("key", "min_level", "level_up"),
    [("security-privacy", 3, 0), ("security-wide", 5, 0), ("contract-legal-threat", 4, 0), ("exec-contact", 3, 0),
     ("legal-letter", 4, 0), ("press", 5, 0), ("repeat-90d", None, 1)],
)  # fmt: skip
def test_jump_rules_set_the_level_design_asks(key: str, min_level: int | None, level_up: int) -> None:
    then = RULES[key].then
    assert (then.min_level, then.level_up) == (min_level, level_up)


def test_involvements_match_design_section_4() -> None:
    def roles(key: str) -> list[tuple[str, str]]:
        return [(i.role, str(i.within)) for i in RULES[key].then.involve]

    assert roles("product-bug-urgent") == [("support_lead", "1h"), ("engineering_manager", "4h")]
    assert roles("outage-several-customers") == [("incident_commander", "15m"), ("support_lead", "15m"),
                                                 ("communications", "15m")]  # fmt: skip
    assert roles("data-loss") == [("engineering_director", "1h"), ("security", "1h"), ("legal", "1h")]
    assert roles("security-privacy") == [("security", "1h"), ("legal", "1h"), ("vp_cs", "1h")]
    assert roles("billing-dispute") == [("finance", "2d"), ("account_executive", "2d")]
    assert [r for r, _ in roles("churn-threat")] == ["account_executive", "sales_leader", "vp_cs", "executive_sponsor"]
    assert roles("legal-letter") == [("legal", "4h")] and roles("press") == [("communications", "1h")]
    assert RULES["ceiling-reached"].then.escalate
