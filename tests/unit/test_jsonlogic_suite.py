"""The JsonLogic conformance suite (tests/unit/data/jsonlogic-tests.json, provenance in data/README.md), every triple.

Each triple runs through `evaluate` and through one `compile_rule`d function; test ids are the suite's section
header plus the triple's index. After the suite: JS semantics the suite does not pin but rules rely on, and a
property test that the compiled fast paths agree with the general semantics.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from decimal import Decimal
from enum import IntEnum, StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from escdesk.rules import compile_rule, evaluate, matches
from escdesk.rules.operators import EAGER

SUITE = Path(__file__).parent / "data" / "jsonlogic-tests.json"
SUITE_SHA256 = "5c75736a7f57a18cd481665e2002c4c92395dea4073c1414cfbefb0c38b1a5e3"
SUITE_TRIPLES = 278


def _slug(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", header.lower()).strip("-")[:40]


def load_suite() -> list[Any]:
    """pytest params: (rule, data, expected) with id "<section>-<index>"."""
    params: list[Any] = []
    section = "start"
    for entry in json.loads(SUITE.read_bytes()):
        if isinstance(entry, str):
            section = _slug(entry)
        else:
            params.append(pytest.param(*entry, id=f"{section}-{len(params):03d}"))
    return params


CASES = load_suite()


def same_json(got: Any, want: Any) -> bool:
    """JSON equality: a bool is never a number (Python says True == 1), 2 and 2.0 are the same JSON number."""
    if isinstance(want, bool) or isinstance(got, bool):
        return type(got) is type(want) and got == want
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(map(same_json, got, want))
    if isinstance(want, dict):
        return isinstance(got, dict) and got.keys() == want.keys() and all(same_json(got[k], want[k]) for k in want)
    if isinstance(want, int | float):
        return isinstance(got, int | float) and got == want
    return type(got) is type(want) and got == want


def test_suite_file_is_the_vendored_one() -> None:
    assert hashlib.sha256(SUITE.read_bytes()).hexdigest() == SUITE_SHA256, "suite changed: see data/README.md"
    assert len(CASES) >= SUITE_TRIPLES


@pytest.mark.parametrize(("rule", "data", "expected"), CASES)
def test_suite_triple(rule: Any, data: Any, expected: Any) -> None:
    assert same_json(evaluate(rule, data), expected)
    assert same_json(compile_rule(rule)(data), expected)


# --- JavaScript semantics beyond the suite -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"==": [None, 0]}, False),  # null only loosely equals null
        ({"==": [None, None]}, True),
        ({"==": [0, ""]}, True),
        ({"==": [[1], 1]}, True),  # an array compares as its string
        ({"==": [True, "1"]}, True),
        ({"===": [1, 1.0]}, True),
        ({"<": ["10", "9"]}, True),  # two strings compare as strings ...
        ({"<": ["10", 9]}, False),  # ... a string and a number as numbers
        ({"<": [None, 1]}, True),  # null is 0 in a comparison
        ({">": ["abc", 1]}, False),  # NaN compares false both ways
        ({"<=": ["abc", 1]}, False),
        ({"%": [-7, 2]}, -1),  # JS keeps the dividend's sign
        ({"%": [7.5, 2]}, 1.5),
        ({"/": [1, 0]}, math.inf),
        ({"+": ["3.5", "1.5"]}, 5),
        ({"+": ["12abc", 1]}, 13),  # parseFloat reads a numeric prefix
        ({"-": ["1_000", 1]}, math.nan),  # JS Number() has no digit separators (Python's float() does)
        ({"*": ["2", "3"]}, 6),
        ({"max": []}, -math.inf),
        ({"min": [1, "x"]}, math.nan),
        ({"in": ["", ""]}, False),
        ({"in": [1, [True, 1.0]]}, True),  # strict equality: 1 === 1.0, 1 !== true
        ({"in": [1, [True]]}, False),
        ({"cat": [None, True, 1.0, [1, [2, 3]], 0.5]}, "nulltrue11,2,30.5"),
        ({"substr": ["jsonlogic", 20]}, ""),
        ({"substr": ["jsonlogic", -20, 2]}, "js"),
        ({"substr": ["jsonlogic", 2, -20]}, ""),
        ({"!!": [{"var": ""}]}, True),  # objects (here the empty data) are truthy, empty arrays are not
        ({"and": []}, None),
        ({"merge": [[1, [2]], 3]}, [1, [2], 3]),  # one level only
    ],
)
def test_js_semantics(rule: Any, expected: Any) -> None:
    got = evaluate(rule, {})
    if isinstance(expected, float) and math.isnan(expected):
        assert isinstance(got, float) and math.isnan(got)
    else:
        assert same_json(got, expected)


class Severity(StrEnum):
    S1 = "S1"


class Level(IntEnum):
    L3 = 3


def test_facts_may_be_enums_decimals_and_read_only_mappings() -> None:
    facts = MappingProxyType({"severity": Severity.S1, "level": Level.L3, "arr": Decimal("1200000.50")})
    assert matches({"==": [{"var": "severity"}, "S1"]}, facts)
    assert matches({"in": [{"var": "severity"}, ["S1", "S2"]]}, facts)
    assert matches({">=": [{"var": "level"}, 3]}, facts)
    assert matches({">": [{"var": "arr"}, 1_200_000]}, facts)
    assert evaluate({"cat": [{"var": "severity"}, "/", {"var": "level"}]}, facts) == "S1/3"


def test_var_paths_walk_arrays_and_keep_null() -> None:
    data = {"a": None, "tickets": ({"id": "T-1"},)}
    assert evaluate({"var": ["a", "fallback"]}, data) is None  # present but null is not "missing"
    assert evaluate({"var": ["a.b", "fallback"]}, data) == "fallback"
    assert evaluate({"var": "tickets.0.id"}, data) == "T-1"
    assert evaluate({"var": "tickets.5.id"}, data) is None


def test_data_is_never_inspected() -> None:
    """Objects in the data are opaque: no attribute, __eq__ or __str__ of theirs is ever called."""

    class Hostile:
        def __getattr__(self, name: str) -> Any:
            raise AssertionError(f"looked up {name}")

        def __eq__(self, other: object) -> bool:
            raise AssertionError("compared")

        __hash__ = object.__hash__

        def __str__(self) -> str:
            raise AssertionError("stringified")

    data = {"x": Hostile()}
    assert evaluate({"cat": [{"var": "x"}]}, data) == "[object Object]"
    assert evaluate({"==": [{"var": "x"}, "a"]}, data) is False
    assert evaluate({"in": [{"var": "x"}, ["a", "b"]]}, data) is False
    assert evaluate({"var": "x.__class__"}, data) is None
    assert evaluate({"!!": {"var": "x"}}, data) is True


# --- the compiled fast paths give the general semantics' answers ------------------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(-5, 5),
    st.just(math.nan),
    st.sampled_from(["", "0", "1", "2.5", "abc", "S1", " 3 "]),
)
OPS = st.sampled_from(["==", "===", "!=", "!==", "<", "<=", ">", ">="])


@given(op=OPS, fact=SCALARS, constant=SCALARS.filter(lambda c: not (isinstance(c, float) and math.isnan(c))))
def test_fused_comparison_matches_general_semantics(op: str, fact: Any, constant: Any) -> None:
    data = {"x": fact}
    assert compile_rule({op: [{"var": "x"}, constant]})(data) == EAGER[op]([fact, constant])
    assert compile_rule({op: [constant, {"var": "x"}]})(data) == EAGER[op]([constant, fact])


@given(fact=SCALARS, haystack=st.lists(SCALARS.filter(lambda c: c == c), max_size=4))
def test_fused_membership_matches_general_semantics(fact: Any, haystack: list[Any]) -> None:
    assert compile_rule({"in": [{"var": "x"}, haystack]})({"x": fact}) == EAGER["in"]([fact, haystack])
