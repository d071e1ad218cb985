"""The escalation policy as data: levels, ARR bands, severities, starting levels and the recovery checklist.

The shipped defaults live in resources/policy/default.json (DESIGN.md section 4). Calendars, targets and pauses
are read by escdesk.policy_clocks; the checklist templates and their variants are escdesk.checklist types, parsed
here; a case records the policy version it was opened under (and keeps the checklist it was given then).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from escdesk.checklist import (
    ACKNOWLEDGE,
    Anchor,
    ChecklistStepDef,
    ChecklistTemplate,
    ChecklistVariant,
    Gate,
    Offset,
    apply_variant,
    choose_template,
)
from escdesk.domain import ArrBand, CaseType, FunctionalRole, Level, Severity
from escdesk.durations import parse_span
from escdesk.json_shapes import expect_list, expect_object
from escdesk.policy_clocks import ClockPolicy, parse_clock_policy
from escdesk.policy_input import MAX_POLICY_BYTES, PolicyInputError, check_top_level_keys, decode_policy_json
from escdesk.policy_rules import PolicyRulesError, RoleDef, RuleDef, parse_policy_rules

POLICY_FORMAT = "escdesk-policy"


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names the file and the offending field."""


@dataclass(frozen=True, slots=True)
class LevelDef:
    level: Level
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class BandDef:
    band: ArrBand
    name: str
    min_arr: Decimal


@dataclass(frozen=True, slots=True)
class SeverityDef:
    severity: Severity
    meaning: str
    acknowledge: str
    update_fast: str
    update_slow_burn: str
    ceiling: str
    resolution_fast: str | None = None  # None: no resolution clock for this severity and pace
    resolution_slow_burn: str | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    version: str
    levels: tuple[LevelDef, ...]
    bands: tuple[BandDef, ...]
    severities: tuple[SeverityDef, ...]
    starting_levels: dict[tuple[Severity, ArrBand], Level]
    checklist: tuple[ChecklistStepDef, ...]  # the default template (escdesk.checklist)
    clocks: ClockPolicy  # calendars, targets as spans, pauses (escdesk.policy_clocks)
    checklist_variants: tuple[ChecklistVariant, ...] = ()
    roles: tuple[RoleDef, ...] = ()  # who rules may involve (escdesk.policy_rules)
    rules: tuple[RuleDef, ...] = ()  # involvement, jump and ladder rules, validated at load

    def level_name(self, level: Level) -> str:
        return next(d.name for d in self.levels if d.level == level)

    def band_for(self, arr: Decimal) -> ArrBand:
        """The highest band whose minimum the ARR reaches (the lowest band below every minimum)."""
        ordered = sorted(self.bands, key=lambda b: b.min_arr)
        chosen = ordered[0].band
        for band in ordered:
            if arr >= band.min_arr:
                chosen = band.band
        return chosen

    def band_name(self, band: ArrBand) -> str:
        return next(d.name for d in self.bands if d.band == band)

    def starting_level(self, severity: Severity, band: ArrBand) -> Level:
        return self.starting_levels[(severity, band)]

    def checklist_for(self, case_type: CaseType, severity: Severity) -> ChecklistTemplate:
        """The steps a new case of this type and severity gets: the default, changed by the first variant that
        matches."""
        return choose_template(self.checklist, self.checklist_variants, case_type, severity)


def _object(value: Any, where: str) -> dict[str, Any]:
    return expect_object(value, where, PolicyError)


def _list(value: Any, where: str) -> list[Any]:
    return expect_list(value, where, PolicyError)


def _require(data: Any, key: str, where: str) -> Any:
    if key not in _object(data, where):
        raise PolicyError(f"{where}: missing field '{key}'")
    return data[key]


def _enum(kind: type, value: Any, where: str) -> Any:
    try:
        if isinstance(value, bool | dict | list):  # True would pass for L1; a list is not hashable
            raise ValueError(value)
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in kind)  # type: ignore[attr-defined]
        raise PolicyError(f"{where}: unknown value {value!r} (expected one of {allowed})") from None


def _amount(value: Any, where: str) -> Decimal:
    try:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise InvalidOperation
        amount = Decimal(str(value))
        if not amount.is_finite() or amount < 0:
            raise InvalidOperation
    except InvalidOperation:
        raise PolicyError(f"{where}: expected an amount >= 0, got {value!r}") from None
    return amount


def _each_once(found: list[Any], kind: type[enum.Enum], where: str) -> None:
    members = list(kind)
    if len(found) != len(members) or set(found) != set(members):
        names = ", ".join(m.code if isinstance(m, Level) else str(m.value) for m in members)
        raise PolicyError(f"{where}: every one of {names} must be defined exactly once")


