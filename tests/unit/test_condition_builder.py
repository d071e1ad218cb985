"""The rule editor's condition builder (escdesk.condition_builder): JsonLogic <-> groups and rows.

The round trip is the contract: what the builder shows it saves exactly as written, and a tree it writes comes
back as the same tree (up to `canonical`). Properties run over a small local catalogue so they do not move when
the real one (escdesk.facts) grows; the shipped rules are checked against the real catalogue."""

from __future__ import annotations

import json
import operator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escdesk.condition_builder import (
    BuilderError,
    Group,
    Node,
    Row,
    canonical,
    check_tree,
    operator_label,
    operators_for,
    parse_number,
    root_group,
    root_rule,
    to_jsonlogic,
    to_tree,
)
from escdesk.facts import FACT_CATALOGUE
from escdesk.rules import matches
from resources import resource_path


@dataclass(frozen=True)
class Fact:
    name: str
    label: str
    kind: str
    choices: tuple[str, ...] = ()


CATALOGUE = {
    f.name: f
    for f in (
        Fact("account.arr", "ARR", "number"),
        Fact("account.health", "health score", "number"),
        Fact("case.severity", "severity", "text", ("S1", "S2", "S3", "S4")),
        Fact("account.region", "region", "text"),
        Fact("case.flags", "signals", "list", ("press", "regulator", "exec_contact")),
        Fact("clock.acknowledged", "acknowledged", "bool"),
    )
}

numbers = st.one_of(st.integers(-(10**9), 10**9), st.floats(-1e9, 1e9, allow_nan=False).filter(lambda x: x != 0))
words = st.text("abcdefghij -", min_size=1, max_size=8)


def _value(fact: Fact, op: str) -> st.SearchStrategy[Any]:
    single: st.SearchStrategy[Any]
    if fact.kind == "number":
        single = numbers
    elif fact.choices:
        single = st.sampled_from(fact.choices)
    else:
        single = words
    if op == "is":
        return st.booleans()
    if op in ("set", "unset"):
        return st.none()
    if op == "between":
        return st.tuples(single, single).map(lambda pair: tuple(sorted(pair)))
    if op == "in":
        return st.lists(single, min_size=1, max_size=3).map(tuple)
    return single


@st.composite
def rows(draw: st.DrawFn) -> Row:
    fact = draw(st.sampled_from(list(CATALOGUE.values())))
    op = draw(st.sampled_from(operators_for(fact)))
    return Row(fact.name, op, draw(_value(fact, op)))


trees: st.SearchStrategy[Node] = st.recursive(
    rows(),
    lambda children: st.builds(Group, st.sampled_from(["and", "or", "not"]), st.lists(children, max_size=4).map(tuple)),
    max_leaves=12,
)


@settings(max_examples=400)
@given(trees)
def test_a_tree_comes_back_from_its_jsonlogic(tree: Node) -> None:
    rule = to_jsonlogic(tree)
    assert to_tree(rule, CATALOGUE) == canonical(tree)


@settings(max_examples=400)
@given(trees)
def test_jsonlogic_the_builder_shows_saves_exactly_as_written(tree: Node) -> None:
    rule = json.loads(json.dumps(to_jsonlogic(tree)))  # as read from a policy file
    shown = to_tree(rule, CATALOGUE)
    assert shown is not None
    assert json.dumps(to_jsonlogic(shown)) == json.dumps(rule)


@given(trees)
def test_canonical_keeps_the_meaning(tree: Node) -> None:
    assert to_jsonlogic(canonical(tree)) == to_jsonlogic(tree)


@given(trees)
def test_the_editor_root_round_trips(tree: Node) -> None:
    rule = to_jsonlogic(tree)
    shown = to_tree(rule, CATALOGUE)
    assert root_rule(root_group(shown), unwrap=isinstance(shown, Row)) == rule


_PYTHON = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq}


@given(st.sampled_from(sorted(_PYTHON)), st.integers(-100, 100), st.integers(-100, 100))
def test_number_rows_mean_what_their_labels_say(op: str, fact: int, literal: int) -> None:
    rule = to_jsonlogic(Row("account.arr", op, literal))
    assert matches(rule, {"account": {"arr": fact}}) is _PYTHON[op](fact, literal)


@given(st.integers(-50, 50), st.integers(-50, 50), st.integers(-50, 50))
def test_between_includes_both_ends(fact: int, low: int, high: int) -> None:
    rule = to_jsonlogic(Row("account.arr", "between", (low, high)))
    assert matches(rule, {"account": {"arr": fact}}) is (low <= fact <= high)


