"""Health histories into health_scores: points as a CS tool exports them, or derived from product usage.

RavenStack ships usage, not scores. Its health history is derived per account and calendar month, the way a CS team
reads usage: how active the account was compared with its own best month (a small account is not "unhealthy" for
being small), less a penalty for errors (up to half the score when every use failed). The point is dated on the
month's last day. The score's trend is what the slow-burn rules read (`health_drop_30d`).

Points are upserted by (customer, day, source) and listed in import_items, so re-importing changes nothing and undo
removes them.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from escdesk.importing.presets import Preset
from escdesk.importing.reading import iter_rows, open_table
from escdesk.importing.records import HealthRecord, Record, UsageRecord
from escdesk.importing.report import ImportReport, RowIssue
from escdesk.store.models import Customer, CustomerExternalId, HealthScore, ImportItem

HEALTH = cast(Table, HealthScore.__table__)
ITEMS = cast(Table, ImportItem.__table__)
MAX_ERROR_PENALTY = Decimal("0.5")


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def usage_score(usage: int, errors: int, best_month_usage: int) -> int:
    """0-100: activity against the account's best month, less the share of uses that failed (at most half)."""
    if best_month_usage <= 0 or usage <= 0:
        return 0
    activity = Decimal(min(usage, best_month_usage)) / Decimal(best_month_usage)
    penalty = min(Decimal(errors) / Decimal(usage), Decimal(1)) * MAX_ERROR_PENALTY
    return int((100 * activity * (1 - penalty)).to_integral_value())


def subscription_accounts(path: Path, companion: str | None) -> dict[str, str]:
    """subscription_id -> account_id from the subscriptions file next to the usage file (empty when missing)."""
    if companion is None or not (path.parent / companion).is_file():
        return {}
    source = path.parent / companion
    shape = open_table(source)
    subscription, account = shape.positions("subscription_id")[0], shape.positions("account_id")[0]
    return {row.cells[subscription]: row.cells[account] for row in iter_rows(source, shape)}


def customer_keys(session: Session, system: str) -> dict[str, str]:
    """`id:<external id>` (the import's own system first) and `name:<folded name>` to customer ids."""
    keys: dict[str, str] = {}
    live = select(Customer.id, Customer.name).where(Customer.deleted_at.is_(None))
    for customer_id, name in session.execute(live):
        keys[f"name:{name.casefold()}"] = customer_id
    stmt = select(CustomerExternalId.system, CustomerExternalId.external_id, CustomerExternalId.customer_id)
    for row_system, external_id, customer_id in session.execute(stmt):
        if row_system == system or f"id:{external_id}" not in keys:
            keys[f"id:{external_id}"] = customer_id
    return keys


def find_customer(keys: dict[str, str], external_id: str | None, name: str | None) -> str | None:
    if external_id and f"id:{external_id}" in keys:
        return keys[f"id:{external_id}"]
    return keys.get(f"name:{name.casefold()}") if name else None


class HealthWriter:
    """Writes a health import; the same `write(record)` / `finish()` shape as ImportWriter."""

    def __init__(self, session: Session, preset: Preset, import_id: str, report: ImportReport, path: Path) -> None:
        self.session, self.preset, self.import_id, self.report = session, preset, import_id, report
        self.source = f"{preset.system}-usage" if preset.name == "ravenstack-usage" else preset.system
        self.accounts = subscription_accounts(path, preset.companion) if preset.companion else {}
        self.customers = customer_keys(session, preset.system)
        self.points: dict[tuple[str, date], int] = {}
        self.usage: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0])

    def write(self, record: Record) -> None:
        if isinstance(record, UsageRecord):
            self._usage(record)
        elif isinstance(record, HealthRecord):
            customer = self._customer(record.customer_external_id, record.customer_name)
            if customer is None:
                self._unknown(record.line, record.customer_external_id or record.customer_name or "")
                return
            self.points[(customer, record.measured_on)] = record.score

    def _customer(self, external_id: str | None, name: str | None) -> str | None:
        return find_customer(self.customers, external_id, name)

    def _usage(self, record: UsageRecord) -> None:
        account = self.accounts.get(record.subscription_id)
        customer = self._customer(account, None) if account else None
        if customer is None:
            self._unknown(record.line, record.subscription_id if account is None else account)
            return
        totals = self.usage[(customer, month_end(record.measured_on))]
        totals[0] += record.usage_count
        totals[1] += record.error_count

    def _unknown(self, line: int, key: str) -> None:
        reason = "no such customer in the database (import the accounts first): point left out"
        if self.accounts == {} and self.preset.companion:
            reason = f"no {self.preset.companion} next to the file to find the account: point left out"
        self.report.warnings.append(RowIssue(line, "customer", key, reason))
        self.report.skipped += 1

    def _derived_points(self) -> None:
        best: dict[str, int] = defaultdict(int)
        for (customer, _), (usage, _errors) in self.usage.items():
            best[customer] = max(best[customer], usage)
        for (customer, month), (usage, errors) in self.usage.items():
            self.points[(customer, month)] = usage_score(usage, errors, best[customer])

    def finish(self) -> None:
        self._derived_points()
        existing = self._existing()
        new_rows: list[dict[str, Any]] = []
        items: list[dict[str, Any]] = []
        for (customer, day), score in sorted(self.points.items()):
            found = existing.get((customer, day))
            if found is None:
                new_rows.append({"customer_id": customer, "measured_on": day, "score": score, "source": self.source})
            elif found[1] != score:
                self.session.execute(update(HEALTH).where(HEALTH.c.id == found[0]).values(score=score))
                items.append(self._item(found[0], "updated", {"score": found[1]}))
                self.report.updated += 1
            else:
                self.report.unchanged += 1
        if new_rows:
            # RETURNING in parameter order: each new point's id goes into import_items for undo.
            stmt = insert(HEALTH).returning(HEALTH.c.id, sort_by_parameter_order=True)
            ids = self.session.execute(stmt, new_rows).scalars().all()
            items += [self._item(point_id, "created", None) for point_id in ids]
            self.report.created += len(ids)
        if items:
            self.session.execute(insert(ITEMS), items)
        self.report.notes.append(f"{len(self.points)} health points from {self.source}")

    def _existing(self) -> dict[tuple[str, date], tuple[int, int]]:
        stmt = select(HealthScore.id, HealthScore.customer_id, HealthScore.measured_on, HealthScore.score)
        rows = self.session.execute(stmt.where(HealthScore.source == self.source))
        return {(r.customer_id, r.measured_on): (r.id, r.score) for r in rows}

    def _item(self, point_id: int, action: str, previous: dict[str, Any] | None) -> dict[str, Any]:
        row_id = str(point_id)
        return {"import_id": self.import_id, "table_name": "health_scores", "row_id": row_id, "action": action,
                "previous": previous}  # fmt: skip
