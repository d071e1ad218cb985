"""The executive brief of a case, from the database: BriefContent for escdesk.briefs to render.

One read-only unit of work gathers the case, its customer (ARR, band, renewal, health history, CSM, AE and
executive sponsor), its history (the dated timeline) and the brief fields (case_briefs, case_plan_items). A field
nobody has filled in stays empty here and the PDF prints "Not recorded yet" in its place: an executive must see what
is missing, not a blank that reads as "nothing to say". Two values are derived when not recorded, and say so in
nothing but their source: the executive asked is the one at the case's level, and the next update is due on the
policy's update cadence from the last contact with the customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from escdesk.brief_timeline import ROLE_WORDS, timeline_entries
from escdesk.briefs.content import AccountBox, BriefContent, BriefOption, ExecutiveAsk, PlanItem
from escdesk.clock import Clock
from escdesk.clock_math import CONTINUOUS, target_duration
from escdesk.domain import (
    ArrBand,
    CaseEvent,
    CaseStatus,
    CaseType,
    EventKind,
    FunctionalRole,
    HealthPoint,
    Level,
    Pace,
    RootCause,
    Severity,
    StepStatus,
)
from escdesk.durations import parse_span
from escdesk.errors import InvalidOperation, NotFound
from escdesk.ids import new_id
from escdesk.money import from_cents
from escdesk.policy import Policy
from escdesk.store import Store, UnitOfWork
from escdesk.store.models import CaseBrief, CaseEventRow, CasePlanItem, Customer, Escalation, Involvement, Person
from escdesk.store.repositories import OPEN_INVOLVEMENT

NO_UPDATE_DUE = {
    CaseStatus.WAITING_ON_CUSTOMER: "None due while we wait on the customer (the update clock is paused).",
    CaseStatus.RESOLVED: "None due: resolved, waiting for the customer's sign-off.",
    CaseStatus.CLOSED: "None due: the case is closed.",
}
HEALTH_DAYS = 120  # the sparkline's window: long enough to show a slow burn, short enough to read


@dataclass(frozen=True, slots=True)
class BriefFields:
    """What a person records for the brief beyond the case itself; None or empty means not recorded yet."""

    headline: str | None = None
    impact: str | None = None
    customer_ask: str | None = None
    customer_contact: str | None = None
    tried: str | None = None
    root_cause_known: bool = False
    root_cause_text: str | None = None
    exec_ask_of: str | None = None
    exec_ask: str | None = None
    exec_ask_deadline: datetime | None = None
    options: tuple[BriefOption, ...] = ()
    cost_of_inaction: str | None = None
    next_update_at: datetime | None = None
    plan: tuple[PlanItem, ...] = ()


def resolve_case(store: Store, reference: str) -> str:
    """The id of the case a person names: "ESC-1234", "1234" or the id itself; NotFound names what was given."""
    text = reference.strip()
    number = text.upper().removeprefix("ESC-").removeprefix("ESC")
    with store.read() as uow:
        case = uow.cases.by_number(int(number)) if number.isdigit() else uow.cases.get(text)
        if case is not None:
            return case.id
    raise NotFound(f"no case {reference!r} in {store.target.display}; give ESC-1234, the number or the case id")


def brief_content(
    store: Store, case_id: str, *, clock: Clock, policy: Policy, time_zone: str, prepared_by: str | None = None
) -> BriefContent:
    """Everything the one-page brief of this case says, as of the clock's now."""
    with store.read() as uow:  # rows are read inside their session only: the content leaves it, they do not
        case = uow.cases.get(case_id)
        if case is None:
            raise NotFound(f"no case with id {case_id}")
        return brief_in_session(uow, case, policy, clock.now(), time_zone, prepared_by)


