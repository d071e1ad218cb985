"""Swimlanes: how the cards of a column are grouped (fast vs slow-burn, severity, case type or CSM).

Plain functions over CaseCards (no Qt): the column model sorts by `group_of(...)[0]` and the delegate paints the
label above the first card of each group, so grouping stays one model and one delegate per column.
"""

from __future__ import annotations

import enum

from escdesk.domain import CaseCard, Pace, Severity
from ui import text


class Grouping(enum.StrEnum):
    NONE = "none"
    PACE = "pace"
    SEVERITY = "severity"
    TYPE = "type"
    OWNER = "owner"


GROUPING_TEXT = {
    Grouping.NONE: "No swimlanes",
    Grouping.PACE: "Fast vs slow-burn",
    Grouping.SEVERITY: "By severity",
    Grouping.TYPE: "By case type",
    Grouping.OWNER: "By CSM (owner)",
}

NO_OWNER = "No owner yet"
_PACE_ORDER = {Pace.FAST: 0, Pace.SLOW_BURN: 1}
_SEVERITY_ORDER = {severity: position for position, severity in enumerate(Severity)}

GroupKey = tuple[int, str]  # (order, label): sorting by it puts the groups in reading order


def group_of(grouping: Grouping, card: CaseCard) -> GroupKey:
    """The swimlane a card belongs to; with NONE every card is in one unnamed group."""
    if grouping is Grouping.PACE:
        return _PACE_ORDER[card.pace], text.pace_label(card.pace)
    if grouping is Grouping.SEVERITY:
        return _SEVERITY_ORDER[card.severity], card.severity.value
    if grouping is Grouping.TYPE:
        return 0, text.case_type_text(card.case_type)
    if grouping is Grouping.OWNER:
        # Unowned cases last: they are the ones somebody has to pick up, but a lead reads people's lanes first.
        return (1, NO_OWNER) if not card.owner_name else (0, card.owner_name)
    return 0, ""


def grouping_from(value: object) -> Grouping:
    """A stored choice, or NONE for anything unreadable (a hand-edited settings file)."""
    try:
        return Grouping(str(value))
    except ValueError:
        return Grouping.NONE
