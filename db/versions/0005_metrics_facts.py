"""escalation analytics: customer outcomes, per-case metric facts, covering indexes for the dashboard

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 12:40:00

- customer_outcomes: what happened to an account commercially (renewed, churned, downgraded) on a date, with the
  ARR change and where the fact came from (a CRM export, the demo, a person); the dashboard's "outcome after
  escalation" reads it. Unique per (customer, date, kind), so importing the same export twice changes nothing.
- case_metric_facts: the per-case numbers of the analytics dashboard that take the case's history to compute
  (business-time update cadence, time at each level, checklist step outcomes), with what still runs on an open
  case kept as instants so the reading finishes it for any `now`; recomputed when the case's version or the
  policy's clock settings change (escdesk.metrics.facts). A cache: deleting every row loses nothing. Its index
  ix_case_metric_facts_reading holds every column the dashboard reads per case, so it never touches the rows.
- ix_escalations_metrics: (opened_at, deleted_at, customer_id, ...) so the dashboard reads the cases of a period
  from the index alone; ix_escalations_customer_history: the same for the re-escalation pass over every account;
  ix_escalations_closed_metrics for the root causes of the cases closed in a period; ix_customers_metrics for
  the accounts' band, CSM and ARR (a scan of the index, and look-ups by id, never touch the wide rows).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

METRICS_COLUMNS = ("opened_at", "deleted_at", "customer_id", "severity", "pace", "version", "acknowledged_at",
                   "resolved_at", "closed_at", "id")  # fmt: skip
HISTORY_COLUMNS = ("customer_id", "opened_at", "closed_at", "deleted_at", "id")
CLOSED_COLUMNS = ("closed_at", "deleted_at", "customer_id", "root_cause", "arr_at_risk_cents", "id")
CUSTOMER_COLUMNS = ("id", "deleted_at", "created_at", "band", "csm_id", "arr_cents")
FACTS_READING_COLUMNS = (
    "escalation_id",
    "case_version",
    "policy_digest",
    "cadence_intervals",
    "cadence_within",
    "running_due_s",
    *(f"level_l{i}_s" for i in range(6)),
    "current_level",
    "current_since_s",
)


def upgrade() -> None:
    op.create_table(
        "customer_outcomes",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("customer_id", sa.String(length=26), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("arr_change_cents", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_customer_outcomes_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_outcomes")),
        sa.UniqueConstraint("customer_id", "occurred_on", "kind", name="uq_customer_outcomes_event"),
    )  # fmt: skip
    op.create_table(
        "case_metric_facts",
        sa.Column("escalation_id", sa.String(length=26), nullable=False),
        sa.Column("case_version", sa.Integer(), nullable=False),
        sa.Column("policy_digest", sa.String(length=16), nullable=False),
        sa.Column("cadence_intervals", sa.Integer(), nullable=False),
        sa.Column("cadence_within", sa.Integer(), nullable=False),
        sa.Column("running_due_s", sa.Float(), nullable=True),
        *(sa.Column(f"level_l{i}_s", sa.Float(), nullable=True) for i in range(6)),
        sa.Column("current_level", sa.String(length=4), nullable=True),
        sa.Column("current_since_s", sa.Float(), nullable=True),
        sa.Column("step_keys", sa.Text(), nullable=False),
        sa.Column("steps", sa.Text(), nullable=False),
        sa.Column("open_due", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["escalation_id"], ["escalations.id"], name=op.f("fk_case_metric_facts_escalation_id_escalations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("escalation_id", name=op.f("pk_case_metric_facts")),
    )  # fmt: skip
    with op.batch_alter_table("case_metric_facts", schema=None) as batch_op:
        batch_op.create_index("ix_case_metric_facts_reading", list(FACTS_READING_COLUMNS), unique=False)
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.create_index("ix_escalations_metrics", list(METRICS_COLUMNS), unique=False)
        batch_op.create_index("ix_escalations_customer_history", list(HISTORY_COLUMNS), unique=False)
        batch_op.create_index("ix_escalations_closed_metrics", list(CLOSED_COLUMNS), unique=False)
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index("ix_customers_metrics", list(CUSTOMER_COLUMNS), unique=False)


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index("ix_customers_metrics")
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_index("ix_escalations_closed_metrics")
        batch_op.drop_index("ix_escalations_customer_history")
        batch_op.drop_index("ix_escalations_metrics")
    with op.batch_alter_table("case_metric_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_case_metric_facts_reading")
    op.drop_table("case_metric_facts")
    op.drop_table("customer_outcomes")
