"""The people directory as CSV: columns name,email,title,role,bands,regions, one row per role a person covers
(several rows per person; a person without roles has one row with the role empty). Bands and regions hold
several values separated by ";" (or ","). The e-mail address says which person a row belongs to.

Import is all or nothing: every bad row is reported by line, column, value and reason, and nothing is written
unless the whole file is good. A person in the file is created or updated (their roles become the file's); people
not in the file are left alone. The export imports back unchanged.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from escdesk.clock import Clock
from escdesk.csv_cells import protect_row, restore_cell
from escdesk.directory import (
    DirectoryError,
    DirectoryPerson,
    PersonEntry,
    RoleCover,
    apply_entry,
    live_people,
    parse_bands,
    parse_regions,
    role_rows,
    validate,
)
from escdesk.errors import EscDeskError
from escdesk.ids import new_id
from escdesk.policy import Policy
from escdesk.store import Store
from escdesk.store.models import Person

COLUMNS = ("name", "email", "title", "role", "bands", "regions")
REQUIRED = frozenset({"name", "email", "role"})


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column} ({self.value!r}): {self.reason}"


class DirectoryImportRefused(EscDeskError):
    """The file was not imported; `problems` lists every bad row (the message shows the first few)."""

    def __init__(self, source: str, problems: list[RowProblem]) -> None:
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{source}: nothing imported, {len(problems)} bad row(s): {shown}{more}")
        self.problems = problems


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    people: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return f"{self.created} added, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class _Group:
    line: int
    name: str
    email: str
    title: str
    roles: list[RoleCover]


def export_csv(people: list[DirectoryPerson]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for person in sorted(people, key=lambda p: (p.name.casefold(), p.email)):
        covers = person.roles or (None,)
        for cover in covers:
            role = "" if cover is None else cover.role
            bands = "" if cover is None else ";".join(b.value for b in cover.bands)
            regions = "" if cover is None else ";".join(cover.regions)
            writer.writerow(protect_row((person.name, person.email, person.title, role, bands, regions)))
    return out.getvalue()


def read_csv(text: str, policy: Policy, source: str = "CSV") -> list[PersonEntry]:
    """The people a directory CSV describes, validated; DirectoryImportRefused lists every bad row."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=_delimiter(text)))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise DirectoryImportRefused(source, [RowProblem(1, "header", "", f"expected {','.join(COLUMNS)}")])
    header = [cell.strip().lower() for cell in rows[0]]
    unknown = [c for c in header if c not in COLUMNS]
    missing = sorted(REQUIRED - set(header))
    if unknown or missing:
        reason = f"unknown column {unknown[0]!r}" if unknown else f"missing column {missing[0]!r}"
        raise DirectoryImportRefused(source, [RowProblem(1, "header", ",".join(header), f"{reason}; expected "
                                                         f"{','.join(COLUMNS)}")])  # fmt: skip
    groups: dict[str, _Group] = {}
    problems: list[RowProblem] = []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row = {name: (restore_cell(cells[i].strip()) if i < len(cells) else "") for i, name in enumerate(header)}
        problem = _add_row(groups, row, line, policy)
        if problem is not None:
            problems.append(problem)
    entries = []
    for group in groups.values():
        try:
            entries.append(validate(PersonEntry(group.name, group.email, group.title, tuple(group.roles)), policy))
        except DirectoryError as exc:
            problems.append(RowProblem(group.line, exc.field, _value(group, exc.field), exc.reason))
    if problems:
        raise DirectoryImportRefused(source, sorted(problems, key=lambda p: p.line))
    return entries


def _delimiter(text: str) -> str:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def _add_row(groups: dict[str, _Group], row: dict[str, str], line: int, policy: Policy) -> RowProblem | None:
    email = row.get("email", "").lower()
    try:
        bands = parse_bands(row.get("bands", ""), policy)
        regions = parse_regions(row.get("regions", ""))
    except DirectoryError as exc:
        return RowProblem(line, exc.field, row.get(exc.field, ""), exc.reason)
    group = groups.get(email)
    if group is None:
        group = groups[email] = _Group(line, row.get("name", ""), email, row.get("title", ""), [])
    else:
        for column in ("name", "title"):
            value, first = row.get(column, ""), getattr(group, column)
            if value and value != first:
                return RowProblem(line, column, value, f"line {group.line} gives {email} the {column} {first!r}")
    role = row.get("role", "")
    if role:
        if any(c.role == role for c in group.roles):
            return RowProblem(line, "role", role, f"{email} has this role on an earlier line")
        group.roles.append(RoleCover(role, bands, regions))
    elif bands or regions:
        return RowProblem(line, "role", "", "bands or regions without a role")
    return None


def _value(group: _Group, column: str) -> str:
    if column == "role":
        return ", ".join(c.role for c in group.roles)
    return str(getattr(group, column, ""))


def import_people(store: Store, entries: list[PersonEntry], clock: Clock) -> ImportSummary:
    """Create or update every person of a validated file, in one transaction."""
    summary = ImportSummary()
    now = clock.now()
    with store.uow() as uow:
        by_email = {(p.email or "").lower(): p for p in live_people(uow.session)}
        for entry in entries:
            person = by_email.get(entry.email)
            summary.people.append(entry.email)
            if person is None:
                created = Person(id=new_id(), name=entry.name, email=entry.email, title=entry.title or None)
                created.version, created.created_at, created.updated_at = 1, now, now
                created.roles = role_rows(entry.roles)
                uow.people.add(created)
                summary.created += 1
            elif apply_entry(person, entry, clock):
                summary.updated += 1
            else:
                summary.unchanged += 1
        uow.commit()
    return summary


def import_file(store: Store, path: Path, policy: Policy, clock: Clock) -> ImportSummary:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DirectoryImportRefused(str(path), [RowProblem(1, "file", path.name, f"cannot read it ({exc})")]) from exc
    return import_people(store, read_csv(text, policy, str(path)), clock)