def test_rows_read_in_jsonlogic_as_documented() -> None:
    assert to_jsonlogic(Row("case.flags", "contains", "press")) == {"in": ["press", {"var": "case.flags"}]}
    assert to_jsonlogic(Row("case.severity", "in", ("S1", "S2"))) == {"in": [{"var": "case.severity"}, ["S1", "S2"]]}
    assert to_jsonlogic(Row("account.health", "set", None)) == {"!": {"missing": ["account.health"]}}
    assert to_jsonlogic(Row("account.health", "unset", None)) == {"missing": ["account.health"]}
    assert to_jsonlogic(Row("clock.acknowledged", "is", False)) == {"!": {"var": "clock.acknowledged"}}
    assert to_jsonlogic(Row("clock.acknowledged", "is", True)) == {"var": "clock.acknowledged"}
    only = Row("account.arr", ">=", 1)
    assert to_jsonlogic(Group("not", (only,))) == {"!": to_jsonlogic(only)}
    assert to_jsonlogic(Group("not", (only, only))) == {"!": {"or": [to_jsonlogic(only)] * 2}}


@pytest.mark.parametrize(
    "rule",
    [
        {">=": [1000000, {"var": "account.arr"}]},  # the literal first
        {">=": [{"var": "account.arr"}, {"+": [1, 2]}]},  # a computed value
        {">=": [{"var": "account.ar"}, 5]},  # unknown field
        {"==": [{"var": "case.severity"}, "S9"]},  # not one of the choices
        {">": [{"var": "case.severity"}, "S1"]},  # an operator the field's kind has no use for
        {"==": [{"var": "account.arr"}, "lots"]},  # text for a number
        {"var": "account.arr"},  # truthiness of a number is not a comparison
        {"==": [{"var": "clock.acknowledged"}, True]},  # yes/no facts are written {"var": f}
        {">=": [{"var": ["account.arr", 0]}, 5]},  # a default
        {"some": [{"var": "case.flags"}, {"==": [{"var": ""}, "press"]}]},
        {"and": [{"==": [{"var": "case.severity"}, "S1"]}, {"cat": ["a", "b"]}]},  # one part unknown: all read-only
        {"!": [{"==": [{"var": "case.severity"}, "S1"]}]},  # [x] would save as x
        {"missing": ["account.health", "account.arr"]},  # several at once
        {"!=": [{"var": "account.health"}, None]},  # "is known" is written with missing
        {"==": [{"var": "case.severity"}, "S1"], "extra": 1},
        True,
        {"<=": [10, {"var": "account.arr"}, 5]},  # an empty range
    ],
)
def test_what_the_builder_cannot_write_back_exactly_is_not_shown(rule: Any) -> None:
    assert to_tree(rule, CATALOGUE) is None


def test_absurd_nesting_is_not_shown_rather_than_crashing() -> None:
    rule: Any = {"==": [{"var": "case.severity"}, "S1"]}
    for _ in range(5000):
        rule = {"!": rule}
    assert to_tree(rule, CATALOGUE) is None


def test_every_shipped_rule_shows_in_the_builder_with_the_real_catalogue() -> None:
    data = json.loads(resource_path("policy", "default.json").read_text(encoding="utf-8"))
    for rule in data["rules"]:
        tree = to_tree(rule["when"], FACT_CATALOGUE)
        assert tree is not None, rule["key"]
        check_tree(tree, FACT_CATALOGUE)


def test_a_bad_value_is_refused_naming_the_field() -> None:
    with pytest.raises(BuilderError, match=r"ARR \(account.arr\): 'lots' is not a number"):
        check_tree(Group("and", (Row("account.arr", ">=", "lots"),)), CATALOGUE)
    with pytest.raises(BuilderError, match=r"severity \(case.severity\): 'S9' is not one of S1, S2, S3, S4"):
        check_tree(Row("case.severity", "in", ("S1", "S9")), CATALOGUE)
    with pytest.raises(BuilderError, match="first number of “between” must not be above the second"):
        check_tree(Row("account.arr", "between", (10, 5)), CATALOGUE)
    with pytest.raises(BuilderError, match="group is empty"):
        check_tree(Group("or"), CATALOGUE)


def test_operators_and_labels_follow_the_fact_kind() -> None:
    assert "contains" not in operators_for(CATALOGUE["case.severity"])  # enum: choose, do not type
    assert "contains" in operators_for(CATALOGUE["account.region"])
    assert operator_label(CATALOGUE["case.flags"], "contains") == "includes"
    assert operator_label(CATALOGUE["account.arr"], ">=") == "≥"
    assert operators_for(CATALOGUE["clock.acknowledged"]) == ("is",)


@pytest.mark.parametrize(("text", "number"), [("1,000,000", 1_000_000), (" 2.5 ", 2.5), ("-3", -3)])
def test_numbers_as_typed(text: str, number: float) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["", "lots", "1e999", "nan"])
def test_text_that_is_not_a_number(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)
