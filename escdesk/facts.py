"""The facts rule conditions read about one case: a flat mapping of dot names to plain JSON values.

FACT_CATALOGUE is the one list of every fact a policy's rules may name: policy load refuses any other name, the
rule editor builds its field dropdown, operators and value pickers from it, and explanations take their labels
and formats from it ("ARR $1.2M >= $1M and severity is S1"). The values are computed elsewhere (escdesk.clocks
does the time math, escdesk.facts_service reads the store); `case_facts` only assembles them, so the pure prompt
code and the tests build fact sets without a database.

Rules read the facts nested by their dots (`rule_data`): JsonLogic's {"var": "case.type"} walks
data["case"]["type"], so the flat mapping is for people (CLI, editor previews) and the nested one for the engine.

Numbers are plain ints/floats (ARR in dollars, hours and days whole), enums their stored string value, flags a
sorted list of signal strings, and None where a value is unknown (no health score yet, no renewal date).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

from escdesk.domain import ArrBand, CaseStatus, CaseType, Pace, Severity
from escdesk.rules import Field, days, hours, minutes, money, plain, points
from escdesk.rules.formats import Formatter

FactKind = Literal["number", "text", "bool", "list"]
Facts = Mapping[str, Any]


class Signal:
    """Signals a person sets on a case (escalation_flags): what no import can tell, e.g. a legal letter arrived."""

    EXEC_CONTACT = "exec_contact"
    LEGAL_LETTER = "legal_letter"
    TERMINATION_NOTICE = "termination_notice"
    LEGAL_THREAT = "legal_threat"
    SLA_CREDIT = "sla_credit"
    SECURITY_INCIDENT = "security_incident"
    SEVERAL_CUSTOMERS = "several_customers"
    REGULATOR = "regulator"
    PRESS = "press"
    SLA_BREACHED = "sla_breached"
    LOW_CSAT = "low_csat"
    CHURN_NOTICE = "churn_notice"
    RENEWAL_BLOCKED = "renewal_blocked"
    SPONSOR_LEFT = "sponsor_left"
    IMPLEMENTATION_LATE = "implementation_late"


# (value, label) in the order the panel lists them.
SIGNALS: tuple[tuple[str, str], ...] = (
    (Signal.EXEC_CONTACT, "Their executive contacted ours"),
    (Signal.LEGAL_LETTER, "Legal letter received"),
    (Signal.TERMINATION_NOTICE, "Termination notice"),
    (Signal.LEGAL_THREAT, "Legal threat"),
    (Signal.SLA_CREDIT, "SLA credit claimed"),
    (Signal.SECURITY_INCIDENT, "Security or privacy incident"),
    (Signal.SEVERAL_CUSTOMERS, "Several customers affected"),
    (Signal.REGULATOR, "Regulator involved"),
    (Signal.PRESS, "Press or public post"),
    (Signal.SLA_BREACHED, "Support SLA breached"),
    (Signal.LOW_CSAT, "Low CSAT"),
    (Signal.CHURN_NOTICE, "Churn threat or notice"),
    (Signal.RENEWAL_BLOCKED, "Blocks the renewal"),
    (Signal.SPONSOR_LEFT, "Champion or sponsor left"),
    (Signal.IMPLEMENTATION_LATE, "Implementation late or failed"),
)
SIGNAL_LABELS: Mapping[str, str] = MappingProxyType(dict(SIGNALS))


def signals_read(condition: Any) -> frozenset[str]:
    """The signal names a condition mentions as literals (what it reads from case.flags)."""
    found: set[str] = set()
    stack = [condition]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str) and node in SIGNAL_LABELS:
            found.add(node)
    return frozenset(found)


def _signal_words(value: Any) -> str:
    label = SIGNAL_LABELS.get(str(value), str(value).replace("_", " "))
    # "Low CSAT" reads "low CSAT" mid-sentence, "SLA credit claimed" keeps its capitals.
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def _signals(values: Any) -> str:
    """The signals set ("legal letter received, press or public post") or one of them (a rule's literal)."""
    if isinstance(values, str):
        return _signal_words(values)
    items = list(values) if isinstance(values, list | tuple) else []
    return ", ".join(_signal_words(v) for v in items) if items else "none"


def _words(value: Any) -> str:
    """Stored enum values as words: "product_bug" reads "product bug", "slow_burn" "slow burn"."""
    return value.replace("_", " ") if isinstance(value, str) and value else plain(value)


def _level(value: Any) -> str:
    return f"L{value}" if isinstance(value, int) and not isinstance(value, bool) else plain(value)


@dataclass(frozen=True, slots=True)
class FactDef:
    """One fact: its dot name, label, kind (picks the editor's operators), allowed values, explanation format."""

    name: str
    label: str
    kind: FactKind
    choices: tuple[str, ...]  # the allowed values of an enum-like fact; empty when any value goes
    field: Field  # label and value format in explanations ("ARR $1.2M")


def _values(kind: type) -> tuple[str, ...]:
    return tuple(str(member.value) for member in kind)  # type: ignore[attr-defined]


def _fact(name: str, label: str, kind: FactKind, choices: tuple[str, ...] = (), fmt: Formatter = plain) -> FactDef:
    return FactDef(name, label, kind, choices, Field(label, fmt))


_DEFS = (
    _fact("case.type", "case type", "text", _values(CaseType), fmt=_words),
    _fact("case.severity", "severity", "text", _values(Severity)),
    _fact("case.pace", "pace", "text", _values(Pace), fmt=_words),
    _fact("case.level", "level", "number", fmt=_level),
    _fact("case.status", "status", "text", _values(CaseStatus), fmt=_words),
    _fact("case.age_hours", "case age", "number", fmt=hours),
    _fact("case.hours_at_level", "time at this level", "number", fmt=hours),
    _fact("case.flags", "signals", "list", tuple(v for v, _ in SIGNALS), fmt=_signals),
    _fact("case.arr_at_risk", "ARR at risk", "number", fmt=money),
    _fact("case.tickets", "linked tickets", "number"),
    _fact("account.arr", "ARR", "number", fmt=money),
    _fact("account.band", "ARR band", "text", _values(ArrBand)),
    _fact("account.region", "region", "text"),
    _fact("account.health", "health score", "number", fmt=points),
    _fact("account.health_drop_7d", "health drop over 7 days", "number", fmt=points),
    _fact("account.health_drop_30d", "health drop over 30 days", "number", fmt=points),
    _fact("account.days_to_renewal", "days to renewal", "number", fmt=days),
    _fact("account.tickets_30d", "tickets in the last 30 days", "number"),
    _fact("account.repeat_90d", "escalated again within 90 days", "bool"),
    _fact("clock.acknowledged", "acknowledged", "bool"),
    _fact("clock.ceiling_passed", "the time allowed at this level ran out", "bool"),
    _fact("clock.minutes_to_ack_due", "time left to acknowledge", "number", fmt=minutes),
    _fact("clock.minutes_to_update_due", "time left to the next update", "number", fmt=minutes),
    _fact("clock.minutes_to_ceiling", "time left at this level", "number", fmt=minutes),
    _fact("clock.minutes_to_resolution_due", "time left to resolve", "number", fmt=minutes),
)
FACT_CATALOGUE: Mapping[str, FactDef] = MappingProxyType({d.name: d for d in _DEFS})
FACT_FIELDS: Mapping[str, Field] = MappingProxyType({d.name: d.field for d in _DEFS})


def _split_name(name: str) -> tuple[str, str]:
    group, _, key = name.partition(".")
    return group, key


# Each catalogue name split at its first dot once, not for every fact of every case (rule_data runs per case).
_SPLIT_NAMES: Mapping[str, tuple[str, str]] = {d.name: _split_name(d.name) for d in _DEFS}


@dataclass(frozen=True, slots=True)
class CaseContext:
    """What prompts need about a case beyond its facts: who it belongs to and where it runs."""

    id: str
    number: int
    title: str
    customer_id: str
    customer_name: str
    case_type: str
    severity: str
    pace: str
    level: int
    status: str
    band: str
    region: str | None
    opened_at: datetime
    arr: int
    renewal_date: date | None
    policy_version: str
    csm_id: str | None
    ae_id: str | None
    exec_sponsor_id: str | None
    flags_set_at: dict[str, datetime]  # signal -> when it was set
    segment: str | None = None  # the customer's: calendar rules may match it
    customer_calendar: str | None = None  # the calendar the customer names (None: the calendar rules decide)

    @property
    def reference(self) -> str:
        return f"ESC-{self.number}"


@dataclass(frozen=True, slots=True)
class CaseFactsInput:
    """What the facts of one case are made of, as read from the store (escdesk.facts_service)."""

    case_type: str
    severity: str
    pace: str
    level: int
    status: str
    opened_at: datetime
    level_entered_at: datetime
    acknowledged_at: datetime | None
    arr_at_risk: Decimal
    tickets: int
    flags: Iterable[str]
    arr: Decimal
    band: str
    region: str | None
    renewal_date: date | None
    health: Mapping[date, int]  # the account's scores by day (any order)
    tickets_30d: int
    repeat_90d: bool


def _hours_between(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds() // 3600))


def health_facts(scores: Mapping[date, int], today: date) -> tuple[int | None, int | None, int | None]:
    """Latest score and how far it fell from the best of the 7 / 30 days before it (0 when it did not fall)."""
    if not scores:
        return None, None, None
    latest_day = max(day for day in scores if day <= today) if any(d <= today for d in scores) else None
    if latest_day is None:
        return None, None, None
    latest = scores[latest_day]

    def drop(window: int) -> int:
        earlier = [s for d, s in scores.items() if 0 < (latest_day - d).days <= window]
        return max(0, max(earlier) - latest) if earlier else 0

    return latest, drop(7), drop(30)


def rule_data(facts: Facts) -> dict[str, dict[str, Any]]:
    """The flat facts nested by their dot names ({"case": {"type": ...}}): what a JsonLogic `var` such as
    "case.type" walks, so rules are evaluated (and explained) over this, never over the flat mapping."""
    nested: dict[str, dict[str, Any]] = {}
    for name, value in facts.items():
        # A name outside the catalogue (a test's, an older database's) is split here.
        group, key = _SPLIT_NAMES.get(name) or _split_name(name)
        inner = nested.get(group)
        if inner is None:
            inner = nested[group] = {}
        inner[key] = value
    return nested


def case_facts(source: CaseFactsInput, clock_facts: Mapping[str, int | None], now: datetime) -> dict[str, Any]:
    """The facts of one case as of `now`; `clock_facts` is CaseClockView.facts (escdesk.clocks)."""
    health, drop_7d, drop_30d = health_facts(source.health, now.date())
    renewal = None if source.renewal_date is None else (source.renewal_date - now.date()).days
    hours_at_level = clock_facts.get("hours_at_level")
    ceiling = clock_facts.get("minutes_to_ceiling_due")
    return {
        "case.type": source.case_type,
        "case.severity": source.severity,
        "case.pace": source.pace,
        "case.level": source.level,
        "case.status": source.status,
        "case.age_hours": _hours_between(source.opened_at, now),
        "case.hours_at_level": _hours_between(source.level_entered_at, now)
        if hours_at_level is None
        else hours_at_level,
        "case.flags": sorted(set(source.flags)),
        "case.arr_at_risk": int(source.arr_at_risk),
        "case.tickets": source.tickets,
        "account.arr": int(source.arr),
        "account.band": source.band,
        "account.region": source.region,
        "account.health": health,
        "account.health_drop_7d": drop_7d,
        "account.health_drop_30d": drop_30d,
        "account.days_to_renewal": renewal,
        "account.tickets_30d": source.tickets_30d,
        "account.repeat_90d": source.repeat_90d,
        "clock.acknowledged": source.acknowledged_at is not None,
        "clock.minutes_to_ack_due": clock_facts.get("minutes_to_ack_due"),
        "clock.minutes_to_update_due": clock_facts.get("minutes_to_update_due"),
        "clock.minutes_to_ceiling": ceiling,
        "clock.ceiling_passed": ceiling is not None and ceiling < 0,
        "clock.minutes_to_resolution_due": clock_facts.get("minutes_to_resolution_due"),
    }
