"""Cases to CSV and back (case E1): one row per case, multi-value fields joined with `|`, empty fields empty.

The file is what a spreadsheet user expects (UTF-8 with a BOM so Excel reads the accents, ISO 8601 UTC stamps,
amounts as plain decimals) and what `escdesk import cases FILE` reads back into another database: the case keeps
its id (ids are made to travel between databases), its number when that is free, its level, status and instants.
Customers, owners and involved leaders are matched by name and created when missing, so an empty database takes
the file. A `|` inside a value is written `\\|` (and `\\` as `\\\\`), so splitting never cuts a name in two.

What the CSV does not carry: the full history (an imported case starts its history with one `opened` event that
names the file), checklists and brief fields. Re-importing a file skips the cases whose id is already there.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from escdesk.csv_cells import protect_record, restore_record
from escdesk.domain import CaseStatus, CaseType, EventKind, InvolvementStatus, Level, Pace, RootCause, Severity
from escdesk.errors import EscDeskError
from escdesk.exports import write_atomically
from escdesk.ids import new_id
from escdesk.importing.reading import iter_rows, open_table
from escdesk.importing.report import RowIssue, plural
from escdesk.money import from_cents, to_cents
from escdesk.policy import Policy
from escdesk.store import Store
from escdesk.store.models import (
    CaseCounter,
    CaseEventRow,
    Customer,
    Escalation,
    EscalationTicket,
    Involvement,
    Person,
)

if TYPE_CHECKING:
    from escdesk.connect import OpenedDatabase

COLUMNS = (
    "reference", "id", "customer", "customer_arr", "title", "description", "case_type", "severity", "pace", "level",
    "status", "owner", "opened_at", "acknowledged_at", "resolved_at", "closed_at", "arr_at_risk", "root_cause",
    "policy_version", "source", "tickets", "involved_leaders", "involved_roles",
)  # fmt: skip
# Written as numbers (never given the formula-guard quote of escdesk.csv_cells, so "-5" stays a number).
NUMERIC_COLUMNS = frozenset({"customer_arr", "arr_at_risk"})
REQUIRED = ("id", "customer", "title", "case_type", "severity", "pace", "level", "status", "opened_at")
SEPARATOR = "|"
_SPLIT = re.compile(r"(?<!\\)((?:\\\\)*)\|")


class CaseFileError(EscDeskError):
    """The file is not a case export EscDesk can read back."""


# -- multi-value cells ----------------------------------------------------------------------------------------


def join_values(values: Iterable[str]) -> str:
    return SEPARATOR.join(v.replace("\\", "\\\\").replace(SEPARATOR, "\\|") for v in values)


def split_values(cell: str) -> list[str]:
    if cell == "":
        return []
    parts, start = [], 0
    for match in _SPLIT.finditer(cell):
        parts.append(cell[start : match.start() + len(match.group(1))])
        start = match.end()
    parts.append(cell[start:])
    return [re.sub(r"\\(.)", r"\1", p) for p in parts]


# -- export ---------------------------------------------------------------------------------------------------


def _stamp(value: datetime | None) -> str:
    return "" if value is None else value.isoformat()


def case_rows(session: Session) -> Iterator[dict[str, str]]:
    """Every live case as its CSV row, oldest number first."""
    people = dict(session.execute(select(Person.id, Person.name)).all())
    customers = {c.id: c for c in session.scalars(select(Customer))}
    tickets: dict[str, list[str]] = {}
    for t in session.scalars(select(EscalationTicket).order_by(EscalationTicket.id)):
        tickets.setdefault(t.escalation_id, []).append(f"{t.system}:{t.ticket_key}")
    involved: dict[str, list[Involvement]] = {}
    live = (Involvement.status != InvolvementStatus.DISMISSED.value, Involvement.deleted_at.is_(None))
    for i in session.scalars(select(Involvement).where(*live).order_by(Involvement.id)):
        involved.setdefault(i.escalation_id, []).append(i)
    stmt = select(Escalation).where(Escalation.deleted_at.is_(None)).order_by(Escalation.number)
    for case in session.scalars(stmt):
        customer = customers[case.customer_id]
        leaders = involved.get(case.id, [])
        yield {
            "reference": f"ESC-{case.number}", "id": case.id, "customer": customer.name,
            "customer_arr": str(from_cents(customer.arr_cents)), "title": case.title, "description": case.description,
            "case_type": case.case_type, "severity": case.severity, "pace": case.pace, "level": f"L{case.level}",
            "status": case.status, "owner": people.get(case.owner_id or "", ""), "opened_at": _stamp(case.opened_at),
            "acknowledged_at": _stamp(case.acknowledged_at), "resolved_at": _stamp(case.resolved_at),
            "closed_at": _stamp(case.closed_at), "arr_at_risk": str(from_cents(case.arr_at_risk_cents)),
            "root_cause": case.root_cause or "", "policy_version": case.policy_version, "source": case.source,
            "tickets": join_values(tickets.get(case.id, [])),
            "involved_leaders": join_values(people.get(i.person_id or "", "") for i in leaders),
            "involved_roles": join_values(i.role for i in leaders),
        }  # fmt: skip


def export_cases(store: Store, target: Path) -> int:
    """Write every case to `target` (atomically); the number of cases written."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    with store.read() as uow:
        count = 0
        for row in case_rows(uow.session):
            writer.writerow(protect_record(row, NUMERIC_COLUMNS))  # a name starting "=" is not a formula
            count += 1
    write_atomically(target, buffer.getvalue().encode("utf-8-sig"))
    return count


