"""Which column means what, per export format; detected from the header; a named generic mapping for the rest.

A preset lists, per EscDesk field, the headers that may carry it (first one present wins; `labels` and `comments`
take every column of that name). Status and priority words are mapped to EscDesk's values here; a word not listed
is flagged in the report for the user to map (ImportOptions.value_maps), never dropped.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from escdesk.errors import EscDeskError
from escdesk.importing.reading import TableShape


class ImportKind(enum.StrEnum):
    CUSTOMERS = "customers"
    TICKETS = "tickets"
    HEALTH = "health"
    OUTCOMES = "outcomes"


CUSTOMER_FIELDS = ("external_id", "name", "arr", "mrr", "renewal_date", "segment", "region", "domain", "health_score")
TICKET_FIELDS = (
    "external_id",
    "subject",
    "status",
    "priority",
    "opened_at",
    "first_response_at",
    "first_response_minutes",
    "resolved_at",
    "customer_external_id",
    "organization",
    "requester_email",
    "labels",
    "comments",
    "escalated",
)
# A health history: one score per customer and day; or usage rows (RavenStack) the score is derived from.
HEALTH_FIELDS = (
    "customer_external_id",
    "customer_name",
    "measured_on",
    "score",
    "subscription_id",
    "usage_count",
    "error_count",
)
# Commercial outcomes (customer_outcomes): churned, renewed, downgraded on a date, with the ARR change.
OUTCOME_FIELDS = ("customer_external_id", "customer_name", "occurred_on", "outcome", "arr_change", "reason")
OUTCOME_WORDS = {
    "churned": "churned",
    "churn": "churned",
    "cancelled": "churned",
    "canceled": "churned",
    "lost": "churned",
    "renewed": "renewed",
    "renewal": "renewed",
    "won": "renewed",
    "downgraded": "downgraded",
    "downgrade": "downgraded",
    "contraction": "downgraded",
}
FIELDS_OF = {
    "customers": CUSTOMER_FIELDS,
    "tickets": TICKET_FIELDS,
    "health": HEALTH_FIELDS,
    "outcomes": OUTCOME_FIELDS,
}
DATE_FIELDS = frozenset({"renewal_date", "opened_at", "first_response_at", "resolved_at", "measured_on", "occurred_on"})
MULTI_FIELDS = frozenset({"labels", "comments"})

TICKET_STATUSES = {
    "new": "new",
    "open": "open",
    "to do": "open",
    "in progress": "open",
    "working": "open",
    "escalated": "open",
    "pending": "pending",
    "pending customer response": "pending",
    "waiting on customer": "pending",
    "waiting for customer": "pending",
    "on hold": "on_hold",
    "hold": "on_hold",
    "waiting on third party": "on_hold",
    "solved": "solved",
    "resolved": "solved",
    "done": "closed",
    "closed": "closed",
}
SOLVED_STATUSES = frozenset({"solved", "closed"})
TICKET_PRIORITIES = {
    "lowest": "low",
    "low": "low",
    "medium": "normal",
    "normal": "normal",
    "high": "high",
    "highest": "urgent",
    "urgent": "urgent",
    "critical": "urgent",
}


@dataclass(frozen=True)
class Preset:
    name: str
    kind: ImportKind
    system: str
    columns: Mapping[str, tuple[str, ...]]
    signature: tuple[str, ...]
    label_separator: str | None = None  # Zendesk puts every tag in one cell, space-separated
    fixed_outcome: str | None = None  # a churn-events file has no outcome column: every row is a churn
    companion: str | None = None  # RavenStack: subscriptions next to the accounts give the ARR
    statuses: Mapping[str, str] = field(default_factory=lambda: TICKET_STATUSES)
    priorities: Mapping[str, str] = field(default_factory=lambda: TICKET_PRIORITIES)

    def matches(self, shape: TableShape) -> bool:
        return all(shape.positions(name) for name in self.signature)


def _cols(**columns: str | tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {k: (v,) if isinstance(v, str) else v for k, v in columns.items()}


PRESETS: tuple[Preset, ...] = (
    Preset(
        "gainsight",
        ImportKind.CUSTOMERS,
        "gainsight",
        _cols(
            external_id=("GSID", "Company ID"),
            name="Name",
            arr="ARR",
            mrr="MRR",
            renewal_date="Renewal Date",
            segment=("Segment", "Lifecycle Stage"),
            region="Region",
            health_score="Current Score",
        ),
        signature=("Name", "ARR", "Renewal Date", "Current Score"),
    ),
    Preset(
        "churnzero",
        ImportKind.CUSTOMERS,
        "churnzero",
        _cols(
            external_id=("Account External ID", "External ID"),
            name="Account Name",
            arr=("ARR", "Contract Value", "Total Contract Amount"),
            renewal_date=("Next Renewal Date", "Renewal Date"),
            segment="Segment",
            region="Region",
        ),
        signature=("Account Name", "Account External ID"),
    ),
    Preset(
        "ravenstack-accounts",
        ImportKind.CUSTOMERS,
        "ravenstack",
        _cols(external_id="account_id", name="account_name", segment="plan_tier", region="country"),
        signature=("account_id", "account_name", "plan_tier"),
        companion="ravenstack_subscriptions.csv",
    ),
    Preset(
        "customers",
        ImportKind.CUSTOMERS,
        "file",
        _cols(
            external_id=("Account ID", "Customer ID", "ID"),
            name=("Name", "Account Name", "Customer", "Company"),
            arr=("ARR", "Annual Recurring Revenue", "Contract Value"),
            mrr="MRR",
            renewal_date=("Renewal", "Renewal Date"),
            segment="Segment",
            region=("Region", "Country"),
            domain=("Domain", "Website"),
            health_score=("Health Score", "Health"),
        ),
        signature=("Name",),
    ),
    Preset(
        "zendesk",
        ImportKind.TICKETS,
        "zendesk",
        _cols(
            external_id="ID",
            subject="Subject",
            status="Status",
            priority="Priority",
            opened_at="Created at",
            resolved_at="Solved at",
            requester_email="Requester email",
            organization="Organization",
            labels="Tags",
        ),
        signature=("ID", "Requester email", "Status", "Created at"),
        label_separator=" ",
    ),
    Preset(
        "jira",
        ImportKind.TICKETS,
        "jira",
        _cols(
            external_id="Issue key",
            subject="Summary",
            status="Status",
            priority="Priority",
            opened_at="Created",
            resolved_at="Resolved",
            first_response_at="Custom field ([CHART] Date of First Response)",
            organization="Custom field (Organizations)",
            labels="Labels",
            comments="Comment",
        ),
        signature=("Issue key", "Summary"),
    ),
    Preset(
        "salesforce-cases",
        ImportKind.TICKETS,
        "salesforce",
        _cols(
            external_id="Case Number",
            subject="Subject",
            status="Status",
            priority="Priority",
            opened_at="Date/Time Opened",
            resolved_at="Date/Time Closed",
            organization="Account Name",
            requester_email="Contact Email",
            escalated="Escalated",
        ),
        signature=("Case Number", "Subject", "Status"),
    ),
    Preset(
        "freshdesk",
        ImportKind.TICKETS,
        "freshdesk",
        _cols(
            external_id="Ticket ID",
            subject="Subject",
            status="Status",
            priority="Priority",
            opened_at="Created time",
            resolved_at="Resolved time",
            requester_email="Email",
            organization="Company Name",
            labels="Tags",
        ),
        signature=("Ticket ID", "Subject", "Status", "Created time"),
    ),
    Preset(
        "support-tickets",
        ImportKind.TICKETS,
        "kaggle",
        _cols(
            external_id="Ticket ID",
            subject="Ticket Subject",
            status="Ticket Status",
            priority="Ticket Priority",
            first_response_at="First Response Time",
            resolved_at="Time to Resolution",
            requester_email="Customer Email",
        ),
        signature=("Ticket ID", "Ticket Status", "Ticket Priority"),
    ),
    Preset(
        "ravenstack-tickets",
        ImportKind.TICKETS,
        "ravenstack",
        _cols(
            external_id="ticket_id",
            customer_external_id="account_id",
            opened_at="submitted_at",
            resolved_at="closed_at",
            first_response_minutes="first_response_time_minutes",
            priority="priority",
            escalated="escalation_flag",
        ),
        signature=("ticket_id", "account_id", "submitted_at"),
    ),
    Preset(
        "health-history",
        ImportKind.HEALTH,
        "file",
        _cols(
            customer_external_id=("Account ID", "Customer ID", "GSID", "Company ID", "External ID"),
            customer_name=("Account Name", "Name", "Company", "Customer"),
            measured_on=("Date", "Measured On", "Score Date", "Snapshot Date"),
            score=("Health Score", "Score", "Current Score"),
        ),
        signature=("Date", "Health Score"),
    ),
    Preset(
        "ravenstack-usage",
        ImportKind.HEALTH,
        "ravenstack",
        _cols(
            subscription_id="subscription_id",
            measured_on="usage_date",
            usage_count="usage_count",
            error_count="error_count",
        ),
        signature=("usage_id", "subscription_id", "usage_date"),
        companion="ravenstack_subscriptions.csv",
    ),
    Preset(
        "outcomes",
        ImportKind.OUTCOMES,
        "file",
        _cols(
            customer_external_id=("Account ID", "Customer ID", "External ID"),
            customer_name=("Account Name", "Name", "Company"),
            occurred_on=("Date", "Outcome Date", "Close Date"),
            outcome=("Outcome", "Result"),
            arr_change=("ARR Change", "Net ARR Change"),
            reason=("Reason", "Churn Reason"),
        ),
        signature=("Outcome", "Date"),
    ),
    Preset(
        "ravenstack-churn",
        ImportKind.OUTCOMES,
        "ravenstack",
        _cols(customer_external_id="account_id", occurred_on="churn_date", reason="reason_code"),
        signature=("churn_event_id", "account_id", "churn_date"),
        companion="ravenstack_accounts.csv",
        fixed_outcome="churned",
    ),
)


class UnknownFormat(EscDeskError):
    """No preset recognises the header and no mapping was given."""


def preset_named(name: str) -> Preset:
    for preset in PRESETS:
        if preset.name == name:
            return preset
    known = ", ".join(p.name for p in PRESETS)
    raise UnknownFormat(f"unknown preset {name!r}; known presets: {known}")


# Files that are part of a multi-file set but not imported on their own: say so instead of "unknown columns".
NOT_ON_THEIR_OWN = (
    (("subscription_id", "account_id", "arr_amount"), "RavenStack subscriptions are read with the accounts: import "
     "ravenstack_accounts.csv from the same folder and its ARR comes from the active subscriptions"),
)  # fmt: skip


def detect_preset(shape: TableShape, kind: ImportKind | None = None) -> Preset:
    """The matching preset with the longest signature: `Ticket ID` alone says less than four Freshdesk headers.
    With `kind` (the user said `escdesk import tickets ...`) only presets of that kind are considered."""
    for signature, message in NOT_ON_THEIR_OWN:
        if all(shape.positions(name) for name in signature):
            raise UnknownFormat(message)
    matching = [p for p in PRESETS if p.matches(shape) and kind in (None, p.kind)]
    if not matching:
        shown = ", ".join(shape.header[:8])
        other = [p for p in PRESETS if p.matches(shape)]
        if kind is not None and other:
            best = max(other, key=lambda p: len(p.signature))
            looks = f"{best.kind.value} ({best.name})"
            raise UnknownFormat(f"the columns ({shown} ...) look like {looks}, not {kind.value}")
        what = f"no {kind.value} preset" if kind is not None else "no preset"
        raise UnknownFormat(f"{what} recognises the columns ({shown} ...); give --preset or --mapping")
    return max(matching, key=lambda p: len(p.signature))
