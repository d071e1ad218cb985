"""Upserting records inside one unit of work, and undoing the last import.

Every row an import creates or updates is listed in `import_items` (updates with the previous values), so undo
deletes what was created and restores what was changed, newest first. Existing rows are loaded once per import
(one query per table, not one per row) and new rows go in with one executemany: a 15,000-row file stays fast.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any, cast

from sqlalchemy import Date, Table, delete, insert, select, update
from sqlalchemy.orm import Session

from escdesk.importing.bulk import UlidSequence, insert_rows
from escdesk.importing.candidates import TicketFacts, ticket_of
from escdesk.importing.linking import CustomerLinker
from escdesk.importing.presets import Preset
from escdesk.importing.records import CustomerRecord, Record, TicketRecord
from escdesk.importing.report import ImportReport, RowIssue
from escdesk.money import to_cents
from escdesk.policy import Policy
from escdesk.store.metric_rows import CustomerOutcome
from escdesk.store.models import (
    Customer,
    CustomerExternalId,
    HealthScore,
    ImportItem,
    SupportTicket,
    UtcDateTime,
)

CUSTOMERS = cast(Table, Customer.__table__)
TICKETS = cast(Table, SupportTicket.__table__)
EXTERNAL_IDS = cast(Table, CustomerExternalId.__table__)
ITEMS = cast(Table, ImportItem.__table__)
HEALTH = cast(Table, HealthScore.__table__)
INTEGER_IDS = frozenset({"customer_external_ids", "health_scores"})
CUSTOMER_COLUMNS = ("name", "arr_cents", "band", "renewal_date", "segment", "region", "domain")
TICKET_COLUMNS = (
    "customer_id",
    "subject",
    "status",
    "status_raw",
    "priority",
    "priority_raw",
    "requester_email",
    "organization",
    "opened_at",
    "first_response_at",
    "resolved_at",
    "escalated",
    "labels",
    "comments",
)

RECORD_COLUMNS = tuple(c for c in TICKET_COLUMNS if c != "customer_id")  # what a TicketRecord gives as it is
_record_values = attrgetter(*RECORD_COLUMNS)


class ImportWriter:
    def __init__(
        self, session: Session, preset: Preset, import_id: str, policy: Policy, now: datetime, report: ImportReport
    ) -> None:
        self.session, self.preset, self.import_id = session, preset, import_id
        self.policy, self.now, self.report = policy, now, report
        self.new_rows: list[dict[str, Any]] = []
        self.pending: set[str] = set()  # ids of new_rows: a later row of the file with the same id changes them
        self.new_ids: list[dict[str, Any]] = []
        self.next_id = UlidSequence()
        self.items: list[dict[str, Any]] = []
        self.new_health: dict[str, dict[str, Any]] = {}
        self.seen: dict[str, int] = {}  # key -> line, to report the same record twice in one file
        self.existing = self._load_customers() if preset.kind.value == "customers" else self._load_tickets()
        self.linker = CustomerLinker(session, preset.system) if preset.kind.value == "tickets" else None
        self.by_name = self._customer_names() if preset.kind.value == "customers" else {}
        self.zero_band = policy.band_for(Decimal(0)).value  # a new customer without ARR
        self.bands = sorted(policy.bands, key=lambda b: b.min_arr)

    # -- loading what is there ----------------------------------------------------------------------------------

    def _load_customers(self) -> dict[str, dict[str, Any]]:
        columns = [getattr(Customer, c) for c in ("id", "version", *CUSTOMER_COLUMNS)]
        stmt = (
            select(CustomerExternalId.external_id, *columns)
            .join(Customer, Customer.id == CustomerExternalId.customer_id)
            .where(CustomerExternalId.system == self.preset.system, Customer.deleted_at.is_(None))
        )
        return {row[0]: dict(row._mapping) for row in self.session.execute(stmt)}

    def _customer_names(self) -> dict[str, dict[str, Any]]:
        columns = [getattr(Customer, c) for c in ("id", "version", *CUSTOMER_COLUMNS)]
        rows = self.session.execute(select(*columns).where(Customer.deleted_at.is_(None)))
        return {row.name.casefold(): dict(row._mapping) for row in rows}

    def _load_tickets(self) -> dict[str, dict[str, Any]]:
        columns = [getattr(SupportTicket, c) for c in ("id", "external_id", *TICKET_COLUMNS)]
        stmt = select(*columns).where(SupportTicket.system == self.preset.system)
        return {row.external_id: dict(row._mapping) for row in self.session.execute(stmt)}

    # -- writing ------------------------------------------------------------------------------------------------

    def write(self, record: Record) -> None:
        if isinstance(record, CustomerRecord):
            self.customer(record)
        elif isinstance(record, TicketRecord):
            self.ticket(record)

    def customer(self, record: CustomerRecord) -> None:
        key = record.external_id or record.name
        self._note_duplicate(key, record.line)
        values: dict[str, Any] = {"name": record.name, "segment": record.segment, "region": record.region}
        if record.arr is not None:
            values["arr_cents"], values["band"] = to_cents(record.arr), self._band(record.arr)
        if record.renewal_date:
            values["renewal_date"] = record.renewal_date
        if record.domain:
            values["domain"] = record.domain
        found = self.existing.get(key)
        if found is None and (found := self.by_name.get(record.name.casefold())) is not None:
            self._add_external_id(found["id"], key)  # an account typed in by hand, now known by its export id
            self.existing[key] = found
        if found is None:
            self._create_customer(key, values)
            found = self.existing[key]
        else:
            self._update(CUSTOMERS, found, values, versioned=True)
        if record.health_score is not None:
            self._health(found, record.health_score)

    def _band(self, arr: Decimal) -> str:
        """Policy.band_for, with the bands sorted once per import instead of once per row."""
        chosen = self.bands[0].band
        for band in self.bands:
            if arr >= band.min_arr:
                chosen = band.band
        return chosen.value

    def _health(self, customer: dict[str, Any], score: int) -> None:
        """The export's current score as today's point of the health history, one point per day and source."""
        point = {"customer_id": customer["id"], "measured_on": self.now.date(), "source": self.preset.system}
        if customer["id"] in self.pending:  # new: deleting it on undo removes its points (ON DELETE CASCADE)
            self.new_health[customer["id"]] = point | {"score": score}
            return
        stmt = select(HealthScore.id, HealthScore.score).filter_by(**point)
        existing = self.session.execute(stmt).one_or_none()
        if existing is None:
            inserted = self.session.execute(insert(HEALTH).values(**point, score=score).returning(HEALTH.c.id))
            self._item("health_scores", str(inserted.scalar_one()), "created", None)
        elif existing.score != score:
            self.session.execute(update(HEALTH).where(HEALTH.c.id == existing.id).values(score=score))
            self._item("health_scores", str(existing.id), "updated", {"score": existing.score})

    def _create_customer(self, key: str, values: dict[str, Any]) -> None:
        now, row_id = self.now, self.next_id()
        row: dict[str, Any] = {"arr_cents": 0, "band": self.zero_band, "renewal_date": None, "domain": None, **values,
                               "id": row_id, "timezone": "UTC", "version": 1, "created_at": now, "updated_at": now,
                               "deleted_at": None, "csm_id": None, "ae_id": None, "exec_sponsor_id": None}  # fmt: skip
        self.new_rows.append(row)
        self.pending.add(row_id)  # the same dict: a later row of this file with the same id changes it in place
        self.new_ids.append({"customer_id": row_id, "system": self.preset.system, "external_id": key})
        self._item("customers", row_id, "created", None)
        self.existing[key] = row
        self.report.created += 1

    def _add_external_id(self, customer_id: str, key: str) -> None:
        values = {"customer_id": customer_id, "system": self.preset.system, "external_id": key}
        inserted = self.session.execute(insert(EXTERNAL_IDS).values(**values).returning(EXTERNAL_IDS.c.id))
        self._item("customer_external_ids", str(inserted.scalar_one()), "created", None)

    def ticket(self, record: TicketRecord) -> None:
        assert self.linker is not None
        self._note_duplicate(record.external_id, record.line)
        values = dict(zip(RECORD_COLUMNS, _record_values(record), strict=True))
        values["subject"] = values["subject"][:500] or f"{self.preset.system} ticket {record.external_id}"
        values["customer_id"] = self.linker.link(record, self.report)
        found = self.existing.get(record.external_id)
        if found is None:
            row = values | {"id": self.next_id(), "system": self.preset.system, "external_id": record.external_id}
            self.new_rows.append(row)
            self.pending.add(row["id"])
            self._item("support_tickets", row["id"], "created", None)
            self.existing[record.external_id] = row
            self.report.created += 1
        else:
            self._update(TICKETS, found, values, versioned=False)

    def tickets_written(self) -> list[TicketFacts]:
        """This file's tickets as written (new, changed or unchanged): where escalation candidates come from."""
        return [ticket_of(self.existing[key], self.preset.system) for key in self.seen if key in self.existing]

    def _update(self, table: Table, found: dict[str, Any], values: dict[str, Any], *, versioned: bool) -> None:
        changes = {k: v for k, v in values.items() if found.get(k) != v}
        if not changes:
            self.report.unchanged += 1
            return
        if found["id"] in self.pending:  # created earlier in this same file: change the row before it is inserted
            found.update(changes)
            self.report.unchanged += 1
            return
        previous = {k: _to_json(found.get(k)) for k in changes}
        if versioned:
            found["version"] += 1
            changes |= {"version": found["version"], "updated_at": self.now}
            previous["_version_after"] = found["version"]
        self.session.execute(update(table).where(table.c.id == found["id"]).values(**changes))
        found.update(changes)
        self._item(table.name, found["id"], "updated", previous)
        self.report.updated += 1

    def _note_duplicate(self, key: str, line: int) -> None:
        if key in self.seen:
            reason = f"the same id is on line {self.seen[key]}: this later row wins"
            self.report.warnings.append(RowIssue(line, "external_id", key, reason))
        self.seen[key] = line

    def _item(self, table: str, row_id: str, action: str, previous: dict[str, Any] | None) -> None:
        self.items.append(
            {"import_id": self.import_id, "table_name": table, "row_id": row_id, "action": action, "previous": previous}
        )

    def finish(self) -> None:
        # Parents first (customers, then their health points and ids); every row of a list has the same keys.
        insert_rows(self.session, CUSTOMERS if self.preset.kind.value == "customers" else TICKETS, self.new_rows)
        insert_rows(self.session, HEALTH, list(self.new_health.values()))
        insert_rows(self.session, EXTERNAL_IDS, self.new_ids)
        insert_rows(self.session, ITEMS, self.items)