def brief_in_session(
    uow: UnitOfWork, case: Escalation, policy: Policy, now: datetime, time_zone: str, prepared_by: str | None = None
) -> BriefContent:
    """The brief's content read inside an open unit of work (the full case report reads more in the same one)."""
    customer = uow.session.get(Customer, case.customer_id)
    assert customer is not None  # a foreign key: the case cannot outlive its customer
    brief = uow.briefs.brief(case.id)
    history = uow.cases.history(case.id)
    last_contact = max((e.at for e in history if e.kind is EventKind.CUSTOMER_CONTACT), default=None)
    return BriefContent(
        number=case.number,
        headline=_text(brief, "headline") or case.title,
        account=_account(uow, case, customer, brief, policy, now),
        situation=case.description,
        impact=_text(brief, "impact"),
        customer_ask=_text(brief, "customer_ask"),
        timeline=tuple(timeline_entries(history, policy)),
        tried=_text(brief, "tried"),
        root_cause=_text(brief, "root_cause_text"),
        plan=tuple(_plan_item(row) for row in uow.briefs.plan(case.id)) or _derived_plan(uow, case, time_zone),
        arr_at_risk=from_cents(case.arr_at_risk_cents),
        ask=_ask(brief, case, policy),
        options=_options(brief),
        cost_of_inaction=_text(brief, "cost_of_inaction"),
        next_update=_next_update(brief, case, policy, last_contact),
        next_update_note=NO_UPDATE_DUE.get(CaseStatus(case.status)),
        generated_at=now,
        time_zone=time_zone,
        root_cause_known=bool(brief and brief.root_cause_known),
        root_cause_category=RootCause(case.root_cause) if case.root_cause else None,
        case_type=CaseType(case.case_type),
        pace=Pace(case.pace),
        opened_at=case.opened_at,
        prepared_by=prepared_by,
        people=_people_named(uow, history),
    )


def _people_named(uow: UnitOfWork, history: list[CaseEvent]) -> tuple[str, ...]:
    """The directory's people and the history's actors: the names a redacted copy must not show."""
    directory = uow.session.scalars(select(Person.name).where(Person.deleted_at.is_(None)))
    return tuple(sorted({*directory, *(e.actor for e in history)} - {""}))


def _text(brief: CaseBrief | None, name: str) -> str:
    value = getattr(brief, name) if brief is not None else None
    return (value or "").strip()


def _account(
    uow: UnitOfWork, case: Escalation, customer: Customer, brief: CaseBrief | None, policy: Policy, now: datetime
) -> AccountBox:
    names = uow.briefs.names([customer.csm_id, customer.ae_id, customer.exec_sponsor_id])
    since = now - timedelta(days=HEALTH_DAYS)
    health: tuple[HealthPoint, ...] = tuple(uow.customers.health_history(customer.id, since))
    level = Level(case.level)
    return AccountBox(
        customer=customer.name,
        arr=from_cents(customer.arr_cents),
        band=ArrBand(customer.band),
        level=level,
        severity=Severity(case.severity),
        renewal_date=customer.renewal_date,
        health=health,
        csm=names.get(customer.csm_id or ""),
        account_executive=names.get(customer.ae_id or ""),
        exec_sponsor=names.get(customer.exec_sponsor_id or ""),
        customer_contact=_text(brief, "customer_contact") or None,
        level_name=policy.level_name(level),
    )


def _plan_item(row: CasePlanItem) -> PlanItem:
    return PlanItem(row.action, row.owner, row.due_on, done=row.done_at is not None)


def _derived_plan(uow: UnitOfWork, case: Escalation, time_zone: str) -> tuple[PlanItem, ...]:
    """With no written plan yet, the plan of record: the dated steps of the service-recovery checklist (owned by
    the case owner) and the leaders brought in with their deadlines; the first is the order the policy sets."""
    zone = ZoneInfo(time_zone)
    involvements = [i for i in uow.cases.involvements(case.id) if i.status in OPEN_INVOLVEMENT and i.due_at]
    names = uow.briefs.names([case.owner_id, *(i.person_id for i in involvements)])
    owner = names.get(case.owner_id or "", "Case owner")
    steps = [
        PlanItem(step.title, owner, step.due_at.astimezone(zone).date(), done=step.status != StepStatus.OPEN.value)
        for step in uow.cases.checklist(case.id)
        if step.due_at is not None and step.status != StepStatus.SKIPPED.value
    ]
    leaders = [
        PlanItem(
            _involvement_action(i), names.get(i.person_id or "", _role_words(i.role)), i.due_at.astimezone(zone).date()
        )
        for i in involvements
        if i.due_at is not None
    ]
    return tuple(steps + leaders)


def _involvement_action(involvement: Involvement) -> str:
    role = _role_words(involvement.role)
    return f"{role}: {involvement.reason}" if involvement.reason else f"Bring in {role}"


