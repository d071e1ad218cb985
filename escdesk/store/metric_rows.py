"""Mappings of migration 0005: customer outcomes and the per-case metric facts the analytics dashboard caches,
plus the dashboard's covering indexes on `escalations` (declared here so the metadata matches the migration).

Kept out of models.py so the analytics stay in their own modules; the classes share the same Base.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from escdesk.store.models import Base, Customer, Escalation, Id

OUTCOME_KINDS = ("renewed", "churned", "downgraded")


class CustomerOutcome(Base):
    """A commercial outcome of an account on a date: renewed, churned or downgraded, with the ARR change."""

    __tablename__ = "customer_outcomes"
    __table_args__ = (UniqueConstraint("customer_id", "occurred_on", "kind", name="uq_customer_outcomes_event"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    customer_id: Mapped[str] = mapped_column(Id, ForeignKey("customers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    occurred_on: Mapped[date]
    arr_change_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    source: Mapped[str] = mapped_column(String(40))
    recorded_at: Mapped[datetime]


class CaseMetricFacts(Base):
    """A closed case's numbers that need its history (see escdesk.metrics.facts): valid while `case_version`
    equals the case's version and `policy_digest` the clock policy's digest."""

    __tablename__ = "case_metric_facts"

    escalation_id: Mapped[str] = mapped_column(Id, ForeignKey("escalations.id", ondelete="CASCADE"), primary_key=True)
    case_version: Mapped[int] = mapped_column(Integer)
    policy_digest: Mapped[str] = mapped_column(String(16))
    cadence_intervals: Mapped[int] = mapped_column(Integer)  # settled update intervals
    cadence_within: Mapped[int] = mapped_column(Integer)
    running_due_s: Mapped[float | None] = mapped_column(Float)  # an active case's running interval is late after
    level_l0_s: Mapped[float | None] = mapped_column(Float)  # seconds at L0 before the current stay; None: never
    level_l1_s: Mapped[float | None] = mapped_column(Float)
    level_l2_s: Mapped[float | None] = mapped_column(Float)
    level_l3_s: Mapped[float | None] = mapped_column(Float)
    level_l4_s: Mapped[float | None] = mapped_column(Float)
    level_l5_s: Mapped[float | None] = mapped_column(Float)
    current_level: Mapped[str | None] = mapped_column(String(4))  # the stay still running (to now), if any
    current_since_s: Mapped[float | None] = mapped_column(Float)
    step_keys: Mapped[str] = mapped_column(Text)  # "acknowledge:1,listen:2": the live steps, in position order
    steps: Mapped[str] = mapped_column(Text)  # one code per step: o on time, l late, s skipped, p pending, d due
    open_due: Mapped[str] = mapped_column(Text)  # "3=1767225600.0;...": open steps' due instants (epoch s)
    computed_at: Mapped[datetime]


_facts = CaseMetricFacts.__table__.c
Index("ix_case_metric_facts_reading", _facts.escalation_id, _facts.case_version, _facts.policy_digest,
      _facts.cadence_intervals, _facts.cadence_within, _facts.running_due_s, _facts.level_l0_s, _facts.level_l1_s,
      _facts.level_l2_s, _facts.level_l3_s, _facts.level_l4_s, _facts.level_l5_s, _facts.current_level,
      _facts.current_since_s)  # fmt: skip
_cases = Escalation.__table__.c
Index("ix_escalations_metrics", _cases.opened_at, _cases.deleted_at, _cases.customer_id, _cases.severity, _cases.pace,
      _cases.version, _cases.acknowledged_at, _cases.resolved_at, _cases.closed_at, _cases.id)  # fmt: skip
Index("ix_escalations_customer_history", _cases.customer_id, _cases.opened_at, _cases.closed_at, _cases.deleted_at,
      _cases.id)  # fmt: skip
Index("ix_escalations_closed_metrics", _cases.closed_at, _cases.deleted_at, _cases.customer_id, _cases.root_cause,
      _cases.arr_at_risk_cents, _cases.id)  # fmt: skip
_customers = Customer.__table__.c
Index("ix_customers_metrics", _customers.id, _customers.deleted_at, _customers.created_at, _customers.band,
      _customers.csm_id, _customers.arr_cents)  # fmt: skip
