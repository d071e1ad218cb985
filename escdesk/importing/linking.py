"""Which customer a ticket belongs to: by external id, then e-mail domain, then exact name. Close names are only
proposed (difflib), because linking a ticket to the wrong account is worse than leaving it for a person."""

from __future__ import annotations

import difflib

from sqlalchemy import select
from sqlalchemy.orm import Session

from escdesk.importing.records import TicketRecord
from escdesk.importing.report import ImportReport, LinkProposal
from escdesk.store.models import Customer, CustomerExternalId

FUZZY_CUTOFF = 0.85


class CustomerLinker:
    def __init__(self, session: Session, system: str) -> None:
        self.by_id: dict[str, str] = {}
        for row_system, external_id, customer_id in session.execute(
            select(CustomerExternalId.system, CustomerExternalId.external_id, CustomerExternalId.customer_id)
        ):
            # The ticket's own system wins over another system that happens to use the same id.
            if row_system == system or external_id not in self.by_id:
                self.by_id[external_id] = customer_id
        live = select(Customer.id, Customer.name, Customer.domain).where(Customer.deleted_at.is_(None))
        rows = session.execute(live).all()
        self.by_domain = {d.casefold(): i for i, _, d in rows if d}
        self.by_name = {n.casefold(): i for i, n, _ in rows}
        self.names = {n.casefold(): (i, n) for i, n, _ in rows}
        self._proposed: set[str] = set()

    def link(self, ticket: TicketRecord, report: ImportReport) -> str | None:
        if ticket.customer_external_id and ticket.customer_external_id in self.by_id:
            return self._hit(report, "by id", self.by_id[ticket.customer_external_id])
        domain = _domain(ticket.requester_email)
        if domain and domain in self.by_domain:
            return self._hit(report, "by e-mail domain", self.by_domain[domain])
        name = (ticket.organization or "").casefold().strip()
        if name and name in self.by_name:
            return self._hit(report, "by name", self.by_name[name])
        if name:
            self._propose(ticket, name, report)
        report.links["not linked"] += 1
        return None

    def _hit(self, report: ImportReport, how: str, customer_id: str) -> str:
        report.links[how] += 1
        return customer_id

    def _propose(self, ticket: TicketRecord, name: str, report: ImportReport) -> None:
        if name in self._proposed:  # one proposal per organisation name, not one per ticket
            return
        self._proposed.add(name)
        close = difflib.get_close_matches(name, self.names.keys(), n=1, cutoff=FUZZY_CUTOFF)
        if close:
            customer_id, customer_name = self.names[close[0]]
            proposal = LinkProposal(
                ticket.line, ticket.external_id, ticket.organization or "", customer_id, customer_name
            )
            report.proposals.append(proposal)


def _domain(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    return email.rsplit("@", 1)[1].strip().casefold() or None
