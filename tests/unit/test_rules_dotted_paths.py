"""The fast paths for dotted facts ("account.arr") give exactly what the full JsonLogic semantics give."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from escdesk.rules import compile_rule
from escdesk.rules.operators import EAGER, resolve

DATA: list[Any] = [
    {"account": {"arr": 1_200_000, "band": "STRAT"}, "case": {"flags": ["press", "low_csat"], "type": "outage"}},
    {"account": {"arr": None, "band": ""}, "case": {"flags": [], "type": None}},
    {"account": {}, "case": {"flags": "press release", "type": 3}},
    {"account": None, "case": {"flags": [1, True, "1"]}},
    {"account": [{"arr": 5}], "case": "text"},
    {"account": {"arr": "1200000"}, "case": {"flags": None}},
    None,
    [],
    "account",
]
PATHS = ["account.arr", "account.band", "case.type", "case.flags", "account.0.arr", "account.arr.x"]
LITERALS: list[Any] = [1_000_000, "STRAT", "outage", None, 0, "1200000", True]


@pytest.mark.parametrize("path", PATHS)
def test_var_matches_resolve(path: str) -> None:
    for data, default in itertools.product(DATA, (None, 7)):
        rule = {"var": [path, default]} if default is not None else {"var": path}
        assert compile_rule(rule)(data) == resolve(data, path, default), (path, data)


@pytest.mark.parametrize(("op", "path"), list(itertools.product(["==", "!=", "===", "<", ">=", "<="], PATHS)))
def test_comparisons_match_the_full_semantics(op: str, path: str) -> None:
    for data, literal in itertools.product(DATA, LITERALS):
        fast = compile_rule({op: [{"var": path}, literal]})(data)
        assert fast == EAGER[op]([resolve(data, path), literal]), (op, path, data, literal)
        flipped = compile_rule({op: [literal, {"var": path}]})(data)
        assert flipped == EAGER[op]([literal, resolve(data, path)]), (op, path, data, literal)


@pytest.mark.parametrize("path", PATHS)
def test_membership_both_ways_matches_the_full_semantics(path: str) -> None:
    for data in DATA:
        for needle in ("press", "1", "", "release"):
            fast = compile_rule({"in": [needle, {"var": path}]})(data)
            assert fast == EAGER["in"]([needle, resolve(data, path)]), (path, data, needle)
        inside = compile_rule({"in": [{"var": path}, ["outage", "STRAT", 3]]})(data)
        assert inside == EAGER["in"]([resolve(data, path), ["outage", "STRAT", 3]]), (path, data)
