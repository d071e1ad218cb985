"""The message a CS leader sends to bring someone into a case: a subject and a plain-text body with a case summary.

Pure text; the panel copies it to the clipboard or opens it in the mail client through a mailto: link.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from escdesk.facts import SIGNAL_LABELS, CaseContext
from escdesk.prompts import format_instant
from escdesk.rules import money


@dataclass(frozen=True, slots=True)
class DraftMessage:
    to: str | None
    subject: str
    body: str

    def text(self) -> str:
        """The whole message, as copied to the clipboard."""
        to = f"To: {self.to}\n" if self.to else ""
        return f"{to}Subject: {self.subject}\n\n{self.body}"

    def mailto(self) -> str:
        return f"mailto:{quote(self.to or '')}?subject={quote(self.subject)}&body={quote(self.body)}"


@dataclass(frozen=True, slots=True)
class MessageParts:
    """The involvement the message asks for."""

    role_label: str
    person_name: str | None
    person_email: str | None
    due_at: datetime
    time_zone: str
    action: str
    explanation: str


def draft_message(
    case: CaseContext,
    parts: MessageParts,
    level_name: str,
    facts: Mapping[str, Any],
    sender: str,
    today: date,
) -> DraftMessage:
    by = format_instant(parts.due_at, parts.time_zone)
    greeting = parts.person_name.split()[0] if parts.person_name else parts.role_label
    subject = f"{case.reference} {case.customer_name}: we need {parts.role_label} by {by}"
    ask = parts.action[:1].upper() + parts.action[1:] if parts.action else "Join the case team"
    lines = [
        f"Hi {greeting},",
        "",
        f"I need you on escalation {case.reference} for {case.customer_name} by {by}.",
        f"Why you: {parts.explanation}.",
        f"What we ask: {ask}.",
        "",
        "The case:",
        *_summary(case, level_name, facts, today),
        "",
        "Thank you,",
        sender,
    ]
    return DraftMessage(parts.person_email, subject, "\n".join(lines))


def _summary(case: CaseContext, level_name: str, facts: Mapping[str, Any], today: date) -> list[str]:
    renewal = "no renewal date"
    if case.renewal_date is not None:
        renewal = f"renews {case.renewal_date:%d %b %Y} (in {(case.renewal_date - today).days} days)"
    health = facts.get("account.health")
    flags = [SIGNAL_LABELS.get(str(f), str(f)) for f in facts.get("case.flags") or []]
    rows = [
        f"- {case.title}",
        f"- Severity {case.severity}, {case.case_type.replace('_', ' ')}, {case.pace.replace('_', '-')}",
        f"- Level L{case.level} {level_name}, status {case.status.replace('_', ' ')}",
        f"- Opened {case.opened_at:%d %b %Y %H:%M} UTC",
        f"- ARR {money(case.arr)} ({case.band}), {renewal}",
        f"- Health score {health if health is not None else 'not known'}",
    ]
    if flags:
        rows.append(f"- Signals: {', '.join(flags)}")
    return rows
