"""Explanations a CS leader reads in a prompt: short, deterministic, true of the facts, in the fields' formats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from escdesk.rules import Field, RuleError, explain, money
from escdesk.rules.explain import days, points, unit
from escdesk.rules.formats import plain

SUITE = Path(__file__).parent / "data" / "jsonlogic-tests.json"

FIELDS: dict[str, Field | str] = {
    "arr": Field("ARR", money),
    "severity": "severity",
    "days_to_renewal": Field("renewal in", days),
    "health_drop_30d": Field("health drop over 30 days", points),
    "exec_contacted": "their exec contacted ours",
    "acknowledged": "acknowledged",
    "tickets": "open tickets",
}
FACTS = {
    "arr": 1_200_000,
    "severity": "S1",
    "days_to_renewal": 45,
    "health_drop_30d": 27,
    "exec_contacted": True,
    "acknowledged": False,
    "type": "billing",
    "tickets": [{"priority": 3}, {"priority": 1}],
}
BIG_AND_URGENT = {"and": [{">=": [{"var": "arr"}, 1_000_000]}, {"==": [{"var": "severity"}, "S1"]}]}


def why(rule: Any, **changes: Any) -> str:
    return explain(rule, {**FACTS, **changes}, fields=FIELDS)


def test_the_design_example() -> None:
    assert why(BIG_AND_URGENT) == "ARR $1.2M >= $1M and severity is S1"


def test_a_failed_and_names_the_part_that_failed_with_the_operator_that_holds() -> None:
    assert why(BIG_AND_URGENT, arr=200_000) == "ARR $200k < $1M"
    assert why(BIG_AND_URGENT, severity="S2") == "severity is S2 (not S1)"


def test_or_explains_only_the_branches_that_were_true() -> None:
    rule = {"or": [{"var": "exec_contacted"}, {"<=": [{"var": "days_to_renewal"}, 90]}, {"var": "acknowledged"}]}
    assert why(rule) == "their exec contacted ours or renewal in 45 days <= 90 days"
    assert why(rule, exec_contacted=False) == "renewal in 45 days <= 90 days"
    assert why(rule, exec_contacted=False, days_to_renewal=200) == (
        "not their exec contacted ours and renewal in 200 days > 90 days and not acknowledged"
    )


def test_not_and_none_read_as_negations() -> None:
    assert why({"!": {"var": "acknowledged"}}) == "not acknowledged"
    assert why({"!": {"==": [{"var": "severity"}, "S4"]}}) == "severity is S1 (not S4)"
    assert why({"none": [{"var": "tickets"}, {">=": [{"var": "priority"}, 4]}]}) == (
        "no open tickets with priority >= 4"
    )


def test_quantifiers_count_the_items() -> None:
    some = {"some": [{"var": "tickets"}, {">=": [{"var": "priority"}, 3]}]}
    assert why(some) == "1 of 2 open tickets with priority >= 3"
    assert why({"all": [{"var": "tickets"}, {">": [{"var": "priority"}, 0]}]}) == (
        "all 2 open tickets with priority > 0"
    )
    assert why(some, tickets=[]) == "no open tickets"


def test_nested_groups_are_bracketed() -> None:
    rule = {
        "and": [
            {">=": [{"var": "health_drop_30d"}, 25]},
            {"or": [{"<": [{"var": "days_to_renewal"}, 120]}, {">=": [{"var": "arr"}, 250_000]}]},
        ]
    }
    assert why(rule) == (
        "health drop over 30 days 27 points >= 25 points and (renewal in 45 days < 120 days or ARR $1.2M >= $250k)"
    )


def test_membership_between_arithmetic_and_missing() -> None:
    assert why({"in": [{"var": "severity"}, ["S1", "S2"]]}) == "severity is S1 (one of S1, S2)"
    assert why({"in": ["security", {"var": "tags"}]}, tags=["security"]) == "tags contains security"
    assert why({"<": [10, {"var": "days_to_renewal"}, 90]}) == "10 days < renewal in 45 days < 90 days"
    assert why({">": [{"-": [{"var": "arr"}, {"var": "credit"}]}, 1000]}, credit=5000) == ("ARR - credit ($1.2M) > $1k")
    assert why({"missing": ["arr", "csm"]}) == "missing csm"
    assert why({"missing": ["arr", "severity"]}) == "ARR, severity given"


def test_if_explains_the_conditions_up_to_the_branch_taken() -> None:
    rule = {"if": [{"==": [{"var": "severity"}, "S2"]}, True, {">=": [{"var": "arr"}, 1_000_000]}, True, False]}
    assert why(rule) == "severity is S1 (not S2) and ARR $1.2M >= $1M"


def test_fields_without_labels_read_as_their_names() -> None:
    assert explain({">=": [{"var": "health_drop_7d"}, 15]}, {"health_drop_7d": 18}) == "health drop 7d 18 >= 15"
    assert explain({"==": [{"var": "band"}, "ENT"]}, {}) == "band is not set (not ENT)"


def test_literals_and_values_use_the_plain_format() -> None:
    assert explain(True, {}) == "always"
    assert explain({">": [{"var": "n"}, 12_000]}, {"n": 15_000}) == "n 15,000 > 12,000"
    assert plain([1, 2, 3, 4, 5, 6, 7]) == "1, 2, 3, 4, 5 and 2 more"
    assert plain(None) == "not set" and plain(True) == "yes" and plain(0.5) == "0.5"


@pytest.mark.parametrize(
    ("amount", "text"),
    [(950, "$950"), (999_999, "$1M"), (12_500, "$12.5k"), (250_000, "$250k"), (1_250_000, "$1.25M"), (-2e9, "-$2B")],
)
def test_money_reads_short(amount: float, text: str) -> None:
    assert money(amount) == text


def test_units_pluralise() -> None:
    assert (days(1), days(45), unit("business day")(2)) == ("1 day", "45 days", "2 business days")
    assert days(None) == "not set"


def test_explanations_are_deterministic() -> None:
    rule = {"or": [{"in": [{"var": "severity"}, ["S1", "S2"]]}, {"var": "exec_contacted"}]}
    assert len({why(rule) for _ in range(20)}) == 1


def test_named_conditions_are_explained_through() -> None:
    refs = {"big": BIG_AND_URGENT["and"][0]}
    assert explain({"ref": "big"}, FACTS, fields=FIELDS, refs=refs) == "ARR $1.2M >= $1M"


def test_explain_validates_the_rule_first() -> None:
    with pytest.raises(RuleError, match="unknown operator 'regex'"):
        explain({"regex": ["a", "b"]}, FACTS)


def test_every_suite_rule_can_be_explained() -> None:
    for entry in json.loads(SUITE.read_bytes()):
        if not isinstance(entry, str):
            text = explain(entry[0], entry[1])
            assert text and len(text) < 300, entry
