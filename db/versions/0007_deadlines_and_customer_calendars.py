"""deadlines a person set, and a calendar per customer

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 13:30:00

- case_deadlines: a deadline a person set on a case ("the customer expects the fix by Fri 17:00"): label, the
  instant (UTC), who set it and when, met or cleared later (by whom, when). Rows are never deleted; the history
  (case_events) keeps who did what and why. The clocks read it as it is: it never moves (issue 5).
- customers.calendar: the name of the business calendar the customer's cases run on (e.g. 24/7 support);
  NULL: the policy's calendar rules decide, as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_deadlines",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("escalation_id", sa.String(length=26), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(length=200), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("met_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("met_by", sa.String(length=200), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["escalation_id"], ["escalations.id"], name=op.f("fk_case_deadlines_escalation_id_escalations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_deadlines")),
    )
    with op.batch_alter_table("case_deadlines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_deadlines_escalation_id"), ["escalation_id"], unique=False)
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("calendar")
    with op.batch_alter_table("case_deadlines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_deadlines_escalation_id"))
    op.drop_table("case_deadlines")
