"""brief fields: what an executive brief says beyond the case itself

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 11:05:00

Two tables rather than columns on `escalations`: the brief fields are long free text that the board never loads
(the card query stays narrow), they are edited separately from the case (their own version column, so editing the
plan does not make a level move stale), and a case has many plan items.

- case_briefs: at most one live row per case (unique escalation_id); the text fields, the ask of the executive
  and its deadline, the options (JSON list of {title, detail, recommended}) and the next update.
- case_plan_items: the written plan, one row per action, with an owner and a due date, ordered by position.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _versioned() -> list[sa.Column[object]]:
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "case_briefs",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("escalation_id", sa.String(length=26), nullable=False),
        sa.Column("headline", sa.String(length=300), nullable=True),
        sa.Column("impact", sa.Text(), nullable=True),
        sa.Column("customer_ask", sa.Text(), nullable=True),
        sa.Column("customer_contact", sa.String(length=200), nullable=True),
        sa.Column("tried", sa.Text(), nullable=True),
        sa.Column("root_cause_known", sa.Boolean(), nullable=False),
        sa.Column("root_cause_text", sa.Text(), nullable=True),
        sa.Column("exec_ask_of", sa.String(length=200), nullable=True),
        sa.Column("exec_ask", sa.Text(), nullable=True),
        sa.Column("exec_ask_deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("cost_of_inaction", sa.Text(), nullable=True),
        sa.Column("next_update_at", sa.DateTime(timezone=True), nullable=True),
        *_versioned(),
        sa.ForeignKeyConstraint(
            ["escalation_id"], ["escalations.id"], name=op.f("fk_case_briefs_escalation_id_escalations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_briefs")),
        sa.UniqueConstraint("escalation_id", name=op.f("uq_case_briefs_escalation_id")),
    )
    op.create_table(
        "case_plan_items",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("escalation_id", sa.String(length=26), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        *_versioned(),
        sa.ForeignKeyConstraint(
            ["escalation_id"], ["escalations.id"], name=op.f("fk_case_plan_items_escalation_id_escalations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_plan_items")),
    )
    with op.batch_alter_table("case_plan_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_plan_items_escalation_id"), ["escalation_id"], unique=False)
    # The weekly report groups by these: opened and closed in a week, root causes of the closed ones.
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.create_index("ix_escalations_closed_at", ["closed_at"], unique=False)
        batch_op.create_index("ix_escalations_opened_at", ["opened_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_index("ix_escalations_opened_at")
        batch_op.drop_index("ix_escalations_closed_at")
    with op.batch_alter_table("case_plan_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_plan_items_escalation_id"))
    op.drop_table("case_plan_items")
    op.drop_table("case_briefs")
