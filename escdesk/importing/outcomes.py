"""Commercial outcomes into customer_outcomes: churned, renewed or downgraded accounts, for the analytics' "outcome
after escalation". Upserted by (customer, date, kind), as the table's unique key says; listed in import_items.

RavenStack's churn events carry no ARR (a refund amount is not the ARR lost), so their ARR change is 0 and the report
says so. The file contradicts the accounts' churn flag on purpose: with ravenstack_accounts.csv beside it, the report
counts both directions (events for accounts not flagged, flagged accounts without an event), so the user sees it.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from escdesk.ids import new_id
from escdesk.importing.health import customer_keys, find_customer
from escdesk.importing.presets import Preset
from escdesk.importing.reading import iter_rows, open_table
from escdesk.importing.records import OutcomeRecord, Record
from escdesk.importing.report import ImportReport, RowIssue, plural
from escdesk.money import to_cents
from escdesk.store.metric_rows import CustomerOutcome
from escdesk.store.models import ImportItem

OUTCOMES = cast(Table, CustomerOutcome.__table__)
ITEMS = cast(Table, ImportItem.__table__)


def flagged_accounts(path: Path, companion: str | None) -> set[str] | None:
    """Account ids whose churn_flag is true in the accounts file beside the events; None when it is not there."""
    if companion is None or not (path.parent / companion).is_file():
        return None
    source = path.parent / companion
    shape = open_table(source)
    account, churned = shape.positions("account_id")[0], shape.positions("churn_flag")[0]
    return {r.cells[account] for r in iter_rows(source, shape) if r.cells[churned].strip().casefold() == "true"}


class OutcomeWriter:
    def __init__(
        self, session: Session, preset: Preset, import_id: str, report: ImportReport, path: Path, now: datetime
    ) -> None:
        self.session, self.preset, self.import_id, self.report, self.now = session, preset, import_id, report, now
        self.customers = customer_keys(session, preset.system)
        self.flagged = flagged_accounts(path, preset.companion) if preset.companion else None
        self.outcomes: dict[tuple[str, date, str], tuple[int, int]] = {}  # key -> (ARR change in cents, line)
        self.accounts_with_event: set[str] = set()
        self.reasons: Counter[str] = Counter()

    def write(self, record: Record) -> None:
        if not isinstance(record, OutcomeRecord):
            return
        customer = find_customer(self.customers, record.customer_external_id, record.customer_name)
        key_text = record.customer_external_id or record.customer_name or ""
        if customer is None:
            reason = "no such customer in the database (import the accounts first): outcome left out"
            self.report.warnings.append(RowIssue(record.line, "customer", key_text, reason))
            self.report.skipped += 1
            return
        key = (customer, record.occurred_on, record.outcome)
        if key in self.outcomes:
            reason = f"the same outcome on the same day is on line {self.outcomes[key][1]}: this later row wins"
            self.report.warnings.append(RowIssue(record.line, "customer", key_text, reason))
        self.outcomes[key] = (to_cents(record.arr_change), record.line)
        self.accounts_with_event.add(key_text)
        self.reasons[record.reason or "(none)"] += 1

    def _existing(self) -> dict[tuple[str, date, str], tuple[str, int]]:
        o = CustomerOutcome
        rows = self.session.execute(select(o.id, o.customer_id, o.occurred_on, o.kind, o.arr_change_cents))
        return {(r.customer_id, r.occurred_on, r.kind): (r.id, r.arr_change_cents) for r in rows}

    def finish(self) -> None:
        existing = self._existing()
        new_rows: list[dict[str, Any]] = []
        items: list[dict[str, Any]] = []
        for (customer, day, kind), (change, _line) in sorted(self.outcomes.items()):
            found = existing.get((customer, day, kind))
            if found is None:
                row: dict[str, Any] = {"id": new_id(), "customer_id": customer, "kind": kind, "occurred_on": day,
                       "arr_change_cents": change, "source": self.preset.system, "recorded_at": self.now}  # fmt: skip
                new_rows.append(row)
                items.append(self._item(row["id"], "created", None))
            elif found[1] != change:
                self.session.execute(update(OUTCOMES).where(OUTCOMES.c.id == found[0]).values(arr_change_cents=change))
                items.append(self._item(found[0], "updated", {"arr_change_cents": found[1]}))
                self.report.updated += 1
            else:
                self.report.unchanged += 1
        if new_rows:
            self.session.execute(insert(OUTCOMES), new_rows)
            self.report.created += len(new_rows)
        if items:
            self.session.execute(insert(ITEMS), items)
        self._notes()

    def _notes(self) -> None:
        notes = self.report.notes
        if self.preset.fixed_outcome is not None:
            notes.append("the file has no ARR per event: the outcomes' ARR change is 0")
        if self.reasons:
            notes.append("reasons: " + ", ".join(f"{r} {n}" for r, n in self.reasons.most_common()))
        if self.flagged is not None:
            unflagged = len(self.accounts_with_event - self.flagged)
            silent = len(self.flagged - self.accounts_with_event)
            notes.append(
                f"the accounts' churn flag disagrees: {plural(unflagged, 'account')} with a churn event but not "
                f"flagged, {plural(silent, 'flagged account')} without an event"
            )

    def _item(self, row_id: str, action: str, previous: dict[str, Any] | None) -> dict[str, Any]:
        return {"import_id": self.import_id, "table_name": "customer_outcomes", "row_id": row_id, "action": action,
                "previous": previous}  # fmt: skip