# -- import ---------------------------------------------------------------------------------------------------


@dataclass
class CaseImportReport:
    file_name: str
    rows_read: int = 0
    created: int = 0
    already_there: int = 0
    renumbered: int = 0
    customers_created: int = 0
    people_created: int = 0
    bad_rows: list[RowIssue] = field(default_factory=list)
    applied: bool = False

    def describe(self) -> str:
        state = "imported" if self.applied else "would import (dry run)"
        lines = [
            f"{self.file_name}: cases, {plural(self.rows_read, 'row')} read, {len(self.bad_rows)} bad",
            f"{state}: {plural(self.created, 'case')} created, {self.already_there} already there (same id), "
            f"{self.renumbered} renumbered, {plural(self.customers_created, 'customer')} and "
            f"{self.people_created} {'person' if self.people_created == 1 else 'people'} added",
        ]
        if self.bad_rows:
            lines[1] = "nothing imported: every row must be good (the file is one export of whole cases)"
        return "\n".join(lines + [f"bad: {issue.describe()}" for issue in self.bad_rows[:5]])


def _parse_case(cells: dict[str, str], line: int) -> dict[str, Any]:
    """The typed values of one row; ValueError names the column."""
    for column in REQUIRED:
        if not cells.get(column, "").strip():
            raise _bad(line, column, "", "required")
    values: dict[str, Any] = {}
    for column, kind in (("case_type", CaseType), ("severity", Severity), ("pace", Pace), ("status", CaseStatus)):
        try:
            values[column] = kind(cells[column].strip()).value
        except ValueError:
            raise _bad(line, column, cells[column], f"not one of {', '.join(k.value for k in kind)}") from None
    level = cells["level"].strip().upper().removeprefix("L")
    if not level.isdigit() or int(level) not in {int(v) for v in Level}:
        raise _bad(line, "level", cells["level"], "not a level L0-L5")
    values["level"] = int(level)
    root = cells.get("root_cause", "").strip()
    if root and root not in {r.value for r in RootCause}:
        raise _bad(line, "root_cause", root, "unknown root cause")
    values["root_cause"] = root or None
    for column in ("opened_at", "acknowledged_at", "resolved_at", "closed_at"):
        values[column] = _instant(cells.get(column, ""), line, column)
    for column in ("customer_arr", "arr_at_risk"):
        values[column] = _amount(cells.get(column, ""), line, column)
    return values


class _BadRow(Exception):
    def __init__(self, issue: RowIssue) -> None:
        self.issue = issue


def _bad(line: int, column: str, value: str, reason: str) -> _BadRow:
    return _BadRow(RowIssue(line, column, value, reason))


def _instant(text: str, line: int, column: str) -> datetime | None:
    if not text.strip():
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise _bad(line, column, text, "not an ISO 8601 instant") from None
    if value.tzinfo is None:
        raise _bad(line, column, text, "an instant needs its UTC offset")
    return value


def _amount(text: str, line: int, column: str) -> Decimal:
    try:
        return Decimal(text.strip() or "0")
    except ArithmeticError:
        raise _bad(line, column, text, "not an amount") from None


