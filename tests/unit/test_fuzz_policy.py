"""Hostile policy and rule files (hypothesis): any JSON, and the shipped policy with any part replaced by any JSON.

Loading refuses with a PolicyError (a rule condition: RuleError) whose message names the file or the rule, and
never raises anything else: a broken policy.json must become a notice in the app, never a traceback.
Bounded (max_examples) and deadline=None so that CI stays fast on a shared machine.
"""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escdesk.policy import PolicyError, load_policy, parse_policy
from escdesk.rules import RuleError, compile_rule, evaluate, validate
from resources import resource_path

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SHIPPED: dict[str, Any] = json.loads(resource_path("policy", "default.json").read_text(encoding="utf-8"))
EXPLAINED = (PolicyError, RuleError)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["", "L3", "S1", "4h", "1 business day", "PT30M", "-1", "ENT", "Europe/Berlin", "ack"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=10), inner, max_size=5)),
    max_leaves=25,
)


def paths_in(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document (keys and list positions), depth first."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths_in(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths_in(item, (*prefix, index))
    return found


# Crashes this file found once (a TypeError instead of a PolicyError), kept as regression cases.
FOUND_CRASHES: tuple[tuple[tuple[str, ...], Any], ...] = (
    (("clocks", "calendar_rules", "*", "calendar"), []),  # policy_clocks._rule: a list as a calendar name
    (("clocks", "calendars", "*", "hours", "*"), None),  # calendars._parse_hours: a day's hours not a list
    (("clocks", "calendars", "*", "time_zone"), {"a": None}),  # calendars: str() of an object as a zone name
    (("clocks", "calendars", "*", "time_zone"), "Europe/" + "x" * 300),  # zoneinfo: OSError, name too long
)


def matches_pattern(path: tuple[Any, ...], pattern: tuple[Any, ...]) -> bool:
    return len(path) == len(pattern) and all(want in ("*", got) for got, want in zip(path, pattern, strict=True))


SHIPPED_PATHS = paths_in(SHIPPED)[1:]


def replaced(document: dict[str, Any], path: tuple[Any, ...], value: Any, delete: bool) -> dict[str, Any]:
    result = copy.deepcopy(document)
    parent: Any = result
    for step in path[:-1]:
        parent = parent[step]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return result


def assert_refused_or_loaded(document: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "policy.json"
        file.write_text(json.dumps(document), encoding="utf-8")
        try:
            load_policy(file)
        except EXPLAINED as refusal:
            assert str(refusal).strip(), f"{type(refusal).__name__} without a message"
            assert str(file) in str(refusal) or "rule" in str(refusal).lower(), f"no file named: {refusal}"


@FUZZ
@given(document=json_values)
def test_any_json_is_loaded_or_refused_with_a_reason(document: Any) -> None:
    assert_refused_or_loaded(document)


@FUZZ
@given(document=st.dictionaries(st.sampled_from(sorted(SHIPPED)), json_values, max_size=len(SHIPPED)))
def test_policy_shaped_objects(document: dict[str, Any]) -> None:
    assert_refused_or_loaded({**document, "format": SHIPPED["format"]})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(SHIPPED_PATHS), value=json_values, delete=st.booleans())
def test_the_shipped_policy_with_one_part_broken(path: tuple[Any, ...], value: Any, delete: bool) -> None:
    assert_refused_or_loaded(replaced(SHIPPED, path, value, delete))


def first_path(pattern: tuple[Any, ...]) -> tuple[Any, ...]:
    return next(path for path in paths_in(SHIPPED) if matches_pattern(path, pattern))


@pytest.mark.parametrize(
    ("pattern", "value"), FOUND_CRASHES, ids=["calendar-rule", "hours", "zone-object", "zone-too-long"]
)
def test_crashes_found_once_are_refused_with_a_reason(pattern: tuple[Any, ...], value: Any) -> None:
    document = replaced(SHIPPED, first_path(pattern), value, delete=False)
    assert_refused_or_loaded(document)
    with pytest.raises(PolicyError):
        parse_policy(document)


def test_bytes_that_are_not_json_or_not_utf8(tmp_path: Path) -> None:
    for data in (b"\xff\xfe{", b'{"format": "escdesk-policy",', b"", b"[]", b"\x00" * 10):
        file = tmp_path / "policy.json"
        file.write_bytes(data)
        try:
            load_policy(file)
        except PolicyError as refusal:
            assert str(file) in str(refusal)
        else:
            raise AssertionError(f"{data!r} was accepted as a policy")


# -- rule conditions -----------------------------------------------------------------------------------------------

OPERATORS = ["var", "==", "!=", "===", "<", "<=", ">", ">=", "and", "or", "!", "!!", "if", "in", "cat", "substr",
             "+", "-", "*", "/", "%", "min", "max", "map", "filter", "reduce", "all", "some", "none", "merge",
             "missing", "missing_some", "ref", "no_such_op"]  # fmt: skip
rules = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.builds(
            lambda op, args: {op: args}, st.sampled_from(OPERATORS), st.one_of(inner, st.lists(inner, max_size=4))
        ),
        st.dictionaries(st.text(max_size=6), inner, max_size=3),
    ),
    max_leaves=30,
)
facts = st.dictionaries(st.sampled_from(["account", "severity", "arr", "days_to_renewal", ""]), json_values, max_size=4)


@FUZZ
@given(rule=rules)
def test_any_condition_is_valid_or_refused_with_a_reason(rule: Any) -> None:
    try:
        validate(rule, known_fields={"account", "severity", "arr", "days_to_renewal"}, where="rule 'fuzz'")
    except RuleError as refusal:
        assert str(refusal).startswith("rule 'fuzz': "), refusal
        assert refusal.problem.strip()


@FUZZ
@given(rule=rules, data=facts)
def test_a_valid_condition_evaluates_or_says_why_not(rule: Any, data: dict[str, Any]) -> None:
    try:
        compiled = compile_rule(rule, where="rule 'fuzz'")
    except RuleError:
        return
    for run in (lambda: compiled(data), lambda: evaluate(rule, data, where="rule 'fuzz'")):
        try:
            run()
        except RuleError as refusal:
            assert str(refusal).strip()
