"""Load-time validation of rule conditions: refused with a message naming the rule and the place, never run."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from escdesk.errors import EscDeskError
from escdesk.rules import RuleError, RuleLimitExceeded, compile_rule, evaluate, validate, validate_named

SUITE = Path(__file__).parent / "data" / "jsonlogic-tests.json"
FIELDS = {"arr", "severity", "days_to_renewal", "account", "tickets"}


def refused(rule: Any, **options: Any) -> str:
    with pytest.raises(RuleError) as caught:
        validate(rule, **options)
    return str(caught.value)


def nested(depth: int) -> Any:
    """{"!": {"!": ... true}} `depth` operators deep, built without recursion."""
    rule: Any = True
    for _ in range(depth):
        rule = {"!": rule}
    return rule


def test_every_suite_rule_is_accepted() -> None:
    """Nothing the conformance suite evaluates may be refused (e.g. {"if": []}, {"var": []}, {"merge": 1})."""
    for entry in json.loads(SUITE.read_bytes()):
        if not isinstance(entry, str):
            validate(entry[0])


def test_unknown_operator_names_the_rule_the_operator_and_the_path() -> None:
    rule = {"and": [{"==": [{"var": "severity"}, "S1"]}, {"regex": [{"var": "type"}, "bill.*"]}]}
    message = refused(rule, where="rule 'billing-dispute'")
    assert message == "rule 'billing-dispute': unknown operator 'regex' at condition.and[1]"


@pytest.mark.parametrize("op", ["log", "method", "eval", "__class__", "ref"])
def test_operators_that_could_run_code_or_have_effects_are_unknown(op: str) -> None:
    assert f"unknown operator '{op}'" in refused({op: ["x"]})


def test_error_carries_where_and_path_and_is_a_user_facing_value_error() -> None:
    with pytest.raises(RuleError) as caught:
        validate({"or": [True, {"!": {"nope": 1}}]}, where="rule 'x'", at="rules[3].condition")
    error = caught.value
    assert isinstance(error, ValueError) and isinstance(error, EscDeskError)
    assert (error.where, error.path) == ("rule 'x'", "rules[3].condition.or[1].!")


def test_unknown_field_is_refused_with_a_suggestion() -> None:
    message = refused({">=": [{"var": "arr_usd"}, 1]}, known_fields=FIELDS, where="rule 'big'")
    assert message == "rule 'big': unknown field 'arr_usd' (did you mean 'arr'?) at condition.>=[0]"


def test_known_fields_accept_sub_paths_of_known_objects_and_skip_item_scopes() -> None:
    validate({"==": [{"var": "account.band"}, "ENT"]}, known_fields=FIELDS)
    # Inside some/map/... the data is one ticket: "priority" is the ticket's, not a fact.
    validate({"some": [{"var": "tickets"}, {">=": [{"var": "priority"}, 3]}]}, known_fields=FIELDS)
    assert "unknown field 'ticket'" in refused({"some": [{"var": "ticket"}, True]}, known_fields=FIELDS)


def test_missing_and_missing_some_keys_are_fields_too() -> None:
    validate({"missing": ["arr", "severity"]}, known_fields=FIELDS)
    assert "unknown field 'csm'" in refused({"missing": ["arr", "csm"]}, known_fields=FIELDS)
    assert "unknown field 'csm'" in refused({"missing_some": [1, ["arr", "csm"]]}, known_fields=FIELDS)


def test_computed_field_names_are_refused_only_when_fields_are_checked() -> None:
    rule = {"var": {"cat": ["ar", "r"]}}
    validate(rule)
    assert "computed field name" in refused(rule, known_fields=FIELDS)


def test_without_known_fields_any_field_is_accepted() -> None:
    validate({"==": [{"var": "whatever.you.like"}, 1]})


def test_too_deep_is_refused_at_the_limit() -> None:
    validate(nested(31), max_depth=32)  # 31 operators + the literal = 32 levels
    message = refused(nested(40), max_depth=32, where="rule 'deep'")
    assert message.startswith("rule 'deep': nested deeper than 32 levels at condition.!.!.")


def test_absurd_depth_is_a_rule_error_never_a_recursion_error() -> None:
    with pytest.raises(RuleError, match="nested deeper than 200 levels"):
        evaluate(nested(100_000), {})
    with pytest.raises(RuleError):
        compile_rule([[[[[[[[[[[[nested(500)]]]]]]]]]]]])


def test_too_many_values_are_refused() -> None:
    rule = {"in": [{"var": "severity"}, [f"S{i}" for i in range(3000)]]}
    assert refused(rule, max_nodes=2000) == "rule: too large (more than 2000 values)"
    validate(rule, max_nodes=5000)


@pytest.mark.parametrize(
    ("garbage", "problem"),
    [
        ({"==": [{"var": "tags"}, {"a", "b"}]}, "a set is not a JSON value"),
        ({"==": [{"var": "x"}, b"bytes"]}, "a bytes is not a JSON value"),
        ({"==": [{"var": "x"}, (1, 2)]}, "a tuple is not a JSON value"),
        ({"==": [{"var": "x"}, object()]}, "a object is not a JSON value"),
        ({">": [{"var": "x"}, math.nan]}, "nan is not a JSON number"),
        ({">": [{"var": "x"}, math.inf]}, "inf is not a JSON number"),
        ({"and": [{}]}, "an operation needs exactly one operator, found 0"),
        ({"and": [{"var": "a", "==": 1}]}, "an operation needs exactly one operator, found 2 ('var', '==')"),
        ({1: [2]}, "unknown operator 1"),
    ],
)
def test_non_json_garbage_is_refused(garbage: Any, problem: str) -> None:
    assert problem in refused(garbage)


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ({"==": [1]}, "operator '==' takes 2 arguments, got 1"),
        ({">": [1, 2, 3]}, "operator '>' takes 2 arguments, got 3"),
        ({"<": [1, 2, 3, 4]}, "operator '<' takes 2 to 3 arguments, got 4"),
        ({"!": []}, "operator '!' takes 1 arguments, got 0"),
        ({"map": [{"var": "tickets"}]}, "operator 'map' takes 2 arguments, got 1"),
        ({"reduce": [[1], {"var": "current"}, 0, 9]}, "operator 'reduce' takes 2 to 3 arguments, got 4"),
        ({"missing_some": [1]}, "operator 'missing_some' takes 2 arguments, got 1"),
        ({"var": ["a", 1, 2]}, "operator 'var' takes 0 to 2 arguments, got 3"),
    ],
)
def test_wrong_arity_is_refused_where_it_is_surely_a_mistake(rule: Any, problem: str) -> None:
    assert problem in refused(rule)


@pytest.mark.parametrize("rule", [{"if": []}, {"<": [1, 2, 3]}, {"-": [3]}, {"!": False}, {"cat": "x"}, {"and": []}])
def test_arities_the_suite_or_js_allow_are_accepted(rule: Any) -> None:
    validate(rule)


NAMED = {
    "big": {">=": [{"var": "arr"}, 1_000_000]},
    "urgent": {"==": [{"var": "severity"}, "S1"]},
    "big-and-urgent": {"and": [{"ref": "big"}, {"ref": "urgent"}]},
}


def test_named_conditions_can_refer_to_each_other() -> None:
    validate_named(NAMED, known_fields=FIELDS)
    rule = compile_rule({"ref": "big-and-urgent"}, refs=NAMED)
    assert rule({"arr": 2_000_000, "severity": "S1"}) is True
    assert rule({"arr": 2_000_000, "severity": "S2"}) is False


def test_reference_cycles_are_refused_naming_the_cycle() -> None:
    named = {**NAMED, "a": {"or": [{"ref": "big"}, {"ref": "b"}]}, "b": {"!": {"ref": "a"}}}
    with pytest.raises(RuleError) as caught:
        validate_named(named)
    assert str(caught.value) == "condition 'a': refers to itself: a -> b -> a"
    with pytest.raises(RuleError, match="refers to itself: self -> self"):
        validate_named({"self": {"ref": "self"}})


def test_unknown_or_computed_references_are_refused() -> None:
    with pytest.raises(RuleError, match=r"condition 'x': unknown condition 'bigg' \(did you mean 'big'\?\)"):
        validate_named({**NAMED, "x": {"ref": "bigg"}})
    with pytest.raises(RuleError, match="literal string"):
        validate({"ref": {"var": "name"}}, refs=NAMED.keys())
    assert "unknown operator 'ref'" in refused({"ref": "big"})  # not JsonLogic unless a policy offers names


def test_values_that_feed_on_themselves_are_stopped() -> None:
    """reduce can double a string or square a number per item: bounded like JS numbers, refused past a size."""
    items = {"xs": list(range(64))}
    square = {"reduce": [{"var": "xs"}, {"*": [{"var": "accumulator"}, {"var": "accumulator"}]}, 3]}
    assert evaluate(square, items) == math.inf  # an int would grow without bound; JS overflows to Infinity
    double_text = {"reduce": [{"var": "xs"}, {"cat": [{"var": "accumulator"}, {"var": "accumulator"}]}, "ab"]}
    with pytest.raises(RuleLimitExceeded, match=r"^rule 'greedy': cat: the text would exceed 1,000,000"):
        evaluate(double_text, items, where="rule 'greedy'")
    double_list = {"reduce": [{"var": "xs"}, {"merge": [{"var": "accumulator"}, {"var": "accumulator"}]}, [1]]}
    with pytest.raises(RuleLimitExceeded, match="merge: the array would exceed 100,000"):
        compile_rule(double_list)(items)
