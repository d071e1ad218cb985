"""Prompts for a case, merged with its stored involvements: accept, dismiss, done, signals, policy re-apply.

The rules propose; a person decides. Looking at a case syncs its proposals: a rule that fires and names a role
has one `proposed` involvement row per (rule_key, role) (the migration's unique key makes a second sync a no-op),
a proposal whose rule stopped firing is withdrawn (soft-deleted), and an involvement someone accepted, dismissed
or finished is never touched by a sync again. Every change, by a person or by a sync, is a case_events entry
(INVOLVEMENT_CHANGED: from which status to which, for which role and rule, and why).

A case keeps the policy version it was opened under: when that version's JSON is stored (policy_versions) and
differs from the policy in force, its rules decide the prompts until the user re-applies the policy in force.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from escdesk.clock import Clock
from escdesk.domain import EventKind, InvolvementStatus, Level
from escdesk.errors import InvalidOperation, NotFound
from escdesk.facts import SIGNAL_LABELS
from escdesk.facts_service import CaseFacts, FactsService
from escdesk.ids import new_id
from escdesk.policy import Policy, PolicyError, parse_policy
from escdesk.prompt_messages import DraftMessage, MessageParts, draft_message
from escdesk.prompt_views import CasePromptView, InvolvementView
from escdesk.prompts import (
    CasePrompts,
    DirectoryEntry,
    DirectoryIndex,
    InvolvementPrompt,
    case_prompts,
)
from escdesk.services import CaseService
from escdesk.store import Store, UnitOfWork
from escdesk.store.models import CaseEventRow, Escalation, Involvement, Person, PersonRole
from escdesk.store.policy_rows import EscalationFlag, PolicyVersion

__all__ = ["CasePromptView", "InvolvementView", "PromptService", "load_directory", "policy_for_version"]

_PROPOSED, _ACCEPTED = InvolvementStatus.PROPOSED.value, InvolvementStatus.ACCEPTED.value
_DISMISSED, _DONE = InvolvementStatus.DISMISSED.value, InvolvementStatus.DONE.value
_WITHDRAWN = "withdrawn"  # only in the history: the row is soft-deleted


def load_directory(session: Session) -> list[DirectoryEntry]:
    stmt = (
        select(
            Person.id, Person.name, Person.email, PersonRole.role, PersonRole.bands, PersonRole.regions, Person.title
        )
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(Person.deleted_at.is_(None))
    )
    return [
        DirectoryEntry(pid, name, email, role, _split(bands), _split(regions), title or "")
        for pid, name, email, role, bands, regions, title in session.execute(stmt)
    ]


def policy_for_version(session: Session, in_force: Policy, version: str) -> Policy:
    """The policy a case follows: its own version when stored and different, else the one in force."""
    if version == in_force.version:
        return in_force
    stored = session.get(PolicyVersion, version)
    if stored is None:
        return in_force  # opened before versions were stored: the policy in force is all there is
    try:
        return parse_policy(json.loads(stored.data), f"policy version {version}")
    except (PolicyError, ValueError):
        return in_force


def _roles_in(rows: list[Involvement], policy: Policy) -> set[str]:
    """The policy roles already on the case: accepted, done or proposed, under any rule or added by hand (a row
    holding a functional role, as the demo's and older databases do, stands for the roles of that function,
    except where the role names a title: an "executive" row is not the COO)."""
    present = {r.role for r in rows if r.status in (_PROPOSED, _ACCEPTED, _DONE)}
    return present | {role.key for role in policy.roles if role.function in present and not role.title}


def _moved(row: Involvement, prompt: InvolvementPrompt) -> bool:
    """A proposal's due time or person changed (a calendar edit, a new person in the directory)."""
    return (row.due_at, row.person_id) != (prompt.due_at, prompt.person_id)


def _split(text: str | None) -> frozenset[str]:
    return frozenset(part.strip() for part in (text or "").replace(";", ",").split(",") if part.strip())


