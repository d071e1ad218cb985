"""One source row to one typed record, or to the reasons it cannot be one (each naming its column and value)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from escdesk.importing.presets import OUTCOME_WORDS, SOLVED_STATUSES, Preset
from escdesk.importing.reading import SourceRow, TableShape, split_structured
from escdesk.importing.report import RowIssue
from escdesk.importing.values import (
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


@dataclass
class Converted:
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
    """Typed access to one row's cells; a value that does not parse becomes an error for the report."""

    def __init__(self, converter: RowConverter, row: SourceRow) -> None:
        self.c, self.row = converter, row
        self.errors: list[RowIssue] = []
        self.unmapped: list[tuple[str, str]] = []

    def text(self, name: str) -> str | None:
        if name not in self.c.plan.found:
            return None
        for position in self.c.plan.found[name][1]:
            value = self.row.cells[position] if position < len(self.row.cells) else ""
            if not is_missing(value):
                return value.strip()
        return None

    def all_texts(self, name: str) -> list[str]:
        if name not in self.c.plan.found:
            return []
        cells = self.row.cells
        return [cells[p] for p in self.c.plan.found[name][1] if p < len(cells) and not is_missing(cells[p])]

    def fail(self, name: str, value: str, reason: str) -> None:
        self.errors.append(RowIssue(self.row.line, self.c.plan.header(name) or name, value, reason))

    def parsed(self, name: str, parse: Any) -> Any:
        raw = self.text(name)
        if raw is None:
            return None
        try:
            return parse(raw)
        except ValueError as exc:
            self.fail(name, raw, str(exc))
            return None

    def instant(self, name: str) -> datetime | None:
        order = self.c.orders.get(self.c.plan.header(name) or "")
        result: datetime | None = self.parsed(name, lambda t: parse_instant(t, order, self.c.zone))
        return result

    def day(self, name: str) -> date | None:
        order = self.c.orders.get(self.c.plan.header(name) or "")
        result: date | None = self.parsed(name, lambda t: parse_day(t, order))
        return result

    def choice(self, name: str, words: Mapping[str, str], allowed: str) -> tuple[str | None, str | None]:
        raw = self.text(name)
        if raw is None:
            return None, None
        column = self.c.plan.header(name) or name
        mapped = self.c.value_maps.get(column, {}).get(raw) or words.get(" ".join(raw.casefold().split()))
        if mapped is not None and mapped not in words.values():  # the user's own mapping, mistyped
            self.fail(name, raw, f"{raw!r} is mapped to {mapped!r}, which is not one of {allowed}")
            return None, raw
        if mapped is None:
            self.fail(name, raw, f"unknown {name} {raw!r}: map it to one of {allowed}")
            self.unmapped.append((column, raw))
        return mapped, raw


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

    def convert(self, row: SourceRow) -> Converted:
        cells = _Cells(self, row)
        self._check_width(cells)
        warnings: list[RowIssue] = []
        record: Record | None
        if self.preset.kind.value == "customers":
            record = self._customer(cells)
        elif self.preset.kind.value == "health":
            record = self._usage(cells) if "usage_count" in self.plan.found else self._health(cells)
        elif self.preset.kind.value == "outcomes":
            record = self._outcome(cells)
        else:
            record = self._ticket(cells)
            warnings = _contradictions(record, row.line) if isinstance(record, TicketRecord) else []
        return Converted(None if cells.errors else record, cells.errors, warnings, cells.unmapped)

    def _check_width(self, cells: _Cells) -> None:
        extra = [c for c in cells.row.cells[len(self.shape.header) :] if c.strip()]
        if extra:
            width = len(cells.row.cells)
            reason = f"{width} cells but the header has {len(self.shape.header)}: a delimiter or quote is off"
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
        outcome = self.preset.fixed_outcome or cells.choice("outcome", OUTCOME_WORDS, _listed(OUTCOME_WORDS))[0]
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
        ticket = TicketRecord(line=cells.row.line, external_id=external_id, subject=cells.text("subject") or "")
        ticket.status, ticket.status_raw = cells.choice("status", self.preset.statuses, _listed(self.preset.statuses))
        allowed = _listed(self.preset.priorities)
        ticket.priority, ticket.priority_raw = cells.choice("priority", self.preset.priorities, allowed)
        self._ticket_times(cells, ticket)
        ticket.customer_external_id = cells.text("customer_external_id")
        ticket.organization = cells.text("organization")
        ticket.requester_email = cells.text("requester_email")
        ticket.escalated = bool(cells.parsed("escalated", parse_bool))
        ticket.labels = self._labels(cells)
        ticket.comments = [self._comment(text) for text in cells.all_texts("comments")]
        if ticket.status is None and ticket.status_raw is None:  # RavenStack has no status: the close stamp tells
            ticket.status = "closed" if ticket.resolved_at else "open"
        return ticket

    def _ticket_times(self, cells: _Cells, ticket: TicketRecord) -> None:
        ticket.opened_at = cells.instant("opened_at")
        ticket.first_response_at = cells.instant("first_response_at")
        ticket.resolved_at = cells.instant("resolved_at")
        opened = ticket.opened_at
        if ticket.first_response_at is None and opened is not None:
            ticket.first_response_at = cells.parsed("first_response_minutes", lambda t: after_minutes(opened, t))

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
