"""One source row to one typed record, or to the reasons it cannot be one (each naming its column and value)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from escdesk.importing.presets import OUTCOME_WORDS, SOLVED_STATUSES, Preset
from escdesk.importing.reading import SourceRow, TableShape, split_structured
from escdesk.importing.report import RowIssue
from escdesk.importing.values import (
    MISSING_MARKERS,
    DateOrder,
    after_minutes,
    is_missing,
    parse_amount,
    parse_bool,
    parse_day,
    parse_instant,
)


@dataclass
class CustomerRecord:
    line: int
    external_id: str | None
    name: str
    arr: Decimal | None = None
    renewal_date: date | None = None
    segment: str | None = None
    region: str | None = None
    domain: str | None = None
    health_score: int | None = None


@dataclass
class TicketRecord:
    line: int
    external_id: str
    subject: str
    status: str | None = None
    status_raw: str | None = None
    priority: str | None = None
    priority_raw: str | None = None
    opened_at: datetime | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    customer_external_id: str | None = None
    organization: str | None = None
    requester_email: str | None = None
    escalated: bool = False
    labels: list[str] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class HealthRecord:
    """One point of a health history, for the customer known by `customer_external_id` (else by name)."""

    line: int
    customer_external_id: str | None
    customer_name: str | None
    measured_on: date
    score: int


@dataclass
class UsageRecord:
    """One usage row (RavenStack): the health score is derived from many of them per account and month."""

    line: int
    subscription_id: str
    measured_on: date
    usage_count: int
    error_count: int


@dataclass
class OutcomeRecord:
    """A commercial outcome of a customer (customer_outcomes): churned, renewed or downgraded on a date."""

    line: int
    customer_external_id: str | None
    customer_name: str | None
    occurred_on: date
    outcome: str
    arr_change: Decimal
    reason: str | None


Record = CustomerRecord | TicketRecord | HealthRecord | UsageRecord | OutcomeRecord


class Converted(NamedTuple):
    """One row's outcome (a named tuple: one is made, and kept until the write, for every row of the file)."""

    record: Record | None
    errors: list[RowIssue]
    warnings: list[RowIssue]
    unmapped: list[tuple[str, str]]


class ColumnPlan:
    """Where each field is in this file: the header actually used (for messages) and its positions."""

    def __init__(self, preset: Preset, shape: TableShape) -> None:
        self.found: dict[str, tuple[str, list[int]]] = {}
        for name, candidates in preset.columns.items():
            for header in candidates:
                positions = shape.positions(header)
                if positions:
                    self.found[name] = (shape.header[positions[0]], positions)
                    break

    def header(self, name: str) -> str | None:
        return self.found[name][0] if name in self.found else None


