"""Use cases. Each public method is one user action: one unit of work, one commit, DTOs out.

Every change to a case appends to its history (who, when, what, why); the stored board state is derived from
those same changes inside the same transaction, so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from escdesk.clock import Clock
from escdesk.domain import CaseCard, CaseEvent, CaseStatus, Channel, Direction, EventKind, Level, NewCase
from escdesk.errors import InvalidOperation, NotFound, StaleCase
from escdesk.ids import new_id
from escdesk.money import from_cents, to_cents
from escdesk.policy import Policy
from escdesk.store import Store, UnitOfWork
from escdesk.store.models import CaseEventRow, ChecklistItem, Escalation, EscalationTicket

MAX_TITLE = 300


@dataclass
class CaseService:
    store: Store
    clock: Clock
    policy: Policy
    actor: str

    # -- queries ------------------------------------------------------------------------------------------------
    def open_cards(self) -> list[CaseCard]:
        with self.store.read() as uow:
            return uow.cases.open_cards()

    def card(self, case_id: str) -> CaseCard:
        with self.store.read() as uow:
            card = uow.cases.card(case_id)
        if card is None:
            raise NotFound(f"no case with id {case_id}")
        return card

    def history(self, case_id: str) -> list[CaseEvent]:
        with self.store.read() as uow:
            return uow.cases.history(case_id)

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
                version=1,
                created_at=now,
                updated_at=now,
            )
            uow.cases.add(case)
            uow.session.flush()
            self._add_checklist(uow, case)
            self._link_tickets(uow, case, new.tickets)
            self._record(
                uow,
                case,
                EventKind.OPENED,
                to_value=level.code,
                reason=f"starting level for {new.severity.value} {customer.band} from policy {self.policy.version}",
            )
            uow.commit()
            case_id = case.id
        return self.card(case_id)

    def move_level(self, case_id: str, to_level: Level, reason: str, expected_version: int) -> CaseCard:
        reason = _required_reason(reason, "moving a case to another level")
        return self._change(case_id, expected_version, lambda uow, case: self._apply_level(uow, case, to_level, reason))

    def set_status(self, case_id: str, status: CaseStatus, reason: str, expected_version: int) -> CaseCard:
        return self._change(case_id, expected_version, lambda uow, case: self._apply_status(uow, case, status, reason))

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

    # -- helpers ------------------------------------------------------------------------------------------------
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

    def _add_checklist(self, uow: UnitOfWork, case: Escalation) -> None:
        now = self.clock.now()
        for position, step in enumerate(self.policy.checklist, start=1):
            uow.session.add(
                ChecklistItem(
                    id=new_id(),
                    escalation_id=case.id,
                    position=position,
                    step_key=step.key,
                    title=step.title,
                    required=step.required,
                    status="open",
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
            )

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


def _required_reason(text: str, what: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise InvalidOperation(f"{what} needs a reason; it is recorded in the case history")
    return cleaned
