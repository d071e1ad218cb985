"""Edits made in the app to a policy's rules and checklist (escdesk.policy_editing): replaced, versioned, checked."""

from __future__ import annotations

import json
from typing import Any

import pytest

from escdesk.facts import FACT_CATALOGUE
from escdesk.policy import PolicyError
from escdesk.policy_editing import (
    bump_version,
    check_rules,
    duplicate_rule,
    new_rule,
    prepare_save,
    unique_key,
    with_checklist,
    with_rules,
)
from resources import resource_path


@pytest.fixture
def data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(resource_path("policy", "default.json").read_text(encoding="utf-8"))
    return loaded


@pytest.mark.parametrize(
    ("version", "bumped"),
    [("2026.1", "2026.1-edit-1"), ("2026.1-edit-3", "2026.1-edit-4"), ("7-edit-9", "7-edit-10"), ("", "-edit-1")],
)
def test_each_saved_edit_counts_on_top_of_the_version_it_came_from(version: str, bumped: str) -> None:
    assert bump_version(version) == bumped


def test_replacing_rules_copies_and_keeps_the_other_sections(data: dict[str, Any]) -> None:
    rules = data["rules"][:2]
    changed = with_rules(data, rules)
    assert changed["rules"] == rules and changed["rules"] is not rules
    assert changed["clocks"] == data["clocks"] and len(data["rules"]) > 2  # the original is untouched
    changed["rules"][0]["title"] = "changed"
    assert data["rules"][0]["title"] != "changed"


def test_replacing_the_checklist_and_variants(data: dict[str, Any]) -> None:
    steps = [dict(data["checklist"][0], title="Call them yourself"), *data["checklist"][1:]]
    changed = with_checklist(data, steps, data["checklist_variants"][:1])
    assert changed["checklist"][0]["title"] == "Call them yourself"
    assert [v["key"] for v in changed["checklist_variants"]] == [data["checklist_variants"][0]["key"]]
    assert data["checklist"][0]["title"] != "Call them yourself"


def test_prepare_save_bumps_the_version_and_parses(data: dict[str, Any]) -> None:
    steps = [dict(data["checklist"][0], title="Call them yourself"), *data["checklist"][1:]]
    saved, policy = prepare_save(with_checklist(data, steps, data["checklist_variants"]), FACT_CATALOGUE)
    assert saved["version"] == policy.version == bump_version(data["version"])
    assert policy.checklist[0].title == "Call them yourself"


def test_the_shipped_rules_pass(data: dict[str, Any]) -> None:
    check_rules(data, FACT_CATALOGUE)


def _broken(data: dict[str, Any], index: int, **changes: Any) -> dict[str, Any]:
    rules = [dict(r) for r in data["rules"]]
    rules[index] = {**rules[index], **changes}
    return with_rules(data, rules)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"when": {">=": [{"var": "account.ar"}, 1]}}, r"unknown field 'account.ar' \(did you mean 'account.arr'\?\)"),
        ({"when": {"eval": ["x"]}}, "unknown operator 'eval'"),
        ({"key": "Billing Dispute"}, "the key must be lower-case words"),
        ({"title": " "}, "give the rule a title"),
        ({"kind": "whatever"}, "the kind must be one of"),
        ({"then": {"involve": [{"role": "wizard", "within": "1h"}]}}, "unknown role 'wizard'"),
        ({"then": {"involve": [{"role": "finance", "within": "soon"}]}}, r"involvement 1 \(finance\): target 'soon'"),
        ({"then": {"min_level": 9}}, "minimum level must be a level from 0 to 5"),
    ],
)
def test_a_broken_rule_is_refused_naming_it(data: dict[str, Any], changes: dict[str, Any], message: str) -> None:
    index = next(i for i, r in enumerate(data["rules"]) if r["key"] == "billing-dispute")
    broken = _broken(data, index, **changes)
    with pytest.raises(PolicyError, match=message) as caught:
        prepare_save(broken, FACT_CATALOGUE)
    assert "(Billing dispute)" in str(caught.value) or "title" in message


def test_a_key_used_twice_is_refused(data: dict[str, Any]) -> None:
    first = data["rules"][0]["key"]
    with pytest.raises(PolicyError, match=f"the key '{first}' is used by an earlier rule"):
        check_rules(_broken(data, 1, key=first), FACT_CATALOGUE)


def test_a_broken_checklist_is_refused_by_the_policy_parser(data: dict[str, Any]) -> None:
    steps = [dict(data["checklist"][0], role="wizard"), *data["checklist"][1:]]
    with pytest.raises(PolicyError, match=r"checklist\[0\]\.role: unknown value 'wizard'"):
        prepare_save(with_checklist(data, steps, data["checklist_variants"]), FACT_CATALOGUE)


def test_new_and_duplicated_rules_get_unique_keys(data: dict[str, Any]) -> None:
    taken = {r["key"] for r in data["rules"]}
    copy = duplicate_rule(data["rules"][0], taken)
    assert copy["key"] == f"{data['rules'][0]['key']}-copy" and copy["title"].endswith("(copy)")
    assert unique_key(copy["key"], taken | {copy["key"]}) == f"{copy['key']}-2"
    fresh = new_rule(taken, "account.arr")
    check_rules(with_rules(data, [*data["rules"], copy, fresh]), FACT_CATALOGUE)
    assert unique_key("Health: RED!", ()) == "health-red"


def test_the_preview_lists_the_cases_whose_facts_match() -> None:
    from escdesk.facts import rule_data
    from escdesk.policy_editing import preview_matches

    facts = {
        "a": rule_data({"case.type": "billing", "account.arr": 2_000_000}),
        "b": rule_data({"case.type": "billing", "account.arr": 10_000}),
        "c": rule_data({"case.type": "outage", "account.arr": 5_000_000}),
    }
    when = {"and": [{"==": [{"var": "case.type"}, "billing"]}, {">=": [{"var": "account.arr"}, 1_000_000]}]}
    assert preview_matches(when, facts, FACT_CATALOGUE.keys(), {}) == ["a"]
    named = {"big": {">=": [{"var": "account.arr"}, 1_000_000]}}
    assert preview_matches({"ref": "big"}, facts, FACT_CATALOGUE.keys(), named) == ["a", "c"]
