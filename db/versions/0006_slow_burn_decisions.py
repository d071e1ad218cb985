"""slow-burn scan: dismissed proposals, and an index for reading recent health

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 13:00:00

- slow_burn_decisions: a proposal a person dismissed (with the reason) or confirmed (with the case opened), the
  signals behind it (signal_key), who and when; the scan never proposes the same signals again
  (escdesk.slow_burn_service). Append-only.
- ix_health_scores_recent (measured_on, customer_id, score): the scan reads the last five weeks of every
  customer's health from this index alone, so it stays fast however many years of history pile up.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slow_burn_decisions",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("customer_id", sa.String(length=26), nullable=False),
        sa.Column("signal_key", sa.String(length=400), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("proposal_reason", sa.Text(), nullable=False),
        sa.Column("escalation_id", sa.String(length=26), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_slow_burn_decisions_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["escalation_id"], ["escalations.id"], name=op.f("fk_slow_burn_decisions_escalation_id_escalations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slow_burn_decisions")),
    )
    with op.batch_alter_table("slow_burn_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_slow_burn_decisions_customer_id"), ["customer_id"], unique=False)
    with op.batch_alter_table("health_scores", schema=None) as batch_op:
        batch_op.create_index("ix_health_scores_recent", ["measured_on", "customer_id", "score"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("health_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_health_scores_recent")
    with op.batch_alter_table("slow_burn_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slow_burn_decisions_customer_id"))
    op.drop_table("slow_burn_decisions")
