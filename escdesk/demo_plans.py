"""Which escalations the demo book holds: a plan per case (account, type, severity, pace, status, when), in the
order the cases were opened. The first open cases follow SHOWCASE, so that even a small board has every level, a
few S1s and Strategic accounts in trouble; the rest are drawn from demo_words.PROFILES.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Generic, TypeVar

from escdesk import demo_words as W
from escdesk.domain import ArrBand, CaseStatus, CaseType, Pace, Severity

if TYPE_CHECKING:
    from escdesk.demo_book import Account

T_ = TypeVar("T_")
S = CaseStatus
TYPES = tuple(W.PROFILES)
SEVERITIES = tuple(Severity)
# Open slow-burn cases of these types land on accounts whose health is actually sliding.
DECLINE_TYPES = frozenset({CaseType.HEALTH_DECLINE, CaseType.CHURN_THREAT, CaseType.SPONSOR_LOSS})
BAND_CASE_WEIGHT = {ArrBand.SMB: 1, ArrBand.MID_MARKET: 2, ArrBand.ENTERPRISE: 4, ArrBand.STRATEGIC: 6}
# Hours, (low, high) for S1..S4: how old open cases are, and how long closed ones took to resolve.
OPEN_AGE = {
    Pace.FAST: ((0.5, 30), (2, 120), (12, 336), (24, 720)),
    Pace.SLOW_BURN: ((24, 240), (72, 720), (168, 1_440), (336, 2_160)),
}
RESOLVE_AFTER = {
    Pace.FAST: ((2, 48), (8, 120), (24, 480), (72, 960)),
    Pace.SLOW_BURN: ((120, 720), (240, 1_440), (336, 2_160), (480, 2_880)),
}
OPEN_STATUSES = (S.OPEN, S.ACKNOWLEDGED, S.WAITING_ON_CUSTOMER, S.MITIGATED, S.RESOLVED)
OPEN_STATUS_WEIGHTS = (8, 40, 15, 22, 15)
# Open cases that make the first look worth it: every level, S1s, Strategic accounts in trouble.
T, P, B = CaseType, Pace, ArrBand
SHOWCASE: tuple[tuple[CaseType, Severity, Pace, ArrBand, tuple[str, ...], CaseStatus], ...] = (
    (T.OUTAGE, Severity.S1, P.FAST, B.STRATEGIC, ("press",), S.ACKNOWLEDGED),
    (T.CHURN_THREAT, Severity.S1, P.SLOW_BURN, B.STRATEGIC, ("termination",), S.ACKNOWLEDGED),
    (T.SECURITY, Severity.S1, P.FAST, B.ENTERPRISE, ("security", "regulator"), S.ACKNOWLEDGED),
    (T.CONTRACT_LEGAL, Severity.S2, P.SLOW_BURN, B.ENTERPRISE, ("termination",), S.WAITING_ON_CUSTOMER),
    (T.HEALTH_DECLINE, Severity.S2, P.SLOW_BURN, B.ENTERPRISE, (), S.ACKNOWLEDGED),
    (T.PRODUCT_BUG, Severity.S1, P.FAST, B.SMB, (), S.OPEN),
    (T.FEATURE_GAP, Severity.S3, P.SLOW_BURN, B.MID_MARKET, (), S.ACKNOWLEDGED),
    (T.DATA_LOSS, Severity.S1, P.FAST, B.ENTERPRISE, (), S.ACKNOWLEDGED),
    (T.SUPPORT_EXPERIENCE, Severity.S3, P.FAST, B.MID_MARKET, (), S.OPEN),
)
# Crockford base32 (the ULID alphabet), two characters (10 bits) at a time.
_PAIRS = tuple(a + b for a in "0123456789ABCDEFGHJKMNPQRSTVWXYZ" for b in "0123456789ABCDEFGHJKMNPQRSTVWXYZ")


class SeededIds:
    """escdesk.ids.seeded_id for bulk rows: the same ULID string for the same rng state and instant (a test
    compares the two), at a third of the cost: the time part is encoded once per millisecond, the random part
    without building a ULID object."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._heads: dict[int, str] = {}

    def __call__(self, at: datetime) -> str:
        return self._head(at) + self._tail()

    def many(self, at: datetime, count: int) -> list[str]:
        """`count` ids for one instant: the same as calling this `count` times."""
        head = self._head(at)
        return [head + self._tail() for _ in range(count)]

    def _head(self, at: datetime) -> str:
        millis = int(at.timestamp() * 1000)
        head = self._heads.get(millis)
        if head is None:
            if len(self._heads) > 50_000:
                self._heads.clear()
            p = _PAIRS
            head = p[millis >> 40] + p[(millis >> 30) & 1023] + p[(millis >> 20) & 1023] + p[(millis >> 10) & 1023]
            head = self._heads[millis] = head + p[millis & 1023]
        return head

    def _tail(self) -> str:
        # rng.randbytes(10) is getrandbits(80) as 10 little-endian bytes; the ULID reads those bytes big-endian.
        n, p = int.from_bytes(self._rng.getrandbits(80).to_bytes(10, "little"), "big"), _PAIRS
        return (
            p[n >> 70] + p[(n >> 60) & 1023] + p[(n >> 50) & 1023] + p[(n >> 40) & 1023]
            + p[(n >> 30) & 1023] + p[(n >> 20) & 1023] + p[(n >> 10) & 1023] + p[n & 1023]
        )  # fmt: skip


