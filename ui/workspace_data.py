"""What the case workspace shows, read in one go on the database worker, and the words for times in the user's zone.

No Qt here: the snapshot is a frozen object the widgets paint from, so every refresh is one task and one repaint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from escdesk import checklist as cl
from escdesk.customer_search import CustomerProfile, customer_profile
from escdesk.deadline_service import DeadlineService
from escdesk.deadlines import PersonDeadline
from escdesk.domain import CaseCard, CaseEvent, CaseStatus
from escdesk.level_ack import needs_acknowledgement
from escdesk.services import CaseService
from escdesk.store.models import Customer
from ui.text import short_duration


@dataclass(frozen=True)
class WorkspaceSnapshot:
    """One case as the workspace shows it, as of `now`."""

    card: CaseCard
    history: tuple[CaseEvent, ...]
    steps: tuple[cl.ChecklistStep, ...]
    cadence: cl.CadenceReport | None
    customer: CustomerProfile
    now: datetime
    deadlines: tuple[PersonDeadline, ...] = ()  # set by people, not cleared, soonest first
    calendar: str = ""  # the business calendar the case's clocks run on
    customer_calendar: str | None = None  # the calendar the customer names (None: the policy's rules decide)

    @property
    def case_id(self) -> str:
        return self.card.id

    @property
    def needs_acknowledgement(self) -> bool:
        """Open and not acknowledged, or moved up and not acknowledged at its new level (escdesk.level_ack)."""
        card = self.card
        return needs_acknowledgement(card.status, card.level_entered_at, card.acknowledged_at, self.history)

    def monitoring_until(self, template: cl.ChecklistTemplate) -> datetime | None:
        """A closed case is watched until its close-anchored steps (the follow-up) fall due."""
        if self.card.status is not CaseStatus.CLOSED:
            return None
        dues = [
            s.due_at
            for s in self.steps
            if s.due_at is not None and (d := template.step(s.step_key)) is not None and d.anchor is cl.Anchor.CLOSED
        ]
        return max(dues, default=None)


def load_workspace(service: CaseService, case_id: str) -> WorkspaceSnapshot:
    """On the worker: the card, history, checklist, cadence and customer box of one case."""
    card = service.card(case_id)
    now = service.clock.now()
    with service.store.read() as uow:
        customer = uow.session.get(Customer, card.customer_id)
        region, segment, named = (None, None, None) if customer is None else (
            customer.region, customer.segment, customer.calendar
        )  # fmt: skip
    calendar = service.policy.clocks.calendar_for(card.severity, card.pace, region, segment, named)
    return WorkspaceSnapshot(
        card=card,
        history=tuple(service.history(case_id)),
        steps=tuple(service.checklist(case_id)),
        cadence=service.update_cadence(case_id),
        customer=customer_profile(service.store, card.customer_id, now),
        now=now,
        deadlines=tuple(DeadlineService(service).deadlines(case_id)),
        calendar=calendar.name,
        customer_calendar=named,
    )


def local_time(at: datetime, zone: str) -> str:
    """'Thu 3 Dec 14:30' in the reader's zone (the zone is named once, in the panel's header)."""
    local = at.astimezone(ZoneInfo(zone))
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def relative_due(due: datetime, now: datetime) -> str:
    """'in 3 h' or '2 d ago'."""
    return f"in {short_duration(due - now)}" if due >= now else f"{short_duration(now - due)} ago"
