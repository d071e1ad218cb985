"""SQLAlchemy 2 typed mappings. Only the store package touches these; everything above it sees DTOs.

Conventions: ULID string ids (portable between databases), instants stored as UTC, amounts as integer cents,
`version` for optimistic concurrency on rows people edit, `deleted_at` for soft deletes. `case_events` is
append-only: the migration installs triggers that refuse UPDATE and DELETE on it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

# Named constraints so Alembic migrations (including SQLite batch mode) can refer to them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite (naive storage) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given; the store only accepts aware instants")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Id = String(26)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime(), date: Date(), dict[str, Any]: JSON()}  # noqa: RUF012


class Versioned:
    """Rows people edit: optimistic concurrency (a stale save raises StaleDataError) and soft delete."""

    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Person(Versioned, Base):
    __tablename__ = "people"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    title: Mapped[str | None] = mapped_column(String(200))
    roles: Mapped[list[PersonRole]] = relationship(back_populates="person", cascade="all, delete-orphan")


class PersonRole(Base):
    """A functional role a person covers, optionally limited to some ARR bands or regions (empty = all)."""

    __tablename__ = "person_roles"
    __table_args__ = (UniqueConstraint("person_id", "role", name="uq_person_roles_person_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(40), index=True)
    bands: Mapped[str] = mapped_column(String(40), default="")
    regions: Mapped[str] = mapped_column(String(200), default="")
    person: Mapped[Person] = relationship(back_populates="roles")


class Customer(Versioned, Base):
    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    segment: Mapped[str | None] = mapped_column(String(100))
    band: Mapped[str] = mapped_column(String(8))
    arr_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    renewal_date: Mapped[date | None]
    csm_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), index=True)
    ae_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    exec_sponsor_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    region: Mapped[str | None] = mapped_column(String(40))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    domain: Mapped[str | None] = mapped_column(String(255))
    # The calendar the customer's cases run on, by name (migration 0007); None: the policy's calendar rules decide.
    calendar: Mapped[str | None] = mapped_column(String(100))
    external_ids: Mapped[list[CustomerExternalId]] = relationship(cascade="all, delete-orphan")


class CustomerExternalId(Base):
    """The same account is known by another id in each system (Salesforce, Gainsight, Zendesk ...)."""

    __tablename__ = "customer_external_ids"
    __table_args__ = (UniqueConstraint("system", "external_id", name="uq_customer_external_ids_system_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    system: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(200))


class HealthScore(Base):
    __tablename__ = "health_scores"
    __table_args__ = (UniqueConstraint("customer_id", "measured_on", "source", name="uq_health_scores_point"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    measured_on: Mapped[date]
    score: Mapped[int] = mapped_column(SmallInteger)
    source: Mapped[str] = mapped_column(String(40), default="manual")


class Escalation(Versioned, Base):
    __tablename__ = "escalations"
    __table_args__ = (
        Index("ix_escalations_active_level", "closed_at", "deleted_at", "level"),
        Index("ix_escalations_customer_opened", "customer_id", "opened_at"),
        # The weekly portfolio groups by when cases opened and closed (migration 0002).
        Index("ix_escalations_closed_at", "closed_at"),
        Index("ix_escalations_opened_at", "opened_at"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    case_type: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(4))
    pace: Mapped[str] = mapped_column(String(12))
    level: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(24))
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), index=True)
    opened_at: Mapped[datetime]
    level_entered_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    arr_at_risk_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    root_cause: Mapped[str | None] = mapped_column(String(40))
    policy_version: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(40), default="manual")


class EscalationTicket(Base):
    __tablename__ = "escalation_tickets"
    __table_args__ = (UniqueConstraint("escalation_id", "system", "ticket_key", name="uq_escalation_tickets_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    escalation_id: Mapped[str] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"), index=True)
    system: Mapped[str] = mapped_column(String(40))
    ticket_key: Mapped[str] = mapped_column(String(100))
    url: Mapped[str | None] = mapped_column(String(1000))


class CaseEventRow(Base):
    """One entry of a case's append-only history: who, when, what, why."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_at", "escalation_id", "at"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    escalation_id: Mapped[str] = mapped_column(ForeignKey("escalations.id"))
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    from_value: Mapped[str | None] = mapped_column(String(200))
    to_value: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(20))
    direction: Mapped[str | None] = mapped_column(String(10))
    body: Mapped[str | None] = mapped_column(Text)


