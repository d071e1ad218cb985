"""Use cases. Each public method is one user action: one unit of work, one commit, DTOs out.

Every change to a case appends to its history (who, when, what, why); the stored board state is derived from
those same changes inside the same transaction, so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from escdesk import checklist as cl
from escdesk.calendars import BusinessCalendar
from escdesk.clock import Clock
from escdesk.domain import (
    CaseCard,
    CaseEvent,
    CaseStatus,
    CaseType,
    Channel,
    Direction,
    EventKind,
    Level,
    NewCase,
    Pace,
    Severity,
    StepStatus,
)
from escdesk.errors import InvalidOperation, NotFound, StaleCase
from escdesk.ids import new_id
from escdesk.level_ack import needs_acknowledgement
from escdesk.money import from_cents, to_cents
from escdesk.policy import Policy
from escdesk.store import Store, UnitOfWork
from escdesk.store.models import CaseEventRow, ChecklistItem, Customer, Escalation, EscalationTicket

MAX_TITLE = 300
HEALTH_TREND_DAYS = 30  # a card's health trend: the latest score against the first one of the last 30 days
_OPEN, _DONE, _SKIPPED = StepStatus.OPEN.value, StepStatus.DONE.value, StepStatus.SKIPPED.value


@dataclass
class CaseService:
    store: Store
    clock: Clock
    policy: Policy
    actor: str

    # -- queries ------------------------------------------------------------------------------------------------
    def open_cards(self) -> list[CaseCard]:
        with self.store.read() as uow:
            return uow.cases.open_cards(health_since=self._health_since())

    def card(self, case_id: str) -> CaseCard:
        with self.store.read() as uow:
            card = uow.cases.card(case_id, health_since=self._health_since())
        if card is None:
            raise NotFound(f"no case with id {case_id}")
        return card

    def history(self, case_id: str) -> list[CaseEvent]:
        with self.store.read() as uow:
            return uow.cases.history(case_id)

    def checklist(self, case_id: str) -> list[cl.ChecklistStep]:
        """The case's steps in order (as stored when it opened), with the coaching and role its case type's
        template gives each step under the policy in force."""
        with self.store.read() as uow:
            case = self._case(uow, case_id)
            template = self._template(case)
            return [_step_dto(item, template.step(item.step_key)) for item in uow.cases.checklist(case.id)]

    def checklist_adherence(self, case_id: str) -> cl.Adherence:
        return cl.checklist_adherence(self.checklist(case_id), self.clock.now())

    def update_cadence(self, case_id: str) -> cl.CadenceReport | None:
        """Step 8: our updates to the customer against the severity's cadence, from the acknowledgement (or the
        opening) until the case resolved, or now. None when the policy keeps no update clock for the case.
        Unlike the SLA update clock, waiting on the customer does not pause it yet: the panel shows the misses
        for a person to judge, it never escalates on them."""
        with self.store.read() as uow:
            case = self._case(uow, case_id)
            target = self.policy.clocks.targets_for(Severity(case.severity), Pace(case.pace)).update
            if target is None:
                return None
            sent = [
                e.at
                for e in uow.cases.history(case.id)
                if e.kind is EventKind.CUSTOMER_CONTACT and e.direction is Direction.OUTBOUND
            ]
            start = case.acknowledged_at or case.opened_at
            end = case.resolved_at or case.closed_at or self.clock.now()
            return cl.cadence_misses(sent, start, end, target, self._calendar(uow, case))

    # -- commands -----------------------------------------------------------------------------------------------
    def open_case(self, new: NewCase) -> CaseCard:
        title = new.title.strip()
        if not title:
            raise InvalidOperation("a case needs a title")
        if len(title) > MAX_TITLE:
            raise InvalidOperation(f"the title is {len(title)} characters long; the limit is {MAX_TITLE}")
        now = self.clock.now()
        with self.store.uow() as uow:
            customer = uow.customers.get(new.customer_id)
            if customer is None:
                raise NotFound(f"no customer with id {new.customer_id}")
            level = self.policy.starting_level(new.severity, self.policy.band_for(from_cents(customer.arr_cents)))
            at_risk = customer.arr_cents if new.arr_at_risk is None else to_cents(new.arr_at_risk)
            case = Escalation(
                id=new_id(),
                number=uow.cases.next_number(),
                customer_id=customer.id,
                title=title,
                description=new.description,
                case_type=new.case_type.value,
                severity=new.severity.value,
                pace=new.pace.value,
                level=int(level),
                status=CaseStatus.OPEN.value,
                owner_id=new.owner_id,
                opened_at=now,
                level_entered_at=now,
                arr_at_risk_cents=at_risk,
                policy_version=self.policy.version,
                source=new.source,
                version=1,
                created_at=now,
                updated_at=now,
            )
            uow.cases.add(case)
            uow.session.flush()
            template = self.policy.checklist_for(new.case_type, new.severity)
            self._add_checklist(uow, case, customer, template)
            self._link_tickets(uow, case, new.tickets)
            reason = f"starting level for {new.severity.value} {customer.band} from policy {self.policy.version}"
            if template.variant is not None:
                reason += f"; checklist variant {template.variant}"
            self._record(uow, case, EventKind.OPENED, to_value=level.code, reason=reason)
            uow.commit()
            case_id = case.id
        return self.card(case_id)

    def move_level(self, case_id: str, to_level: Level, reason: str, expected_version: int) -> CaseCard:
        reason = _required_reason(reason, "moving a case to another level")
        return self._change(case_id, expected_version, lambda uow, case: self._apply_level(uow, case, to_level, reason))

    def set_status(self, case_id: str, status: CaseStatus, reason: str, expected_version: int) -> CaseCard:
        return self._change(case_id, expected_version, lambda uow, case: self._apply_status(uow, case, status, reason))

    def acknowledge(self, case_id: str, expected_version: int) -> CaseCard:
        """Acknowledge at the case's level: an open case becomes acknowledged; a case moved up is acknowledged by
        its new level (escdesk.level_ack), which stops that level's acknowledge and ceiling clocks."""

        def apply(uow: UnitOfWork, case: Escalation) -> None:
            if case.status == CaseStatus.OPEN.value:
                self._apply_status(uow, case, CaseStatus.ACKNOWLEDGED, "")
                return
            history = uow.cases.history(case.id)
            if not needs_acknowledgement(CaseStatus(case.status), case.level_entered_at, case.acknowledged_at, history):
                raise InvalidOperation(f"ESC-{case.number} is already acknowledged at {Level(case.level).code}")
            self._record(uow, case, EventKind.LEVEL_ACKNOWLEDGED, to_value=Level(case.level).code)

        return self._change(case_id, expected_version, apply)

    def add_note(self, case_id: str, body: str, expected_version: int) -> CaseCard:
        body = _required_reason(body, "a note")
        return self._change(
            case_id, expected_version, lambda uow, case: self._record(uow, case, EventKind.NOTE, body=body)
        )

    def log_contact(
        self, case_id: str, channel: Channel, direction: Direction, body: str, expected_version: int
    ) -> CaseCard:
        def apply(uow: UnitOfWork, case: Escalation) -> None:
            self._record(
                uow,
                case,
                EventKind.CUSTOMER_CONTACT,
                channel=channel.value,
                direction=direction.value,
                body=body.strip() or None,
            )

        return self._change(case_id, expected_version, apply)

    def set_severity(self, case_id: str, severity: Severity, reason: str, expected_version: int) -> CaseCard:
        """Re-grade an active case; its clocks follow the new severity's targets at the next evaluation. The
        checklist keeps the dates it was given, as it keeps its template."""
        reason = _required_reason(reason, "changing the severity")

        def apply(uow: UnitOfWork, case: Escalation) -> None:
            if not CaseStatus(case.status).is_active:
                raise InvalidOperation(f"ESC-{case.number} is {case.status}; reopen it before changing its severity")
            if case.severity == severity.value:
                raise InvalidOperation(f"ESC-{case.number} is already {severity.value}")
            before, case.severity = case.severity, severity.value
            self._record(
                uow, case, EventKind.SEVERITY_CHANGED, from_value=before, to_value=severity.value, reason=reason
            )

        return self._change(case_id, expected_version, apply)

    def close_with_sign_off(self, case_id: str, signed_off_by: str, how: str, expected_version: int) -> CaseCard:
        """Close with the customer's agreement: who agreed and how go into the history and onto the sign-off step;
        the close starts the monitoring period (the follow-up step falls due 14 days later, 30 for slow-burn)."""
        person, said = signed_off_by.strip(), how.strip()
        if not person or not said:
            raise InvalidOperation("closing needs the customer's sign-off: who agreed, and how (call, e-mail, meeting)")
        return self.set_status(case_id, CaseStatus.CLOSED, f"Signed off by {person}: {said}", expected_version)

    def complete_step(self, case_id: str, step_key: str, note: str, expected_version: int) -> CaseCard:
        """Tick a step: by whom and when, with an optional note."""

        def apply(uow: UnitOfWork, case: Escalation) -> None:
            item = self._open_item(uow, case, step_key)
            step = self._template(case).step(step_key)
            if step is not None and step.done_on_close:
                raise InvalidOperation(
                    f"ESC-{case.number}: '{item.title}' is recorded by closing the case with the customer's sign-off"
                )
            self._set_step(uow, case, item, _DONE, note.strip() or None)

        return self._change(case_id, expected_version, apply)

    def skip_step(self, case_id: str, step_key: str, reason: str, expected_version: int) -> CaseCard:
        """Mark a step as not needed for this case; the reason is required and kept on the step and in history."""
        reason = _required_reason(reason, "skipping a checklist step")
        return self._change(
            case_id,
            expected_version,
            lambda uow, case: self._set_step(uow, case, self._open_item(uow, case, step_key), _SKIPPED, reason),
        )

    def reopen_step(self, case_id: str, step_key: str, reason: str, expected_version: int) -> CaseCard:
        """Undo a tick or a skip (done too early, skipped by mistake); the reason goes into the history."""
        reason = _required_reason(reason, "reopening a checklist step")

        def apply(uow: UnitOfWork, case: Escalation) -> None:
            item = self._item(uow, case, step_key)
            if item.status == _OPEN:
                raise InvalidOperation(f"ESC-{case.number}: '{item.title}' is already open")
            step = self._template(case).step(step_key)
            if step is not None and step.done_on_close and case.status == CaseStatus.CLOSED.value:
                raise InvalidOperation(f"ESC-{case.number} is closed; reopen the case to withdraw the sign-off")
            self._set_step(uow, case, item, _OPEN, reason)

        return self._change(case_id, expected_version, apply)

    # -- helpers ------------------------------------------------------------------------------------------------
    def _health_since(self) -> date:
        """The start of the cards' health trend window (HEALTH_TREND_DAYS before today)."""
        return (self.clock.now() - timedelta(days=HEALTH_TREND_DAYS)).date()

    def _change(self, case_id: str, expected_version: int, apply: Callable[[UnitOfWork, Escalation], None]) -> CaseCard:
        """Load, check the version the user saw, apply, bump the version, commit; or change nothing."""
        with self.store.uow() as uow:
            case = uow.cases.get(case_id)
            if case is None:
                raise NotFound(f"no case with id {case_id}")
            if case.version != expected_version:
                raise StaleCase(
                    f"ESC-{case.number} was changed by someone else since you loaded it "
                    f"(version {case.version}, you had {expected_version}); reload it and try again"
                )
            apply(uow, case)
            case.updated_at = self.clock.now()
            # Every change bumps the version, also one that only appends to the history (a note) at the same
            # instant as the last change: without this the row would not be UPDATEd when updated_at is unchanged.
            flag_modified(case, "updated_at")
            reference = f"ESC-{case.number}"  # read now: after a failed flush the row can no longer be loaded
            try:
                uow.commit()
            except StaleDataError as exc:
                raise StaleCase(f"{reference} was saved by someone else a moment ago; reload it") from exc
        return self.card(case_id)

    def _apply_level(self, uow: UnitOfWork, case: Escalation, to_level: Level, reason: str) -> None:
        if not CaseStatus(case.status).is_active:
            raise InvalidOperation(f"ESC-{case.number} is {case.status}; reopen it before changing its level")
        if case.level == int(to_level):
            raise InvalidOperation(f"ESC-{case.number} is already at {to_level.code}")
        before = Level(case.level)
        case.level = int(to_level)
        case.level_entered_at = self.clock.now()
        self._record(uow, case, EventKind.LEVEL_CHANGED, from_value=before.code, to_value=to_level.code, reason=reason)

    def _apply_status(self, uow: UnitOfWork, case: Escalation, status: CaseStatus, reason: str) -> None:
        before = CaseStatus(case.status)
        if before == status:
            raise InvalidOperation(f"ESC-{case.number} is already {status.value}")
        if status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
            self._check_gate(uow, case, status, reason)
        now = self.clock.now()
        if status == CaseStatus.ACKNOWLEDGED and case.acknowledged_at is None:
            case.acknowledged_at = now
        if status == CaseStatus.RESOLVED:
            case.resolved_at = now
        if status == CaseStatus.CLOSED:
            case.closed_at = now
        if status.is_active and not before.is_active:
            # Reopened: back on the board and in the open counts; when it was resolved and closed stays in history.
            case.resolved_at = case.closed_at = None
        case.status = status.value
        self._record(
            uow,
            case,
            EventKind.STATUS_CHANGED,
            from_value=before.value,
            to_value=status.value,
            reason=reason.strip() or None,
        )
        self._checklist_after_status(uow, case, before, status, reason.strip())

    def _add_checklist(
        self, uow: UnitOfWork, case: Escalation, customer: Customer, template: cl.ChecklistTemplate
    ) -> None:
        now = self.clock.now()
        dues = self._due_times(case, self._calendar(uow, case, customer), template, cl.Anchor.OPENED, now)
        for position, step in enumerate(template.steps, start=1):
            uow.session.add(
                ChecklistItem(
                    id=new_id(),
                    escalation_id=case.id,
                    position=position,
                    step_key=step.key,
                    title=step.title,
                    required=step.required,
                    due_at=dues.get(step.key),
                    status=_OPEN,
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
            )

    # -- checklist helpers --------------------------------------------------------------------------------------
    def _template(self, case: Escalation) -> cl.ChecklistTemplate:
        return self.policy.checklist_for(CaseType(case.case_type), Severity(case.severity))

    def _calendar(self, uow: UnitOfWork, case: Escalation, customer: Customer | None = None) -> BusinessCalendar:
        """The calendar the clock service runs this case on: checklist dates and SLA clocks must agree."""
        customer = customer or uow.customers.get(case.customer_id)
        if customer is None:
            return self.policy.clocks.calendar_for(Severity(case.severity), Pace(case.pace), None)
        return self.policy.clocks.calendar_for(
            Severity(case.severity), Pace(case.pace), customer.region, customer.segment, customer.calendar
        )

    def _due_times(
        self,
        case: Escalation,
        calendar: BusinessCalendar,
        template: cl.ChecklistTemplate,
        anchor: cl.Anchor,
        at: datetime,
    ) -> dict[str, datetime | None]:
        severity, pace = Severity(case.severity), Pace(case.pace)
        acknowledge = self.policy.clocks.targets_for(severity, pace).acknowledge
        return cl.due_times(template, anchor, pace, at, calendar, acknowledge)

    def _check_gate(self, uow: UnitOfWork, case: Escalation, status: CaseStatus, reason: str) -> None:
        """Refuse resolving or closing while required steps are open (B1); a close needs the sign-off text."""
        gate, verb = (cl.Gate.RESOLVE, "resolved") if status is CaseStatus.RESOLVED else (cl.Gate.CLOSE, "closed")
        blocking = cl.blocking_steps(uow.cases.checklist(case.id), self._template(case), gate)
        if blocking:
            raise InvalidOperation(cl.refusal(f"ESC-{case.number}", verb, blocking))
        if status is CaseStatus.CLOSED and not reason.strip():
            raise InvalidOperation(
                f"ESC-{case.number} cannot be closed without the customer's sign-off: "
                "say who agreed and how; it is recorded on the checklist and in the history"
            )

    def _checklist_after_status(
        self, uow: UnitOfWork, case: Escalation, before: CaseStatus, status: CaseStatus, reason: str
    ) -> None:
        """Resolution- and close-anchored due times; the sign-off at close; a reopen withdraws both."""
        items = uow.cases.checklist(case.id)
        template = self._template(case)
        now = self.clock.now()
        if status is CaseStatus.RESOLVED:
            self._set_dues(uow, case, items, template, cl.Anchor.RESOLVED, now)
        elif status is CaseStatus.CLOSED:
            # Closed straight from an active status: the steps after the fix count from the close.
            self._set_dues(uow, case, items, template, cl.Anchor.RESOLVED, case.resolved_at or now, only_unset=True)
            self._set_dues(uow, case, items, template, cl.Anchor.CLOSED, now)
            for item in items:
                step = template.step(item.step_key)
                if step is not None and step.done_on_close and item.status == _OPEN:
                    self._set_step(uow, case, item, _DONE, reason)
        elif not before.is_active:
            self._withdraw_after_reopen(uow, case, items, template)

    def _set_dues(
        self,
        uow: UnitOfWork,
        case: Escalation,
        items: list[ChecklistItem],
        template: cl.ChecklistTemplate,
        anchor: cl.Anchor,
        at: datetime,
        only_unset: bool = False,
    ) -> None:
        dues = self._due_times(case, self._calendar(uow, case), template, anchor, at)
        for item in items:
            if item.step_key in dues and item.status == _OPEN and not (only_unset and item.due_at is not None):
                item.due_at = dues[item.step_key]
                item.updated_at = self.clock.now()

    def _withdraw_after_reopen(
        self, uow: UnitOfWork, case: Escalation, items: list[ChecklistItem], template: cl.ChecklistTemplate
    ) -> None:
        """A reopened case is not resolved any more: dates counted from the fix or the close no longer hold, and
        the customer's sign-off was for a case that turned out not to be settled."""
        for item in items:
            step = template.step(item.step_key)
            if step is None or step.anchor is cl.Anchor.OPENED:
                continue
            if step.done_on_close and item.status == _DONE:
                self._set_step(uow, case, item, _OPEN, "the case was reopened")
            if item.status == _OPEN:
                item.due_at = None

    def _item(self, uow: UnitOfWork, case: Escalation, step_key: str) -> ChecklistItem:
        item = next((i for i in uow.cases.checklist(case.id) if i.step_key == step_key), None)
        if item is None:
            raise NotFound(f"ESC-{case.number} has no checklist step {step_key!r}")
        return item

    def _open_item(self, uow: UnitOfWork, case: Escalation, step_key: str) -> ChecklistItem:
        item = self._item(uow, case, step_key)
        if item.status != _OPEN:
            raise InvalidOperation(f"ESC-{case.number}: '{item.title}' is already {item.status}; reopen it first")
        return item

    def _set_step(self, uow: UnitOfWork, case: Escalation, item: ChecklistItem, status: str, why: str | None) -> None:
        """Change one item and record it in the history: who, when, which step, from what to what, and why."""
        before, now = item.status, self.clock.now()
        item.status = status
        item.done_by, item.done_at = (None, None) if status == _OPEN else (self.actor, now)
        item.note = None if status == _OPEN else why
        item.updated_at = now
        self._record(
            uow,
            case,
            EventKind.CHECKLIST_CHANGED,
            from_value=before,
            to_value=status,
            reason=why,
            body=f"{item.step_key}: {item.title}",
        )

    def _case(self, uow: UnitOfWork, case_id: str) -> Escalation:
        case = uow.cases.get(case_id)
        if case is None:
            raise NotFound(f"no case with id {case_id}")
        return case

    def _link_tickets(self, uow: UnitOfWork, case: Escalation, tickets: tuple[str, ...]) -> None:
        for key in dict.fromkeys(t.strip() for t in tickets if t.strip()):
            system, _, ticket = key.rpartition(":")
            uow.session.add(EscalationTicket(escalation_id=case.id, system=system or "ticket", ticket_key=ticket))

    def _record(self, uow: UnitOfWork, case: Escalation, kind: EventKind, **values: str | None) -> None:
        uow.cases.add_event(
            CaseEventRow(
                id=new_id(), escalation_id=case.id, at=self.clock.now(), actor=self.actor, kind=kind.value, **values
            )
        )


def _step_dto(item: ChecklistItem, step: cl.ChecklistStepDef | None) -> cl.ChecklistStep:
    return cl.ChecklistStep(
        position=item.position,
        step_key=item.step_key,
        title=item.title,
        required=item.required,
        due_at=item.due_at,
        status=item.status,
        done_by=item.done_by,
        done_at=item.done_at,
        note=item.note,
        coaching="" if step is None else step.coaching,
        role=None if step is None else step.role,
    )


def _required_reason(text: str, what: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise InvalidOperation(f"{what} needs a reason; it is recorded in the case history")
    return cleaned