class _CaseWriter:
    """Finds or creates customers and people by name, then adds the case with its tickets and involvements."""

    def __init__(self, session: Session, policy: Policy, file_name: str, actor: str, report: CaseImportReport) -> None:
        self.session, self.policy, self.file_name, self.actor, self.report = session, policy, file_name, actor, report
        self.customers = {n.casefold(): i for i, n in session.execute(select(Customer.id, Customer.name))}
        self.people = {n.casefold(): i for i, n in session.execute(select(Person.id, Person.name))}
        self.case_ids = set(session.scalars(select(Escalation.id)))
        self.numbers = set(session.scalars(select(Escalation.number)))

    def _customer(self, name: str, arr: Decimal, now: datetime) -> str:
        found = self.customers.get(name.casefold())
        if found is None:
            found = new_id()
            band = self.policy.band_for(arr).value
            self.session.add(Customer(id=found, name=name, band=band, arr_cents=to_cents(arr), timezone="UTC",
                                      version=1, created_at=now, updated_at=now))  # fmt: skip
            self.customers[name.casefold()] = found
            self.report.customers_created += 1
            self.session.flush()  # no ORM relationship orders customers before the cases that name them
        return found

    def _person(self, name: str, now: datetime) -> str | None:
        if not name.strip():
            return None
        found = self.people.get(name.strip().casefold())
        if found is None:
            found = new_id()
            self.session.add(Person(id=found, name=name.strip(), version=1, created_at=now, updated_at=now))
            self.people[name.strip().casefold()] = found
            self.report.people_created += 1
            self.session.flush()
        return found

    def _number(self, reference: str) -> int:
        wanted = reference.strip().upper().removeprefix("ESC-")
        if wanted.isdigit() and int(wanted) not in self.numbers:
            number = int(wanted)
        else:
            number = max(self.numbers | {self._counter() - 1}) + 1
            self.report.renumbered += bool(reference.strip())
        self.numbers.add(number)
        return number

    def _counter(self) -> int:
        value = self.session.scalar(select(CaseCounter.next_number).where(CaseCounter.id == 1))
        return int(value or 1)

    def add(self, cells: dict[str, str], values: dict[str, Any], now: datetime) -> None:
        if cells["id"].strip() in self.case_ids:
            self.report.already_there += 1
            return
        case = Escalation(
            id=cells["id"].strip(), number=self._number(cells.get("reference", "")),
            customer_id=self._customer(cells["customer"].strip(), values["customer_arr"], now),
            title=cells["title"].strip()[:300], description=cells.get("description", ""),
            case_type=values["case_type"], severity=values["severity"], pace=values["pace"], level=values["level"],
            status=values["status"], owner_id=self._person(cells.get("owner", ""), now),
            opened_at=values["opened_at"], level_entered_at=values["opened_at"],
            acknowledged_at=values["acknowledged_at"], resolved_at=values["resolved_at"],
            closed_at=values["closed_at"], arr_at_risk_cents=to_cents(values["arr_at_risk"]),
            root_cause=values["root_cause"], policy_version=cells.get("policy_version") or self.policy.version,
            source=(cells.get("source") or "import")[:40], version=1, created_at=now, updated_at=now,
        )  # fmt: skip
        self.session.add(case)
        self.session.flush()
        self.case_ids.add(case.id)
        self._children(case, cells, now)
        self.report.created += 1

    def _children(self, case: Escalation, cells: dict[str, str], now: datetime) -> None:
        for key in split_values(cells.get("tickets", "")):
            system, _, ticket = key.rpartition(":")
            self.session.add(EscalationTicket(escalation_id=case.id, system=system or "ticket", ticket_key=ticket))
        leaders = split_values(cells.get("involved_leaders", ""))
        roles = split_values(cells.get("involved_roles", ""))
        for position, role in enumerate(roles or ["leader"] * len(leaders)):
            person = self._person(leaders[position], now) if position < len(leaders) else None
            self.session.add(Involvement(id=new_id(), escalation_id=case.id, role=role, person_id=person,
                                         status=InvolvementStatus.ACCEPTED.value, decided_by=self.actor,
                                         decided_at=now, version=1, created_at=now, updated_at=now))  # fmt: skip
        reason = f"imported from {self.file_name} ({cells.get('reference') or 'no reference'})"
        opened = CaseEventRow(id=new_id(), escalation_id=case.id, at=case.opened_at, actor=self.actor,
                              kind=EventKind.OPENED.value, to_value=f"L{case.level}", reason=reason)  # fmt: skip
        self.session.add(opened)

    def finish(self) -> None:
        if self.numbers:  # new cases opened by hand continue after the imported numbers
            following = max(self._counter(), max(self.numbers) + 1)
            self.session.execute(update(CaseCounter).where(CaseCounter.id == 1).values(next_number=following))


def import_cases(
    store: Store, path: Path, *, policy: Policy, actor: str, now: datetime, dry_run: bool = False
) -> CaseImportReport:
    """Read the whole file first: one bad row and nothing is written (the report names it)."""
    shape = open_table(path)
    missing = [c for c in REQUIRED if not shape.positions(c)]
    if missing:
        raise CaseFileError(f"{path.name} is not an EscDesk case export: no column {', '.join(missing)}")
    report = CaseImportReport(path.name)
    parsed: list[tuple[dict[str, str], dict[str, Any]]] = []
    for row in iter_rows(path, shape):
        report.rows_read += 1
        read = {name: row.cells[i] if i < len(row.cells) else "" for i, name in enumerate(shape.header)}
        cells = restore_record(read, NUMERIC_COLUMNS)  # undo the export's formula guard
        try:
            parsed.append((cells, _parse_case(cells, row.line)))
        except _BadRow as bad:
            report.bad_rows.append(bad.issue)
    if report.bad_rows:
        return report
    with store.uow() as uow:
        writer = _CaseWriter(uow.session, policy, path.name, actor, report)
        for cells, values in parsed:
            writer.add(cells, values, now)
        uow.session.flush()
        writer.finish()
        if not dry_run:
            uow.commit()
            report.applied = True
    return report


# -- the command ------------------------------------------------------------------------------------------------


def run_export_command(args: argparse.Namespace, open_db: Callable[[], OpenedDatabase]) -> int:
    opened = open_db()
    try:
        written = export_cases(opened.store, args.output)
    finally:
        opened.store.close()
    print(f"wrote {plural(written, 'case')} to {args.output}")
    return 0