class _Cells:
    """Typed access to one row's cells; a value that does not parse becomes an error for the report.

    The lookups (positions, headers, date orders) were worked out once per file by RowConverter: this object is
    made for every row of a 15,000-row file, and each of its methods runs for every field of it."""

    __slots__ = ("c", "cells", "errors", "positions", "row", "unmapped")

    def __init__(self, converter: RowConverter, row: SourceRow) -> None:
        self.c, self.row, self.cells, self.positions = converter, row, row.cells, converter.positions
        self.errors: list[RowIssue] = []
        self.unmapped: list[tuple[str, str]] = []

    def text(self, name: str) -> str | None:
        """The first non-missing cell of the field, stripped (is_missing, inlined: it runs for every cell)."""
        cells = self.cells
        for position in self.positions.get(name, ()):
            if position < len(cells):
                value = cells[position].strip()
                if value and value.casefold() not in MISSING_MARKERS:
                    return value
        return None

    def all_texts(self, name: str) -> list[str]:
        positions = self.positions.get(name)
        if positions is None:  # most files have no labels or comments column
            return []
        cells = self.cells
        return [cells[p] for p in positions if p < len(cells) and not is_missing(cells[p])]

    def fail(self, name: str, value: str, reason: str) -> None:
        self.errors.append(RowIssue(self.row.line, self.c.headers.get(name, name), value, reason))

    def parsed(self, name: str, parse: Callable[[str], Any]) -> Any:
        raw = self.text(name)
        if raw is None:
            return None
        try:
            return parse(raw)
        except ValueError as exc:
            self.fail(name, raw, str(exc))
            return None

    def instant(self, name: str) -> datetime | None:
        result: datetime | None = self._dated(name, self.c.instants)
        return result

    def day(self, name: str) -> date | None:
        result: date | None = self._dated(name, self.c.days)
        return result

    def _dated(self, name: str, memo: _DateMemo) -> Any:
        raw = self.text(name)
        if raw is None:
            return None
        value = memo.read(name, raw)
        if isinstance(value, str):
            self.fail(name, raw, value)
            return None
        return value

    def choice(self, name: str, words: Mapping[str, str]) -> tuple[str | None, str | None]:
        raw = self.text(name)
        if raw is None:
            return None, None
        mapped, problem, unknown = self.c.chosen(name, raw, words)
        if problem is not None:
            self.fail(name, raw, problem)
        if unknown:  # flagged for the user to map, never dropped
            self.unmapped.append((self.c.headers.get(name, name), raw))
        return mapped, raw


Choice = tuple[str | None, str | None, bool]  # EscDesk's value, the problem with the word, whether it is unknown


class _DateMemo:
    """Dates read once per distinct text and column: exports repeat them (a renewal date, a stamp to the minute
    shared by many tickets), and parsing is the costliest part of a row. The value, or the reason it is none."""

    LIMIT = 200_000  # distinct texts remembered per file; past that, parsed each time

    def __init__(self, parse: Callable[[str, DateOrder | None], date], orders: Mapping[str, DateOrder | None]) -> None:
        self.parse, self.orders = parse, orders
        self.seen: dict[tuple[str, str], date | str] = {}

    def read(self, name: str, raw: str) -> date | str:
        key = (name, raw)
        value = self.seen.get(key)
        if value is None:
            try:
                value = self.parse(raw, self.orders.get(name))
            except ValueError as exc:
                value = str(exc)
            if len(self.seen) < self.LIMIT:
                self.seen[key] = value
        return value


