"""What the full case report says: the brief's content uncut, plus everything a brief leaves out.

A plain, frozen object built by escdesk.case_report_service from the store; the PDF builder (case_report.py) reads
nothing else, so a report is reproducible from its content alone, like the brief. Redaction (`redacted`) follows
the brief's rule: ARR figures, amounts in free text and the people the account box names go, wherever they appear.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from escdesk.briefs.content import BriefContent
from escdesk.briefs.redact import redact as redact_brief
from escdesk.briefs.redact import scrubber
from escdesk.domain import CaseStatus, Direction, EventKind, HealthPoint, InvolvementStatus, StepStatus


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One entry of the case's whole history, bookkeeping included, in words."""

    at: datetime
    actor: str
    kind: EventKind
    text: str


@dataclass(frozen=True, slots=True)
class ChecklistLine:
    position: int
    title: str
    required: bool
    status: StepStatus
    due_at: datetime | None
    done_by: str | None = None
    done_at: datetime | None = None
    note: str | None = None

    def overdue(self, now: datetime) -> bool:
        return self.status is StepStatus.OPEN and self.due_at is not None and self.due_at < now


@dataclass(frozen=True, slots=True)
class InvolvementLine:
    """A functional leader brought in (or proposed): who, in which role, what became of it, who decided and why."""

    role: str
    person: str | None
    status: InvolvementStatus
    due_at: datetime | None
    reason: str | None
    decided_by: str | None = None
    decided_at: datetime | None = None
    done_at: datetime | None = None
    rule: str | None = None


@dataclass(frozen=True, slots=True)
class ContactLine:
    """A note or a logged contact with the customer."""

    at: datetime
    actor: str
    kind: EventKind  # NOTE or CUSTOMER_CONTACT
    body: str
    channel: str | None = None
    direction: Direction | None = None


@dataclass(frozen=True, slots=True)
class CaseReportContent:
    brief: BriefContent  # every brief field; the report prints them whole
    title: str
    status: CaseStatus
    owner: str | None
    history: tuple[HistoryLine, ...]
    checklist: tuple[ChecklistLine, ...]
    involvements: tuple[InvolvementLine, ...]
    contacts: tuple[ContactLine, ...]
    health: tuple[HealthPoint, ...]  # the customer's whole recorded history, oldest first
    plan_derived: bool = False  # no written plan: the brief's plan is the checklist and involvement dates

    @property
    def reference(self) -> str:
        return self.brief.reference

    @property
    def generated_at(self) -> datetime:
        return self.brief.generated_at


def redacted(content: CaseReportContent) -> CaseReportContent:
    """The copy for a wider audience: the brief redacted as the brief is, the rest scrubbed by the same rule."""
    scrub = scrubber(content.brief.named_people)
    return replace(
        content,
        brief=redact_brief(content.brief),
        title=scrub(content.title),
        owner=_maybe(scrub, content.owner),
        history=tuple(replace(h, actor=scrub(h.actor), text=scrub(h.text)) for h in content.history),
        checklist=tuple(
            replace(c, title=scrub(c.title), done_by=_maybe(scrub, c.done_by), note=_maybe(scrub, c.note))
            for c in content.checklist
        ),
        involvements=tuple(
            replace(
                i,
                person=_maybe(scrub, i.person),
                reason=_maybe(scrub, i.reason),
                decided_by=_maybe(scrub, i.decided_by),
            )
            for i in content.involvements
        ),
        contacts=tuple(replace(c, actor=scrub(c.actor), body=scrub(c.body)) for c in content.contacts),
    )


def _maybe(scrub: Callable[[str], str], text: str | None) -> str | None:
    return None if text is None else scrub(text)


def case_report_file_name(number: int) -> str:
    """ESC-1234 full case report.pdf: sorts beside "ESC-1234 brief.pdf" in a folder of exports."""
    return f"ESC-{number} full case report.pdf"
