"""A case's history as the dated lines of a brief's timeline: what changed for the customer, in plain words.

Bookkeeping entries (checklist ticks, rule proposals, edits of the brief itself) are left out: an executive reads
the story of the case, the full case report keeps the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from escdesk.briefs.content import TimelineEntry
from escdesk.domain import CaseEvent, CaseStatus, Direction, EventKind, FunctionalRole, InvolvementStatus, Level
from escdesk.policy import Policy

STATUS_WORDS = {
    CaseStatus.OPEN: "Reopened",
    CaseStatus.ACKNOWLEDGED: "Acknowledged",
    CaseStatus.WAITING_ON_CUSTOMER: "Waiting on the customer",
    CaseStatus.MITIGATED: "Mitigated",
    CaseStatus.RESOLVED: "Resolved",
    CaseStatus.CLOSED: "Closed",
}
ROLE_WORDS = {
    FunctionalRole.CSM: "CSM",
    FunctionalRole.CS_MANAGER: "CS manager",
    FunctionalRole.CS_DIRECTOR: "CS director",
    FunctionalRole.VP_CS: "VP CS",
    FunctionalRole.ACCOUNT_EXECUTIVE: "account executive",
    FunctionalRole.PROFESSIONAL_SERVICES: "professional services",
    FunctionalRole.INCIDENT_COMMANDER: "incident commander",
}
CHANNEL_WORDS = {"email": "e-mail", "sms": "SMS"}


def timeline_entries(history: Iterable[CaseEvent], policy: Policy) -> Iterator[TimelineEntry]:
    for event in history:
        text = describe(event, policy)
        if text:
            yield TimelineEntry(event.at, text)


def describe(event: CaseEvent, policy: Policy) -> str | None:
    """One line for the timeline, or None for an entry the brief leaves out."""
    kind = event.kind
    if kind is EventKind.OPENED:
        return f"Case opened at {_level(event.to_value, policy)}"
    if kind is EventKind.LEVEL_CHANGED:
        return _with_reason(f"Moved to {_level(event.to_value, policy)}", event.reason)
    if kind is EventKind.STATUS_CHANGED and event.to_value:
        return _with_reason(STATUS_WORDS.get(CaseStatus(event.to_value), event.to_value), event.reason)
    if kind is EventKind.SEVERITY_CHANGED:
        return _with_reason(f"Severity {event.from_value} → {event.to_value}", event.reason)
    if kind is EventKind.NOTE:
        return event.body
    if kind is EventKind.CUSTOMER_CONTACT:
        return _contact(event)
    if kind is EventKind.INVOLVEMENT_CHANGED and event.to_value == InvolvementStatus.ACCEPTED.value:
        return f"Brought in {_involved(event.body)}" if event.body else None
    return None


def change_words(before: str | None, after: str | None) -> str:
    """ "signal x: clear" → "signal x: set" reads as "clear → set": the shared subject is said once, by the caller."""
    if before and after:
        head, sep, rest = before.rpartition(": ")
        if sep and after.startswith(head + sep):
            before, after = rest, after[len(head + sep) :]
        return f"{before} → {after}"
    return after or before or "changed"


def _level(code: str | None, policy: Policy) -> str:
    if not code or not code.upper().startswith("L") or not code[1:].isdigit():
        return code or "an unknown level"
    return f"{code} {policy.level_name(Level(int(code[1:])))}"


def _with_reason(text: str, reason: str | None) -> str:
    return f"{text}: {reason}" if reason and reason.strip() else text


def _involved(body: str) -> str:
    """ "vp_cs: Astrid Garcia" (how involvements are recorded) as "Astrid Garcia (VP CS)"."""
    role, sep, name = body.partition(": ")
    if not sep or role not in FunctionalRole.__members__.values():
        return body
    return f"{name} ({ROLE_WORDS.get(FunctionalRole(role), role.replace('_', ' '))})"


def _contact(event: CaseEvent) -> str:
    channel = f" ({CHANNEL_WORDS.get(event.channel.value, event.channel.value.capitalize())})" if event.channel else ""
    who = "Customer" if event.direction is Direction.INBOUND else "We"
    verb = "wrote" if event.direction is Direction.INBOUND else "updated the customer"
    said = f": {event.body}" if event.body else ""
    return f"{who} {verb}{channel}{said}"
