"""What the slow-burn scan reads, in a handful of statements over all customers, and the dismissals it remembers.

The scan must cover 15,000 customers in well under two seconds, so it never loads one customer at a time: one
statement each for the customers, their recent health (the covering index ix_health_scores_recent of migration
0006 keeps it independent of how much older history there is), the customers with an open case, the ticket
counts, the recorded sponsor changes and the dismissals. Core selects, not ORM objects: nothing is edited here.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from escdesk.domain import ArrBand
from escdesk.slow_burn import HISTORY_NEEDED, KEY_SEPARATOR, LOOKBACK, AccountSignals
from escdesk.store.models import (
    Base,
    Customer,
    Escalation,
    HealthScore,
    Id,
    ImportItem,
    ImportLog,
    SupportTicket,
)


class SlowBurnDecision(Base):
    """A proposal a person decided (migration 0006): dismissed (with the reason) or confirmed (with the case).

    Its signals are never proposed again: not after a dismissal, and not after the confirmed case is closed
    while the same drop is still inside the scan's 30 days. Append-only, so it doubles as the audit trail."""

    __tablename__ = "slow_burn_decisions"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    signal_key: Mapped[str] = mapped_column(String(400))
    outcome: Mapped[str] = mapped_column(String(12))  # DISMISSED or CONFIRMED
    reason: Mapped[str] = mapped_column(Text)  # the person's reason; for a confirmation, the case reference
    proposal_reason: Mapped[str] = mapped_column(Text)  # what the person was shown when they decided
    escalation_id: Mapped[str | None] = mapped_column(ForeignKey("escalations.id"))
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime]


DISMISSED, CONFIRMED = "dismissed", "confirmed"


# Declared here, beside the one query that needs it (migration 0006 creates it): the scan reads only the
# last five weeks of every customer's health straight from the index, however long the history is.
RECENT_HEALTH_INDEX = Index(
    "ix_health_scores_recent", HealthScore.measured_on, HealthScore.customer_id, HealthScore.score
)


def _start_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def recent_health(session: Session, today: date) -> dict[str, list[tuple[date, int]]]:
    since = today - HISTORY_NEEDED
    table = HealthScore.__table__  # Core, not ORM rows: a hundred thousand tuples, no identity map to fill
    stmt = select(table.c.customer_id, table.c.measured_on, table.c.score).where(
        table.c.measured_on >= since, table.c.measured_on <= today
    )
    by_customer: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for customer_id, on, score in session.connection().execute(stmt).all():
        by_customer[customer_id].append((on, score))
    return by_customer


def tickets_last_30_days(session: Session, today: date) -> dict[str, int]:
    since = _start_of(today - LOOKBACK + timedelta(days=1))  # the 30 days ending today, today included
    stmt = (
        select(SupportTicket.customer_id, func.count())
        .where(SupportTicket.customer_id.is_not(None), SupportTicket.opened_at >= since)
        .group_by(SupportTicket.customer_id)
    )
    return {str(customer_id): int(count) for customer_id, count in session.execute(stmt)}


def sponsor_changes(session: Session, today: date) -> dict[str, list[date]]:
    """Imports that replaced or removed a customer's executive sponsor (import_items keeps the previous value);
    an undone import does not count. Adding a sponsor where there was none is not a loss."""
    stmt = (
        select(ImportItem.row_id, ImportItem.previous, ImportLog.imported_at)
        .join(ImportLog, ImportLog.id == ImportItem.import_id)
        .where(
            ImportItem.table_name == "customers",
            ImportItem.action == "updated",
            ImportLog.undone_at.is_(None),
            ImportLog.imported_at >= _start_of(today - LOOKBACK),
        )
    )
    changes: dict[str, list[date]] = defaultdict(list)
    for customer_id, previous, at in session.execute(stmt):
        if isinstance(previous, dict) and previous.get("exec_sponsor_id"):
            changes[customer_id].append(at.date())
    return changes


def open_case_customers(session: Session) -> frozenset[str]:
    stmt = select(Escalation.customer_id).where(Escalation.closed_at.is_(None), Escalation.deleted_at.is_(None))
    return frozenset(session.scalars(stmt.distinct()))


def decided_keys(session: Session) -> dict[str, frozenset[str]]:
    """Per customer, every signal a person already dismissed or confirmed."""
    keys: dict[str, set[str]] = defaultdict(set)
    for customer_id, signal_key in session.execute(select(SlowBurnDecision.customer_id, SlowBurnDecision.signal_key)):
        keys[customer_id].update(signal_key.split(KEY_SEPARATOR))
    return {customer_id: frozenset(found) for customer_id, found in keys.items()}


def account_signals(
    session: Session, today: date, customer_ids: frozenset[str] | None = None, skip: frozenset[str] = frozenset()
) -> list[AccountSignals]:
    """Every live customer (or those of `customer_ids`), except those in `skip`, with the signals the scan needs."""
    health = recent_health(session, today)
    tickets = tickets_last_30_days(session, today)
    sponsors = sponsor_changes(session, today)
    c = Customer.__table__.c  # Core rows, as for the health
    stmt = select(c.id, c.name, c.band, c.renewal_date, c.csm_id).where(c.deleted_at.is_(None))
    accounts = []
    for customer_id, name, band, renewal, csm in session.connection().execute(stmt).all():
        if (customer_ids is not None and customer_id not in customer_ids) or customer_id in skip:
            continue
        history = health.get(customer_id)
        changes = sponsors.get(customer_id, ())
        if not history and not changes:
            continue  # nothing recent to judge: no signal can fire
        accounts.append(
            AccountSignals(
                customer_id,
                name,
                ArrBand(band),
                renewal,
                history or (),
                tickets.get(customer_id, 0),
                tuple(changes),
                csm,
            )
        )
    return accounts
