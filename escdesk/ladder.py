"""Automatic ladder moves: the level changes a policy lets the rules make themselves, without a person deciding.

A ladder or jump rule whose "then" says "automatic": true (escdesk.policy_rules) moves a case instead of
prompting: every open case whose automatic rules fire goes to the level they ask for (the next level for
"escalate", at least `min_level`, `level_up` above the starting level), through CaseService.move_level, so the
history records the move like any other: actor "EscDesk rules", the rule's explanation as the reason, the time.

What keeps it safe to run every minute: only a level above the case's goes (never down, never past L5, a case
already there is left alone, so a second run moves nothing: the move also restarts the time at the level);
resolved and closed cases are skipped; so is a case whose status pauses the ladder's clock (waiting on the
customer in the shipped policy: the ladder waits with its ceiling). A case someone changed between the
evaluation and the move (StaleCase) is skipped and looked at again next time. The shipped policy keeps every
level change a prompt: automatic moves happen only where a team turned them on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from types import MappingProxyType
from typing import Any

from sqlalchemy import select

from escdesk.clock import Clock
from escdesk.clock_service import CaseClockView
from escdesk.clocks import ClockKind
from escdesk.domain import CaseStatus, Level
from escdesk.errors import InvalidOperation, NotFound, StaleCase
from escdesk.facts import FACT_FIELDS, CaseContext, rule_data
from escdesk.facts_service import FactsService
from escdesk.policy import Policy
from escdesk.policy_rules import RuleDef
from escdesk.prompt_service import policy_for_version
from escdesk.prompts import LadderPrompt, highest_steps, ladder_prompt, why
from escdesk.rules import Field
from escdesk.rules.semantics import truthy
from escdesk.services import CaseService
from escdesk.store import Store
from escdesk.store.models import Escalation

AUTOMATIC_ACTOR = "EscDesk rules"
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Moved:
    """One case the rules moved (or, in a dry run, would move)."""

    case_id: str
    reference: str
    from_level: Level
    to_level: Level
    level_name: str
    rule_key: str
    rule_title: str
    explanation: str  # why, in the fact labels of the level the case was at: "the time allowed at L1 ran out"
    at: datetime
    applied: bool = True

    @property
    def reason(self) -> str:
        """What the history records as the move's reason (as a person's "Move to" from the prompt would)."""
        return f"{self.rule_title}: {self.explanation}"

    def sentence(self) -> str:
        verb = "moved" if self.applied else "would move"
        return f"{self.reference} {verb} to {self.to_level.code} {self.level_name}: {self.explanation}"


def automatic_rules(policy: Policy) -> tuple[RuleDef, ...]:
    return tuple(rule for rule in policy.rules if rule.then.automatic and rule.then.moves_level)


@cache
def fields_at(level: Level) -> Mapping[str, Field]:
    """The fact labels with "this level" named: once the case has moved, "this level" would be the new one."""
    return MappingProxyType(
        {
            name: Field(found.label.replace("this level", level.code), found.format)
            if "this level" in found.label
            else found
            for name, found in FACT_FIELDS.items()
        }
    )


def ladder_paused(policy: Policy, status: str) -> bool:
    """A status that pauses the ceiling clock (waiting on the customer) pauses the automatic ladder too."""
    return CaseStatus(status) in policy.clocks.pausing.get(ClockKind.CEILING, frozenset())


def planned_step(
    policy: Policy, case: CaseContext, facts: Mapping[str, Any], rules: Iterable[RuleDef]
) -> LadderPrompt | None:
    """The highest level the case's automatic rules ask for, above its own; None when it stays where it is."""
    if not CaseStatus(case.status).is_active or ladder_paused(policy, case.status):
        return None
    data = rule_data(facts)
    fields = fields_at(Level(case.level))
    steps = []
    for rule in rules:
        if truthy(rule.check(data)):
            step = ladder_prompt(policy, case, rule, why(rule, data, fields))
            if step is not None:
                steps.append(step)
    found = highest_steps(steps)
    return found[0] if found and found[0].to_level > case.level else None


def _open_versions(store: Store) -> set[str]:
    """The policy versions the open cases follow (one small query: most minutes there is nothing to move)."""
    with store.read() as uow:
        stmt = select(Escalation.policy_version).where(Escalation.closed_at.is_(None), Escalation.deleted_at.is_(None))
        return set(uow.session.scalars(stmt.distinct()))


def _rules_by_version(store: Store, policy: Policy) -> dict[str, tuple[Policy, tuple[RuleDef, ...]]]:
    """Each open case's policy (its own version when stored) with that policy's automatic rules."""
    versions = _open_versions(store)
    with store.read() as uow:
        policies = {version: policy_for_version(uow.session, policy, version) for version in versions}
    return {version: (p, automatic_rules(p)) for version, p in policies.items()}


def plan_automatic_moves(
    store: Store, clock: Clock, policy: Policy, clocks: Mapping[str, CaseClockView] | None = None
) -> list[Moved]:
    """What the automatic rules would move now, nothing written. `clocks`: the board's fresh clock views."""
    by_version = _rules_by_version(store, policy)
    if not any(rules for _, rules in by_version.values()):
        return []  # the usual case: no automatic rule in any policy the open cases follow, no facts read
    now, planned = clock.now(), []
    for case_facts in FactsService(store, clock, policy).open_case_facts(clocks).values():
        case = case_facts.context
        case_policy, rules = by_version.get(case.policy_version, (policy, automatic_rules(policy)))
        step = planned_step(case_policy, case, case_facts.facts, rules) if rules else None
        if step is not None:
            planned.append(_moved(case, step, now))
    return sorted(planned, key=lambda m: m.reference)


def _moved(case: CaseContext, step: LadderPrompt, now: datetime) -> Moved:
    return Moved(
        case.id,
        case.reference,
        Level(case.level),
        step.to_level,
        step.level_name,
        step.rule_key,
        step.rule_title,
        step.explanation,
        now,
        applied=False,
    )


def apply_automatic_moves(
    store: Store,
    clock: Clock,
    policy: Policy,
    actor: str = AUTOMATIC_ACTOR,
    *,
    clocks: Mapping[str, CaseClockView] | None = None,
) -> list[Moved]:
    """Move every open case whose automatic rules fire to the level they ask for; the moves made."""
    service = CaseService(store, clock, policy, actor)
    done = []
    for move in plan_automatic_moves(store, clock, policy, clocks):
        if _move(service, move):
            done.append(replace(move, applied=True))
    return done


def _move(service: CaseService, move: Moved) -> bool:
    """One move, at the version read just now; a case changed meanwhile is left for the next run."""
    try:
        card = service.card(move.case_id)
        if card.level >= move.to_level or not card.status.is_active:
            return False  # someone moved (or resolved) it since the evaluation: never down, never twice
        service.move_level(move.case_id, move.to_level, move.reason, card.version)
    except (StaleCase, NotFound, InvalidOperation) as exc:
        log.info("automatic move of %s skipped: %s", move.reference, exc)
        return False
    return True