@dataclass
class PromptService:
    store: Store
    clock: Clock
    policy: Policy
    actor: str
    policy_data: dict[str, Any] | None = None  # the JSON of `policy`, stored per version when given

    # -- queries (a sync is part of looking: proposals follow the facts) -----------------------------------------
    def case_prompts(self, case_id: str, retired_rules: frozenset[str] = frozenset()) -> CasePromptView:
        """The case's prompts and involvements, its proposals synced. `retired_rules`: keys of rules the case no
        longer follows (its previous policy version's) whose open proposals are withdrawn too."""
        facts = self._facts(case_id)
        with self.store.uow() as uow:
            policy = self._policy_for(uow.session, facts.context.policy_version)
            prompts = case_prompts(policy, facts.context, facts.facts, load_directory(uow.session))
            self._remember_policy(uow.session)
            self._sync(uow, facts, prompts, {rule.key for rule in policy.rules} | retired_rules)
            uow.commit()
            return self._view(uow.session, facts, prompts)

    def open_prompts(self) -> dict[str, CasePrompts]:
        """Prompts for every open case (nothing stored), each under the policy version it follows."""
        all_facts = FactsService(self.store, self.clock, self.policy).open_case_facts()
        with self.store.read() as uow:
            directory = DirectoryIndex(load_directory(uow.session))
            versions = {f.context.policy_version for f in all_facts.values()}
            policies = {version: self._policy_for(uow.session, version) for version in versions}
        return {
            cid: case_prompts(policies[f.context.policy_version], f.context, f.facts, directory)
            for cid, f in all_facts.items()
        }

    # -- decisions ----------------------------------------------------------------------------------------------
    def accept(self, involvement_id: str) -> CasePromptView:
        return self._decide(involvement_id, _ACCEPTED, "", {_PROPOSED})

    def dismiss(self, involvement_id: str, reason: str) -> CasePromptView:
        if not reason.strip():
            raise InvalidOperation("say why this involvement is dismissed: the reason is kept in the case history")
        return self._decide(involvement_id, _DISMISSED, reason.strip(), {_PROPOSED, _ACCEPTED})

    def done(self, involvement_id: str, note: str = "") -> CasePromptView:
        return self._decide(involvement_id, _DONE, note.strip(), {_PROPOSED, _ACCEPTED})

    def draft(self, involvement_id: str) -> DraftMessage:
        """The message to the involved leader, with a summary of the case."""
        view = self.case_prompts(self._case_of(involvement_id))
        found = next((i for i in view.involvements if i.id == involvement_id), None)
        if found is None or found.prompt is None:
            raise InvalidOperation("this involvement has no rule behind it any more: nothing to draft from")
        facts = self._facts(view.case_id)
        p = found.prompt
        parts = MessageParts(
            p.role_label, p.person_name, p.person_email, p.due_at, p.time_zone, p.action, p.explanation
        )
        level = self.policy.level_name(Level(facts.context.level))
        return draft_message(facts.context, parts, level, facts.facts, self.actor, self.clock.now().date())

    def set_signal(self, case_id: str, signal: str, on: bool, reason: str = "") -> CasePromptView:
        if signal not in SIGNAL_LABELS:
            raise InvalidOperation(f"unknown signal {signal!r} (known: {', '.join(SIGNAL_LABELS)})")
        with self.store.uow() as uow:
            case = self._case(uow, case_id)
            row = uow.session.scalar(
                select(EscalationFlag).where(EscalationFlag.escalation_id == case_id, EscalationFlag.flag == signal)
            )
            if on == (row is not None):  # already so: nothing to record
                uow.rollback()
            elif on:
                uow.session.add(
                    EscalationFlag(escalation_id=case_id, flag=signal, set_by=self.actor, set_at=self._now())
                )
            else:
                uow.session.delete(row)
            if on != (row is not None):
                before, after = ("clear", "set") if on else ("set", "clear")
                self._record(
                    uow,
                    case,
                    EventKind.FIELD_CHANGED,
                    f"signal {signal}: {before}",
                    f"signal {signal}: {after}",
                    reason.strip() or None,
                    SIGNAL_LABELS[signal],
                )
                uow.commit()
        return self.case_prompts(case_id)

    def follow_ladder(self, case_id: str) -> CasePromptView:
        """Move the case to the level its ladder prompt asks for, the prompt's reason recorded as the move's."""
        view = self.case_prompts(case_id)
        if not view.ladder:
            raise InvalidOperation(f"{view.reference}: no rule asks for another level")
        step = view.ladder[0]
        moves = CaseService(self.store, self.clock, self.policy, self.actor)
        reason = f"{step.rule_title}: {step.explanation}"
        moves.move_level(case_id, step.to_level, reason, moves.card(case_id).version)
        return self.case_prompts(case_id)

    def reapply_policy(self, case_id: str) -> CasePromptView:
        """The case follows the policy in force from now on (its old version's rules stop)."""
        retired: frozenset[str] = frozenset()
        with self.store.uow() as uow:
            case = self._case(uow, case_id)
            if case.policy_version != self.policy.version:
                before = case.policy_version
                retired = frozenset(rule.key for rule in self._policy_for(uow.session, before).rules)
                case.policy_version = self.policy.version
                self._remember_policy(uow.session)
                self._record(
                    uow,
                    case,
                    EventKind.FIELD_CHANGED,
                    f"policy {before}",
                    f"policy {self.policy.version}",
                    "policy re-applied",
                    None,
                )
                uow.commit()
        return self.case_prompts(case_id, retired)

    # -- internals ----------------------------------------------------------------------------------------------
    def _now(self) -> datetime:
        return self.clock.now()

    def _facts(self, case_id: str) -> CaseFacts:
        facts = FactsService(self.store, self.clock, self.policy).one_case_facts(case_id)
        if facts is None:
            raise NotFound(f"no open case with id {case_id}")
        return facts

    def _case(self, uow: UnitOfWork, case_id: str) -> Escalation:
        case = uow.cases.get(case_id)
        if case is None:
            raise NotFound(f"no case with id {case_id}")
        return case

    def _case_of(self, involvement_id: str) -> str:
        with self.store.read() as uow:
            row = uow.session.get(Involvement, involvement_id)
            if row is None or row.deleted_at is not None:
                raise NotFound(f"no involvement with id {involvement_id}")
            return row.escalation_id

    def _policy_for(self, session: Session, version: str) -> Policy:
        return policy_for_version(session, self.policy, version)

    def _remember_policy(self, session: Session) -> None:
        if self.policy_data is not None and session.get(PolicyVersion, self.policy.version) is None:
            data = json.dumps(self.policy_data, ensure_ascii=False, sort_keys=True)
            session.add(
                PolicyVersion(version=self.policy.version, name=self.policy.name, data=data, saved_at=self._now())
            )

    def _rows(self, session: Session, case_id: str) -> list[Involvement]:
        stmt = select(Involvement).where(Involvement.escalation_id == case_id, Involvement.deleted_at.is_(None))
        return list(session.scalars(stmt.order_by(Involvement.created_at, Involvement.id)))

    def _sync(self, uow: UnitOfWork, facts: CaseFacts, prompts: CasePrompts, rule_keys: set[str]) -> None:
        """Propose what the rules ask for; withdraw proposals of this policy's rules that stopped firing (a row
        from elsewhere, an import or another tool, with a rule key this policy does not know, is left alone)."""
        case = self._case(uow, facts.context.id)
        live = self._rows(uow.session, case.id)
        rows = {(r.rule_key, r.role): r for r in live if r.rule_key}
        wanted = {(p.rule_key, p.role): p for p in prompts.involvements}
        taken = _roles_in(live, self.policy)  # a role already in (or proposed) needs no second proposal
        now = self._now()
        for key, prompt in sorted(wanted.items(), key=lambda item: item[1].due_at):
            row = rows.get(key)
            if row is None and prompt.role not in taken:
                self._propose(uow, case, prompt, now)
                taken.add(prompt.role)
            elif row is not None and row.status == _PROPOSED and _moved(row, prompt):
                row.due_at, row.person_id, row.updated_at = prompt.due_at, prompt.person_id, now
        for key, row in rows.items():
            if key not in wanted and row.status == _PROPOSED and row.rule_key in rule_keys:
                row.deleted_at = row.updated_at = now
                self._record(
                    uow,
                    case,
                    EventKind.INVOLVEMENT_CHANGED,
                    _PROPOSED,
                    _WITHDRAWN,
                    "the rule no longer applies",
                    f"{row.role} ({row.rule_key})",
                )

    def _propose(self, uow: UnitOfWork, case: Escalation, prompt: InvolvementPrompt, now: datetime) -> None:
        uow.session.add(
            Involvement(
                id=new_id(),
                escalation_id=case.id,
                role=prompt.role,
                person_id=prompt.person_id,
                rule_key=prompt.rule_key,
                due_at=prompt.due_at,
                status=_PROPOSED,
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        self._record(
            uow,
            case,
            EventKind.INVOLVEMENT_CHANGED,
            None,
            _PROPOSED,
            prompt.explanation,
            f"{prompt.role} ({prompt.rule_key})",
        )
        uow.session.flush()

    def _decide(self, involvement_id: str, status: str, reason: str, allowed: set[str]) -> CasePromptView:
        case_id = self._case_of(involvement_id)
        with self.store.uow() as uow:
            row = uow.session.get(Involvement, involvement_id)
            assert row is not None
            if row.status not in allowed:
                raise InvalidOperation(f"this involvement is {row.status}: it cannot become {status}")
            before, now = row.status, self._now()
            row.status, row.updated_at = status, now
            if status == _DONE:
                row.done_at = now
            else:
                row.decided_by, row.decided_at = self.actor, now
            row.reason = reason or row.reason
            self._record(
                uow,
                self._case(uow, case_id),
                EventKind.INVOLVEMENT_CHANGED,
                before,
                status,
                reason or None,
                f"{row.role} ({row.rule_key or 'added by hand'})",
            )
            uow.commit()
        return self.case_prompts(case_id)

    def _record(
        self,
        uow: UnitOfWork,
        case: Escalation,
        kind: EventKind,
        before: str | None,
        after: str | None,
        reason: str | None,
        body: str | None,
    ) -> None:
        uow.cases.add_event(
            CaseEventRow(
                id=new_id(),
                escalation_id=case.id,
                at=self._now(),
                actor=self.actor,
                kind=kind.value,
                from_value=before,
                to_value=after,
                reason=reason,
                body=body,
            )
        )

    def _view(self, session: Session, facts: CaseFacts, prompts: CasePrompts) -> CasePromptView:
        by_key = {(p.rule_key, p.role): p for p in prompts.involvements}
        labels = {r.key: r.label for r in self.policy.roles}
        people = {p.person_id: p.name for p in load_directory(session)}
        now = self._now()
        views = tuple(
            InvolvementView(
                r.id,
                r.version,
                r.role,
                labels.get(r.role, r.role.replace("_", " ").capitalize()),
                r.rule_key,
                InvolvementStatus(r.status),
                r.due_at,
                people.get(r.person_id or ""),
                r.reason,
                r.decided_by,
                r.decided_at,
                r.done_at,
                r.status in (_PROPOSED, _ACCEPTED) and r.due_at is not None and r.due_at < now,
                by_key.get((r.rule_key or "", r.role)),
            )
            for r in self._rows(session, facts.context.id)
        )
        flags = frozenset(facts.facts.get("case.flags") or ())
        c = facts.context
        return CasePromptView(
            c.id,
            c.reference,
            c.title,
            Level(c.level),
            c.policy_version,
            self.policy.version,
            prompts.ladder,
            views,
            flags,
        )
