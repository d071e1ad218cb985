"""The clock part of the policy file: calendars, which calendar a case runs on, targets, pauses, urgency.

Read by `escdesk.policy.parse_policy` (the `"clocks"` object and the time fields of `"severities"`); errors are
ValueErrors whose message names the field, turned into PolicyError there. Everything is data a person edits:

- `calendars`: named BusinessCalendar objects (hours per weekday, IANA time zone, holidays listed explicitly);
- `calendar_rules`: an ordered list, the first rule whose conditions (severity, pace, customer region, customer
  segment) all match names the case's calendar; the last rule has no condition, so every case gets one. The
  default runs S1 on the 24/7 calendar (an outage is worked through the night, DESIGN.md's fast clocks) and
  everything else on the business hours of the customer's region;
- a customer may name its own calendar (customers.calendar, e.g. one on 24/7 support): that calendar is used for
  all its cases, ahead of the rules. A name the policy lacks is ignored (the rules decide) and the calendars view
  says so: a renamed calendar must never stop the clocks;
- `pausing`: which statuses pause which clocks (resolved and closed always pause every clock, see escdesk.clocks);
- `urgent_severities`: notices for these are shown at once, the others are held to the calendar's next opening.

Nothing computed from these is stored: a changed calendar, holiday or target takes effect at the next evaluation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from escdesk.calendars import BusinessCalendar
from escdesk.clocks import POLICY_CLOCKS, ClockKind, ClockTargets
from escdesk.domain import CaseStatus, Pace, Severity
from escdesk.durations import Span, parse_span
from escdesk.json_shapes import expect_list as _list
from escdesk.json_shapes import expect_object as _object

if TYPE_CHECKING:
    from escdesk.policy import SeverityDef

_CONDITIONS = ("severity", "pace", "region", "segment")
E = TypeVar("E", Severity, Pace, CaseStatus, ClockKind)


@dataclass(frozen=True, slots=True)
class CalendarRule:
    """Cases matching every condition given (None: any) run on `calendar`."""

    calendar: str
    severities: frozenset[Severity] | None = None
    paces: frozenset[Pace] | None = None
    regions: frozenset[str] | None = None  # case-folded: "emea" in a customer file matches "EMEA"
    segments: frozenset[str] | None = None  # case-folded too: the customer's segment ("Enterprise", "Public sector")

    def matches(self, severity: Severity, pace: Pace, region: str | None, segment: str | None = None) -> bool:
        if self.severities is not None and severity not in self.severities:
            return False
        if self.paces is not None and pace not in self.paces:
            return False
        return _among(region, self.regions) and _among(segment, self.segments)

    @property
    def is_catch_all(self) -> bool:
        return self.severities is None and self.paces is None and self.regions is None and self.segments is None


def _among(value: str | None, allowed: frozenset[str] | None) -> bool:
    return allowed is None or (value is not None and value.strip().casefold() in allowed)


@dataclass(frozen=True, slots=True)
class ClockPolicy:
    calendars: Mapping[str, BusinessCalendar]  # by name, in file order
    rules: tuple[CalendarRule, ...]
    targets: Mapping[tuple[Severity, Pace], ClockTargets]
    pausing: Mapping[ClockKind, frozenset[CaseStatus]]
    urgent_severities: frozenset[Severity]

    def calendar_for(
        self,
        severity: Severity,
        pace: Pace,
        region: str | None,
        segment: str | None = None,
        customer_calendar: str | None = None,
    ) -> BusinessCalendar:
        """The calendar the customer names, when the policy has it; else the calendar of the first rule that
        matches (parsing made sure the last one always does)."""
        named = self.calendars.get(customer_calendar) if customer_calendar else None
        if named is not None:
            return named
        rule = next(r for r in self.rules if r.matches(severity, pace, region, segment))
        return self.calendars[rule.calendar]

    def targets_for(self, severity: Severity, pace: Pace) -> ClockTargets:
        return self.targets[(severity, pace)]

    def is_urgent(self, severity: Severity) -> bool:
        return severity in self.urgent_severities

    def with_calendar(self, calendar: BusinessCalendar) -> ClockPolicy:
        """This policy with the calendar of the same name replaced (a holiday added, hours changed)."""
        if calendar.name not in self.calendars:
            raise ValueError(f"no calendar named {calendar.name!r} in the policy")
        calendars = {name: calendar if name == calendar.name else old for name, old in self.calendars.items()}
        return replace(self, calendars=MappingProxyType(calendars))


# -- parsing ----------------------------------------------------------------------------------------------------


def parse_clock_policy(raw: Any, severities: Sequence[SeverityDef], source: str) -> ClockPolicy:
    """The `"clocks"` object of the policy file `source`, with the targets of its already parsed `severities`."""
    where = f"{source}.clocks"
    data = _object(raw, where)
    calendars = _calendars(_field(data, "calendars", where), f"{where}.calendars")
    return ClockPolicy(
        calendars=MappingProxyType(calendars),
        rules=_rules(_field(data, "calendar_rules", where), calendars, f"{where}.calendar_rules"),
        targets=MappingProxyType(_targets(severities, f"{source}.severities")),
        pausing=MappingProxyType(_pausing(_field(data, "pausing", where), f"{where}.pausing")),
        urgent_severities=frozenset(
            _members(Severity, data.get("urgent_severities", []), f"{where}.urgent_severities")
        ),
    )


def _calendars(raw: Any, where: str) -> dict[str, BusinessCalendar]:
    calendars: dict[str, BusinessCalendar] = {}
    for i, entry in enumerate(_list(raw, where)):
        here = f"{where}[{i}]"
        name = str(_field(_object(entry, here), "name", here)).strip()
        if not name or name in calendars:
            raise ValueError(f"{here}.name: {name!r} is empty or used by an earlier calendar")
        try:
            calendars[name] = BusinessCalendar.from_dict({**entry, "name": name})
        except ValueError as exc:
            raise ValueError(f"{here}: {exc}") from None
    if not calendars:
        raise ValueError(f"{where}: at least one calendar is needed")
    return calendars


def _rules(raw: Any, calendars: Mapping[str, BusinessCalendar], where: str) -> tuple[CalendarRule, ...]:
    rules = tuple(_rule(entry, calendars, f"{where}[{i}]") for i, entry in enumerate(_list(raw, where)))
    if not rules or not rules[-1].is_catch_all:
        raise ValueError(f"{where}: the last rule must name a calendar without conditions, so every case gets one")
    return rules


def _rule(raw: Any, calendars: Mapping[str, BusinessCalendar], where: str) -> CalendarRule:
    data = _object(raw, where)
    unknown = sorted(set(data) - {"calendar", *_CONDITIONS})
    if unknown:
        raise ValueError(f"{where}: unknown field {unknown[0]!r} (a rule has 'calendar' and {', '.join(_CONDITIONS)})")
    name = _field(data, "calendar", where)
    if not isinstance(name, str):
        raise ValueError(f"{where}.calendar: expected a calendar's name, got {name!r}")
    if name not in calendars:
        raise ValueError(f"{where}.calendar: no calendar named {name!r} (defined: {', '.join(calendars)})")
    return CalendarRule(
        calendar=name,
        severities=_optional_members(Severity, data.get("severity"), f"{where}.severity"),
        paces=_optional_members(Pace, data.get("pace"), f"{where}.pace"),
        regions=_folded(data.get("region"), f"{where}.region"),
        segments=_folded(data.get("segment"), f"{where}.segment"),
    )


def _folded(value: Any, where: str) -> frozenset[str] | None:
    return None if value is None else frozenset(text.strip().casefold() for text in _texts(value, where))


def _pausing(raw: Any, where: str) -> dict[ClockKind, frozenset[CaseStatus]]:
    pausing: dict[ClockKind, set[CaseStatus]] = {kind: set() for kind in POLICY_CLOCKS}
    for key, clocks in _object(raw, where).items():
        status = _member(CaseStatus, key, f"{where}: status")
        if not status.is_active:
            raise ValueError(f"{where}.{key}: {key} always pauses every clock; leave it out")
        for kind in _members(ClockKind, clocks, f"{where}.{key}"):
            if kind is ClockKind.DEADLINE:
                raise ValueError(f"{where}.{key}: a deadline a person set never pauses; leave 'deadline' out")
            pausing[kind].add(status)
    return {kind: frozenset(statuses) for kind, statuses in pausing.items()}


_TIMES = ("acknowledge", "update_fast", "update_slow_burn", "ceiling")


def _targets(severities: Sequence[SeverityDef], where: str) -> dict[tuple[Severity, Pace], ClockTargets]:
    targets: dict[tuple[Severity, Pace], ClockTargets] = {}
    for i, d in enumerate(severities):
        here = f"{where}[{i}]"
        span = {k: _span(getattr(d, k), f"{here}.{k}") for k in (*_TIMES, "resolution_fast", "resolution_slow_burn")}
        for pace, suffix in ((Pace.FAST, "fast"), (Pace.SLOW_BURN, "slow_burn")):
            targets[(d.severity, pace)] = ClockTargets(
                span["acknowledge"], span[f"update_{suffix}"], span["ceiling"], span[f"resolution_{suffix}"]
            )
    return targets


def _span(text: str | None, where: str) -> Span | None:
    if text is None:
        return None
    try:
        return parse_span(text)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


# -- small JSON helpers --------------------------------------------------------------------------------------------


def _field(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise ValueError(f"{where}: missing field '{key}'")
    return data[key]


def _texts(value: Any, where: str) -> list[str]:
    """A string or a list of strings (a condition may name one value or several)."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise ValueError(f"{where}: expected a name or a non-empty list of names")
    return values


def _member(kind: type[E], value: Any, where: str) -> E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise ValueError(f"{where}: unknown value {value!r} (expected one of {allowed})") from None


def _members(kind: type[E], value: Any, where: str) -> list[E]:
    if isinstance(value, list) and not value:
        return []
    return [_member(kind, v, where) for v in _texts(value, where)]


def _optional_members(kind: type[E], value: Any, where: str) -> frozenset[E] | None:
    return None if value is None else frozenset(_members(kind, value, where))
