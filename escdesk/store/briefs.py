"""The brief fields of a case (case_briefs, case_plan_items): read as rows inside a unit of work, written whole.

A brief is edited as one form, so saving replaces its plan items (soft-deleting the old ones keeps what the plan
said before, for the audit and for sync) and updates the one brief row under its version.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from escdesk.store.models import CaseBrief, CasePlanItem, Person


class BriefRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def brief(self, case_id: str) -> CaseBrief | None:
        stmt = select(CaseBrief).where(CaseBrief.escalation_id == case_id, CaseBrief.deleted_at.is_(None))
        return self.session.scalars(stmt).one_or_none()

    def plan(self, case_id: str) -> list[CasePlanItem]:
        stmt = select(CasePlanItem).where(CasePlanItem.escalation_id == case_id, CasePlanItem.deleted_at.is_(None))
        return list(self.session.scalars(stmt.order_by(CasePlanItem.position, CasePlanItem.id)))

    def add(self, row: CaseBrief | CasePlanItem) -> None:
        self.session.add(row)

    def retire_plan(self, case_id: str, at: datetime) -> None:
        """Soft-delete the live plan items of a case (a saved plan replaces them)."""
        stmt = (
            update(CasePlanItem)
            .where(CasePlanItem.escalation_id == case_id, CasePlanItem.deleted_at.is_(None))
            .values(deleted_at=at, updated_at=at, version=CasePlanItem.version + 1)
        )
        self.session.execute(stmt)

    def names(self, person_ids: list[str | None]) -> dict[str, str]:
        """Names of the people with these ids (None ids are skipped), in one query."""
        wanted = {pid for pid in person_ids if pid}
        if not wanted:
            return {}
        rows = self.session.execute(select(Person.id, Person.name).where(Person.id.in_(wanted)))
        return {pid: name for pid, name in rows}
