"""imports: the import log, what each import changed (for undo), and imported support tickets

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 12:00:00

- import_log: one row per import (file name, sha256, counts, user, time; undone_at once undone).
- import_items: each row an import created or updated, with the updated row's previous values. Undo reads this
  list instead of an `import_id` column on every imported table: an update has no "created by" to mark, and
  restoring it needs the old values anyway.
- support_tickets: tickets from helpdesk exports, unique by (system, external_id) so re-imports upsert; the raw
  status and priority are kept next to the mapped ones, so an unknown value is never lost.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_log",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("preset", sa.String(length=60), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_log")),
    )
    op.create_table(
        "import_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("import_id", sa.String(length=26), nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("previous", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"], ["import_log.id"], name=op.f("fk_import_items_import_id_import_log"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_items")),
    )
    with op.batch_alter_table("import_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_items_import_id"), ["import_id"], unique=False)
    op.create_table(
        "support_tickets",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("system", sa.String(length=40), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("customer_id", sa.String(length=26), nullable=True),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=True),
        sa.Column("status_raw", sa.String(length=100), nullable=True),
        sa.Column("priority", sa.String(length=12), nullable=True),
        sa.Column("priority_raw", sa.String(length=100), nullable=True),
        sa.Column("requester_email", sa.String(length=320), nullable=True),
        sa.Column("organization", sa.String(length=300), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("comments", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_support_tickets_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_tickets")),
        sa.UniqueConstraint("system", "external_id", name="uq_support_tickets_system_id"),
    )
    with op.batch_alter_table("support_tickets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_support_tickets_customer_id"), ["customer_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("support_tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_tickets_customer_id"))
    op.drop_table("support_tickets")
    with op.batch_alter_table("import_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_items_import_id"))
    op.drop_table("import_items")
    op.drop_table("import_log")
