"""What a one-page executive brief says: a plain, frozen data object, built by the services layer from a case.

The PDF builder renders exactly this and reads nothing else (no clock, no database), so a brief is reproducible from
its content alone. Instants are aware datetimes; `time_zone` names the zone the reader sees them in.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from escdesk.domain import ArrBand, CaseType, HealthPoint, Level, Pace, RootCause, Severity

# The default ladder of DESIGN.md section 4; a policy with other names passes `level_name`.
LEVEL_NAMES = {
    Level.L0: "CS owner",
    Level.L1: "CS manager",
    Level.L2: "CS director",
    Level.L3: "VP CS",
    Level.L4: "COO",
    Level.L5: "CEO",
}
BAND_NAMES = {
    ArrBand.SMB: "SMB",
    ArrBand.MID_MARKET: "Mid-market",
    ArrBand.ENTERPRISE: "Enterprise",
    ArrBand.STRATEGIC: "Strategic",
}


@dataclass(frozen=True, slots=True)
class AccountBox:
    """The facts an executive checks first: who the customer is, what they are worth, who owns them."""

    customer: str
    arr: Decimal
    band: ArrBand
    level: Level
    severity: Severity
    renewal_date: date | None = None
    health: tuple[HealthPoint, ...] = ()  # oldest first
    csm: str | None = None
    account_executive: str | None = None
    exec_sponsor: str | None = None  # our executive who owns the relationship
    customer_contact: str | None = None  # their person we deal with
    level_name: str | None = None

    @property
    def level_label(self) -> str:
        return f"{self.level.code} {self.level_name or LEVEL_NAMES[self.level]}"

    @property
    def band_label(self) -> str:
        return BAND_NAMES[self.band]

    @property
    def contacts(self) -> tuple[str, ...]:
        """Every person named in the box: what redaction removes."""
        named = (self.csm, self.account_executive, self.exec_sponsor, self.customer_contact)
        return tuple(name for name in named if name)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class PlanItem:
    action: str
    owner: str
    due: date
    done: bool = False


@dataclass(frozen=True, slots=True)
class BriefOption:
    title: str
    detail: str = ""
    recommended: bool = False


@dataclass(frozen=True, slots=True)
class ExecutiveAsk:
    """The one thing this executive is asked to do, and by when: the reason the brief exists."""

    of: str  # whom, as they are addressed: "Dana Whitfield, COO"
    request: str  # empty: not recorded yet (the brief says so in place of the ask)
    deadline: datetime | None


@dataclass(frozen=True, slots=True)
class BriefContent:
    number: int
    headline: str
    account: AccountBox
    situation: str
    impact: str
    customer_ask: str
    timeline: tuple[TimelineEntry, ...]
    tried: str
    root_cause: str
    plan: tuple[PlanItem, ...]
    arr_at_risk: Decimal
    ask: ExecutiveAsk
    options: tuple[BriefOption, ...]
    cost_of_inaction: str
    next_update: datetime | None
    generated_at: datetime
    time_zone: str = "UTC"
    root_cause_known: bool = False
    root_cause_category: RootCause | None = None
    case_type: CaseType | None = None
    pace: Pace | None = None
    opened_at: datetime | None = None
    prepared_by: str | None = None
    # Everyone else the case names: the people directory and the actors of its history. Not printed; a redacted
    # copy removes them wherever the text mentions them.
    people: tuple[str, ...] = ()
    next_update_note: str | None = None  # why there is no next update (paused, resolved); None: not recorded

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.time_zone!r} for the brief of {self.reference}") from exc
        for name, value in _instants(self):
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"{name} of the brief {self.reference} is a naive datetime; give an aware instant")

    @property
    def named_people(self) -> tuple[str, ...]:
        """Every name a redacted copy removes: the account box's people, then everyone else the case names."""
        return (*self.account.contacts, *self.people)

    @property
    def reference(self) -> str:
        return f"ESC-{self.number}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


def _instants(content: BriefContent) -> list[tuple[str, datetime]]:
    found = [(f.name, getattr(content, f.name)) for f in fields(content)]
    found = [(name, value) for name, value in found if isinstance(value, datetime)]
    if content.ask.deadline is not None:
        found.append(("ask.deadline", content.ask.deadline))
    found.extend((f"timeline[{i}].at", entry.at) for i, entry in enumerate(content.timeline))
    return found
