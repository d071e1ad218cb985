"""Use cases for the deadlines a person sets on a case: set, meet, clear, and the list the workspace shows.

Each is one unit of work on the case, like every other change to it (escdesk.services): the version the person saw
is checked and bumped, and a `deadline_changed` entry goes into the history with who, when, what and why. The
deadline itself is stored as given (escdesk.store.deadline_rows) and never recomputed (escdesk.deadlines).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from escdesk.deadlines import PersonDeadline, check_label, utc_instant
from escdesk.domain import CaseCard, CaseStatus, EventKind
from escdesk.errors import InvalidOperation, NotFound
from escdesk.ids import new_id
from escdesk.services import CaseService
from escdesk.store import UnitOfWork
from escdesk.store.deadline_rows import CaseDeadline, case_deadlines
from escdesk.store.models import Escalation

SET, MET, CLEARED = "set", "met", "cleared"


def deadline_words(label: str, due_at: datetime) -> str:
    """What the history says about the deadline: 'Fix promised · due 2026-12-04 16:00 UTC' (UTC: the history
    is read in many zones; the workspace shows the user's)."""
    return f"{label} · due {due_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


@dataclass
class DeadlineService:
    """Deadlines through the case service's unit of work (its store, clock, actor and version checks)."""

    cases: CaseService

    def deadlines(self, case_id: str) -> list[PersonDeadline]:
        """The case's deadlines not cleared, soonest first (met ones included, marked)."""
        with self.cases.store.read() as uow:
            return case_deadlines(uow.session, case_id)

    def set(self, case_id: str, label: str, due_at: datetime, reason: str, expected_version: int) -> CaseCard:
        """A new deadline at exactly `due_at` (any aware instant: the editor gives the user's zone)."""
        try:
            label, due = check_label(label), utc_instant(due_at)
        except ValueError as exc:
            raise InvalidOperation(str(exc)) from None

        def apply(uow: UnitOfWork, case: Escalation) -> None:
            if not CaseStatus(case.status).is_active:
                raise InvalidOperation(f"ESC-{case.number} is {case.status}; reopen it before setting a deadline")
            now = self.cases.clock.now()
            uow.session.add(
                CaseDeadline(
                    id=new_id(), escalation_id=case.id, label=label, due_at=due, set_by=self.cases.actor, set_at=now
                )
            )
            self._record(uow, case, None, SET, deadline_words(label, due), reason)

        return self.cases._change(case_id, expected_version, apply)

    def meet(self, case_id: str, deadline_id: str, note: str, expected_version: int) -> CaseCard:
        """The deadline was met (now): it stops, and stays listed as met."""

        def apply(uow: UnitOfWork, case: Escalation) -> None:
            row = self._open_row(uow, case, deadline_id)
            row.met_at, row.met_by = self.cases.clock.now(), self.cases.actor
            self._record(uow, case, "open", MET, deadline_words(row.label, row.due_at), note)

        return self.cases._change(case_id, expected_version, apply)

    def clear(self, case_id: str, deadline_id: str, reason: str, expected_version: int) -> CaseCard:
        """The deadline no longer holds (the customer moved the call): gone from the clocks; the reason is kept."""
        why = reason.strip()
        if not why:
            raise InvalidOperation("clearing a deadline needs a reason; it is recorded in the case history")

        def apply(uow: UnitOfWork, case: Escalation) -> None:
            row = self._row(uow, case, deadline_id)
            if row.cleared_at is not None:
                raise InvalidOperation(f"ESC-{case.number}: the deadline '{row.label}' is already cleared")
            before = "open" if row.met_at is None else MET
            row.cleared_at, row.cleared_by = self.cases.clock.now(), self.cases.actor
            self._record(uow, case, before, CLEARED, deadline_words(row.label, row.due_at), why)

        return self.cases._change(case_id, expected_version, apply)

    # -- helpers --------------------------------------------------------------------------------------------------
    def _row(self, uow: UnitOfWork, case: Escalation, deadline_id: str) -> CaseDeadline:
        row = uow.session.get(CaseDeadline, deadline_id)
        if row is None or row.escalation_id != case.id:
            raise NotFound(f"ESC-{case.number} has no deadline {deadline_id}")
        return row

    def _open_row(self, uow: UnitOfWork, case: Escalation, deadline_id: str) -> CaseDeadline:
        row = self._row(uow, case, deadline_id)
        if row.met_at is not None or row.cleared_at is not None:
            state = "met" if row.met_at is not None else "cleared"
            raise InvalidOperation(f"ESC-{case.number}: the deadline '{row.label}' is already {state}")
        return row

    def _record(self, uow: UnitOfWork, case: Escalation, before: str | None, after: str, body: str, why: str) -> None:
        self.cases._record(
            uow,
            case,
            EventKind.DEADLINE_CHANGED,
            from_value=before,
            to_value=after,
            body=body,
            reason=why.strip() or None,
        )
