"""Which column means what, per export format; detected from the header; a named generic mapping for the rest.

A preset lists, per EscDesk field, the headers that may carry it (first one present wins; `labels` and `comments`
take every column of that name). Status and priority words are mapped to EscDesk's values here; a word not listed
is flagged in the report for the user to map (ImportOptions.value_maps), never dropped.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from escdesk.errors import EscDeskError
from escdesk.importing.reading import TableShape
from escdesk.paths import config_dir


class ImportKind(enum.StrEnum):
    CUSTOMERS = "customers"
    TICKETS = "tickets"


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
DATE_FIELDS = frozenset({"renewal_date", "opened_at", "first_response_at", "resolved_at"})
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
    (("usage_id", "subscription_id", "usage_date"), "RavenStack feature usage (a health history) is not imported yet"),
    (("churn_event_id", "account_id", "churn_date"), "RavenStack churn events are not imported yet"),
)  # fmt: skip


def detect_preset(shape: TableShape) -> Preset:
    """The matching preset with the longest signature: `Ticket ID` alone says less than four Freshdesk headers."""
    for signature, message in NOT_ON_THEIR_OWN:
        if all(shape.positions(name) for name in signature):
            raise UnknownFormat(message)
    matching = [p for p in PRESETS if p.matches(shape)]
    if not matching:
        shown = ", ".join(shape.header[:8])
        raise UnknownFormat(f"no preset recognises the columns ({shown} ...); give --preset or --mapping")
    return max(matching, key=lambda p: len(p.signature))


# -- generic mappings, saved by name ----------------------------------------------------------------------------

MAPPING_NAME = re.compile(r"^[\w][\w .-]{0,59}$")


def mappings_dir() -> Path:
    return config_dir() / "import-mappings"


def _mapping_path(name: str) -> Path:
    if not MAPPING_NAME.match(name) or ".." in name:
        raise UnknownFormat(f"invalid mapping name {name!r}: letters, digits, space, '.', '-', '_' only")
    return mappings_dir() / f"{name}.json"


def mapping_preset(name: str, kind: ImportKind, system: str, columns: Mapping[str, str]) -> Preset:
    """A preset from a user's mapping {EscDesk field: source column}; refuses fields EscDesk does not know."""
    known = CUSTOMER_FIELDS if kind is ImportKind.CUSTOMERS else TICKET_FIELDS
    unknown = sorted(set(columns) - set(known))
    if unknown:
        raise UnknownFormat(f"mapping {name!r}: unknown fields {', '.join(unknown)}; known: {', '.join(known)}")
    if "name" not in columns and kind is ImportKind.CUSTOMERS:
        raise UnknownFormat(f"mapping {name!r}: a customer mapping needs a 'name' column")
    return Preset(name, kind, system, {k: (v,) for k, v in columns.items()}, signature=tuple(columns.values()))


def save_mapping(preset: Preset) -> Path:
    path = _mapping_path(preset.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"kind": preset.kind.value, "system": preset.system, "columns": {k: v[0] for k, v in preset.columns.items()}}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def load_mapping(name: str) -> Preset:
    path = _mapping_path(name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return mapping_preset(name, ImportKind(data["kind"]), str(data["system"]), dict(data["columns"]))
    except FileNotFoundError:
        raise UnknownFormat(f"no saved mapping {name!r} (looked in {mappings_dir()})") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise UnknownFormat(f"saved mapping {name!r} in {path} is damaged: {exc}") from None
