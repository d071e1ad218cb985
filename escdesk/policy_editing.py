"""Edits to a policy's JSON data made in the app: rules and checklist templates replaced, the version bumped,
everything checked before the user's policy file is written (pure: dicts in, dicts out, no Qt, no files).

Versions: a saved edit keeps the version it was made from and counts the edits on top of it, "2026.1" ->
"2026.1-edit-1" -> "2026.1-edit-2". The shipped version stays readable in every edited one (so a team sees which
default it started from), the counter orders the edits, and a case records the version it was opened under
(escdesk.services), so cases opened before the edit keep their checklist until the person re-applies the policy.

Checks: escdesk.policy parses the whole policy (calendars, checklist, variants ... and the rules, when it reads
them); `check_rules` adds the rule checks the editor needs with messages that name the rule, e.g. "rule
'billing-dispute' (Billing dispute): unknown field 'account.ar' (did you mean 'account.arr'?) at condition".
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from copy import deepcopy
from typing import Any

from escdesk.condition_builder import Row, to_jsonlogic
from escdesk.durations import parse_span
from escdesk.policy import Policy, PolicyError, parse_policy
from escdesk.rules import RuleError, compile_rule, validate
from escdesk.rules.semantics import truthy

RULE_KINDS = ("involve", "jump", "ladder")
_EDIT = re.compile(r"^(?P<base>.*)-edit-(?P<count>\d+)$")
_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_LEVEL = 5


def bump_version(version: str) -> str:
    """The version of the next saved edit: "2026.1" -> "2026.1-edit-1", "2026.1-edit-3" -> "2026.1-edit-4"."""
    found = _EDIT.match(version)
    if found is None:
        return f"{version}-edit-1"
    return f"{found['base']}-edit-{int(found['count']) + 1}"


def with_rules(data: Mapping[str, Any], rules: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A copy of the policy data with its rules replaced (in this order); other sections kept as they were."""
    changed = deepcopy(dict(data))
    changed["rules"] = deepcopy([dict(rule) for rule in rules])
    return changed