class Weighted(Generic[T_]):
    """rng.choices(items, weights)[0], the same pick from the same rng, with the cumulative weights summed once."""

    def __init__(self, items: Sequence[T_], weights: Iterable[float]) -> None:
        self.items = tuple(items)
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1] + 0.0

    def pick(self, rng: random.Random) -> T_:
        return self.items[bisect.bisect(self.cum, rng.random() * self.total, 0, len(self.cum) - 1)]


PICK_TYPE = Weighted(TYPES, (W.PROFILES[t].weight for t in TYPES))
PICK_SEVERITY = {t: Weighted(SEVERITIES, p.severity_weights) for t, p in W.PROFILES.items()}
PICK_OPEN_STATUS = Weighted(OPEN_STATUSES, OPEN_STATUS_WEIGHTS)


@dataclass(slots=True)
class CasePlan:
    account: Account
    case_type: CaseType
    severity: Severity
    pace: Pace
    opened_at: datetime
    status: CaseStatus  # the final one: CLOSED for history
    span: timedelta  # opening to as_of (open cases) or to closing (history)
    resolved_after: timedelta | None  # history only
    drivers: tuple[str, ...]  # level jumps (demo_words.JUMPS) the story includes
    pinned: bool = False  # a showcase case keeps the level its story gives it: no repeat, ceiling or step-down
    number: int = 0

    @property
    def is_open(self) -> bool:
        return self.status is not CaseStatus.CLOSED


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return float(low * (high / low) ** rng.random())


def _plan(
    rng: random.Random, as_of: datetime, account: Account, kind: tuple[CaseType, Severity, Pace], is_open: bool
) -> CasePlan:
    case_type, severity, pace = kind
    index = SEVERITIES.index(severity)
    drivers = tuple(key for key, chance in W.PROFILES[case_type].drivers if rng.random() < chance)
    if is_open:
        age = _log_uniform(rng, *OPEN_AGE[pace][index])
        status = rng.choice(OPEN_STATUSES[:2]) if age < 4 else PICK_OPEN_STATUS.pick(rng)
        if status is S.OPEN and age > 72:  # nobody leaves a case unacknowledged for days (well, hardly anybody)
            status = S.ACKNOWLEDGED
        span = timedelta(seconds=round(age * 3600))
        return CasePlan(account, case_type, severity, pace, as_of - span, status, span, None, drivers)
    resolve = _log_uniform(rng, *RESOLVE_AFTER[pace][index])
    total = resolve + rng.uniform(24, 240)
    ago = rng.uniform(total + 12, max(total + 24, 730 * 24))
    span, resolved = timedelta(seconds=round(total * 3600)), timedelta(seconds=round(resolve * 3600))
    opened = as_of - timedelta(seconds=round(ago * 3600))
    return CasePlan(account, case_type, severity, pace, opened, S.CLOSED, span, resolved, drivers)


def random_kind(rng: random.Random) -> tuple[CaseType, Severity, Pace]:
    case_type = PICK_TYPE.pick(rng)
    severity = PICK_SEVERITY[case_type].pick(rng)
    return case_type, severity, Pace.FAST if rng.random() < W.PROFILES[case_type].fast_share else Pace.SLOW_BURN


class _Chooser:
    """Picks accounts for cases: bigger accounts escalate more often; open slow-burn cases find sliding ones."""

    def __init__(self, rng: random.Random, accounts: Sequence[Account]) -> None:
        self.rng = rng
        self.everyone = Weighted(accounts, (BAND_CASE_WEIGHT[a.band] for a in accounts))
        declining = [a for a in accounts if a.declining]
        self.declining = Weighted(declining, (BAND_CASE_WEIGHT[a.band] for a in declining)) if declining else None

    def pick(self, prefer_declining: bool) -> Account:
        if prefer_declining and self.declining and self.rng.random() < 0.8:
            return self.declining.pick(self.rng)
        return self.everyone.pick(self.rng)


def _showcase(rng: random.Random, as_of: datetime, accounts: Sequence[Account], count: int) -> list[CasePlan]:
    """The first open cases: the largest fitting account for each SHOWCASE story, each account used once."""
    plans: list[CasePlan] = []
    used: set[str] = set()
    bands = list(ArrBand)
    for case_type, severity, pace, band, drivers, status in SHOWCASE[:count]:

        def fit(a: Account, band: ArrBand = band, case_type: CaseType = case_type) -> tuple[int, bool, int]:
            distance = abs(bands.index(a.band) - bands.index(band))
            return -distance, a.declining == (case_type in DECLINE_TYPES), a.arr_cents

        account = max((a for a in accounts if a.id not in used), key=fit, default=None)
        if account is None:
            break
        used.add(account.id)
        plan = _plan(rng, as_of, account, (case_type, severity, pace), is_open=True)
        plan.status, plan.drivers, plan.pinned = status, drivers, True
        plans.append(plan)
    return plans


def plan_cases(
    rng: random.Random, as_of: datetime, open_cases: int, history: int, accounts: Sequence[Account], first: int
) -> list[CasePlan]:
    """Every case's plan, numbered ESC-`first`... in the order they were opened."""
    if not accounts:
        return []
    chooser = _Chooser(rng, accounts)
    plans = _showcase(rng, as_of, accounts, open_cases)
    for is_open, count in ((True, open_cases - len(plans)), (False, history)):
        for _ in range(count):
            kind = random_kind(rng)
            account = chooser.pick(is_open and kind[0] in DECLINE_TYPES)
            plans.append(_plan(rng, as_of, account, kind, is_open))
    plans.sort(key=lambda p: p.opened_at)
    for number, plan in enumerate(plans, start=first):
        plan.number = number
    return plans