def _role_words(role: str) -> str:
    known = FunctionalRole(role) if role in FunctionalRole.__members__.values() else None
    words = ROLE_WORDS.get(known, role.replace("_", " ")) if known else role
    return words[:1].upper() + words[1:]


def _options(brief: CaseBrief | None) -> tuple[BriefOption, ...]:
    raw: list[dict[str, Any]] = list(brief.options) if brief is not None and brief.options else []
    return tuple(
        BriefOption(str(o.get("title", "")), str(o.get("detail", "")), bool(o.get("recommended", False)))
        for o in raw
        if str(o.get("title", "")).strip()
    )


def _ask(brief: CaseBrief | None, case: Escalation, policy: Policy) -> ExecutiveAsk:
    # Whom to ask defaults to the owner of the case's level: that is who the brief is sent to.
    of = _text(brief, "exec_ask_of") or policy.level_name(Level(case.level))
    return ExecutiveAsk(of, _text(brief, "exec_ask"), brief.exec_ask_deadline if brief is not None else None)


def _next_update(
    brief: CaseBrief | None, case: Escalation, policy: Policy, last_contact: datetime | None
) -> datetime | None:
    """The recorded next update, else the policy cadence from the last contact (any direction restarts it, T2/T3),
    counted in elapsed time; a resolved case, or one waiting on the customer, owes none."""
    if brief is not None and brief.next_update_at is not None:
        return brief.next_update_at
    status = CaseStatus(case.status)
    if not status.is_active or status is CaseStatus.WAITING_ON_CUSTOMER:  # resolved, or the clock is paused
        return None
    severity = next(s for s in policy.severities if s.severity.value == case.severity)
    cadence = severity.update_fast if case.pace == Pace.FAST.value else severity.update_slow_burn
    anchor = max(t for t in (last_contact, case.acknowledged_at, case.opened_at) if t is not None)
    return anchor + target_duration(parse_span(cadence), CONTINUOUS, anchor)


# -- writing --------------------------------------------------------------------------------------------------


def save_brief_fields(store: Store, case_id: str, fields: BriefFields, *, clock: Clock, actor: str) -> None:
    """Record what the brief says (replacing what it said); the history notes that the brief was edited."""
    now = clock.now()
    with store.uow() as uow:
        case = uow.cases.get(case_id)
        if case is None:
            raise NotFound(f"no case with id {case_id}")
        row = uow.briefs.brief(case_id)
        if row is None:
            row = CaseBrief(id=new_id(), escalation_id=case_id, version=1, created_at=now, options=[])
            uow.briefs.add(row)
        _fill(row, fields, now)
        uow.briefs.retire_plan(case_id, now)
        for position, item in enumerate(fields.plan, start=1):
            uow.briefs.add(_plan_row(case_id, position, item, now))
        uow.cases.add_event(
            CaseEventRow(
                id=new_id(), escalation_id=case_id, at=now, actor=actor, kind=EventKind.FIELD_CHANGED.value,
                to_value="brief", reason="executive brief fields updated",
            )
        )  # fmt: skip
        uow.commit()


def _fill(row: CaseBrief, fields: BriefFields, now: datetime) -> None:
    for name in ("headline", "impact", "customer_ask", "customer_contact", "tried", "root_cause_text"):
        setattr(row, name, _cleaned(getattr(fields, name)))
    for name in ("exec_ask_of", "exec_ask", "cost_of_inaction"):
        setattr(row, name, _cleaned(getattr(fields, name)))
    row.root_cause_known = fields.root_cause_known
    row.exec_ask_deadline = fields.exec_ask_deadline
    row.next_update_at = fields.next_update_at
    row.options = [{"title": o.title, "detail": o.detail, "recommended": o.recommended} for o in fields.options]
    row.updated_at = now


def _cleaned(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def _plan_row(case_id: str, position: int, item: PlanItem, now: datetime) -> CasePlanItem:
    if not item.action.strip() or not item.owner.strip():
        raise InvalidOperation(f"plan item {position} needs an action and an owner")
    due: date = item.due
    return CasePlanItem(
        id=new_id(), escalation_id=case_id, position=position, action=item.action.strip(), owner=item.owner.strip(),
        due_on=due, done_at=now if item.done else None, version=1, created_at=now, updated_at=now,
    )  # fmt: skip
