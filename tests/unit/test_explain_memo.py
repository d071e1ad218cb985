"""Explanations reused across fact sets (escdesk.rules.explain_memo.CompiledNodes): always the sentence a fresh
explanation gives, remembered only where the values a rule reads decide it, and bounded."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from escdesk.domain import Level
from escdesk.facts import FACT_FIELDS, rule_data
from escdesk.ladder import fields_at
from escdesk.policy import default_policy
from escdesk.rules import Field, explain, explain_memo, money, plain
from escdesk.rules.explain import CompiledNodes

RULE = {"or": [{">=": [{"var": "arr"}, 1_000_000]}, {"==": [{"var": "flag"}, True]}, {"in": ["x", {"var": "tags"}]}]}
FIELDS = {"arr": Field("ARR", money), "flag": Field("flagged", plain), "tags": Field("tags", plain)}
VALUES = [0, 1, 1.0, True, False, None, "1", 2_000_000, 2_000_000.5]
TAGS: list[Any] = [[], ["x"], ["x", "y"], ("x",), None]


def _fresh(rule: Any, data: Any, fields: Any = FIELDS, refs: Any = None) -> str:
    return explain(rule, data, fields=fields, refs=refs)


def test_remembered_sentences_are_the_fresh_ones_for_every_mix_of_values() -> None:
    nodes = CompiledNodes()
    for _ in range(2):  # the second round answers from memory
        for arr, flag, tags in itertools.product(VALUES, VALUES, TAGS):
            data = {"arr": arr, "flag": flag, "tags": tags}
            assert explain(RULE, data, fields=FIELDS, compiled=nodes) == _fresh(RULE, data), data
    assert nodes.said and len(nodes.said) <= len(VALUES) ** 2 * len(TAGS)


def test_an_absent_fact_and_a_null_one_are_told_apart() -> None:
    rule = {"missing": ["a", "b"]}
    nodes = CompiledNodes()
    for data in ({}, {"a": None}, {"a": 1}, {"a": ""}, {"a": 1, "b": 2}, {}):
        assert explain(rule, data, compiled=nodes) == _fresh(rule, data, None)


def test_labels_are_part_of_what_is_remembered() -> None:
    policy = default_policy()
    rule = next(r for r in policy.rules if r.key == "ceiling-reached")
    data = rule_data({"clock.ceiling_passed": True})
    here = explain(rule.when, data, fields=FACT_FIELDS, compiled=rule.explained)
    at_l1 = explain(rule.when, data, fields=fields_at(Level.L1), compiled=rule.explained)
    assert (here, at_l1) == ("the time allowed at this level ran out", "the time allowed at L1 ran out")
    assert explain(rule.when, data, fields=FACT_FIELDS, compiled=rule.explained) == here


def test_a_rule_reading_a_computed_path_is_explained_afresh_each_time() -> None:
    rule = {">": [{"var": {"cat": ["a", "rr"]}}, 5]}
    nodes = CompiledNodes()
    assert explain(rule, {"arr": 9}, compiled=nodes) == _fresh(rule, {"arr": 9}, None)
    assert explain(rule, {"arr": 1}, compiled=nodes) == _fresh(rule, {"arr": 1}, None)
    assert nodes.readers is None and not nodes.said


def test_named_conditions_are_followed_for_what_they_read() -> None:
    refs = {"big": {">=": [{"var": "arr"}, 100]}}
    rule = {"and": [{"ref": "big"}, {"==": [{"var": "sev"}, "S1"]}]}
    nodes = CompiledNodes()
    for arr, sev in itertools.product([50, 150, 150.0], ["S1", "S2"]):
        data = {"arr": arr, "sev": sev}
        assert explain(rule, data, refs=refs, compiled=nodes) == _fresh(rule, data, None, refs)
        assert explain(rule, data, refs=refs, compiled=nodes) == _fresh(rule, data, None, refs)


def test_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(explain_memo, "MEMO_LIMIT", 10)
    nodes = CompiledNodes()
    for arr in range(35):
        data = {"arr": arr, "flag": False, "tags": []}
        assert explain(RULE, data, fields=FIELDS, compiled=nodes) == _fresh(RULE, data)
        assert len(nodes.said) <= 10