def _parse_levels(raw: Any, where: str) -> tuple[LevelDef, ...]:
    levels = tuple(
        LevelDef(
            _enum(Level, _require(r, "level", f"{where}[{i}]"), f"{where}[{i}].level"),
            str(_require(r, "code", f"{where}[{i}]")),
            str(_require(r, "name", f"{where}[{i}]")),
        )
        for i, r in enumerate(_list(raw, where))
    )
    _each_once([d.level for d in levels], Level, where)
    for i, level in enumerate(levels):  # the app shows and matches Level.code: another code would be ignored
        if level.code != level.level.code:
            raise PolicyError(f"{where}[{i}].code: expected {level.level.code!r} for level {level.level.value}, "
                              f"got {level.code!r}")  # fmt: skip
    return levels


def _parse_bands(raw: Any, where: str) -> tuple[BandDef, ...]:
    bands = tuple(
        BandDef(
            _enum(ArrBand, _require(r, "band", f"{where}[{i}]"), f"{where}[{i}].band"),
            str(r.get("name", r["band"])),
            _amount(_require(r, "min_arr", f"{where}[{i}]"), f"{where}[{i}].min_arr"),
        )
        for i, r in enumerate(_list(raw, where))
    )
    _each_once([d.band for d in bands], ArrBand, where)
    return bands


_SEVERITY_TIMES = ("acknowledge", "update_fast", "update_slow_burn", "ceiling")


def _parse_severities(raw: Any, where: str) -> tuple[SeverityDef, ...]:
    severities = tuple(
        SeverityDef(
            _enum(Severity, _require(r, "severity", f"{where}[{i}]"), f"{where}[{i}].severity"),
            str(r.get("meaning", "")),
            *(str(_require(r, k, f"{where}[{i}]")) for k in _SEVERITY_TIMES),
            *(None if r.get(k) is None else str(r[k]) for k in ("resolution_fast", "resolution_slow_burn")),
        )
        for i, r in enumerate(_list(raw, where))
    )
    _each_once([d.severity for d in severities], Severity, where)
    return severities


_STEP_FIELDS = frozenset({"key", "title", "coaching", "role", "due", "from", "required", "before", "done_on_close"})


def _parse_checklist(raw: Any, where: str) -> tuple[ChecklistStepDef, ...]:
    steps = tuple(_parse_step(r, f"{where}[{i}]") for i, r in enumerate(_list(raw, where)))
    _unique_keys(steps, where)
    if not any(step.done_on_close for step in steps):
        raise PolicyError(f"{where}: one step needs 'done_on_close': true (closing records the customer's sign-off)")
    return steps


def _unique_keys(steps: tuple[ChecklistStepDef, ...], where: str, taken: frozenset[str] = frozenset()) -> None:
    seen: set[str] = set(taken)
    for i, step in enumerate(steps):
        if not step.key.strip() or step.key in seen:  # a case stores one item per key
            raise PolicyError(f"{where}[{i}].key: {step.key!r} is empty or used by an earlier step")
        seen.add(step.key)


def _parse_step(raw: Any, where: str, extra: frozenset[str] = frozenset()) -> ChecklistStepDef:
    data = _object(raw, where)
    unknown = sorted(set(data) - _STEP_FIELDS - extra)
    if unknown:  # a typo ("requierd") would otherwise silently fall back to a default
        raise PolicyError(f"{where}: unknown field {unknown[0]!r} (a step has {', '.join(sorted(_STEP_FIELDS))})")
    due = _object(data.get("due", {}), f"{where}.due")
    return ChecklistStepDef(
        key=str(_require(data, "key", where)),
        title=str(_require(data, "title", where)),
        required=_flag(data.get("required", True), f"{where}.required"),
        coaching=str(data.get("coaching", "")),
        role=_enum(FunctionalRole, data.get("role", "csm"), f"{where}.role"),
        anchor=_enum(Anchor, data.get("from", "opened"), f"{where}.from"),
        due_fast=_offset(due.get("fast"), f"{where}.due.fast"),
        due_slow_burn=_offset(due.get("slow_burn"), f"{where}.due.slow_burn"),
        gate=_enum(Gate, data.get("before", "resolve"), f"{where}.before"),
        done_on_close=_flag(data.get("done_on_close", False), f"{where}.done_on_close"),
    )


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):  # "false" as a string would read as true
        raise PolicyError(f"{where}: expected true or false, got {value!r}")
    return value


def _offset(value: Any, where: str) -> Offset | None:
    if value is None:
        return None
    if value == ACKNOWLEDGE:
        return ACKNOWLEDGE
    try:
        return parse_span(value)
    except ValueError as exc:
        raise PolicyError(f"{where}: {exc} (or null, or {ACKNOWLEDGE!r} for the severity's target)") from None


