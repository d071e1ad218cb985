"""The board's minute on the database worker: the clocks, then the moves the policy's automatic rules make.

Most policies (the shipped one included) have no automatic rule, so most minutes cost one small query more than
the clocks alone (escdesk.ladder). When cases moved, the cards and clocks are read again so the board shows
them in their new columns, and the window says which case went where and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from escdesk.clock_service import CaseClockView, ClockService
from escdesk.domain import CaseCard
from escdesk.ladder import Moved, apply_automatic_moves
from escdesk.services import CaseService

NOTICE_LISTS = 3  # a notice names this many moves, then counts the rest


@dataclass(frozen=True)
class MinuteResult:
    clocks: dict[str, CaseClockView]
    moved: list[Moved]
    cards: list[CaseCard] | None  # the board after the moves; None when nothing moved (the cards stay)


def evaluate_minute(service: CaseService, clock_service: ClockService) -> MinuteResult:
    """On the worker: every open case's clocks, then the automatic moves (with the policy now in force)."""
    clocks = clock_service.open_clocks()
    moved = apply_automatic_moves(service.store, service.clock, service.policy, clocks=clocks)
    if not moved:
        return MinuteResult(clocks, [], None)
    return MinuteResult(clock_service.open_clocks(), moved, service.open_cards())


def moves_notice(moved: list[Moved]) -> str:
    """ "ESC-1234 moved to L2 CS director: the time allowed at L1 ran out", or several of them."""
    if len(moved) == 1:
        return moved[0].sentence()
    shown = "; ".join(m.sentence() for m in moved[:NOTICE_LISTS])
    rest = len(moved) - NOTICE_LISTS
    more = f"; and {rest} more (see their history)" if rest > 0 else ""
    return f"The rules moved {len(moved)} cases: {shown}{more}"
