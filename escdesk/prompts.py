"""Involvement and ladder prompts for one case: the policy's rules over its facts, in sentences a CS leader reads.

Pure: the facts, the case context, the people directory and `now` come in; frozen prompts come out. For each rule
that holds, every role it names becomes "Bring in <role> (<person>) by <time>: <action>, because <why>", and a
minimum level, a level above the starting one or a ceiling that ran out becomes "Move to at least L3 VP CS:
because ..." / "Escalate to L2 CS director: because ...". The reason is escdesk.rules.explain with the fact
catalogue's labels, so it states the facts that made the rule fire.

When an involvement is due: its span counted from the moment the rule could first have known (the latest of the
case's opening and the setting of the signals the rule reads), in business time on the case's calendar for "b"
spans, exactly as checklist due times are (escdesk.checklist.add_offset).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from escdesk.calendars import BusinessCalendar
from escdesk.checklist import add_offset
from escdesk.domain import ArrBand, Level, Pace, Severity
from escdesk.facts import FACT_FIELDS, CaseContext, rule_data
from escdesk.policy import Policy
from escdesk.policy_rules import RoleDef, RuleDef
from escdesk.rules import Field, explain
from escdesk.rules.semantics import truthy


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """One person behind one role, limited to some ARR bands / regions (empty: covers all)."""

    person_id: str
    name: str
    email: str | None
    role: str
    bands: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    title: str = ""

    def covers(self, band: str, region: str | None) -> bool:
        """Regions compare without case: the directory keeps them upper-case, customers carry what was imported."""
        if self.bands and band not in self.bands:
            return False
        return not self.regions or (region or "").casefold() in {r.casefold() for r in self.regions}


@dataclass(frozen=True, slots=True)
class InvolvementPrompt:
    rule_key: str
    rule_title: str
    role: str
    role_label: str
    person_id: str | None
    person_name: str | None
    person_email: str | None
    due_at: datetime
    action: str
    explanation: str
    time_zone: str = "UTC"
    account_role: bool = False  # the person comes only from the customer's record (its executive sponsor)

    @property
    def nobody(self) -> bool:
        return self.person_id is None

    @property
    def who(self) -> str:
        if self.person_name:
            return self.person_name
        if self.account_role:
            return f"the account has no {self.role_label[:1].lower()}{self.role_label[1:]} named"
        return f"nobody in the directory covers {self.role_label}"

    def sentence(self, zone: str | None = None) -> str:
        """The prompt in words, its due time in `zone` (the reader's), else in the case calendar's zone."""
        action = f": {self.action}" if self.action else ""
        by = format_instant(self.due_at, zone or self.time_zone)
        return f"Bring in {self.role_label} ({self.who}) by {by}{action}, because {self.explanation}"


@dataclass(frozen=True, slots=True)
class LadderPrompt:
    rule_key: str
    rule_title: str
    to_level: Level
    level_name: str
    escalate: bool  # "escalate to the next level" (a ceiling) rather than "move to at least"
    explanation: str

    def sentence(self) -> str:
        target = f"{self.to_level.code} {self.level_name}"
        lead = f"Escalate to {target}" if self.escalate else f"Move to at least {target}"
        return f"{lead}: because {self.explanation}"


@dataclass(frozen=True, slots=True)
class CasePrompts:
    case_id: str
    involvements: tuple[InvolvementPrompt, ...]
    ladder: tuple[LadderPrompt, ...]

    def sentences(self) -> list[str]:
        return [p.sentence() for p in self.ladder] + [p.sentence() for p in self.involvements]


def format_instant(at: datetime, time_zone: str) -> str:
    from zoneinfo import ZoneInfo

    local = at.astimezone(ZoneInfo(time_zone))
    name = local.tzname() or ""
    # Zones without an abbreviation (Asia/Singapore) name an offset: "+08" reads better as "UTC+08".
    return f"{local:%a %d %b %H:%M} {'UTC' + name if name[:1] in '+-' else name}"


def firing_rules(rules: Iterable[RuleDef], facts: Mapping[str, Any]) -> list[RuleDef]:
    """The rules whose condition holds for the (flat) facts, in policy order."""
    data = rule_data(facts)
    return [rule for rule in rules if truthy(rule.check(data))]


def why(rule: RuleDef, data: Mapping[str, Any], fields: Mapping[str, Field] = FACT_FIELDS) -> str:
    """Why the rule holds, over the nested rule data (escdesk.facts.rule_data)."""
    return explain(rule.when, data, fields=fields, refs=rule.refs or None, validated=True, compiled=rule.explained)


def rule_anchor(rule: RuleDef, case: CaseContext) -> datetime:
    """The instant the rule's span counts from: the opening, or a later setting of a signal it reads."""
    if not case.flags_set_at:
        return case.opened_at
    set_times = [at for flag, at in case.flags_set_at.items() if flag in rule.signals]
    return max([case.opened_at, *set_times])


class DirectoryIndex:
    """The directory by role and by person, built once for many cases; who covers a role for a band and region
    is found once per index (thousands of cases ask the same few questions)."""

    def __init__(self, entries: Iterable[DirectoryEntry]) -> None:
        self.by_role: dict[str, list[DirectoryEntry]] = {}
        self.by_person: dict[str, DirectoryEntry] = {}
        self.covering: dict[tuple[RoleDef, str, str | None], DirectoryEntry | None] = {}
        for entry in entries:
            self.by_role.setdefault(entry.role, []).append(entry)
            self.by_person.setdefault(entry.person_id, entry)


Directory = Sequence[DirectoryEntry] | DirectoryIndex


def choose_person(role: RoleDef, case: CaseContext, directory: Directory) -> DirectoryEntry | None:
    """The customer's own person for the role, else who holds the role (then its function) for the case's band
    and region; a person limited to the segment wins over one who covers everything, then by name."""
    index = directory if isinstance(directory, DirectoryIndex) else DirectoryIndex(directory)
    account_id = {"csm": case.csm_id, "ae": case.ae_id, "exec_sponsor": case.exec_sponsor_id}.get(role.account or "")
    if account_id is not None and account_id in index.by_person:
        return index.by_person[account_id]
    key = (role, case.band, case.region)
    if key not in index.covering:
        index.covering[key] = _covering(role, case.band, case.region, index)
    return index.covering[key]


def _covering(role: RoleDef, band: str, region: str | None, index: DirectoryIndex) -> DirectoryEntry | None:
    hint = (role.title or "").casefold()
    for wanted in (role.key, role.function):
        candidates = [p for p in index.by_role.get(wanted or "", ()) if p.covers(band, region)]
        if wanted == role.function and hint:  # a function stands in: only someone with the right title will do
            candidates = [p for p in candidates if hint in p.title.casefold()]
        if candidates:
            return min(candidates, key=lambda p: (not (p.bands or p.regions), p.name, p.person_id))
    return None


def involvement_prompts(
    policy: Policy,
    case: CaseContext,
    rule: RuleDef,
    explanation: str,
    directory: Directory,
    calendar: BusinessCalendar,
    roles: Mapping[str, RoleDef] | None = None,
) -> list[InvolvementPrompt]:
    """`roles`: the policy's roles by key, when the caller has them at hand."""
    roles = {r.key: r for r in policy.roles} if roles is None else roles
    anchor = rule_anchor(rule, case)
    prompts = []
    for item in rule.then.involve:
        role = roles[item.role]  # the policy refused rules naming unknown roles
        person = choose_person(role, case, directory)
        prompts.append(
            InvolvementPrompt(
                rule.key,
                rule.title,
                role.key,
                role.label,
                None if person is None else person.person_id,
                None if person is None else person.name,
                None if person is None else person.email,
                add_offset(item.within, calendar, anchor),
                rule.then.action,
                explanation,
                calendar.time_zone,
                role.account is not None and role.function is None,
            )
        )
    return prompts


def ladder_prompt(policy: Policy, case: CaseContext, rule: RuleDef, explanation: str) -> LadderPrompt | None:
    """The level the rule asks for, when it is above the case's level."""
    current = Level(case.level)
    target: Level | None = None
    if rule.then.escalate and current < Level.L5:
        target = Level(current + 1)
    if rule.then.min_level is not None and rule.then.min_level > current:
        target = max(target or rule.then.min_level, rule.then.min_level)
    if rule.then.level_up:
        start = policy.starting_level(Severity(case.severity), ArrBand(case.band))
        raised = Level(min(Level.L5, start + rule.then.level_up))
        if raised > current:
            target = max(target or raised, raised)
            explanation = f"{explanation}; cases like this start at {start.code}"
    if target is None:
        return None
    escalate = rule.then.escalate and target == current + 1
    return LadderPrompt(rule.key, rule.title, target, policy.level_name(target), escalate, explanation)


def case_prompts(
    policy: Policy,
    case: CaseContext,
    facts: Mapping[str, Any],
    directory: Directory,
    rules: Sequence[RuleDef] | None = None,
) -> CasePrompts:
    """Every prompt for one case: `rules` defaults to the policy's (a case may keep an older version's). For
    many cases, pass the directory as one DirectoryIndex."""
    directory = directory if isinstance(directory, DirectoryIndex) else DirectoryIndex(directory)
    # The case's own calendar (the customer's, else the rules'): involvement due times count as its clocks do.
    calendar = policy.clocks.calendar_for(
        Severity(case.severity), Pace(case.pace), case.region, case.segment, case.customer_calendar
    )
    involvements: list[InvolvementPrompt] = []
    ladder: list[LadderPrompt] = []
    data = rule_data(facts)
    roles = {r.key: r for r in policy.roles}
    for rule in policy.rules if rules is None else rules:
        held = rule.check(data)
        if held is not True and (held is False or not truthy(held)):  # most conditions give a bool: no call
            continue
        explanation = why(rule, data)  # only rules that fired are explained
        if rule.then.involve:
            involvements += involvement_prompts(policy, case, rule, explanation, directory, calendar, roles)
        step = ladder_prompt(policy, case, rule, explanation) if rule.then.moves_level else None
        if step is not None:
            ladder.append(step)
    return CasePrompts(case.id, tuple(involvements), highest_steps(ladder))


def highest_steps(ladder: Sequence[LadderPrompt]) -> tuple[LadderPrompt, ...]:
    """Only the highest level asked for matters ("at least L5" makes "at least L3" moot); several rules asking
    for it become one prompt giving every reason."""
    if not ladder:
        return ()
    top = max(p.to_level for p in ladder)
    asking = [p for p in ladder if p.to_level == top]
    reasons = "; ".join(dict.fromkeys(p.explanation for p in asking))
    first = asking[0]
    escalate = all(p.escalate for p in asking)
    return (LadderPrompt(first.rule_key, first.rule_title, top, first.level_name, escalate, reasons),)
