"""Repositories: the only code that builds queries. They return ORM rows inside a unit of work, or DTOs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session, aliased

from escdesk.domain import (
    ArrBand,
    CaseCard,
    CaseEvent,
    CaseStatus,
    CaseType,
    Channel,
    Direction,
    EventKind,
    HealthPoint,
    InvolvementStatus,
    Level,
    Pace,
    Severity,
    StepStatus,
)
from escdesk.money import from_cents
from escdesk.store.models import (
    CaseCounter,
    CaseEventRow,
    ChecklistItem,
    Customer,
    CustomerExternalId,
    DatabaseMeta,
    Escalation,
    HealthScore,
    Involvement,
    Person,
)

OPEN_INVOLVEMENT = (InvolvementStatus.PROPOSED.value, InvolvementStatus.ACCEPTED.value)


def _health_score(earliest_since: date | None) -> Any:
    """The customer's latest health score, or (with `earliest_since`) the first one measured on or after it; the
    unique (customer_id, measured_on, source) index serves both."""
    stmt = select(HealthScore.score).where(HealthScore.customer_id == Escalation.customer_id)
    if earliest_since is None:
        stmt = stmt.order_by(HealthScore.measured_on.desc(), HealthScore.id.desc())
    else:
        stmt = stmt.where(HealthScore.measured_on >= earliest_since)
        stmt = stmt.order_by(HealthScore.measured_on, HealthScore.id)
    return stmt.limit(1).correlate(Escalation).scalar_subquery()


def card_columns_query(active_only: bool = True, health_since: date = date.min) -> Select[*tuple[Any, ...]]:
    """Every column a board card needs, in one statement; the benchmark compares it with raw sqlite3.

    The health trend compares the latest score with the first one on or after `health_since` (the service passes
    the start of its trend window; the default compares with the oldest score stored)."""
    owner = aliased(Person)
    # Soft-deleted checklist items and involvements no longer count, as everywhere else.
    step_of_case = (ChecklistItem.escalation_id == Escalation.id, ChecklistItem.deleted_at.is_(None))
    steps_total = select(func.count()).where(*step_of_case).correlate(Escalation).scalar_subquery()
    steps_done = (
        select(func.count())
        .where(*step_of_case, ChecklistItem.status != StepStatus.OPEN.value)
        .correlate(Escalation)
        .scalar_subquery()
    )
    involvements_open = (
        select(func.count())
        .where(
            Involvement.escalation_id == Escalation.id,
            Involvement.deleted_at.is_(None),
            Involvement.status.in_(OPEN_INVOLVEMENT),
        )
        .correlate(Escalation)
        .scalar_subquery()
    )
    stmt = (
        select(
            Escalation.id,
            Escalation.number,
            Escalation.title,
            Escalation.customer_id,
            Customer.name,
            Customer.band,
            Customer.arr_cents,
            Escalation.severity,
            Escalation.pace,
            Escalation.case_type,
            Escalation.level,
            Escalation.status,
            owner.name,
            Escalation.opened_at,
            Escalation.level_entered_at,
            Escalation.acknowledged_at,
            Escalation.arr_at_risk_cents,
            steps_done,
            steps_total,
            involvements_open,
            Escalation.version,
            _health_score(None),
            _health_score(health_since),
        )
        .join(Customer, Customer.id == Escalation.customer_id)
        .outerjoin(owner, owner.id == Escalation.owner_id)
        .where(Escalation.deleted_at.is_(None))
        .order_by(Escalation.level, Escalation.opened_at)
    )
    return stmt.where(Escalation.closed_at.is_(None)) if active_only else stmt


def _card(row: Any) -> CaseCard:
    (
        id_,
        number,
        title,
        customer_id,
        customer_name,
        band,
        arr,
        severity,
        pace,
        case_type,
        level,
        status,
        owner,
        opened,
        entered,
        acked,
        at_risk,
        done,
        total,
        involvements,
        version,
        health,
        health_before,
    ) = row
    return CaseCard(
        id=id_,
        number=number,
        title=title,
        customer_id=customer_id,
        customer_name=customer_name,
        band=ArrBand(band),
        arr=from_cents(arr),
        severity=Severity(severity),
        pace=Pace(pace),
        case_type=CaseType(case_type),
        level=Level(level),
        status=CaseStatus(status),
        owner_name=owner,
        opened_at=opened,
        level_entered_at=entered,
        acknowledged_at=acked,
        arr_at_risk=from_cents(at_risk),
        checklist_done=done,
        checklist_total=total,
        involvements_open=involvements,
        version=version,
        health_score=health,
        health_change=None if health is None or health_before is None else health - health_before,
    )


class CaseRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, case_id: str) -> Escalation | None:
        row = self.session.get(Escalation, case_id)
        return None if row is None or row.deleted_at is not None else row

    def by_number(self, number: int) -> Escalation | None:
        stmt = select(Escalation).where(Escalation.number == number, Escalation.deleted_at.is_(None))
        return self.session.scalars(stmt).one_or_none()

    def add(self, case: Escalation) -> None:
        self.session.add(case)

    def next_number(self) -> int:
        """Bump the counter inside this transaction, so two writers never get the same number."""
        stmt = update(CaseCounter).where(CaseCounter.id == 1).values(next_number=CaseCounter.next_number + 1)
        bumped: int = self.session.execute(stmt.returning(CaseCounter.next_number)).scalar_one()
        return bumped - 1

    def open_cards(self, level: Level | None = None, health_since: date = date.min) -> list[CaseCard]:
        stmt = card_columns_query(health_since=health_since)
        if level is not None:
            stmt = stmt.where(Escalation.level == int(level))
        return [_card(row) for row in self.session.execute(stmt)]

    def card(self, case_id: str, health_since: date = date.min) -> CaseCard | None:
        stmt = card_columns_query(active_only=False, health_since=health_since).where(Escalation.id == case_id)
        row = self.session.execute(stmt).one_or_none()
        return None if row is None else _card(row)

    def add_event(self, event: CaseEventRow) -> None:
        self.session.add(event)

    def history(self, case_id: str) -> list[CaseEvent]:
        stmt = (
            select(CaseEventRow).where(CaseEventRow.escalation_id == case_id).order_by(CaseEventRow.at, CaseEventRow.id)
        )
        return [
            CaseEvent(
                at=e.at,
                actor=e.actor,
                kind=EventKind(e.kind),
                from_value=e.from_value,
                to_value=e.to_value,
                reason=e.reason,
                channel=Channel(e.channel) if e.channel else None,
                direction=Direction(e.direction) if e.direction else None,
                body=e.body,
            )
            for e in self.session.scalars(stmt)
        ]

    def checklist(self, case_id: str) -> list[ChecklistItem]:
        stmt = select(ChecklistItem).where(ChecklistItem.escalation_id == case_id, ChecklistItem.deleted_at.is_(None))
        stmt = stmt.order_by(ChecklistItem.position)
        return list(self.session.scalars(stmt))

    def involvements(self, case_id: str) -> list[Involvement]:
        stmt = select(Involvement).where(Involvement.escalation_id == case_id, Involvement.deleted_at.is_(None))
        return list(self.session.scalars(stmt.order_by(Involvement.due_at)))


class CustomerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, customer_id: str) -> Customer | None:
        row = self.session.get(Customer, customer_id)
        return None if row is None or row.deleted_at is not None else row

    def add(self, customer: Customer) -> None:
        self.session.add(customer)

    def by_external_id(self, system: str, external_id: str) -> Customer | None:
        stmt = (
            select(Customer)
            .join(CustomerExternalId)
            .where(CustomerExternalId.system == system, CustomerExternalId.external_id == external_id)
        )
        return self.session.scalars(stmt).one_or_none()

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(Customer).where(Customer.deleted_at.is_(None))) or 0

    def health_history(self, customer_id: str, since: datetime | None = None) -> list[HealthPoint]:
        stmt = select(HealthScore.measured_on, HealthScore.score).where(HealthScore.customer_id == customer_id)
        if since is not None:
            stmt = stmt.where(HealthScore.measured_on >= since.date())
        return [HealthPoint(on, score) for on, score in self.session.execute(stmt.order_by(HealthScore.measured_on))]


class PersonRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, person_id: str) -> Person | None:
        row = self.session.get(Person, person_id)
        return None if row is None or row.deleted_at is not None else row

    def add(self, person: Person) -> None:
        self.session.add(person)


class MetaRepository:
    """Key/value facts about the database (its origin, for one)."""

    ORIGIN = "origin"

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, key: str) -> str | None:
        row = self.session.get(DatabaseMeta, key)
        return None if row is None else row.value

    def set(self, key: str, value: str) -> None:
        self.session.merge(DatabaseMeta(key=key, value=value))
