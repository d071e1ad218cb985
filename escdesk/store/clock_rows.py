"""What the SLA clocks read from the store, for every open case at once: one query for the cases, one for the
events that move clocks (customer contacts, status and level changes, level acknowledgements); the deadlines people
set are a third (escdesk.store.deadline_rows). Never one query per case: a board of 2,000 open cases is refreshed
every minute.

Rows come back as plain named tuples of aware UTC datetimes and strings; escdesk.clock_service turns them into the
clock engine's timelines.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from escdesk.domain import EventKind
from escdesk.store.models import CaseEventRow, Customer, Escalation

# Level changes and level acknowledgements too: acknowledgement is per level (a case moved up is acknowledged
# again at its new level, escdesk.clock_service).
CLOCK_EVENT_KINDS = (
    EventKind.CUSTOMER_CONTACT.value,
    EventKind.STATUS_CHANGED.value,
    EventKind.LEVEL_CHANGED.value,
    EventKind.LEVEL_ACKNOWLEDGED.value,
)


class ClockCaseRow(NamedTuple):
    id: str
    severity: str
    pace: str
    status: str
    region: str | None
    opened_at: datetime
    acknowledged_at: datetime | None
    level_entered_at: datetime
    segment: str | None = None  # the customer's: calendar rules may match it
    customer_calendar: str | None = None  # the calendar the customer names (None: the rules decide)


class ClockEventRow(NamedTuple):
    case_id: str
    at: datetime
    kind: str
    from_value: str | None
    to_value: str | None
    channel: str | None
    direction: str | None


def _open_cases() -> tuple[ColumnElement[bool], ...]:
    # The board's definition of open (card_columns_query): not closed, not deleted; resolved cases still show.
    return (Escalation.closed_at.is_(None), Escalation.deleted_at.is_(None))


class ClockRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def open_cases(self) -> list[ClockCaseRow]:
        stmt = (
            select(
                Escalation.id,
                Escalation.severity,
                Escalation.pace,
                Escalation.status,
                Customer.region,
                Escalation.opened_at,
                Escalation.acknowledged_at,
                Escalation.level_entered_at,
                Customer.segment,
                Customer.calendar,
            )
            .join(Customer, Customer.id == Escalation.customer_id)
            .where(*_open_cases())
        )
        return [ClockCaseRow._make(row) for row in self.session.execute(stmt)]

    def open_case_events(self) -> list[ClockEventRow]:
        """Contacts and status changes of every open case, oldest first within each case."""
        stmt = (
            select(
                CaseEventRow.escalation_id,
                CaseEventRow.at,
                CaseEventRow.kind,
                CaseEventRow.from_value,
                CaseEventRow.to_value,
                CaseEventRow.channel,
                CaseEventRow.direction,
            )
            .join(Escalation, Escalation.id == CaseEventRow.escalation_id)
            .where(*_open_cases(), CaseEventRow.kind.in_(CLOCK_EVENT_KINDS))
            .order_by(CaseEventRow.escalation_id, CaseEventRow.at, CaseEventRow.id)
        )
        return [ClockEventRow(*row) for row in self.session.execute(stmt)]
