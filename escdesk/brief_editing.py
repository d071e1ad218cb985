"""Editing what the executive brief says, from the app: load the fields of a case, check them, save them.

A save is one user action like any other on a case (escdesk.services): it carries the case version the person
saw, is refused with StaleCase when someone saved the case since, bumps the version, and appends one history
entry (FIELD_CHANGED, "brief") that names the fields it changed and what they now say. The situation is the case's
description, so it is edited here too; the rest lives in case_briefs and case_plan_items. Problems are found all
at once and each message starts with the field's label, so the form can say exactly what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from escdesk.briefs.content import BriefOption, PlanItem
from escdesk.clock import Clock
from escdesk.domain import EventKind, Level
from escdesk.errors import InvalidOperation, NotFound, StaleCase
from escdesk.ids import new_id
from escdesk.policy import Policy
from escdesk.store import Store, UnitOfWork
from escdesk.store.models import CaseBrief, CaseEventRow, CasePlanItem, Escalation

MAX_TEXT = 20_000  # characters in one narrative field: pages of the full case report, never a paste accident
MAX_OPTIONS = 10  # lettered A to J on the brief
SHORT_LIMITS = {"headline": 300, "customer_contact": 200, "exec_ask_of": 200}  # the columns' sizes
MAX_OWNER = 200
SUMMARY_CHARS = 120  # how much of a new value the history entry quotes

LABELS = {
    "headline": "Headline",
    "situation": "Situation",
    "impact": "Impact",
    "customer_ask": "The customer's ask",
    "customer_contact": "Their contact",
    "tried": "What we tried",
    "root_cause_known": "Root cause known",
    "root_cause": "Root cause",
    "exec_ask_of": "Ask of",
    "exec_ask": "The ask of this executive",
    "exec_ask_deadline": "Decide by",
    "options": "Options",
    "cost_of_inaction": "Cost of inaction",
    "next_update_at": "Next update",
    "plan": "Plan",
}
TEXT_FIELDS = ("headline", "situation", "impact", "customer_ask", "customer_contact", "tried", "root_cause",
               "exec_ask_of", "exec_ask", "cost_of_inaction")  # fmt: skip
BRIEF_COLUMNS = {"root_cause": "root_cause_text"}  # draft field -> case_briefs column where the names differ


@dataclass(frozen=True, slots=True)
class BriefDraft:
    """Every field of the brief a person writes; empty text and None mean "not recorded yet"."""

    situation: str = ""
    impact: str = ""
    customer_ask: str = ""
    tried: str = ""
    root_cause_known: bool = False
    root_cause: str = ""
    exec_ask_of: str = ""
    exec_ask: str = ""
    exec_ask_deadline: datetime | None = None
    options: tuple[BriefOption, ...] = ()
    cost_of_inaction: str = ""
    next_update_at: datetime | None = None
    plan: tuple[PlanItem, ...] = ()
    headline: str = ""
    customer_contact: str = ""


@dataclass(frozen=True, slots=True)
class LoadedBrief:
    case_id: str
    reference: str
    version: int  # the case version the draft was read at: what a save must still find
    draft: BriefDraft
    default_ask_of: str  # whom the brief asks when nobody is named: the owner of the case's level


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str  # a key of LABELS
    message: str  # starts with the field's label


class BriefInvalid(InvalidOperation):
    """The draft cannot be saved; `problems` names each field at fault."""

    def __init__(self, reference: str, problems: list[FieldProblem]) -> None:
        super().__init__(f"{reference}: the brief was not saved. " + " ".join(p.message for p in problems))
        self.problems = tuple(problems)


def load_brief(store: Store, case_id: str, policy: Policy) -> LoadedBrief:
    with store.read() as uow:
        case = _case(uow, case_id)
        return LoadedBrief(case.id, f"ESC-{case.number}", case.version, _draft(uow, case),
                           policy.level_name(Level(case.level)))  # fmt: skip


def validate(draft: BriefDraft) -> list[FieldProblem]:
    """Everything wrong with the draft, in the form's order (empty: it can be saved)."""
    problems = [_too_long(name, getattr(draft, name)) for name in TEXT_FIELDS]
    found = [p for p in problems if p is not None]
    if draft.root_cause_known and not draft.root_cause.strip():
        found.append(FieldProblem("root_cause", "Root cause: marked as known but not described."))
    if draft.exec_ask_deadline is not None and not draft.exec_ask.strip():
        found.append(FieldProblem("exec_ask", "The ask of this executive: a deadline is set but the ask is empty."))
    for name in ("exec_ask_deadline", "next_update_at"):
        value = getattr(draft, name)
        if value is not None and value.utcoffset() is None:
            found.append(FieldProblem(name, f"{LABELS[name]}: give the time with its time zone."))
    return found + _option_problems(draft.options) + _plan_problems(draft.plan)


