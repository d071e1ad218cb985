"""The policy's roles and rules are refused at load, naming the rule, for every mistake the issue lists."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from escdesk.facts import FACT_CATALOGUE
from escdesk.policy import PolicyError, default_policy, load_policy, parse_policy
from escdesk.policy_rules import MAX_DEPTH
from resources import resource_path


@pytest.fixture
def raw() -> dict[str, Any]:
    return copy.deepcopy(json.loads(resource_path("policy", "default.json").read_text(encoding="utf-8")))


def _rule(key: str, when: Any, **then: Any) -> dict[str, Any]:
    return {"key": key, "title": key, "kind": "involve", "when": when,
            "then": then or {"involve": [{"role": "legal", "within": "4h"}]}}  # fmt: skip


def _refused(raw: dict[str, Any], *fragments: str) -> str:
    with pytest.raises(PolicyError) as error:
        parse_policy(raw, "team.json")
    message = str(error.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_default_policy_has_the_rules_and_roles() -> None:
    policy = default_policy()
    assert len(policy.rules) >= 19
    assert {r.kind for r in policy.rules} == {"involve", "jump", "ladder"}
    assert {"legal", "security", "incident_commander", "communications", "vp_cs"} <= {r.key for r in policy.roles}


def test_unknown_operator_is_refused_naming_the_rule(raw: dict[str, Any]) -> None:
    raw["rules"].append(_rule("odd-one", {"regex": [{"var": "case.type"}, "bug"]}))
    _refused(raw, "team.json", "rule 'odd-one'", "unknown operator 'regex'")


def test_unknown_fact_is_refused_with_a_suggestion(raw: dict[str, Any]) -> None:
    raw["rules"].append(_rule("typo", {">=": [{"var": "account.ar"}, 1_000_000]}))
    _refused(raw, "rule 'typo'", "unknown field 'account.ar'", "did you mean 'account.arr'")


def test_reference_cycle_is_refused_naming_the_conditions(raw: dict[str, Any]) -> None:
    raw["conditions"] = {"big": {"ref": "strategic"}, "strategic": {"and": [{"ref": "big"}]}}
    raw["rules"].append(_rule("loop", {"ref": "big"}))
    _refused(raw, "refers to itself", "big -> strategic -> big")


def test_named_conditions_are_usable(raw: dict[str, Any]) -> None:
    raw["conditions"] = {"strategic": {"==": [{"var": "account.band"}, "STRAT"]}}
    raw["rules"].append(_rule("strategic-legal", {"ref": "strategic"}))
    rule = next(r for r in parse_policy(raw).rules if r.key == "strategic-legal")
    assert rule.check({"account": {"band": "STRAT"}}) is True


def test_absurd_depth_is_refused_naming_the_rule(raw: dict[str, Any]) -> None:
    deep: Any = {"var": "case.level"}
    for _ in range(MAX_DEPTH + 5):
        deep = {"!": [deep]}
    raw["rules"].append(_rule("deep-thought", deep))
    _refused(raw, "rule 'deep-thought'", "nested deeper than")


def test_absurd_size_is_refused(raw: dict[str, Any]) -> None:
    raw["rules"].append(_rule("huge", {"or": [{"==": [{"var": "case.level"}, n]} for n in range(400)]}))
    _refused(raw, "rule 'huge'", "too large")


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"then": {"involve": [{"role": "astrologer", "within": "1h"}]}}, "unknown role 'astrologer'"),
        ({"then": {"involve": [{"role": "legal", "within": "soon"}]}}, "within"),
        ({"then": {"min_level": 7}}, "expected a level 0-5"),
        ({"then": {"min_level": True}}, "expected a level 0-5"),
        ({"then": {}}, "must involve a role"),
        ({"then": {"involve": [], "notify": "x"}}, "unknown field 'notify'"),
        ({"kind": "nudge"}, "'kind' must be one of"),
        ({"priority": 3}, "unknown field 'priority'"),
    ],
)
def test_bad_outcomes_are_refused_naming_the_rule(raw: dict[str, Any], change: dict[str, Any], fragment: str) -> None:
    rule = _rule("bad-outcome", {"var": "clock.acknowledged"})
    rule.update(change)
    raw["rules"].append(rule)
    _refused(raw, "rule 'bad-outcome'", fragment)


def test_duplicate_and_badly_spelt_keys_are_refused(raw: dict[str, Any]) -> None:
    raw["rules"].append(copy.deepcopy(raw["rules"][0]))
    _refused(raw, f"rule {raw['rules'][0]['key']!r}", "used by an earlier rule")
    raw["rules"][-1]["key"] = "Not_Kebab"
    _refused(raw, "rule 'Not_Kebab'", "kebab-case")


def test_bad_roles_are_refused(raw: dict[str, Any]) -> None:
    raw["roles"].append({"key": "legal", "label": "Legal again"})
    _refused(raw, "role 'legal'", "used once")
    raw["roles"][-1] = {"key": "counsel", "label": "Counsel", "account": "cfo"}
    _refused(raw, "role 'counsel'", "'account' must be one of")


def test_a_policy_without_rules_still_loads(raw: dict[str, Any]) -> None:
    del raw["rules"], raw["roles"]
    policy = parse_policy(raw)
    assert policy.rules == () and policy.roles == ()


def test_load_policy_names_the_file_and_the_rule(raw: dict[str, Any], tmp_path: Path) -> None:
    raw["rules"][0]["when"] = {"var": "case.colour"}
    path = tmp_path / "shared.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(PolicyError, match=r"shared\.json: rule 'product-bug-urgent': unknown field 'case\.colour'"):
        load_policy(path)


def test_every_default_condition_reads_only_catalogued_facts() -> None:
    for rule in default_policy().rules:
        assert _facts_read(rule.when) <= FACT_CATALOGUE.keys(), rule.key


def _facts_read(node: Any) -> set[str]:
    if isinstance(node, dict):
        op, value = next(iter(node.items()))
        if op in ("var",):
            return {value if isinstance(value, str) else value[0]}
        if op == "missing":
            return set(value)
        return _facts_read(value)
    if isinstance(node, list):
        return set().union(*map(_facts_read, node)) if node else set()
    return set()
