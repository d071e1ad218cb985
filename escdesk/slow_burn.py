"""Slow-burn detection (DESIGN.md section 4, "Slow-burn triggers"), pure: account signals in, proposals out.

A health *drop* is the fall from the highest score of the previous 7 days to a measurement: 15-24 points is
yellow, 25 or more red. Consecutive firing measurements form one *episode* (a slide measured daily fires on
several days running; it is still one signal), identified by its colour and the date of its first peak, so a
dismissed signal is recognised again on tomorrow's scan while a new fall, or the same one turning red, is new.
A fall that starts from the low an episode had already reached (80 -> 50 one week, 50 -> 20 the next) is a new
episode. Known limit: a steady daily slide stays one episode while it keeps firing, however far it goes; the
rules' 30-day drop fact (account.health_drop_30d) is the measure for long slides.
A slow-burn escalation (type health decline, S3; S2 for Enterprise and Strategic or renewal <= 90 days) is
proposed on any red, two yellows within 30 days, or a yellow with renewal <= 120 days. A change of executive
sponsor counts as red (DESIGN: champion change = red). Ticket volume over the last 30 days (6-15 yellow, 16+
red) is a second signal: it is named in the reason, it never proposes on its own.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from escdesk.domain import ArrBand, Severity

DROP_WINDOW = timedelta(days=7)
LOOKBACK = timedelta(days=30)  # signals older than this no longer propose anything
HISTORY_NEEDED = LOOKBACK + DROP_WINDOW  # the health a scan reads: a drop's peak may precede the lookback
YELLOW_DROP, RED_DROP = 15, 25
RENEWAL_SEVERE_DAYS, RENEWAL_NEAR_DAYS = 90, 120
TICKETS_YELLOW, TICKETS_RED = 6, 16
LARGE_BANDS = frozenset({ArrBand.ENTERPRISE, ArrBand.STRATEGIC})
KEY_SEPARATOR = "|"


class Signal(enum.StrEnum):
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True, slots=True)
class HealthDrop:
    """One episode: the largest fall within 7 days among its consecutive firing measurements."""

    signal: Signal
    first_peak_on: date  # identifies the episode (see the module docstring)
    peak_on: date
    peak: int
    low_on: date
    low: int

    @property
    def points(self) -> int:
        return self.peak - self.low

    @property
    def key(self) -> str:
        return f"{self.signal.value}:{self.first_peak_on.isoformat()}"

    def describe(self) -> str:
        days = (self.low_on - self.peak_on).days
        return f"{self.points} points in {days} day{'s' if days != 1 else ''} ({self.peak} -> {self.low})"


@dataclass(frozen=True, slots=True)
class AccountSignals:
    """What the scan knows of one customer. `health` is (day, score), any order; several a day are averaged."""

    customer_id: str
    name: str
    band: ArrBand
    renewal_on: date | None
    health: Sequence[tuple[date, int]]
    tickets_30d: int = 0
    sponsor_changes: tuple[date, ...] = ()
    owner_id: str | None = None  # the CSM: the proposed case's owner


@dataclass(frozen=True, slots=True)
class Proposal:
    """A slow-burn escalation the scan proposes; a person confirms or dismisses it."""

    customer_id: str
    customer_name: str
    band: ArrBand
    severity: Severity
    signal: Signal  # the strongest health signal behind it
    signal_key: str  # the episodes behind it, joined by KEY_SEPARATOR; a dismissal remembers it
    reason: str
    title: str
    days_to_renewal: int | None
    tickets_30d: int
    owner_id: str | None = None

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self.signal_key.split(KEY_SEPARATOR))


def classify_drop(points: int) -> Signal | None:
    if points >= RED_DROP:
        return Signal.RED
    if points >= YELLOW_DROP:
        return Signal.YELLOW
    return None


def ticket_signal(count: int) -> Signal | None:
    if count >= TICKETS_RED:
        return Signal.RED
    if count >= TICKETS_YELLOW:
        return Signal.YELLOW
    return None


def daily_scores(points: Iterable[tuple[date, int]]) -> list[tuple[date, int]]:
    """One score a day, oldest first (several sources on one day: their rounded mean)."""
    by_day: dict[date, list[int]] = {}
    for on, score in points:
        by_day.setdefault(on, []).append(score)
    return [(on, round(sum(s) / len(s))) for on, s in sorted(by_day.items())]


def health_drops(points: Iterable[tuple[date, int]], today: date) -> list[HealthDrop]:
    """The drop episodes whose firing measurements fall within the lookback (the last 30 days up to today)."""
    points = list(points)
    scores = [score for _, score in points]
    if not scores or max(scores) - min(scores) < YELLOW_DROP:  # most accounts: no fall is possible at all
        return []
    series = daily_scores(points)
    episodes: list[HealthDrop] = []
    current: HealthDrop | None = None
    for index, (on, score) in enumerate(series):
        drop = _drop_at(series, index)
        if drop is None or on > today or on < today - LOOKBACK:
            if current is not None:
                episodes.append(current)
            current = None
            continue
        peak_on, peak = drop
        signal = classify_drop(peak - score)
        assert signal is not None
        found = HealthDrop(signal, peak_on, peak_on, peak, on, score)
        if current is not None and peak_on >= current.low_on:  # fell again from the low it had reached: new
            episodes.append(current)
            current = None
        current = found if current is None else _merge(current, found)
    if current is not None:
        episodes.append(current)
    return episodes


def _drop_at(series: list[tuple[date, int]], index: int) -> tuple[date, int] | None:
    """(day, score) of the highest earlier point within 7 days when the fall to `index` fires, else None."""
    on, score = series[index]
    best: tuple[date, int] | None = None
    for earlier_on, earlier in (series[i] for i in range(index - 1, -1, -1)):
        if on - earlier_on > DROP_WINDOW:
            break
        if best is None or earlier >= best[1]:  # ties: the earliest of the highest, the longer fall to show
            best = (earlier_on, earlier)
    if best is None or classify_drop(best[1] - score) is None:
        return None
    return best


def _merge(episode: HealthDrop, found: HealthDrop) -> HealthDrop:
    signal = Signal.RED if Signal.RED in (episode.signal, found.signal) else Signal.YELLOW
    largest = found if found.points > episode.points else episode
    return HealthDrop(signal, episode.first_peak_on, largest.peak_on, largest.peak, largest.low_on, largest.low)


def propose(account: AccountSignals, today: date) -> Proposal | None:
    """The slow-burn proposal for one account (None when no trigger fires). Open cases are the caller's filter."""
    drops = health_drops(account.health, today)
    sponsors = sorted(d for d in account.sponsor_changes if today - LOOKBACK <= d <= today)
    reds = [d for d in drops if d.signal is Signal.RED]
    yellows = [d for d in drops if d.signal is Signal.YELLOW]
    days_to_renewal = None if account.renewal_on is None else (account.renewal_on - today).days
    renewal_near = days_to_renewal is not None and 0 <= days_to_renewal <= RENEWAL_NEAR_DAYS
    two_yellows = len(yellows) >= 2 and _within_lookback(yellows)
    if not (reds or sponsors or two_yellows or (yellows and renewal_near)):
        return None
    renewal_severe = days_to_renewal is not None and 0 <= days_to_renewal <= RENEWAL_SEVERE_DAYS
    severity = Severity.S2 if account.band in LARGE_BANDS or renewal_severe else Severity.S3
    keys = sorted([d.key for d in drops] + [f"sponsor:{d.isoformat()}" for d in sponsors])
    return Proposal(
        customer_id=account.customer_id,
        customer_name=account.name,
        band=account.band,
        severity=severity,
        signal=Signal.RED if reds or sponsors else Signal.YELLOW,
        signal_key=KEY_SEPARATOR.join(keys),
        reason=_reason(drops, sponsors, days_to_renewal if renewal_near else None, account.tickets_30d),
        title=_title(drops, sponsors),
        days_to_renewal=days_to_renewal,
        tickets_30d=account.tickets_30d,
        owner_id=account.owner_id,
    )


