"""The policy's "roles", "conditions" and "rules" sections: parsed and validated once, when the policy loads.

A rule is data (RULES_CONTRACT.md): a JsonLogic condition over the facts of escdesk.facts, and what follows when
it holds: roles to bring in by a span, a minimum level, a level above the starting one, or (a ladder rule) the
next level. A level change is a prompt a person follows, unless "automatic": true says the rules move the case
themselves (escdesk.ladder). Everything that can be refused is refused here, with a message naming the rule: an
unknown operator or fact, a reference cycle between named conditions, a condition nested too deep or too large, an
unknown role, a span that does not parse. Nothing is checked later, while a case is evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from escdesk.domain import Level
from escdesk.durations import Span, parse_span
from escdesk.facts import FACT_CATALOGUE, signals_read
from escdesk.json_shapes import expect_list, expect_object
from escdesk.rules import CompiledRule, RuleError, compile_rule, validate_named
from escdesk.rules.explain import CompiledNodes

RuleKind = Literal["involve", "jump", "ladder"]
RULE_KINDS: tuple[RuleKind, ...] = ("involve", "jump", "ladder")
# Where a role's person may come from on the customer's own record before the directory is asked.
ACCOUNT_PEOPLE = ("csm", "ae", "exec_sponsor")
MAX_DEPTH = 16  # a real condition is 3-5 levels deep; anything past this is a mistake or an attack
MAX_NODES = 500
_KEY = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_ROLE_KEY = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
_RULE_FIELDS = frozenset({"key", "title", "kind", "when", "then", "notes"})
_THEN_FIELDS = frozenset({"involve", "min_level", "level_up", "escalate", "automatic", "action"})


class PolicyRulesError(ValueError):
    """A roles/rules section that cannot be used; the message names the rule (or role) and the field."""


@dataclass(frozen=True, slots=True)
class RoleDef:
    """A role rules may involve. `function`: the directory role (escdesk.domain.FunctionalRole) that stands in
    when nobody holds this exact role (`title` picks among them: "Operating" finds the COO among executives);
    `account`: the customer's own person for it (its AE, its sponsor)."""

    key: str
    label: str
    function: str | None = None
    account: str | None = None
    title: str | None = None  # among people of the function, prefer one whose job title contains this


@dataclass(frozen=True, slots=True)
class InvolveDef:
    role: str
    within: Span


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    involve: tuple[InvolveDef, ...] = ()
    min_level: Level | None = None
    level_up: int = 0  # levels above the level this kind of case starts at (a repeat escalation)
    escalate: bool = False  # ladder: the case should go to the next level
    action: str = ""
    # The level change happens without asking (escdesk.ladder), recorded as the rules' move; else it is a prompt.
    automatic: bool = False

    @property
    def moves_level(self) -> bool:
        return self.escalate or self.min_level is not None or self.level_up > 0


@dataclass(frozen=True, slots=True)
class RuleDef:
    key: str
    title: str
    kind: RuleKind
    when: Any  # the JsonLogic condition as written (for explanations and export)
    then: RuleOutcome
    check: CompiledRule = field(compare=False, repr=False)  # compiled once; call with the facts
    # The policy's named conditions the condition may use ({"ref": name}), for explanations.
    refs: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # What explanations of this rule compiled so far, reused for every case (escdesk.rules.explain).
    explained: CompiledNodes = field(default_factory=CompiledNodes, compare=False, repr=False)
    signals: frozenset[str] = field(default=frozenset(), compare=False, repr=False)  # signals `when` names


@dataclass(frozen=True, slots=True)
class PolicyRules:
    roles: tuple[RoleDef, ...]
    rules: tuple[RuleDef, ...]
    conditions: Mapping[str, Any]


def _fail(where: str, problem: str) -> PolicyRulesError:
    return PolicyRulesError(f"{where}: {problem}")


def _object(value: Any, where: str) -> dict[str, Any]:
    return expect_object(value, where, PolicyRulesError)