class Involvement(Versioned, Base):
    """A functional leader brought into a case (or proposed by a rule), with the deadline and the outcome."""

    __tablename__ = "involvements"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    escalation_id: Mapped[str] = mapped_column(ForeignKey("escalations.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    person_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    rule_key: Mapped[str | None] = mapped_column(String(80))
    due_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]


class ChecklistItem(Versioned, Base):
    __tablename__ = "checklist_items"
    # The unique (escalation_id, step_key) index also serves lookups by case: no separate index on escalation_id.
    __table_args__ = (UniqueConstraint("escalation_id", "step_key", name="uq_checklist_items_step"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    escalation_id: Mapped[str] = mapped_column(ForeignKey("escalations.id"))
    position: Mapped[int] = mapped_column(SmallInteger)
    step_key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    due_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(12))
    done_by: Mapped[str | None] = mapped_column(String(200))
    done_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)


class CaseBrief(Versioned, Base):
    """What the executive brief says beyond the case itself: at most one row per case (migration 0002).

    Apart from `escalations` so the board's card query never loads long text, and versioned on its own so editing
    the brief never makes a level move stale. `options` is a list of {"title", "detail", "recommended"}.
    """

    __tablename__ = "case_briefs"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    escalation_id: Mapped[str] = mapped_column(ForeignKey("escalations.id"), unique=True)
    headline: Mapped[str | None] = mapped_column(String(300))
    impact: Mapped[str | None] = mapped_column(Text)
    customer_ask: Mapped[str | None] = mapped_column(Text)
    customer_contact: Mapped[str | None] = mapped_column(String(200))
    tried: Mapped[str | None] = mapped_column(Text)
    root_cause_known: Mapped[bool] = mapped_column(Boolean, default=False)
    root_cause_text: Mapped[str | None] = mapped_column(Text)
    exec_ask_of: Mapped[str | None] = mapped_column(String(200))
    exec_ask: Mapped[str | None] = mapped_column(Text)
    exec_ask_deadline: Mapped[datetime | None]
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    cost_of_inaction: Mapped[str | None] = mapped_column(Text)
    next_update_at: Mapped[datetime | None]


class CasePlanItem(Versioned, Base):
    """One action of a case's written plan, with its owner and due date (migration 0002)."""

    __tablename__ = "case_plan_items"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    escalation_id: Mapped[str] = mapped_column(ForeignKey("escalations.id"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    done_at: Mapped[datetime | None]


class CaseCounter(Base):
    """Hands out human-readable case numbers (ESC-1042) without racing: one row, bumped inside the unit of work."""

    __tablename__ = "case_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    next_number: Mapped[int] = mapped_column(Integer)


class DatabaseMeta(Base):
    """Facts about the database itself, e.g. origin=demo for a generated book of business (shown in the app)."""

    __tablename__ = "database_meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(400))


class ImportLog(Base):
    """One import of a file (migration 0003): what was read, what changed, by whom; `undone_at` once undone."""

    __tablename__ = "import_log"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    preset: Mapped[str] = mapped_column(String(60))
    rows_read: Mapped[int] = mapped_column(Integer)
    created: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    skipped: Mapped[int] = mapped_column(Integer)
    imported_by: Mapped[str] = mapped_column(String(200))
    imported_at: Mapped[datetime]
    undone_at: Mapped[datetime | None]


class ImportItem(Base):
    """A row an import created or updated; `previous` holds the updated row's old values so undo can restore them."""

    __tablename__ = "import_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    import_id: Mapped[str] = mapped_column(ForeignKey("import_log.id", ondelete="CASCADE"), index=True)
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(10))
    previous: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class SupportTicket(Base):
    """A helpdesk ticket imported from Zendesk, Jira, Salesforce, Freshdesk ... (migration 0003).

    `status` / `priority` hold EscDesk's value, None while the source value (`*_raw`, always kept) is unmapped.
    """

    __tablename__ = "support_tickets"
    __table_args__ = (UniqueConstraint("system", "external_id", name="uq_support_tickets_system_id"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    system: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"), index=True)
    subject: Mapped[str] = mapped_column(String(500))
    status: Mapped[str | None] = mapped_column(String(24))
    status_raw: Mapped[str | None] = mapped_column(String(100))
    priority: Mapped[str | None] = mapped_column(String(12))
    priority_raw: Mapped[str | None] = mapped_column(String(100))
    requester_email: Mapped[str | None] = mapped_column(String(320))
    organization: Mapped[str | None] = mapped_column(String(300))
    opened_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    comments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


# The mappings added by later features live in their own modules, next to the code that uses them; importing them
# here makes `Base.metadata` the whole schema wherever the models are imported (the models-match-migrations test,
# the migration fixtures). They import this module, so they come last.
from escdesk.store import deadline_rows, metric_rows, policy_rows, slow_burn_rows  # noqa: E402, F401
