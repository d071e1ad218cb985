"""How the workspace's timeline says the bookkeeping entries: a signal by its label, a rule's proposal by the
role's label (not its key), in words a CS leader reads."""

from __future__ import annotations

from datetime import UTC, datetime

from escdesk.domain import CaseEvent, EventKind
from escdesk.policy import default_policy
from ui.timeline_view import event_text

AT = datetime(2026, 12, 3, 9, tzinfo=UTC)


def entry(
    kind: EventKind, before: str | None, after: str | None, body: str | None, reason: str | None = None
) -> CaseEvent:
    return CaseEvent(AT, "Ava Łęcki", kind, before, after, reason, None, None, body)


def test_a_signal_reads_as_its_label() -> None:
    event = entry(
        EventKind.FIELD_CHANGED, "signal legal_letter: clear", "signal legal_letter: set", "Legal letter received"
    )
    assert event_text(event, default_policy()) == "Legal letter received: clear → set"


def test_a_rule_proposal_names_the_role_by_its_label() -> None:
    event = entry(EventKind.INVOLVEMENT_CHANGED, None, "proposed", "coo (strategic-s1-coo)", "severity is S1")
    text = event_text(event, default_policy())
    assert text == "Rules propose bringing in COO: severity is S1"