# -- undo ---------------------------------------------------------------------------------------------------------

TABLES: dict[str, Table] = {
    "customers": CUSTOMERS,
    "support_tickets": TICKETS,
    "customer_external_ids": EXTERNAL_IDS,
    "health_scores": HEALTH,
    "customer_outcomes": cast(Table, CustomerOutcome.__table__),
}


def _to_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _from_json(table: Table, column: str, value: Any) -> Any:
    if value is None:
        return None
    kind = table.c[column].type
    if isinstance(kind, UtcDateTime):
        return datetime.fromisoformat(value)
    return date.fromisoformat(value) if isinstance(kind, Date) else value


def undo_items(session: Session, import_id: str) -> tuple[int, int]:
    """Delete what the import created, restore what it updated, newest first; (removed, restored)."""
    stmt = select(ImportItem).where(ImportItem.import_id == import_id).order_by(ImportItem.id.desc())
    removed = restored = 0
    for item in session.scalars(stmt):
        table = TABLES[item.table_name]
        key = int(item.row_id) if item.table_name in INTEGER_IDS else item.row_id
        if item.action == "created":
            if item.table_name == "customers":
                session.execute(delete(CustomerExternalId).where(CustomerExternalId.customer_id == key))
            session.execute(delete(table).where(table.c.id == key))
            removed += 1
        else:
            _restore(session, table, key, dict(item.previous or {}))
            restored += 1
    return removed, restored


def _restore(session: Session, table: Table, key: str | int, previous: dict[str, Any]) -> None:
    from escdesk.errors import InvalidOperation

    version_after = previous.pop("_version_after", None)
    values = {column: _from_json(table, column, value) for column, value in previous.items()}
    stmt = update(table).where(table.c.id == key)
    if version_after is not None:
        # Someone edited the row after the import: restoring the old values would silently lose their change.
        stmt = stmt.where(table.c.version == version_after)
        values["version"] = version_after + 1
    if session.execute(stmt.values(**values)).rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidOperation(f"{table.name} {key} was changed after the import; undo refused, nothing changed")