def _parse_variants(raw: Any, steps: tuple[ChecklistStepDef, ...], where: str) -> tuple[ChecklistVariant, ...]:
    variants = tuple(_parse_variant(r, f"{where}[{i}]") for i, r in enumerate(_list(raw, where)))
    seen: set[str] = set()
    for i, variant in enumerate(variants):
        if not variant.key.strip() or variant.key in seen:
            raise PolicyError(f"{where}[{i}].key: {variant.key!r} is empty or used by an earlier variant")
        seen.add(variant.key)
        try:
            apply_variant(steps, variant)  # every case of these types gets it: refuse a broken one now
        except ValueError as exc:
            raise PolicyError(f"{where}[{i}]: {exc}") from None
    return variants


def _parse_variant(raw: Any, where: str) -> ChecklistVariant:
    data = _object(raw, where)
    types = _list(_require(data, "case_types", where), f"{where}.case_types")
    severities = data.get("severities")
    added = _list(data.get("add", []), f"{where}.add")
    return ChecklistVariant(
        key=str(_require(data, "key", where)),
        name=str(data.get("name", data["key"])),
        case_types=frozenset(_enum(CaseType, t, f"{where}.case_types[{i}]") for i, t in enumerate(types)),
        severities=None
        if severities is None
        else frozenset(
            _enum(Severity, v, f"{where}.severities[{i}]")
            for i, v in enumerate(_list(severities, f"{where}.severities"))
        ),
        added=tuple(
            (str(_require(r, "after", f"{where}.add[{i}]")), _parse_step(r, f"{where}.add[{i}]", frozenset({"after"})))
            for i, r in enumerate(added)
        ),
        replaced=tuple(
            _parse_step(r, f"{where}.replace[{i}]")
            for i, r in enumerate(_list(data.get("replace", []), f"{where}.replace"))
        ),
    )


def _parse_starting(raw: Any, where: str) -> dict[tuple[Severity, ArrBand], Level]:
    matrix: dict[tuple[Severity, ArrBand], Level] = {}
    for severity in Severity:
        row = _require(raw, severity.value, where)
        for band in ArrBand:
            value = _require(row, band.value, f"{where}.{severity.value}")
            matrix[(severity, band)] = _enum(Level, value, f"{where}.{severity.value}.{band.value}")
    return matrix


def parse_policy(data: dict[str, Any], source: str = "policy") -> Policy:
    if data.get("format") != POLICY_FORMAT:
        raise PolicyError(f"{source}: not an EscDesk policy file (field 'format' must be {POLICY_FORMAT!r})")
    severities = _parse_severities(_require(data, "severities", source), f"{source}.severities")
    try:
        clocks = parse_clock_policy(_require(data, "clocks", source), severities, source)
    except ValueError as exc:
        raise PolicyError(str(exc)) from None
    checklist = _parse_checklist(_require(data, "checklist", source), f"{source}.checklist")
    try:
        rules = parse_policy_rules(data, source)
    except PolicyRulesError as exc:  # the message names the rule; the file name leads it
        raise PolicyError(f"{source}: {exc}") from None
    return Policy(
        name=str(_require(data, "name", source)),
        version=str(_require(data, "version", source)),
        levels=_parse_levels(_require(data, "levels", source), f"{source}.levels"),
        bands=_parse_bands(_require(data, "arr_bands", source), f"{source}.arr_bands"),
        severities=severities,
        starting_levels=_parse_starting(_require(data, "starting_level", source), f"{source}.starting_level"),
        checklist=checklist,
        clocks=clocks,
        checklist_variants=_parse_variants(
            data.get("checklist_variants", []), checklist, f"{source}.checklist_variants"
        ),
        roles=rules.roles,
        rules=rules.rules,
    )


def load_policy(path: Path) -> Policy:
    return parse_policy(read_policy_data(path), str(path))


def read_policy_data(path: Path) -> dict[str, Any]:
    """The JSON object of a policy file, not yet parsed as a policy; PolicyError names the file and what is wrong
    with it. Every reader of a policy file comes here: the limits of escdesk.policy_input apply to all of them."""
    data = _decode_policy_file(path)
    if data.get("format") == POLICY_FORMAT:  # not a policy at all: parse_policy says so, not "unknown field"
        try:
            check_top_level_keys(data, _shipped_keys(), str(path))
        except PolicyInputError as exc:
            raise PolicyError(str(exc)) from None
    return data


def _decode_policy_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_POLICY_BYTES + 1)  # enough to tell it is too large without reading it all
        data = decode_policy_json(raw, str(path))
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read the policy file ({exc})") from exc
    except PolicyInputError as exc:
        raise PolicyError(str(exc)) from None
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: a policy file holds a JSON object")
    return data


@cache
def _shipped_keys() -> frozenset[str]:
    """The top-level fields of the shipped policy: the only ones a policy file may have."""
    from resources import resource_path

    return frozenset(_decode_policy_file(resource_path("policy", "default.json")))


@cache
def default_policy() -> Policy:
    from resources import resource_path

    return load_policy(resource_path("policy", "default.json"))
