"""The slow-burn scan over the whole book of business, and what a person does with its proposals.

`scan()` reads every customer's last five weeks of health, ticket counts and recorded sponsor changes in a few
statements (escdesk.store.slow_burn_rows) and applies the triggers of escdesk.slow_burn. `confirm()` opens the
case through CaseService.open_case (health decline, slow-burn pace, source "slow_burn_scan"); `dismiss()` needs a
reason. Both are remembered, so the same signals are never proposed again.

When it runs: the desktop app scans once a day (at start and on a timer, ui.slow_burn_dialog) and
`scan_after_import` is meant to be called once an import has been applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from escdesk.clock import Clock
from escdesk.domain import CaseCard, CaseType, NewCase, Pace
from escdesk.errors import InvalidOperation, NotFound
from escdesk.ids import new_id
from escdesk.policy import Policy
from escdesk.services import CaseService
from escdesk.slow_burn import Proposal, scan
from escdesk.store import Store
from escdesk.store import slow_burn_rows as rows
from escdesk.store.models import Customer

SOURCE = "slow_burn_scan"
LAST_SCAN_META = "slow_burn_last_scan"  # database_meta key: the day of the last scan (the app scans once a day)


@dataclass(frozen=True, slots=True)
class ScanResult:
    day: date
    customers_scanned: int  # customers without an open case that have recent health or sponsor data
    proposals: tuple[Proposal, ...]


@dataclass
class SlowBurnService:
    store: Store
    clock: Clock
    policy: Policy
    actor: str

    def today(self) -> date:
        return self.clock.now().date()

    def scan(self, customer_ids: Iterable[str] | None = None) -> ScanResult:
        """Proposals for every customer (or only `customer_ids`) without an open case, dismissed ones left out."""
        day = self.today()
        only = None if customer_ids is None else frozenset(customer_ids)
        with self.store.read() as uow:
            open_cases = rows.open_case_customers(uow.session)
            accounts = rows.account_signals(uow.session, day, only, skip=open_cases)
            decided = rows.decided_keys(uow.session)
        found = scan(accounts, day, open_case_customers=open_cases, dismissed=decided)
        return ScanResult(day, len(accounts), tuple(found))

    def daily_scan_due(self) -> bool:
        """Whether today's scan has not run on this database yet."""
        with self.store.read() as uow:
            return uow.meta.get(LAST_SCAN_META) != self.today().isoformat()

    def record_scan(self, result: ScanResult) -> None:
        with self.store.uow() as uow:
            uow.meta.set(LAST_SCAN_META, result.day.isoformat())
            uow.commit()

    def confirm(self, proposal: Proposal) -> CaseCard:
        """Open the proposed slow-burn case (refused when the customer has an open case by now)."""
        self._check_no_open_case(proposal)
        cases = CaseService(self.store, self.clock, self.policy, self.actor)
        new = NewCase(
            customer_id=proposal.customer_id,
            title=proposal.title,
            case_type=CaseType.HEALTH_DECLINE,
            severity=proposal.severity,
            pace=Pace.SLOW_BURN,
            description=f"Proposed by the slow-burn scan on {self.today().isoformat()}: {proposal.reason}.",
            owner_id=proposal.owner_id,
            source=SOURCE,
        )
        card = cases.open_case(new)
        # A second transaction: open_case commits its own. Should this one fail, the open case already keeps the
        # customer out of the scan; only a re-proposal after the case closes would remain possible.
        self._decide(proposal, rows.CONFIRMED, f"opened {card.reference}", card.id)
        return card

    def dismiss(self, proposal: Proposal, reason: str) -> None:
        cleaned = reason.strip()
        if not cleaned:
            raise InvalidOperation(
                f"dismissing the slow-burn proposal for {proposal.customer_name} needs a reason; it is kept"
            )
        self._decide(proposal, rows.DISMISSED, cleaned, None)

    def decisions(self, customer_id: str) -> list[tuple[datetime, str, str, str]]:
        """(when, outcome, reason, who) of every decision on the customer's proposals, oldest first."""
        decision = rows.SlowBurnDecision
        stmt = (
            select(decision.decided_at, decision.outcome, decision.reason, decision.decided_by)
            .where(decision.customer_id == customer_id)
            .order_by(decision.decided_at)
        )
        with self.store.read() as uow:
            return [tuple(r) for r in uow.session.execute(stmt)]  # type: ignore[misc]

    def _check_no_open_case(self, proposal: Proposal) -> None:
        with self.store.read() as uow:
            if uow.session.get(Customer, proposal.customer_id) is None:
                raise NotFound(f"no customer with id {proposal.customer_id}")
            if proposal.customer_id in rows.open_case_customers(uow.session):
                raise InvalidOperation(
                    f"{proposal.customer_name} already has an open case; the slow-burn proposal was not opened"
                )

    def _decide(self, proposal: Proposal, outcome: str, reason: str, case_id: str | None) -> None:
        with self.store.uow() as uow:
            uow.session.add(
                rows.SlowBurnDecision(
                    id=new_id(),
                    customer_id=proposal.customer_id,
                    signal_key=proposal.signal_key,
                    outcome=outcome,
                    reason=reason,
                    proposal_reason=proposal.reason,
                    escalation_id=case_id,
                    decided_by=self.actor,
                    decided_at=self.clock.now(),
                )
            )
            uow.commit()


def scan_after_import(
    store: Store, clock: Clock, policy: Policy, actor: str, customer_ids: Iterable[str] | None = None
) -> ScanResult:
    """Call after an import has been applied: the proposals its new health scores (or sponsor changes) raise.

    Pass the imported customers' ids to limit the scan to them; without, every customer is scanned (about a
    second for 15,000). Nothing is written: the proposals are for a person to confirm or dismiss."""
    return SlowBurnService(store, clock, policy, actor).scan(customer_ids)
