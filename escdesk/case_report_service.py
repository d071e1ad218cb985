"""The full case report of a case, from the database: CaseReportContent for escdesk.reports.case_report to render.

One read-only unit of work gathers the brief's content (escdesk.brief_service, the same reading the brief makes)
and what the brief leaves out: the whole history in words, the checklist with its ticks and skips, every
involvement with who decided and why, notes and customer contacts, and the customer's whole health history.
"""

from __future__ import annotations

from collections.abc import Iterable

from escdesk.brief_service import brief_in_session
from escdesk.brief_timeline import ROLE_WORDS, change_words, describe
from escdesk.clock import Clock
from escdesk.domain import CaseEvent, CaseStatus, EventKind, FunctionalRole, InvolvementStatus, StepStatus
from escdesk.errors import NotFound
from escdesk.policy import Policy
from escdesk.reports.case_report_content import (
    CaseReportContent,
    ChecklistLine,
    ContactLine,
    HistoryLine,
    InvolvementLine,
)
from escdesk.store import Store
from escdesk.store.models import ChecklistItem, Customer, Involvement

KIND_WORDS = {
    EventKind.CHECKLIST_CHANGED: "Checklist",
    EventKind.INVOLVEMENT_CHANGED: "Involvement",
    EventKind.FIELD_CHANGED: "Changed",
}


def case_report_content(
    store: Store, case_id: str, *, clock: Clock, policy: Policy, time_zone: str, prepared_by: str | None = None
) -> CaseReportContent:
    """Everything the full case report of this case says, as of the clock's now."""
    with store.read() as uow:
        case = uow.cases.get(case_id)
        if case is None:
            raise NotFound(f"no case with id {case_id}")
        brief = brief_in_session(uow, case, policy, clock.now(), time_zone, prepared_by)
        history = uow.cases.history(case.id)
        customer = uow.session.get(Customer, case.customer_id)
        assert customer is not None  # a foreign key: the case cannot outlive its customer
        involvements = uow.cases.involvements(case.id)
        names = uow.briefs.names([case.owner_id, *(i.person_id for i in involvements)])
        labels = {role.key: role.label for role in policy.roles}
        return CaseReportContent(
            brief=brief,
            title=case.title,
            status=CaseStatus(case.status),
            owner=names.get(case.owner_id or ""),
            history=tuple(_history(history, policy, labels)),
            checklist=tuple(_step(item) for item in uow.cases.checklist(case.id)),
            involvements=tuple(_involvement(i, names, labels) for i in involvements),
            contacts=tuple(_contacts(history)),
            health=tuple(uow.customers.health_history(customer.id)),
            plan_derived=not uow.briefs.plan(case.id),
        )


def _history(events: Iterable[CaseEvent], policy: Policy, labels: dict[str, str]) -> Iterable[HistoryLine]:
    for event in events:
        text = describe(event, policy) or _bookkeeping(event, labels)
        yield HistoryLine(event.at, event.actor, event.kind, text)


def _bookkeeping(event: CaseEvent, labels: dict[str, str]) -> str:
    """The entries the brief's timeline leaves out, said plainly: what changed, from what to what, and why."""
    reason = f" ({event.reason})" if event.reason else ""
    if event.kind is EventKind.FIELD_CHANGED and event.to_value == "brief":  # escdesk.brief_editing's entries
        details = "; ".join(line for line in (event.body or "").splitlines() if line)
        return f"{event.reason or 'Brief edited'}" + (f". {details}" if details else "")
    if event.kind is EventKind.INVOLVEMENT_CHANGED:
        who = _involved(event.body or "someone", labels)
        return f"Involvement of {who}: {change_words(event.from_value, event.to_value)}{reason}"
    what = event.body or KIND_WORDS.get(event.kind, event.kind.value.replace("_", " ").capitalize())
    if event.kind is EventKind.CHECKLIST_CHANGED and event.body:
        what = f"Checklist step {event.body.partition(': ')[2] or event.body}"
    return f"{what}: {change_words(event.from_value, event.to_value)}{reason}"


def _involved(body: str, labels: dict[str, str]) -> str:
    """ "vp_cs: Astrid Garcia" as "Astrid Garcia (VP CS)", "legal (legal_threat)" as "Legal (rule legal_threat)"."""
    role, sep, name = body.partition(": ")
    if sep:
        return f"{name} ({role_words(role, labels, capital=False)})"
    role, _, rule = body.partition(" (")
    return f"{role_words(role, labels)} (rule {rule}" if rule else role_words(role, labels)


def _step(item: ChecklistItem) -> ChecklistLine:
    return ChecklistLine(
        position=item.position,
        title=item.title,
        required=item.required,
        status=StepStatus(item.status),
        due_at=item.due_at,
        done_by=item.done_by,
        done_at=item.done_at,
        note=item.note,
    )


def _involvement(row: Involvement, names: dict[str, str], labels: dict[str, str]) -> InvolvementLine:
    return InvolvementLine(
        role=role_words(row.role, labels),
        person=names.get(row.person_id or ""),
        status=InvolvementStatus(row.status),
        due_at=row.due_at,
        reason=row.reason,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        done_at=row.done_at,
        rule=row.rule_key,
    )


def role_words(role: str, labels: dict[str, str], *, capital: bool = True) -> str:
    """The policy's label for a role ("Engineering manager"), else the brief's words for it ("VP CS")."""
    known = FunctionalRole(role) if role in FunctionalRole.__members__.values() else None
    words = labels.get(role) or (ROLE_WORDS.get(known, "") if known is not None else "") or role.replace("_", " ")
    if capital:
        return words[:1].upper() + words[1:]
    return words if words[:2].isupper() else words[:1].lower() + words[1:]  # "VP CS" keeps its capitals


def _contacts(events: Iterable[CaseEvent]) -> Iterable[ContactLine]:
    for event in events:
        if event.kind in (EventKind.NOTE, EventKind.CUSTOMER_CONTACT):
            channel = event.channel.value if event.channel is not None else None
            yield ContactLine(event.at, event.actor, event.kind, event.body or "", channel, event.direction)
