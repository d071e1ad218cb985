"""Mappings of migration 0004 (signals set on a case, stored policy versions) and the reads the rules need.

Kept out of models.py so the rules feature stays in its own modules; the classes share the same Base, so the
schema is still one metadata.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from escdesk.store.models import Base, Id, Involvement


class EscalationFlag(Base):
    """A signal set on a case while it holds (deleted when cleared; both changes are in case_events)."""

    __tablename__ = "escalation_flags"
    __table_args__ = (UniqueConstraint("escalation_id", "flag", name="uq_escalation_flags_case_flag"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    escalation_id: Mapped[str] = mapped_column(Id, ForeignKey("escalations.id", ondelete="CASCADE"))
    flag: Mapped[str] = mapped_column(String(40))
    set_by: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime]


class PolicyVersion(Base):
    """The JSON of a policy version some case was opened or re-applied under."""

    __tablename__ = "policy_versions"

    version: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    data: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime]


# One proposal per rule and role on a case, so two syncs can never both insert it (rows added by hand have no
# rule_key, and NULLs never collide). Declared here, beside the feature that needs it, on the existing table.
Index("uq_involvements_rule_role", Involvement.escalation_id, Involvement.rule_key, Involvement.role, unique=True)