def save_brief(
    store: Store, case_id: str, draft: BriefDraft, expected_version: int, *, clock: Clock, actor: str
) -> tuple[str, ...]:
    """Save the draft if the case is still at `expected_version`; the labels of the fields that changed (none:
    nothing was written, not even history)."""
    now = clock.now()
    with store.uow() as uow:
        case = _case(uow, case_id)
        reference = f"ESC-{case.number}"
        if case.version != expected_version:
            raise StaleCase(
                f"{reference} was changed by someone else since you loaded its brief "
                f"(version {case.version}, you had {expected_version}); reload it and try again"
            )
        problems = validate(draft)
        if problems:
            raise BriefInvalid(reference, problems)
        before = _draft(uow, case)
        changed = changed_fields(before, draft)
        if not changed:
            return ()
        _write(uow, case, before, draft, changed, now)
        uow.cases.add_event(
            CaseEventRow(
                id=new_id(), escalation_id=case.id, at=now, actor=actor, kind=EventKind.FIELD_CHANGED.value,
                to_value="brief", reason="Brief edited: " + ", ".join(LABELS[name] for name in changed),
                body="\n".join(_summary(name, getattr(draft, name)) for name in changed),
            )
        )  # fmt: skip
        try:
            uow.commit()
        except StaleDataError as exc:
            raise StaleCase(f"{reference} was saved by someone else a moment ago; reload it") from exc
    return tuple(LABELS[name] for name in changed)


def changed_fields(before: BriefDraft, after: BriefDraft) -> list[str]:
    """The fields (keys of LABELS) whose saved value would differ; surrounding whitespace is no change."""
    return [f.name for f in fields(BriefDraft) if _norm(getattr(before, f.name)) != _norm(getattr(after, f.name))]


# -- reading ------------------------------------------------------------------------------------------------------


def _case(uow: UnitOfWork, case_id: str) -> Escalation:
    case = uow.cases.get(case_id)
    if case is None:
        raise NotFound(f"no case with id {case_id}")
    return case


def _draft(uow: UnitOfWork, case: Escalation) -> BriefDraft:
    row = uow.briefs.brief(case.id)
    plan = tuple(PlanItem(p.action, p.owner, p.due_on, p.done_at is not None) for p in uow.briefs.plan(case.id))
    if row is None:
        return BriefDraft(situation=case.description or "", plan=plan)
    text = {name: getattr(row, BRIEF_COLUMNS.get(name, name)) or "" for name in TEXT_FIELDS if name != "situation"}
    options = tuple(
        BriefOption(str(o.get("title", "")), str(o.get("detail", "")), bool(o.get("recommended", False)))
        for o in (row.options or [])
    )
    return BriefDraft(
        situation=case.description or "", root_cause_known=bool(row.root_cause_known),
        exec_ask_deadline=row.exec_ask_deadline, options=options, next_update_at=row.next_update_at, plan=plan,
        **text,
    )  # fmt: skip


