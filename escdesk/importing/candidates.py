"""Escalation candidates from imported tickets: proposed to the user, who confirms each one into a case.

A ticket is flagged when its source marked it escalated (Salesforce `Escalated`, RavenStack `escalation_flag`) or
when it is urgent or high and carries an `escalated` tag or status. An account is flagged when it opened
VOLUME_RED tickets or more in the 30 days up to the newest imported ticket: DESIGN section 4's red ticket volume
(16+ a month). The window ends at the export's newest ticket, not today, because an export is a picture of its own
moment. Tickets already linked to a case, and tickets not linked to a customer, propose nothing (the report counts
the latter: a case needs its customer).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from escdesk.domain import CaseCard, CaseType, NewCase, Pace, Severity
from escdesk.services import CaseService
from escdesk.store.models import Customer, EscalationTicket, SupportTicket

VOLUME_RED = 16
VOLUME_WINDOW = timedelta(days=30)
MAX_VOLUME_TICKETS = 20  # linked to a volume case: enough to start from, not the whole month
FLAG_PRIORITIES = frozenset({"urgent", "high"})


@dataclass(frozen=True)
class EscalationCandidate:
    """One proposed case: a customer, why, the tickets to link (`system:key`) and the suggested classification."""

    customer_id: str
    customer_name: str
    title: str
    reasons: tuple[str, ...]
    tickets: tuple[str, ...]
    severity: str
    case_type: str
    pace: str

    def describe(self) -> str:
        return f"{self.customer_name}: {self.title} ({self.severity}; {'; '.join(self.reasons)})"


class TicketFacts(NamedTuple):
    """What the candidate rules read of one ticket; `key` is `system:external id`, as cases link tickets. A named
    tuple: one is made for every ticket of an import."""

    id: str
    key: str
    customer_id: str | None
    subject: str
    priority: str | None
    opened_at: datetime | None
    flag: str | None  # why it is flagged, or None


def _flag(escalated: bool, priority: str | None, status_raw: str | None, labels: Sequence[str] | None) -> str | None:
    if escalated:
        return "marked escalated in the source"
    if priority not in FLAG_PRIORITIES:  # first: most tickets stop here, before their words are looked at
        return None
    words = {label.casefold() for label in labels or ()} | {(status_raw or "").casefold()}
    if any("escalat" in w for w in words):
        return f"{priority} and tagged escalated"
    return None


def ticket_of(row: Mapping[str, Any], system: str) -> TicketFacts:
    """A ticket as the import wrote it (the writer's row), flagged or not."""
    priority = row.get("priority")
    flag = _flag(bool(row.get("escalated")), priority, row.get("status_raw"), row.get("labels"))
    return TicketFacts(row["id"], f"{system}:{row['external_id']}", row.get("customer_id"), row.get("subject") or "",
                       priority, row.get("opened_at"), flag)  # fmt: skip


def _linked_to_cases(session: Session, keys: list[str]) -> set[str]:
    pairs = [tuple(k.split(":", 1)) for k in keys]
    linked: set[str] = set()
    for start in range(0, len(pairs), 500):
        chunk = pairs[start : start + 500]
        stmt = select(EscalationTicket.system, EscalationTicket.ticket_key).where(
            tuple_(EscalationTicket.system, EscalationTicket.ticket_key).in_(chunk)
        )
        linked |= {f"{system}:{key}" for system, key in session.execute(stmt)}
    return linked


def find_candidates(session: Session, tickets: list[TicketFacts]) -> tuple[list[EscalationCandidate], int]:
    """(candidates, flagged tickets without a customer) for the tickets of one import (see ticket_of)."""
    linked = _linked_to_cases(session, [t.key for t in tickets if t.flag])
    flagged: dict[str, list[TicketFacts]] = defaultdict(list)
    unlinked = 0
    for ticket in tickets:
        if ticket.flag and ticket.key not in linked:
            if ticket.customer_id is None:
                unlinked += 1
            else:
                flagged[ticket.customer_id].append(ticket)
    volume = _volume(session, tickets)
    names = _names(session, set(flagged) | set(volume))
    candidates = [_candidate(c, names[c], flagged.get(c, []), volume.get(c)) for c in set(flagged) | set(volume)]
    candidates.sort(key=lambda c: (c.severity, -len(c.tickets), c.customer_name))
    return candidates, unlinked


def _volume(session: Session, tickets: list[TicketFacts]) -> dict[str, list[TicketFacts]]:
    """Customers with VOLUME_RED+ tickets (any import) in the 30 days up to the newest imported ticket."""
    stamps = [t.opened_at for t in tickets if t.opened_at is not None]
    customers = {t.customer_id for t in tickets if t.customer_id is not None}
    if not stamps or not customers:
        return {}
    end = max(stamps)
    stmt = select(SupportTicket.id, SupportTicket.system, SupportTicket.external_id, SupportTicket.customer_id,
                  SupportTicket.subject, SupportTicket.priority, SupportTicket.opened_at).where(
        SupportTicket.opened_at > end - VOLUME_WINDOW, SupportTicket.opened_at <= end,
        SupportTicket.customer_id.is_not(None))  # fmt: skip
    recent: dict[str, list[TicketFacts]] = defaultdict(list)
    for row in session.execute(stmt):
        if row.customer_id in customers:
            ticket = TicketFacts(row.id, f"{row.system}:{row.external_id}", row.customer_id, row.subject, row.priority,
                             row.opened_at, None)  # fmt: skip
            recent[row.customer_id].append(ticket)
    return {c: sorted(ts, key=lambda t: t.opened_at or end) for c, ts in recent.items() if len(ts) >= VOLUME_RED}


def _names(session: Session, customer_ids: set[str]) -> dict[str, str]:
    if not customer_ids:
        return {}
    return dict(session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(customer_ids))).all())


def _candidate(
    customer_id: str, name: str, flagged: list[TicketFacts], volume: list[TicketFacts] | None
) -> EscalationCandidate:
    reasons = [f"{t.key} {t.flag}" for t in flagged]
    if volume:
        reasons.append(f"{len(volume)} tickets in 30 days (red from {VOLUME_RED})")
    urgent = any(t.priority == "urgent" for t in flagged)
    if flagged:
        title = f"Escalated ticket: {flagged[0].subject}" if len(flagged) == 1 else f"{len(flagged)} escalated tickets"
        tickets = [t.key for t in flagged]
    else:
        recent = volume or []
        title, tickets = f"{len(recent)} tickets in 30 days", [t.key for t in recent[-MAX_VOLUME_TICKETS:]]
    return EscalationCandidate(
        customer_id=customer_id,
        customer_name=name,
        title=title[:300],
        reasons=tuple(reasons),
        tickets=tuple(tickets),
        severity=(Severity.S2 if urgent else Severity.S3).value,
        case_type=(CaseType.PRODUCT_BUG if flagged else CaseType.SUPPORT_EXPERIENCE).value,
        pace=(Pace.FAST if flagged else Pace.SLOW_BURN).value,
    )


def open_candidates(service: CaseService, chosen: Iterable[EscalationCandidate]) -> list[CaseCard]:
    """Open the confirmed candidates as cases (each its own transaction, like a case opened by hand)."""
    cards = []
    for candidate in chosen:
        new = NewCase(
            candidate.customer_id,
            candidate.title,
            CaseType(candidate.case_type),
            Severity(candidate.severity),
            Pace(candidate.pace),
            description="Proposed by the ticket import: " + "; ".join(candidate.reasons),
            tickets=candidate.tickets,
        )
        cards.append(service.open_case(new))
    return cards