def with_checklist(
    data: Mapping[str, Any], steps: Sequence[Mapping[str, Any]], variants: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """A copy of the policy data with the default checklist template and its variants replaced."""
    changed = deepcopy(dict(data))
    changed["checklist"] = deepcopy([dict(step) for step in steps])
    changed["checklist_variants"] = deepcopy([dict(variant) for variant in variants])
    return changed


def unique_key(wanted: str, taken: Collection[str]) -> str:
    """`wanted` made kebab-case and unique among `taken`: "billing-dispute" -> "billing-dispute-2"."""
    base = re.sub(r"[^a-z0-9]+", "-", wanted.lower()).strip("-") or "rule"
    key, count = base, 1
    while key in taken:
        count += 1
        key = f"{base}-{count}"
    return key


def duplicate_rule(rule: Mapping[str, Any], taken: Collection[str]) -> dict[str, Any]:
    copy = deepcopy(dict(rule))
    copy["key"] = unique_key(f"{rule.get('key', 'rule')}-copy", taken)
    copy["title"] = f"{rule.get('title', '')} (copy)".strip()
    return copy


def new_rule(taken: Collection[str], first_field: str) -> dict[str, Any]:
    """A rule to start from: one row on the first fact, involving nobody yet."""
    return {
        "key": unique_key("new-rule", taken),
        "title": "New rule",
        "kind": "involve",
        "when": to_jsonlogic(Row(first_field, "set", None)),
        "then": {"involve": [], "action": ""},
    }


def rule_name(rule: Mapping[str, Any], index: int) -> str:
    """How messages name a rule: "rule 'billing-dispute' (Billing dispute)"."""
    key = rule.get("key") if isinstance(rule, Mapping) else None
    title = rule.get("title") if isinstance(rule, Mapping) else None
    name = f"rule {key!r}" if isinstance(key, str) and key else f"rule {index + 1}"
    return f"{name} ({title})" if isinstance(title, str) and title.strip() else name


def check_rules(data: Mapping[str, Any], known_fields: Collection[str]) -> None:
    """Raise PolicyError naming the first rule whose key, title, kind, condition or actions cannot be used."""
    rules = data.get("rules", [])
    if not isinstance(rules, list):
        raise PolicyError("rules: expected a list of rules")
    roles = {r.get("key") for r in data.get("roles", []) if isinstance(r, Mapping)}
    conditions = data.get("conditions", {})
    refs = list(conditions) if isinstance(conditions, Mapping) else []  # named conditions: {"ref": name}
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        name = rule_name(rule, index)
        if not isinstance(rule, Mapping):
            raise PolicyError(f"{name}: a rule is a JSON object")
        _check_identity(rule, name, seen)
        try:
            validate(rule.get("when"), known_fields=known_fields, where=name, refs=refs)
        except RuleError as exc:
            raise PolicyError(str(exc)) from None
        _check_then(rule.get("then"), name, roles)


def _check_identity(rule: Mapping[str, Any], name: str, seen: set[str]) -> None:
    key = rule.get("key")
    if not isinstance(key, str) or not _KEBAB.match(key):
        raise PolicyError(f"{name}: the key must be lower-case words joined by '-', e.g. 'billing-dispute'")
    if key in seen:
        raise PolicyError(f"{name}: the key {key!r} is used by an earlier rule")
    seen.add(key)
    if not isinstance(rule.get("title"), str) or not rule["title"].strip():
        raise PolicyError(f"{name}: give the rule a title")
    if rule.get("kind") not in RULE_KINDS:
        raise PolicyError(f"{name}: the kind must be one of {', '.join(RULE_KINDS)}")


def _check_then(then: Any, name: str, roles: Collection[Any]) -> None:
    if not isinstance(then, Mapping):
        raise PolicyError(f"{name}: 'then' must be an object")
    involve = then.get("involve", [])
    if not isinstance(involve, list):
        raise PolicyError(f"{name}: 'involve' must be a list")
    for position, entry in enumerate(involve, start=1):
        role = entry.get("role") if isinstance(entry, Mapping) else None
        if role not in roles:
            raise PolicyError(f"{name}: involvement {position} names the unknown role {role!r}")
        try:
            parse_span(entry.get("within"))
        except (ValueError, TypeError) as exc:
            raise PolicyError(f"{name}: involvement {position} ({role}): {exc}") from None
    level = then.get("min_level")
    if level is not None and (type(level) is not int or not 0 <= level <= MAX_LEVEL):
        raise PolicyError(f"{name}: the minimum level must be a level from 0 to {MAX_LEVEL}")
    if not isinstance(then.get("action", ""), str):
        raise PolicyError(f"{name}: the action must be text")


def prepare_save(data: Mapping[str, Any], known_fields: Collection[str]) -> tuple[dict[str, Any], Policy]:
    """The data to write (version bumped) and the policy it holds; PolicyError (naming the rule or field) when it
    cannot be used, in which case nothing should be written."""
    bumped = deepcopy(dict(data))
    bumped["version"] = bump_version(str(data.get("version", "1")))
    check_rules(bumped, known_fields)
    return bumped, parse_policy(bumped, "the edited policy")


def preview_matches(
    when: Any, facts: Mapping[str, Mapping[str, Any]], known_fields: Collection[str], conditions: Mapping[str, Any]
) -> list[str]:
    """The ids (keys of `facts`, in order) of the cases whose facts the condition holds for: the rule editor's
    preview over the open cases. `facts` are nested as the engine reads them (escdesk.facts.rule_data). RuleError
    when the condition cannot be evaluated."""
    check = compile_rule(when, known_fields=known_fields, refs=dict(conditions) or None, where="the condition")
    return [case_id for case_id, case_facts in facts.items() if truthy(check(case_facts))]
