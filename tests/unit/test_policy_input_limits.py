"""A hostile or mistaken policy file is refused with a PolicyError naming the file (and the field where it can),
never a traceback; the app then falls back to the shipped policy with its notice."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from escdesk.policy import PolicyError, default_policy, load_policy, read_policy_data
from escdesk.policy_input import MAX_POLICY_BYTES, MAX_POLICY_DEPTH
from escdesk.policy_store import load_effective_policy
from resources import resource_path


@pytest.fixture
def raw() -> dict[str, Any]:
    return copy.deepcopy(json.loads(resource_path("policy", "default.json").read_text(encoding="utf-8")))


def _with_first_field(raw: dict[str, Any], field: str) -> str:
    """The default policy's JSON text with `field` (raw JSON, "key": value) inserted as its first field."""
    return json.dumps(raw).replace("{", "{" + field + ", ", 1)


def _refused(path: Path) -> str:
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    return str(caught.value)


def test_a_number_of_more_than_4300_digits_is_refused_naming_the_field(tmp_path: Path, raw: dict[str, Any]) -> None:
    raw["levels"][0]["level"] = "PLACEHOLDER"
    path = tmp_path / "bignum.json"
    path.write_text(json.dumps(raw).replace('"PLACEHOLDER"', "1" + "0" * 5000), encoding="utf-8")
    message = _refused(path)
    assert message.startswith(f"{path}.levels[0].level: numbers of more than 4,300 digits")


def test_a_float_too_large_is_refused(tmp_path: Path, raw: dict[str, Any]) -> None:
    path = tmp_path / "huge-float.json"
    path.write_text(json.dumps(raw).replace('"min_arr": 0', '"min_arr": 1e999', 1), encoding="utf-8")
    assert ".arr_bands[0].min_arr: the number 1e999 is too large" in _refused(path)


def test_nesting_deeper_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"a":' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    assert _refused(path) == f"{path}: nested deeper than {MAX_POLICY_DEPTH} levels"


def test_a_deep_rule_condition_is_refused_before_the_rule_parser_recurses(tmp_path: Path, raw: dict[str, Any]) -> None:
    condition: Any = {"==": [1, 1]}
    for _ in range(MAX_POLICY_DEPTH):  # shallow enough for the decoder, too deep for a policy
        condition = {"and": [condition]}
    raw["rules"][0]["when"] = condition
    path = tmp_path / "deepcond.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    message = _refused(path)
    assert message.startswith(f"{path}.rules[0].when") and f"nested deeper than {MAX_POLICY_DEPTH} levels" in message


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_naming_the_field(tmp_path: Path, raw: dict[str, Any], constant: str) -> None:
    path = tmp_path / "nan.json"
    path.write_text(json.dumps(raw).replace('"min_arr": 0', f'"min_arr": {constant}', 1), encoding="utf-8")
    assert f"{path}.arr_bands[0].min_arr: {constant} is not a number JSON allows" in _refused(path)


def test_a_utf8_bom_is_accepted(tmp_path: Path, raw: dict[str, Any]) -> None:
    path = tmp_path / "notepad.json"
    path.write_text(json.dumps(raw), encoding="utf-8-sig")
    assert load_policy(path) == default_policy()


def test_utf16_is_refused_as_not_utf8(tmp_path: Path, raw: dict[str, Any]) -> None:
    path = tmp_path / "utf16.json"
    path.write_text(json.dumps(raw), encoding="utf-16")
    assert _refused(path).startswith(f"{path}: cannot read the policy file (not UTF-8 text")


def test_a_file_larger_than_5_mb_is_refused(tmp_path: Path, raw: dict[str, Any]) -> None:
    raw["name"] = "x" * (MAX_POLICY_BYTES + 1)
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert _refused(path) == f"{path}: the file is larger than 5 MB, too large for a policy"


def test_an_unknown_top_level_key_is_refused_with_a_suggestion(tmp_path: Path, raw: dict[str, Any]) -> None:
    raw["rulse"] = raw.pop("rules")
    path = tmp_path / "typo.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert _refused(path) == f"{path}: unknown field 'rulse'; did you mean 'rules'?"


def test_every_key_of_the_shipped_policy_is_accepted(tmp_path: Path, raw: dict[str, Any]) -> None:
    path = tmp_path / "same.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert read_policy_data(path) == raw


def test_a_level_code_that_does_not_match_its_level_is_refused(tmp_path: Path, raw: dict[str, Any]) -> None:
    raw["levels"][2]["code"] = "L9"
    path = tmp_path / "code.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert _refused(path) == f"{path}.levels[2].code: expected 'L2' for level 2, got 'L9'"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (lambda raw: _with_first_field(raw, '"z": 1' + "0" * 5000), "numbers of more than 4,300 digits"),
        (lambda raw: '{"a":' + "[" * 5000 + "]" * 5000 + "}", "nested deeper than"),
    ],
    ids=["bignum", "deep"],
)
def test_the_app_falls_back_to_the_shipped_policy_with_the_notice(
    tmp_path: Path, raw: dict[str, Any], content: Any, expected: str
) -> None:
    path = tmp_path / "policy.json"
    path.write_text(content(raw), encoding="utf-8")
    effective = load_effective_policy(path)
    assert effective.policy == default_policy() and effective.source is None
    assert effective.notice is not None and str(path) in effective.notice and expected in effective.notice
