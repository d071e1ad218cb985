"""Deadlines a person set on a case (migration 0007), and the reads the clocks and the workspace need.

A row is never deleted: meeting or clearing a deadline fills `met_at` / `cleared_at` (who and why go into the
case history, case_events), so the record of what was promised stays. The clocks read every uncleared deadline of
every open case in one statement, beside their two other queries.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from escdesk.deadlines import PersonDeadline
from escdesk.store.models import Base, Escalation, Id


class CaseDeadline(Base):
    """One deadline a person set: what (label), when (due_at, UTC), who set it and when; met or cleared later."""

    __tablename__ = "case_deadlines"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    escalation_id: Mapped[str] = mapped_column(ForeignKey("escalations.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime]
    set_by: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime]
    met_at: Mapped[datetime | None]
    met_by: Mapped[str | None] = mapped_column(String(200))
    cleared_at: Mapped[datetime | None]
    cleared_by: Mapped[str | None] = mapped_column(String(200))


def to_deadline(row: CaseDeadline) -> PersonDeadline:
    return PersonDeadline(
        row.id, row.escalation_id, row.label, row.due_at, row.set_by, row.set_at, row.met_at, row.met_by, row.cleared_at
    )


def case_deadlines(session: Session, case_id: str) -> list[PersonDeadline]:
    """The case's uncleared deadlines, soonest first."""
    stmt = (
        select(CaseDeadline)
        .where(CaseDeadline.escalation_id == case_id, CaseDeadline.cleared_at.is_(None))
        .order_by(CaseDeadline.due_at, CaseDeadline.id)
    )
    return [to_deadline(row) for row in session.scalars(stmt)]


def open_case_deadlines(session: Session) -> dict[str, list[PersonDeadline]]:
    """Every uncleared deadline of every open case (the board's definition: not closed, not deleted), by case."""
    stmt = (
        select(CaseDeadline)
        .join(Escalation, Escalation.id == CaseDeadline.escalation_id)
        .where(Escalation.closed_at.is_(None), Escalation.deleted_at.is_(None), CaseDeadline.cleared_at.is_(None))
        .order_by(CaseDeadline.escalation_id, CaseDeadline.due_at, CaseDeadline.id)
    )
    by_case: dict[str, list[PersonDeadline]] = defaultdict(list)
    for row in session.scalars(stmt):
        by_case[row.escalation_id].append(to_deadline(row))
    return by_case
