"""The words and numbers the board shows, as plain functions (no Qt): easy to test, one place to change wording."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from escdesk.clock_service import CaseClockView
from escdesk.clocks import ClockKind
from escdesk.domain import CaseCard, CaseStatus, CaseType, Level, Pace
from escdesk.money import short_amount
from escdesk.policy import Policy
from escdesk.zones import zone_label

STATUS_TEXT = {
    CaseStatus.OPEN: "Open",
    CaseStatus.ACKNOWLEDGED: "Acknowledged",
    CaseStatus.WAITING_ON_CUSTOMER: "Waiting on customer",
    CaseStatus.MITIGATED: "Mitigated",
    CaseStatus.RESOLVED: "Resolved",
    CaseStatus.CLOSED: "Closed",
}

PACE_TEXT = {Pace.FAST: "Fast", Pace.SLOW_BURN: "Slow-burn"}
PACE_MARK = {Pace.FAST: "⚡", Pace.SLOW_BURN: "◔"}


def short_duration(delta: timedelta) -> str:
    """'now', '12 min', '3 h', '12 d': how long something has lasted, at a glance."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "now"
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} d"


def card_status(card: CaseCard) -> str:
    """The status as a lead reads it: an open case nobody acknowledged yet says so."""
    if card.status == CaseStatus.OPEN and card.acknowledged_at is None:
        return "Not acknowledged"
    return STATUS_TEXT[card.status]


def case_type_text(case_type: CaseType) -> str:
    return case_type.value.replace("_", " ").capitalize()


def pace_label(pace: Pace) -> str:
    return f"{PACE_MARK[pace]} {PACE_TEXT[pace]}"


def age_line(card: CaseCard, now: datetime) -> str:
    """'Open 3 d · 5 h at L3'."""
    opened = short_duration(now - card.opened_at)
    at_level = short_duration(now - card.level_entered_at)
    return f"Open {opened} · {at_level} at {card.level.code}"


def band_line(card: CaseCard, policy: Policy) -> str:
    """'$1.2M · Strategic': the account's ARR and its band."""
    return f"{short_amount(card.arr)} · {policy.band_name(card.band)}"


def short_account_line(card: CaseCard) -> str:
    """'ESC-1042 · $1.2M · STRAT': the band's code, for a narrow card."""
    return f"{card.reference} · {short_amount(card.arr)} · {card.band.value}"


def column_title(policy: Policy, level: Level) -> str:
    """'L0 · CS owner'."""
    return f"{level.code} · {policy.level_name(level)}"


def count_text(count: int, noun: str = "case") -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def column_summary(count: int, at_risk: Decimal) -> str:
    """'12 cases · $3.4M at risk', or 'No cases'."""
    if count == 0:
        return "No cases"
    return f"{count_text(count)} · {at_risk_text(at_risk)}"


def at_risk_text(at_risk: Decimal) -> str:
    """'$3.4M at risk': said, since a card shows its account's whole ARR and a column the ARR at risk."""
    return f"{short_amount(at_risk)} at risk"


def total_at_risk(cards: Iterable[CaseCard]) -> Decimal:
    return sum((card.arr_at_risk for card in cards), Decimal(0))


def card_tooltip(
    card: CaseCard, policy: Policy, now: datetime, clocks: CaseClockView | None = None, zone: str = "UTC"
) -> str:
    """Everything on the card (and the owner) in full, for a hover or a screen reader; due instants in `zone`."""
    lines = [
        f"{card.reference} · {card.customer_name}",
        card.title,
        f"{card.severity.value} · {case_type_text(card.case_type)} · {PACE_TEXT[card.pace]}",
        f"ARR {band_line(card, policy)}",
        f"ARR at risk: {short_amount(card.arr_at_risk)}",
        age_line(card, now),
        f"Status: {card_status(card)}",
        f"Owner: {card.owner_name or 'nobody yet'}",
        f"Checklist: {card.checklist_done} of {card.checklist_total} steps",
        f"Involvements open: {card.involvements_open}",
    ]
    if clocks is not None:
        lines.append(f"Clocks: {clock_text(clocks, now) or 'all met'} ({clocks.calendar} calendar)")
        lines.extend(due_lines(clocks, zone))
    return "\n".join(lines)