def _norm(value: Any) -> Any:
    """Values as saved: text stripped, options and plan items with stripped text, so whitespace is no change."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, tuple):
        return tuple(_norm_item(item) for item in value)
    return value


def _norm_item(item: BriefOption | PlanItem) -> tuple[object, ...]:
    if isinstance(item, BriefOption):
        return (item.title.strip(), item.detail.strip(), item.recommended)
    return (item.action.strip(), item.owner.strip(), item.due, item.done)


# -- checking -----------------------------------------------------------------------------------------------------


def _too_long(name: str, text: str) -> FieldProblem | None:
    limit = SHORT_LIMITS.get(name, MAX_TEXT)
    length = len(text.strip())
    if length <= limit:
        return None
    return FieldProblem(name, f"{LABELS[name]}: {length:,} characters; the limit is {limit:,}.")


def _option_problems(options: tuple[BriefOption, ...]) -> list[FieldProblem]:
    found: list[FieldProblem] = []
    if len(options) > MAX_OPTIONS:
        found.append(FieldProblem("options", f"Options: {len(options)} given; a brief shows at most {MAX_OPTIONS}."))
    for number, option in enumerate(options, start=1):
        if not option.title.strip():
            found.append(FieldProblem("options", f"Options: option {number} needs a title."))
        elif len(option.title.strip()) > MAX_OWNER:
            found.append(
                FieldProblem("options", f"Options: the title of option {number} is over {MAX_OWNER} characters.")
            )
    if sum(o.recommended for o in options) > 1:
        found.append(FieldProblem("options", "Options: recommend one option, not several."))
    return found


def _plan_problems(plan: tuple[PlanItem, ...]) -> list[FieldProblem]:
    found: list[FieldProblem] = []
    for number, item in enumerate(plan, start=1):
        missing = [what for what, text in (("an action", item.action), ("an owner", item.owner)) if not text.strip()]
        if missing:
            found.append(FieldProblem("plan", f"Plan: item {number} needs {' and '.join(missing)}."))
        if len(item.owner.strip()) > MAX_OWNER:
            found.append(FieldProblem("plan", f"Plan: the owner of item {number} is over {MAX_OWNER} characters."))
        if len(item.action.strip()) > MAX_TEXT:
            found.append(FieldProblem("plan", f"Plan: the action of item {number} is over {MAX_TEXT:,} characters."))
    return found


# -- writing ------------------------------------------------------------------------------------------------------


def _write(
    uow: UnitOfWork, case: Escalation, before: BriefDraft, draft: BriefDraft, changed: list[str], now: datetime
) -> None:
    if "situation" in changed:
        case.description = draft.situation.strip()
    # Before any query autoflushes: the case row is written once, so the version moves by exactly one.
    case.updated_at = now
    flag_modified(case, "updated_at")  # the version moves even when only the brief's own rows change
    row = uow.briefs.brief(case.id)
    if row is None:
        row = CaseBrief(id=new_id(), escalation_id=case.id, version=1, created_at=now, updated_at=now, options=[])
        uow.briefs.add(row)
    for name in TEXT_FIELDS:
        if name != "situation":
            setattr(row, BRIEF_COLUMNS.get(name, name), getattr(draft, name).strip() or None)
    row.root_cause_known = draft.root_cause_known
    row.exec_ask_deadline = draft.exec_ask_deadline
    row.next_update_at = draft.next_update_at
    row.options = [{"title": o.title.strip(), "detail": o.detail.strip(), "recommended": o.recommended}
                   for o in draft.options]  # fmt: skip
    row.updated_at = now
    if "plan" in changed:
        _replace_plan(uow, case.id, draft.plan, now)


def _replace_plan(uow: UnitOfWork, case_id: str, plan: tuple[PlanItem, ...], now: datetime) -> None:
    """Soft-delete the old items and add the new ones; an item that was already done keeps when it was done."""
    done_at = {(p.action, p.owner): p.done_at for p in uow.briefs.plan(case_id) if p.done_at is not None}
    uow.briefs.retire_plan(case_id, now)
    for position, item in enumerate(plan, start=1):
        action, owner = item.action.strip(), item.owner.strip()
        uow.briefs.add(
            CasePlanItem(
                id=new_id(), escalation_id=case_id, position=position, action=action, owner=owner, due_on=item.due,
                done_at=(done_at.get((action, owner)) or now) if item.done else None, version=1, created_at=now,
                updated_at=now,
            )
        )  # fmt: skip


def _summary(name: str, value: object) -> str:
    """One line of the history entry: the field and what it says now."""
    label = LABELS[name]
    if isinstance(value, bool):
        return f"{label}: {'yes' if value else 'no'}"
    if isinstance(value, datetime):
        return f"{label}: {value.isoformat(timespec='minutes')}"
    if value is None or value == "" or value == ():
        return f"{label}: cleared"
    if isinstance(value, tuple):
        if name == "plan":
            done = sum(isinstance(p, PlanItem) and p.done for p in value)
            return f"{label}: {len(value)} item{'s' if len(value) != 1 else ''}, {done} done"
        chosen = next((o.title for o in value if isinstance(o, BriefOption) and o.recommended), None)
        recommended = f", recommended: {chosen}" if chosen else ""
        return f"{label}: {len(value)} option{'s' if len(value) != 1 else ''}{recommended}"
    text = " ".join(str(value).split())
    return f"{label}: {text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + '…'}"
