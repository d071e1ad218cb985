"""policy rules: signals set on a case, stored policy versions, one proposed involvement per rule and role

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 13:00:00

- escalation_flags: the signals a person sets on a case (exec contact, legal letter, press ...) that rules read
  as `case.flags`; one row per (case, signal) while it is set; setting and clearing are both in case_events.
- policy_versions: the JSON of every policy version a case was opened or re-applied under, so a case keeps the
  rules it started with until the user re-applies the policy in force.
- involvements: a unique index on (escalation_id, rule_key, role), so syncing a rule's proposals twice cannot duplicate
  them (rows a person added by hand have no rule_key, and NULLs never collide).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "escalation_flags",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("escalation_id", sa.String(length=26), nullable=False),
        sa.Column("flag", sa.String(length=40), nullable=False),
        sa.Column("set_by", sa.String(length=200), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalations.id"],
            name=op.f("fk_escalation_flags_escalation_id_escalations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_flags")),
        sa.UniqueConstraint("escalation_id", "flag", name="uq_escalation_flags_case_flag"),
    )
    op.create_table(
        "policy_versions",
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_policy_versions")),
    )
    with op.batch_alter_table("involvements", schema=None) as batch_op:
        batch_op.create_index("uq_involvements_rule_role", ["escalation_id", "rule_key", "role"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("involvements", schema=None) as batch_op:
        batch_op.drop_index("uq_involvements_rule_role")
    op.drop_table("policy_versions")
    op.drop_table("escalation_flags")
