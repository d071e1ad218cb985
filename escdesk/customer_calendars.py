"""A calendar per customer: the customer names the business calendar its cases run on (customers.calendar).

Set by a person (a customer on 24/7 support, a public-sector customer on its own holidays), or left empty so the
policy's calendar rules decide. Nothing computed from it is stored: changing it moves the due times of the
customer's open cases at the next clock evaluation (escdesk.clock_service). A name the policy does not have
(a calendar renamed or removed since) is never an error: the rules decide, and the calendars view says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select

from escdesk.clock import Clock
from escdesk.errors import InvalidOperation, NotFound
from escdesk.policy_clocks import ClockPolicy
from escdesk.store import Store
from escdesk.store.models import Customer


@dataclass(frozen=True, slots=True)
class CalendarUsage:
    """How many live customers name each calendar; `unknown`: names the policy lacks, with their counts."""

    named: Mapping[str, int]
    unknown: Mapping[str, int]

    def customers_of(self, calendar: str) -> int:
        return self.named.get(calendar, 0)

    def unknown_notice(self) -> str | None:
        """What the calendars view says about names the policy lacks (None: there are none)."""
        if not self.unknown:
            return None
        parts = [
            f"{count} customer{'s name' if count != 1 else ' names'} '{name}'" for name, count in self.unknown.items()
        ]
        return (
            f"{'; '.join(parts)}: the policy has no calendar of that name, so their cases run on the calendar "
            "the rules choose. Rename the calendar back, or change the customers' calendar."
        )


def calendar_usage(counts: Mapping[str, int], policy: ClockPolicy) -> CalendarUsage:
    named = {name: count for name, count in counts.items() if name in policy.calendars}
    unknown = {name: count for name, count in sorted(counts.items()) if name not in policy.calendars}
    return CalendarUsage(named, unknown)


@dataclass
class CustomerCalendarService:
    store: Store
    clock: Clock

    def counts(self) -> dict[str, int]:
        """Live customers per calendar name they give (customers without one are left out)."""
        stmt = (
            select(Customer.calendar, func.count())
            .where(Customer.calendar.is_not(None), Customer.deleted_at.is_(None))
            .group_by(Customer.calendar)
        )
        with self.store.read() as uow:
            return {str(name): int(count) for name, count in uow.session.execute(stmt)}

    def usage(self, policy: ClockPolicy) -> CalendarUsage:
        return calendar_usage(self.counts(), policy)

    def set_calendar(self, customer_id: str, calendar: str | None, policy: ClockPolicy) -> None:
        """Name the customer's calendar (None or empty: the rules decide). Only a calendar the policy has can be
        chosen; one that later disappears from the policy falls back to the rules."""
        name = (calendar or "").strip() or None
        if name is not None and name not in policy.calendars:
            raise InvalidOperation(
                f"the policy has no calendar named {name!r} (defined: {', '.join(policy.calendars)})"
            )
        with self.store.uow() as uow:
            customer = uow.session.get(Customer, customer_id)
            if customer is None or customer.deleted_at is not None:
                raise NotFound(f"no customer with id {customer_id}")
            customer.calendar = name
            customer.updated_at = self.clock.now()
            uow.commit()
