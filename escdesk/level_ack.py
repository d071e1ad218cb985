"""Acknowledgement per level (DESIGN.md: "acknowledgement stops the clock for that level", PagerDuty-like).

A case moved *up* needs acknowledging again by someone at its new level: its acknowledge clock restarts at the
move (the policy's acknowledge target) and the workspace's Acknowledge button is offered again. A move down does
not: the people below already know the case. The history says it all, so this reads history entries (the
store's ClockEventRow or the domain's CaseEvent: anything with `at`, `kind`, `from_value`, `to_value`).

- the level was reached by a move up: the latest level change went to a higher level;
- the level is acknowledged at the case's acknowledged_at when that came at or after the level was entered,
  else at the earliest change to "acknowledged" or level acknowledgement since (entries in any order).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from escdesk.domain import CaseStatus, EventKind

_LEVEL_CHANGED, _LEVEL_ACKNOWLEDGED = EventKind.LEVEL_CHANGED.value, EventKind.LEVEL_ACKNOWLEDGED.value
_STATUS, _ACKNOWLEDGED = EventKind.STATUS_CHANGED.value, CaseStatus.ACKNOWLEDGED.value


class HistoryEntry(Protocol):
    @property
    def at(self) -> datetime: ...
    @property
    def kind(self) -> str: ...
    @property
    def from_value(self) -> str | None: ...
    @property
    def to_value(self) -> str | None: ...


def level_number(code: str | None) -> int | None:
    """'L3' -> 3; None for anything else (an imported history may hold other words)."""
    if not code or code[:1].upper() != "L" or not code[1:].isdigit():
        return None
    return int(code[1:])


def moved_up(history: Iterable[HistoryEntry]) -> bool:
    """Did the latest level change go up? (history in order; False with no level change at all)"""
    last = None
    for entry in history:
        if entry.kind == _LEVEL_CHANGED:
            last = entry
    if last is None:
        return False
    before, after = level_number(last.from_value), level_number(last.to_value)
    return before is not None and after is not None and after > before


def level_acknowledged(
    entered: datetime, acknowledged_at: datetime | None, history: Iterable[HistoryEntry]
) -> datetime | None:
    """When someone acknowledged the case at the level it entered at `entered` (None: not yet)."""
    if acknowledged_at is not None and acknowledged_at >= entered:
        return acknowledged_at
    return min(
        (
            entry.at
            for entry in history
            if entry.at >= entered
            and (entry.kind == _LEVEL_ACKNOWLEDGED or (entry.kind == _STATUS and entry.to_value == _ACKNOWLEDGED))
        ),
        default=None,
    )


def needs_acknowledgement(
    status: CaseStatus, entered: datetime, acknowledged_at: datetime | None, history: Iterable[HistoryEntry]
) -> bool:
    """Should the Acknowledge action be offered: an open case (new or reopened), or an active case moved up that
    nobody at its new level acknowledged yet."""
    if status is CaseStatus.OPEN:
        return True
    entries = list(history)
    return status.is_active and moved_up(entries) and level_acknowledged(entered, acknowledged_at, entries) is None
