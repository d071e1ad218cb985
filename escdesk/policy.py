"""The escalation policy as data: levels, ARR bands, severities, starting levels and the recovery checklist.

The shipped defaults live in resources/policy/default.json (DESIGN.md section 4). Rules, calendars and checklist
variants extend this file in later issues; a case records the policy version it was opened under.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from escdesk.domain import ArrBand, Level, Severity

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


@dataclass(frozen=True, slots=True)
class ChecklistStepDef:
    key: str
    title: str
    required: bool


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    version: str
    levels: tuple[LevelDef, ...]
    bands: tuple[BandDef, ...]
    severities: tuple[SeverityDef, ...]
    starting_levels: dict[tuple[Severity, ArrBand], Level]
    checklist: tuple[ChecklistStepDef, ...]

    def level_name(self, level: Level) -> str:
        return next(d.name for d in self.levels if d.level == level)

    def band_for(self, arr: Decimal) -> ArrBand:
        """The highest band whose minimum the ARR reaches."""
        chosen = self.bands[0].band
        for band in sorted(self.bands, key=lambda b: b.min_arr):
            if arr >= band.min_arr:
                chosen = band.band
        return chosen

    def band_name(self, band: ArrBand) -> str:
        return next(d.name for d in self.bands if d.band == band)

    def starting_level(self, severity: Severity, band: ArrBand) -> Level:
        return self.starting_levels[(severity, band)]


def _require(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise PolicyError(f"{where}: missing field '{key}'")
    return data[key]


def _enum(kind: type, value: Any, where: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in kind)  # type: ignore[attr-defined]
        raise PolicyError(f"{where}: unknown value {value!r} (expected one of {allowed})") from None


def _parse_levels(raw: list[dict[str, Any]], where: str) -> tuple[LevelDef, ...]:
    levels = tuple(
        LevelDef(
            _enum(Level, _require(r, "level", f"{where}[{i}]"), f"{where}[{i}].level"),
            str(_require(r, "code", f"{where}[{i}]")),
            str(_require(r, "name", f"{where}[{i}]")),
        )
        for i, r in enumerate(raw)
    )
    if sorted(d.level for d in levels) != list(Level):
        raise PolicyError(f"{where}: every level L0-L5 must be defined exactly once")
    return levels


def _parse_starting(raw: dict[str, Any], where: str) -> dict[tuple[Severity, ArrBand], Level]:
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
    bands = tuple(
        BandDef(
            _enum(ArrBand, _require(r, "band", f"{source}.arr_bands[{i}]"), f"{source}.arr_bands[{i}].band"),
            str(r.get("name", r["band"])),
            Decimal(str(_require(r, "min_arr", f"{source}.arr_bands[{i}]"))),
        )
        for i, r in enumerate(_require(data, "arr_bands", source))
    )
    severities = tuple(
        SeverityDef(
            _enum(Severity, r.get("severity"), f"{source}.severities[{i}].severity"),
            str(r.get("meaning", "")),
            *(
                str(_require(r, k, f"{source}.severities[{i}]"))
                for k in ("acknowledge", "update_fast", "update_slow_burn", "ceiling")
            ),
        )
        for i, r in enumerate(_require(data, "severities", source))
    )
    checklist = tuple(
        ChecklistStepDef(
            str(_require(r, "key", f"{source}.checklist[{i}]")),
            str(_require(r, "title", f"{source}.checklist[{i}]")),
            bool(r.get("required", True)),
        )
        for i, r in enumerate(_require(data, "checklist", source))
    )
    return Policy(
        name=str(_require(data, "name", source)),
        version=str(_require(data, "version", source)),
        levels=_parse_levels(_require(data, "levels", source), f"{source}.levels"),
        bands=bands,
        severities=severities,
        starting_levels=_parse_starting(_require(data, "starting_level", source), f"{source}.starting_level"),
        checklist=checklist,
    )


def load_policy(path: Path) -> Policy:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}: cannot read the policy file ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise PolicyError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: a policy file holds a JSON object")
    return parse_policy(data, str(path))


@cache
def default_policy() -> Policy:
    from resources import resource_path

    return load_policy(resource_path("policy", "default.json"))