def _text(data: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(where, f"'{key}' must be a non-empty string")
    return value


def parse_roles(raw: Any, where: str = "policy.roles") -> tuple[RoleDef, ...]:
    roles: list[RoleDef] = []
    for i, item in enumerate(expect_list(raw, where, PolicyRulesError)):
        data = _object(item, f"{where}[{i}]")
        key = _text(data, "key", f"{where}[{i}]")
        place = f"role {key!r}"
        if not _ROLE_KEY.fullmatch(key) or any(r.key == key for r in roles):
            raise _fail(place, "keys are snake_case and used once")
        account = data.get("account")
        if account is not None and account not in ACCOUNT_PEOPLE:
            raise _fail(place, f"'account' must be one of {', '.join(ACCOUNT_PEOPLE)}, got {account!r}")
        function = _text(data, "function", place, required=False) or None
        title = _text(data, "title", place, required=False) or None
        roles.append(RoleDef(key, _text(data, "label", place), function, account, title))
    return tuple(roles)


def parse_conditions(raw: Any, where: str = "policy.conditions") -> Mapping[str, Any]:
    """Named conditions rules share with {"ref": name}; validated together (a cycle is refused)."""
    conditions = _object(raw, where)
    try:
        validate_named(conditions, known_fields=FACT_CATALOGUE.keys(), max_depth=MAX_DEPTH, max_nodes=MAX_NODES)
    except RuleError as exc:
        raise PolicyRulesError(str(exc)) from None
    return MappingProxyType(dict(conditions))


def parse_rules(
    raw: Any, roles: tuple[RoleDef, ...], conditions: Mapping[str, Any], where: str = "policy.rules"
) -> tuple[RuleDef, ...]:
    role_keys = frozenset(r.key for r in roles)
    rules: list[RuleDef] = []
    for i, item in enumerate(expect_list(raw, where, PolicyRulesError)):
        rule = _parse_rule(_object(item, f"{where}[{i}]"), f"{where}[{i}]", role_keys, conditions)
        if any(r.key == rule.key for r in rules):
            raise _fail(f"rule {rule.key!r}", "the key is used by an earlier rule")
        rules.append(rule)
    return tuple(rules)


def _parse_rule(data: dict[str, Any], where: str, roles: frozenset[str], conditions: Mapping[str, Any]) -> RuleDef:
    key = _text(data, "key", where)
    place = f"rule {key!r}"
    if not _KEY.fullmatch(key):
        raise _fail(place, "a rule key is kebab-case (lower-case words joined by '-')")
    unknown = sorted(set(data) - _RULE_FIELDS)
    if unknown:
        raise _fail(place, f"unknown field {unknown[0]!r} (a rule has {', '.join(sorted(_RULE_FIELDS))})")
    kind = data.get("kind", "involve")
    if kind not in RULE_KINDS:
        raise _fail(place, f"'kind' must be one of {', '.join(RULE_KINDS)}, got {kind!r}")
    if "when" not in data:
        raise _fail(place, "missing field 'when' (the condition)")
    check = _compile(data["when"], place, conditions)
    then = _parse_then(data.get("then"), place, roles)
    when = data["when"]
    return RuleDef(key, _text(data, "title", place), kind, when, then, check, conditions, signals=signals_read(when))


def _compile(when: Any, place: str, conditions: Mapping[str, Any]) -> CompiledRule:
    try:
        return compile_rule(
            when,
            known_fields=FACT_CATALOGUE.keys(),
            max_depth=MAX_DEPTH,
            max_nodes=MAX_NODES,
            where=place,
            refs=conditions if conditions else None,
        )
    except RuleError as exc:
        raise PolicyRulesError(str(exc)) from None


def _parse_then(raw: Any, place: str, roles: frozenset[str]) -> RuleOutcome:
    data = _object(raw, f"{place}.then")
    unknown = sorted(set(data) - _THEN_FIELDS)
    if unknown:
        raise _fail(f"{place}.then", f"unknown field {unknown[0]!r} (allowed: {', '.join(sorted(_THEN_FIELDS))})")
    outcome = RuleOutcome(
        involve=tuple(_involve(r, f"{place}.then.involve[{i}]", roles) for i, r in enumerate(_items(data, place))),
        min_level=_min_level(data.get("min_level"), place),
        level_up=_level_up(data.get("level_up", 0), place),
        escalate=_flag(data.get("escalate", False), f"{place}.then.escalate"),
        action=_text(data, "action", f"{place}.then", required=False),
        automatic=_flag(data.get("automatic", False), f"{place}.then.automatic"),
    )
    if not (outcome.involve or outcome.moves_level):
        raise _fail(f"{place}.then", "a rule must involve a role, set min_level or level_up, or escalate")
    if outcome.automatic and not outcome.moves_level:
        raise _fail(
            f"{place}.then.automatic",
            "only a rule that changes the level (escalate, min_level or level_up) can move a case automatically",
        )
    return outcome


def _items(data: dict[str, Any], place: str) -> list[Any]:
    return expect_list(data.get("involve", []), f"{place}.then.involve", PolicyRulesError)


def _involve(raw: Any, where: str, roles: frozenset[str]) -> InvolveDef:
    data = _object(raw, where)
    role = data.get("role")
    if not isinstance(role, str) or role not in roles:  # a list is no role (and not hashable)
        raise _fail(where, f"unknown role {role!r} (add it to the policy's roles first)")
    try:
        within = parse_span(data.get("within", ""))
    except ValueError as exc:
        raise _fail(f"{where}.within", str(exc)) from None
    return InvolveDef(str(role), within)


def _min_level(value: Any, place: str) -> Level | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in range(6):
        raise _fail(f"{place}.then.min_level", f"expected a level 0-5, got {value!r}")
    return Level(value)


def _level_up(value: Any, place: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in range(6):
        raise _fail(f"{place}.then.level_up", f"expected a number of levels 0-5, got {value!r}")
    return value


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(where, f"expected true or false, got {value!r}")
    return value


def parse_policy_rules(data: Mapping[str, Any], source: str = "policy") -> PolicyRules:
    """The roles, conditions and rules of a policy file (all optional: an older file has none)."""
    roles = parse_roles(data.get("roles", []), f"{source}.roles")
    conditions = parse_conditions(data.get("conditions", {}), f"{source}.conditions")
    rules = parse_rules(data.get("rules", []), roles, conditions, f"{source}.rules")
    return PolicyRules(roles, rules, conditions)