def _within_lookback(yellows: list[HealthDrop]) -> bool:
    """Two yellow episodes whose falls happened within 30 days of each other."""
    lows = sorted(d.low_on for d in yellows)
    return any(later - earlier <= LOOKBACK for earlier, later in pairwise(lows))


def _reason(drops: list[HealthDrop], sponsors: list[date], renewal_days: int | None, tickets: int) -> str:
    """'Health fell 27 points in 7 days (81 -> 54) and renewal is in 64 days; 18 support tickets in ...'."""
    parts = []
    if drops:
        falls = [d.describe() + (f" by {d.low_on.isoformat()}" if len(drops) > 1 else "") for d in drops]
        parts.append("Health fell " + _and(falls))
    parts += [f"the executive sponsor changed on {d.isoformat()}" for d in sponsors]
    if renewal_days is not None:
        parts.append(f"renewal is in {renewal_days} day{'s' if renewal_days != 1 else ''}")
    text = _and(parts)
    text = text[0].upper() + text[1:]
    band = ticket_signal(tickets)
    if band is not None:
        limits = f"{TICKETS_RED}+ is red" if band is Signal.RED else f"{TICKETS_YELLOW}-{TICKETS_RED - 1} is yellow"
        text += f"; {tickets} support tickets in the last 30 days ({limits})"
    return text


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _title(drops: list[HealthDrop], sponsors: list[date]) -> str:
    if drops:
        worst = max(drops, key=lambda d: d.points)
        return f"Health declining: down {worst.points} points in {(worst.low_on - worst.peak_on).days} days"
    return "Executive sponsor changed"


def is_dismissed(proposal: Proposal, dismissed_keys: frozenset[str]) -> bool:
    """A proposal whose every signal was dismissed before is not proposed again; any new signal brings it back."""
    return proposal.keys <= dismissed_keys


def scan(
    accounts: Iterable[AccountSignals],
    today: date,
    *,
    open_case_customers: frozenset[str] = frozenset(),
    dismissed: dict[str, frozenset[str]] | None = None,
) -> list[Proposal]:
    """Proposals for every account without an open case, leaving out dismissed signals; reds and S2 first."""
    dismissed = dismissed or {}
    found = []
    for account in accounts:
        if account.customer_id in open_case_customers:
            continue
        proposal = propose(account, today)
        if proposal is not None and not is_dismissed(proposal, dismissed.get(account.customer_id, frozenset())):
            found.append(proposal)
    return sorted(found, key=lambda p: (p.severity.value, p.signal is not Signal.RED, p.customer_name.casefold()))
