"""Domain vocabulary: the enums every layer shares and the frozen DTOs that leave the store.

Values are stored as their string `value`, so renaming a member never rewrites the database.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


class Level(enum.IntEnum):
    """Escalation level: who owns the case on our side (names come from the policy)."""

    L0 = 0
    L1 = 1
    L2 = 2
    L3 = 3
    L4 = 4
    L5 = 5

    @property
    def code(self) -> str:
        return f"L{self.value}"


class Severity(enum.StrEnum):
    S1 = "S1"
    S2 = "S2"
    S3 = "S3"
    S4 = "S4"


class Pace(enum.StrEnum):
    """Fast cases (incidents: minutes matter) vs slow-burn ones (decline over weeks)."""

    FAST = "fast"
    SLOW_BURN = "slow_burn"


class ArrBand(enum.StrEnum):
    SMB = "SMB"
    MID_MARKET = "MM"
    ENTERPRISE = "ENT"
    STRATEGIC = "STRAT"


class CaseType(enum.StrEnum):
    PRODUCT_BUG = "product_bug"
    OUTAGE = "outage"
    PERFORMANCE = "performance"
    DATA_LOSS = "data_loss"
    SECURITY = "security"
    FEATURE_GAP = "feature_gap"
    BILLING = "billing"
    CONTRACT_LEGAL = "contract_legal"
    CHURN_THREAT = "churn_threat"
    HEALTH_DECLINE = "health_decline"
    IMPLEMENTATION = "implementation"
    SPONSOR_LOSS = "sponsor_loss"
    SUPPORT_EXPERIENCE = "support_experience"
    EXEC_CONTACT = "exec_contact"


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_active(self) -> bool:
        return self not in (CaseStatus.RESOLVED, CaseStatus.CLOSED)


class RootCause(enum.StrEnum):
    """Kept apart from the case type: a billing case may have a product defect behind it."""

    PRODUCT_DEFECT = "product_defect"
    PERFORMANCE_AVAILABILITY = "performance_availability"
    PRODUCT_GAP = "product_gap"
    ONBOARDING = "onboarding_implementation"
    SUPPORT_EXPERIENCE = "support_experience"
    EXPECTATION_MISMATCH = "expectation_mismatch"
    COMMUNICATION = "communication"
    BILLING_COMMERCIAL = "billing_commercial"
    CUSTOMER_ORG_CHANGE = "customer_org_change"
    SECURITY_COMPLIANCE = "security_compliance"
    THIRD_PARTY = "third_party"


class FunctionalRole(enum.StrEnum):
    CSM = "csm"
    CS_MANAGER = "cs_manager"
    CS_DIRECTOR = "cs_director"
    VP_CS = "vp_cs"
    PRODUCT = "product"
    ENGINEERING = "engineering"
    SUPPORT = "support"
    SALES = "sales"
    ACCOUNT_EXECUTIVE = "account_executive"
    RENEWALS = "renewals"
    FINANCE = "finance"
    LEGAL = "legal"
    SECURITY = "security"
    PROFESSIONAL_SERVICES = "professional_services"
    COMMUNICATIONS = "communications"
    INCIDENT_COMMANDER = "incident_commander"
    EXECUTIVE = "executive"


class EventKind(enum.StrEnum):
    """What one entry of a case's append-only history records."""

    OPENED = "opened"
    LEVEL_CHANGED = "level_changed"
    STATUS_CHANGED = "status_changed"
    SEVERITY_CHANGED = "severity_changed"
    NOTE = "note"
    CUSTOMER_CONTACT = "customer_contact"
    INVOLVEMENT_CHANGED = "involvement_changed"
    CHECKLIST_CHANGED = "checklist_changed"
    FIELD_CHANGED = "field_changed"
    LEVEL_ACKNOWLEDGED = "level_acknowledged"  # someone at the level a case was moved up to took it on
    DEADLINE_CHANGED = "deadline_changed"  # a deadline a person set: set, met or cleared (escdesk.deadline_service)


class Channel(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    MEETING = "meeting"
    PORTAL = "portal"
    CHAT = "chat"
    SLACK = "slack"


class Direction(enum.StrEnum):
    INBOUND = "inbound"  # the customer wrote or called
    OUTBOUND = "outbound"  # we sent or called


class InvolvementStatus(enum.StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"
    DONE = "done"


class StepStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    SKIPPED = "skipped"


# ---------------------------------------------------------------------------------------------------------------
# DTOs: what leaves a unit of work. Frozen, so a Qt model can hold them without touching a session.


@dataclass(frozen=True, slots=True)
class CaseCard:
    """One open case as the board paints it."""

    id: str
    number: int
    title: str
    customer_id: str
    customer_name: str
    band: ArrBand
    arr: Decimal
    severity: Severity
    pace: Pace
    case_type: CaseType
    level: Level
    status: CaseStatus
    owner_name: str | None
    opened_at: datetime
    level_entered_at: datetime
    acknowledged_at: datetime | None
    arr_at_risk: Decimal
    checklist_done: int
    checklist_total: int
    involvements_open: int
    version: int
    health_score: int | None = None  # the customer's latest health score (None: none recorded)
    health_change: int | None = None  # points gained or lost since the first score of the trend window

    @property
    def reference(self) -> str:
        return f"ESC-{self.number}"


@dataclass(frozen=True, slots=True)
class CaseEvent:
    at: datetime
    actor: str
    kind: EventKind
    from_value: str | None
    to_value: str | None
    reason: str | None
    channel: Channel | None
    direction: Direction | None
    body: str | None


@dataclass(frozen=True, slots=True)
class HealthPoint:
    on: date
    score: int


@dataclass(frozen=True, slots=True)
class NewCase:
    """What a person (or an import) supplies to open an escalation."""

    customer_id: str
    title: str
    case_type: CaseType
    severity: Severity
    pace: Pace
    description: str = ""
    owner_id: str | None = None
    arr_at_risk: Decimal | None = None
    tickets: tuple[str, ...] = ()
    source: str = "manual"  # who proposed it: "manual", an import, "slow_burn_scan" ...