def due_lines(clocks: CaseClockView, zone: str) -> list[str]:
    """'Next due: Ack at Thu 3 Dec 14:30 (CET, Europe/Berlin)' and one line per deadline a person set that is
    still running: instants in the user's zone, named."""
    lines = []
    if clocks.due_at is not None and clocks.next_kind is not None:
        what = clocks.next_label or CLOCK_TEXT[clocks.next_kind]
        lines.append(f"Next due: {what} at {_instant(clocks.due_at, zone)}")
    for reading in clocks.readings:
        if reading.kind is ClockKind.DEADLINE and reading.stopped_at is None and reading.due_at is not None:
            lines.append(f"Deadline: {reading.label} at {_instant(reading.due_at, zone)}")
    return lines


def _instant(at: datetime, zone: str) -> str:
    local = at.astimezone(ZoneInfo(zone))
    return f"{local:%a} {local.day} {local:%b %H:%M} ({zone_label(at, zone)})"


def card_accessible_text(card: CaseCard, now: datetime, clocks: CaseClockView | None = None) -> str:
    clock = clock_text(clocks, now)
    return (
        f"{card.reference}, {card.customer_name}: {card.title}. Severity {card.severity.value}, "
        f"{PACE_TEXT[card.pace]}, {card_status(card)}, {age_line(card, now)}, "
        f"checklist {card.checklist_done} of {card.checklist_total}" + (f", {clock}" if clock else "")
    )


def board_summary(cards: Iterable[CaseCard], overdue: int = 0) -> str:
    """'40 open cases · $12.3M ARR at risk · 6 S1 · 9 not acknowledged · 3 clocks overdue' for the board's header
    (`overdue`: the overdue notices shown now, escdesk.notices.overdue_now)."""
    cards = list(cards)
    parts = [f"{count_text(len(cards), 'open case')}", f"{short_amount(total_at_risk(cards))} ARR at risk"]
    s1 = sum(1 for card in cards if card.severity.value == "S1")
    if s1:
        parts.append(f"{s1} S1")
    unacknowledged = sum(1 for card in cards if card_status(card) == "Not acknowledged")
    if unacknowledged:
        parts.append(f"{unacknowledged} not acknowledged")
    if overdue:
        parts.append(f"{count_text(overdue, 'clock')} overdue")
    return " · ".join(parts)


def involved_text(count: int) -> str:
    """Open involvements (functional leaders brought in or proposed): '2 involved', 'none involved'."""
    return f"{count} involved" if count else "none involved"


# -- SLA clocks (escdesk.clock_service) ------------------------------------------------------------------------

CLOCK_TEXT = {
    ClockKind.ACKNOWLEDGE: "Ack",
    ClockKind.UPDATE: "Update",
    ClockKind.CEILING: "Ceiling",
    ClockKind.RESOLUTION: "Resolution",
    ClockKind.DEADLINE: "Deadline",  # set by a person; its label is in the tooltip
}
DUE_SOON = timedelta(hours=1)  # the card warns (amber) this long before a clock falls due


class ClockState(enum.Enum):
    NONE = "none"  # no running clock: all met, or none kept
    PAUSED = "paused"
    RUNNING = "running"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def clock_duration(delta: timedelta) -> str:
    """'<1 min', '25 min', '1 h 10 m', '3 d 4 h', '40 d': a clock's distance from its due time, precise where it
    matters ("overdue 0 min" would read as not overdue)."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes == 0:
        return "<1 min"
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {rest} m" if rest else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours and days < 7 else f"{days} d"


def clock_state(view: CaseClockView | None, now: datetime) -> ClockState:
    """Where the card's next clock stands at `now`, from its due instant (so it moves between evaluations)."""
    if view is None or view.due_at is None:
        return ClockState.PAUSED if view is not None and view.paused else ClockState.NONE
    if now >= view.due_at:
        return ClockState.OVERDUE
    return ClockState.DUE_SOON if view.due_at - now <= DUE_SOON else ClockState.RUNNING


def clock_text(view: CaseClockView | None, now: datetime) -> str:
    """'Ack due in 25 min', 'Update overdue 1 h 10 m', 'Clocks paused', or '' with no running clock."""
    state = clock_state(view, now)
    if view is None or state is ClockState.NONE:
        return ""
    if state is ClockState.PAUSED or view.next_kind is None or view.due_at is None:
        return "Clocks paused"
    label = CLOCK_TEXT[view.next_kind]
    if state is ClockState.OVERDUE:
        return f"{label} overdue {clock_duration(now - view.due_at)}"
    return f"{label} due in {clock_duration(view.due_at - now)}"