class RowConverter:
    def __init__(
        self,
        preset: Preset,
        shape: TableShape,
        orders: Mapping[str, DateOrder],
        value_maps: Mapping[str, Mapping[str, str]],
        zone: ZoneInfo,
    ) -> None:
        self.preset, self.shape, self.orders, self.value_maps, self.zone = preset, shape, orders, value_maps, zone
        self.plan = ColumnPlan(preset, shape)
        # Per field, once per file: where it is, the header messages name, the date order its column was given.
        self.positions = {name: tuple(found[1]) for name, found in self.plan.found.items()}
        self.headers = {name: found[0] for name, found in self.plan.found.items()}
        self.date_orders = {name: orders.get(header) for name, header in self.headers.items()}
        self.width = len(shape.header)
        self.days = _DateMemo(parse_day, self.date_orders)
        self.instants = _DateMemo(lambda text, order: parse_instant(text, order, zone), self.date_orders)
        self._chosen: dict[tuple[str, str], Choice] = {}
        self.kind = preset.kind.value

    def chosen(self, name: str, raw: str, words: Mapping[str, str]) -> Choice:
        """(EscDesk's value, the problem with it, unknown?) for a status or priority word, worked out once."""
        key = (name, raw)
        found = self._chosen.get(key)
        if found is None:
            found = self._chosen[key] = self._choose(name, raw, words)
        return found

    def _choose(self, name: str, raw: str, words: Mapping[str, str]) -> Choice:
        column = self.headers.get(name, name)
        mapped = self.value_maps.get(column, {}).get(raw) or words.get(" ".join(raw.casefold().split()))
        if mapped is not None and mapped not in words.values():  # the user's own mapping, mistyped
            return None, f"{raw!r} is mapped to {mapped!r}, which is not one of {_listed(words)}", False
        if mapped is None:
            return None, f"unknown {name} {raw!r}: map it to one of {_listed(words)}", True
        return mapped, None, False

    def convert(self, row: SourceRow) -> Converted:
        cells = _Cells(self, row)
        self._check_width(cells)
        warnings: list[RowIssue] = []
        record: Record | None
        if self.kind == "customers":
            record = self._customer(cells)
        elif self.kind == "health":
            record = self._usage(cells) if "usage_count" in self.plan.found else self._health(cells)
        elif self.kind == "outcomes":
            record = self._outcome(cells)
        else:
            record = self._ticket(cells)
            warnings = _contradictions(record, row.line) if isinstance(record, TicketRecord) else []
        return Converted(None if cells.errors else record, cells.errors, warnings, cells.unmapped)

    def _check_width(self, cells: _Cells) -> None:
        if len(cells.cells) <= self.width:
            return
        extra = [c for c in cells.cells[self.width :] if c.strip()]
        if extra:
            width = len(cells.cells)
            reason = f"{width} cells but the header has {self.width}: a delimiter or quote is off"
            cells.errors.append(RowIssue(cells.row.line, "(row)", extra[0], reason))

    def _customer(self, cells: _Cells) -> CustomerRecord | None:
        name = cells.text("name")
        if name is None:
            cells.fail("name", "", "a customer needs a name")
            return None
        arr = cells.parsed("arr", parse_amount)
        mrr = cells.parsed("mrr", parse_amount)
        if arr is None and mrr is not None:
            arr = mrr * 12
        if arr is not None and arr < 0:
            cells.fail("arr", str(arr), "ARR cannot be negative")
        return CustomerRecord(
            line=cells.row.line,
            external_id=cells.text("external_id"),
            name=name,
            arr=arr,
            renewal_date=cells.day("renewal_date"),
            segment=cells.text("segment"),
            region=cells.text("region"),
            domain=(cells.text("domain") or "").removeprefix("https://").removeprefix("www.").strip("/") or None,
            health_score=cells.parsed("health_score", _score),
        )

    def _health(self, cells: _Cells) -> HealthRecord | None:
        external_id, name = cells.text("customer_external_id"), cells.text("customer_name")
        if external_id is None and name is None:
            cells.fail("customer_external_id", "", "a health point needs the customer's id or name")
        measured_on, score = cells.day("measured_on"), cells.parsed("score", _score)
        if measured_on is None and not cells.errors:
            cells.fail("measured_on", "", "a health point needs its date")
        if score is None and not cells.errors:
            cells.fail("score", "", "a health point needs its score")
        if cells.errors or measured_on is None or score is None:
            return None
        return HealthRecord(cells.row.line, external_id, name, measured_on, score)

    def _outcome(self, cells: _Cells) -> OutcomeRecord | None:
        external_id, name = cells.text("customer_external_id"), cells.text("customer_name")
        if external_id is None and name is None:
            cells.fail("customer_external_id", "", "an outcome needs the customer's id or name")
        occurred_on = cells.day("occurred_on")
        if occurred_on is None and not cells.errors:
            cells.fail("occurred_on", "", "an outcome needs its date")
        outcome = self.preset.fixed_outcome or cells.choice("outcome", OUTCOME_WORDS)[0]
        if outcome is None and not cells.errors:
            cells.fail("outcome", "", "an outcome needs its kind (churned, renewed, downgraded)")
        change = cells.parsed("arr_change", parse_amount)
        if cells.errors or occurred_on is None or outcome is None:
            return None
        return OutcomeRecord(
            cells.row.line, external_id, name, occurred_on, outcome, change or Decimal(0), cells.text("reason")
        )

    def _usage(self, cells: _Cells) -> UsageRecord | None:
        subscription, measured_on = cells.text("subscription_id"), cells.day("measured_on")
        count, errors = cells.parsed("usage_count", _count), cells.parsed("error_count", _count)
        if subscription is None:
            cells.fail("subscription_id", "", "a usage row needs its subscription")
        if measured_on is None and not cells.errors:
            cells.fail("measured_on", "", "a usage row needs its date")
        if cells.errors or subscription is None or measured_on is None:
            return None
        return UsageRecord(cells.row.line, subscription, measured_on, count or 0, errors or 0)

    def _ticket(self, cells: _Cells) -> TicketRecord | None:
        external_id = cells.text("external_id")
        if external_id is None:
            cells.fail("external_id", "", "a ticket needs its id")
            return None
        # One constructor call, the fields read in the order their problems are reported.
        subject = cells.text("subject") or ""
        status, status_raw = cells.choice("status", self.preset.statuses)
        priority, priority_raw = cells.choice("priority", self.preset.priorities)
        opened, first_response, resolved = self._ticket_times(cells)
        ticket = TicketRecord(
            cells.row.line, external_id, subject, status, status_raw, priority, priority_raw, opened, first_response,
            resolved, customer_external_id=cells.text("customer_external_id"), organization=cells.text("organization"),
            requester_email=cells.text("requester_email"), escalated=bool(cells.parsed("escalated", parse_bool)),
            labels=self._labels(cells), comments=[self._comment(text) for text in cells.all_texts("comments")],
        )  # fmt: skip
        if ticket.status is None and ticket.status_raw is None:  # RavenStack has no status: the close stamp tells
            ticket.status = "closed" if ticket.resolved_at else "open"
        return ticket

    def _ticket_times(self, cells: _Cells) -> tuple[datetime | None, datetime | None, datetime | None]:
        """(opened, first response, resolved)."""
        opened = cells.instant("opened_at")
        first_response = cells.instant("first_response_at")
        resolved = cells.instant("resolved_at")
        if first_response is None and opened is not None:
            first_response = cells.parsed("first_response_minutes", lambda t: after_minutes(opened, t))
        return opened, first_response, resolved

    def _labels(self, cells: _Cells) -> list[str]:
        texts = cells.all_texts("labels")
        separator = self.preset.label_separator
        if separator is not None:
            texts = [part for text in texts for part in text.split(separator)]
        return [t.strip() for t in texts if t.strip()]

    def _comment(self, text: str) -> dict[str, Any]:
        parts = split_structured(text)
        if parts is None:
            return {"at": None, "author": None, "body": text}
        try:
            at: str | None = parse_instant(parts.at, None, self.zone).isoformat()
        except ValueError:
            at = parts.at or None  # kept as written: a comment is worth keeping even with an odd stamp
        return {"at": at, "author": parts.author, "body": parts.body}


def _score(text: str) -> int:
    value = parse_amount(text)
    if not 0 <= value <= 100:
        raise ValueError(f"a health score is 0-100, got {text!r}")
    return int(value.to_integral_value())


def _count(text: str) -> int:
    value = parse_amount(text)
    if value < 0 or value != value.to_integral_value():
        raise ValueError(f"a count is a whole number >= 0, got {text!r}")
    return int(value)


def _listed(words: Mapping[str, str]) -> str:
    return ", ".join(sorted(set(words.values())))


def _contradictions(ticket: TicketRecord, line: int) -> list[RowIssue]:
    """Reported, not fatal: the data is kept as the source has it, and the user knows where it disagrees."""
    found: list[RowIssue] = []
    if ticket.status in SOLVED_STATUSES and ticket.resolved_at is None:
        found.append(RowIssue(line, "status", ticket.status_raw or "", "resolved status without a resolved date"))
    first, resolved = ticket.first_response_at, ticket.resolved_at
    if first is not None and resolved is not None and resolved < first:
        found.append(RowIssue(line, "resolved_at", resolved.isoformat(), "resolved before the first response"))
    return found
