"""Business calendars: working hours per weekday in an IANA time zone, with explicit holidays.

A calendar is data (it round-trips through `to_dict`/`from_dict` for the policy file) and every operation takes
and returns aware UTC datetimes; local wall-clock time is used only inside, one local day at a time.

Working ranges are half-open, [start, end), in minutes after local midnight; `end` may be 24:00, so a 24/7
calendar is seven ranges 00:00-24:00 that touch at midnight: no minute is lost there and no 23:59 is needed.

DST: a range boundary at wall-clock time T on day D is *the first instant at which the local clock reads T or
later on D*. For an ambiguous time (clocks go back) that is the first occurrence, i.e. fold=0; for a time that does
not exist (clocks go forward) it is the moment of the jump. The mapping never runs backwards, so ranges stay
ordered and a range that spans the change has its real elapsed length (01:00-04:00 lasts 2 h on the last Sunday of
March in Berlin and 4 h on the last Sunday of October).

Internally instants are integer microseconds since the epoch (exact, and several times faster than datetime
arithmetic). Each local day's open intervals are computed once and cached on the calendar, with a running total
of open time per day: an instant's *business position* (open time since a reference day) is one day's look-up,
`business_between` is a difference of two positions, and a due time 10 business days away is a binary search
over the running totals, never a walk over minutes or even days. Days without a clock change (all but two a
year) need no zoneinfo call at all.

The caches make a calendar object cheap to ask again and again (keep one per team, region or customer); they
are invisible to equality and hashing, and safe to share between threads.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from escdesk.zones import find_zone

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60
ALWAYS = "24/7"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_MINUTE_US = 60_000_000
_DAY_US = 1440 * _MINUTE_US
_UNIX_ORDINAL = date(1970, 1, 1).toordinal()
# Far further than any real closure (holiday lists are finite): past this the calendar can never open again (in
# practice, only if every range falls inside a DST gap) and we stop instead of searching for ever.
_MAX_SEARCH_DAYS = 1 << 14
MAX_REMEMBERED = 50_000  # positions, day spans and memo entries remembered per calendar (a few MB at most)
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")

Interval = tuple[int, int]  # [start, end) in microseconds since the epoch


def _to_us(at: datetime) -> int:
    try:
        return (at - _EPOCH) // _US  # a naive datetime cannot be subtracted from an aware one
    except TypeError:
        raise ValueError(f"{at.isoformat()}: an aware datetime is required (store UTC, convert at the edges)") from None


def _from_us(us: int) -> datetime:
    return _EPOCH + timedelta(0, 0, us)


# The engine's conversions, for the clock engine to work in the same integers (escdesk.clocks).
epoch_us = _to_us
from_epoch_us = _from_us


def _parse_clock(text: str, where: str) -> int:
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{where}: {text!r} is not a time of day like 08:30")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"{where}: {text!r} is not a time of day between 00:00 and 24:00")
    return hours * 60 + minutes


@dataclass(frozen=True, slots=True, order=True)
class WorkingRange:
    """Open from `start` up to, not including, `end` (minutes after local midnight; end may be 1440 = 24:00)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < DAY_MINUTES or not 0 < self.end <= DAY_MINUTES:
            raise ValueError(f"range {self}: times must lie between 00:00 and 24:00")
        if self.end <= self.start:
            raise ValueError(f"range {self}: the end must be after the start")

    def __str__(self) -> str:
        return f"{self.start // 60:02d}:{self.start % 60:02d}-{self.end // 60:02d}:{self.end % 60:02d}"

    @classmethod
    def parse(cls, text: str) -> WorkingRange:
        """Parse a range like "08:00-13:00" (24:00 allowed as an end)."""
        start, sep, end = text.partition("-")
        if not sep:
            raise ValueError(f"range {text!r}: expected start-end, e.g. 08:00-13:00")
        return cls(_parse_clock(start, f"range {text!r}"), _parse_clock(end, f"range {text!r}"))


@dataclass(frozen=True, slots=True)
class Holiday:
    """A listed date. Inactive entries stay on the list (the user sees them) but the day is worked as usual."""

    on: date
    active: bool = True
    name: str = ""


class _RunningTotal:
    """A per-day measure summed from an origin day (the first day asked about), grown on demand both ways, and
    searched with `bisect`: finding the day a due time falls on costs a binary search, not a walk over days.

    Growing takes a lock, so one calendar can serve the GUI thread and the database worker at once."""

    __slots__ = ("_ahead", "_behind", "_lock", "_measure", "_origin")

    def __init__(self, measure: Callable[[int], int]) -> None:
        self._measure = measure
        self._lock = threading.Lock()
        self._origin: int | None = None
        self._ahead = [0]  # _ahead[k]: the measure over days [origin, origin + k)
        self._behind = [0]  # _behind[k]: the measure over days [origin - k, origin)

    def before(self, ordinal: int) -> int:
        """The measure over the days from the origin up to, not including, `ordinal` (negative before it)."""
        origin = self._origin if self._origin is not None else self._start(ordinal)
        k = ordinal - origin
        totals = self._ahead if k >= 0 else self._behind
        while len(totals) <= abs(k):
            self._grow(totals)
        return totals[k] if k >= 0 else -totals[-k]

    def first_day(self, value: int, *, beyond: bool) -> int:
        """The first day by whose end the measure reaches `value` (passes it, when `beyond`)."""
        origin = self._origin
        if origin is None:
            raise ValueError("a business position must come from business_position() of the same calendar")
        if value > 0 or (beyond and value == 0):
            ahead, grown = self._ahead, 0
            while ahead[-1] < value or (beyond and ahead[-1] == value):
                grown = self._grow(ahead, grown)
            return origin + (bisect_right(ahead, value) if beyond else bisect_left(ahead, value)) - 1
        behind, grown = self._behind, 0
        while behind[-1] < -value or (not beyond and behind[-1] == -value):
            grown = self._grow(behind, grown)
        return origin - (bisect_left(behind, -value) if beyond else bisect_right(behind, -value))

    def _start(self, ordinal: int) -> int:
        with self._lock:
            if self._origin is None:
                self._origin = ordinal
            return self._origin

    def _grow(self, totals: list[int], grown: int = 0) -> int:
        """Add 32 more days to one side; `grown` counts the days one search has added, to stop a search for
        working time that never comes."""
        if grown > _MAX_SEARCH_DAYS:
            raise ValueError(f"calendar: no working time within {_MAX_SEARCH_DAYS} days (ranges only in DST gaps?)")
        with self._lock:
            origin, forward = self._origin or 0, totals is self._ahead
            for _ in range(32):
                n = len(totals)
                totals.append(totals[-1] + self._measure(origin + n - 1 if forward else origin - n))
        return grown + 32


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """Working ranges per weekday (index 0 = Monday) in `time_zone`, minus the active holidays."""

    time_zone: str
    week: tuple[tuple[WorkingRange, ...], ...]
    holidays: tuple[Holiday, ...] = ()
    name: str = ""
    _zone: ZoneInfo = field(init=False, repr=False, compare=False, hash=False)
    _closed: frozenset[date] = field(init=False, repr=False, compare=False, hash=False)
    _days: dict[int, tuple[Interval, ...]] = field(init=False, repr=False, compare=False, hash=False)
    _midnights: dict[int, int] = field(init=False, repr=False, compare=False, hash=False)
    _positions: dict[int, int] = field(init=False, repr=False, compare=False, hash=False)
    _instants: dict[int, datetime] = field(init=False, repr=False, compare=False, hash=False)
    _day_spans: dict[tuple[int, int], int] = field(init=False, repr=False, compare=False, hash=False)
    _offset: int = field(init=False, repr=False, compare=False, hash=False)
    _open: _RunningTotal = field(init=False, repr=False, compare=False, hash=False)
    _worked: _RunningTotal = field(init=False, repr=False, compare=False, hash=False)
    _continuous: bool = field(init=False, repr=False, compare=False, hash=False)
    # Results of other modules' computations over this calendar that depend on nothing else (escdesk.clocks keeps
    # its stopped readings here, escdesk.clock_math the clocks' plans): they live and die with the calendar, so a
    # changed calendar starts afresh.
    memo: dict[Hashable, Any] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        label = f"calendar {self.name!r}" if self.name else "calendar"
        object.__setattr__(self, "_zone", _zone(self.time_zone, label))
        object.__setattr__(self, "week", _checked_week(self.week, label))
        object.__setattr__(self, "holidays", _checked_holidays(self.holidays, label))
        object.__setattr__(self, "_closed", frozenset(h.on for h in self.holidays if h.active))
        object.__setattr__(self, "_days", {})
        object.__setattr__(self, "_midnights", {})
        object.__setattr__(self, "_positions", {})
        object.__setattr__(self, "_instants", {})
        object.__setattr__(self, "_day_spans", {})
        object.__setattr__(self, "memo", {})
        object.__setattr__(self, "_offset", (self._zone.utcoffset(datetime(2000, 1, 1)) or timedelta(0)) // _US)
        object.__setattr__(self, "_open", _RunningTotal(lambda o: sum(end - begin for begin, end in self._day(o))))
        object.__setattr__(self, "_worked", _RunningTotal(lambda o: 1 if self._day(o) else 0))
        object.__setattr__(self, "_continuous", self.is_24_7 and not self._closed)

    # -- construction and data ---------------------------------------------------------------------------------

    @classmethod
    def always_open(cls, time_zone: str = "UTC", name: str = ALWAYS) -> BusinessCalendar:
        return cls(time_zone, ((WorkingRange(0, DAY_MINUTES),),) * 7, name=name)

    @property
    def is_24_7(self) -> bool:
        return all(day == (WorkingRange(0, DAY_MINUTES),) for day in self.week)

    @property
    def holidays_in_force(self) -> tuple[Holiday, ...]:
        """The holidays that close the calendar, for showing the list in force."""
        return tuple(h for h in self.holidays if h.active)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BusinessCalendar:
        """Read {"time_zone", "hours", "holidays", "name"}; "hours" maps "mon".."sun" (or spans like "mon-fri",
        or "daily") to a list of "08:00-13:00" ranges, or is the string "24/7"."""
        name = str(data.get("name", ""))
        label = f"calendar {name!r}" if name else "calendar"
        if "time_zone" not in data:
            raise ValueError(f"{label}: missing field 'time_zone'")
        hours = data.get("hours")
        week = _always_week() if hours == ALWAYS else _parse_hours(hours, label)
        listed = data.get("holidays") or ()
        if not isinstance(listed, list | tuple):
            raise ValueError(f"{label}: 'holidays' must be a list of dates")
        holidays = tuple(_parse_holiday(raw, f"{label}: holidays[{i}]") for i, raw in enumerate(listed))
        zone = data["time_zone"]
        if not isinstance(zone, str):
            raise ValueError(f"{label}: time_zone: expected an IANA name like 'Europe/Berlin', got {zone!r}")
        return cls(zone, week, holidays, name)

    def to_dict(self) -> dict[str, Any]:
        hours: str | dict[str, list[str]] = (
            ALWAYS if self.is_24_7 else {d: [str(r) for r in rs] for d, rs in zip(WEEKDAYS, self.week, strict=True)}
        )
        holidays = [{"date": h.on.isoformat(), "active": h.active, "name": h.name} for h in self.holidays]
        return {"name": self.name, "time_zone": self.time_zone, "hours": hours, "holidays": holidays}

    # -- queries (aware datetimes in, UTC out) -----------------------------------------------------------------

    def is_open(self, at: datetime) -> bool:
        # Compared as integers: PEP 495 makes an ambiguous local datetime unequal to every UTC datetime.
        at_us = _to_us(at)
        return self._continuous or self._latest(self._open_before(at_us)) == at_us

    def next_opening(self, at: datetime) -> datetime:
        """`at` itself when open, else the start of the next working range (a notice due Friday evening is
        shown Monday morning)."""
        at_us = _to_us(at)
        return _from_us(at_us if self._continuous else self._latest(self._open_before(at_us)))

    def add_business(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant at which `duration` of open time has passed since `start`.

        A start outside hours counts from the next opening; a due time can be a range's end (16:00 + 1 h on a
        9-17 day is 17:00 that day, not 09:00 the next). Zero gives `start`; a negative duration is refused:
        use `subtract_business`."""
        remaining = _non_negative(duration, "add_business")
        at = _to_us(start)
        if remaining == 0 or self._continuous:
            return _from_us(at + remaining)
        return _from_us(self._earliest(self._open_before(at) + remaining))

    def subtract_business(self, due: datetime, duration: timedelta) -> datetime:
        """The latest instant from which `duration` of open time runs up to `due` ("2 h before resolution due"
        counted in working hours)."""
        remaining = _non_negative(duration, "subtract_business")
        at = _to_us(due)
        if remaining == 0 or self._continuous:
            return _from_us(at - remaining)
        return _from_us(self._latest(self._open_before(at) - remaining))

    def business_position(self, at: datetime) -> int:
        """Microseconds of open time from this calendar's reference day up to `at`.

        Business time as a coordinate: the difference of two positions is the business time between them, so a
        computation over many instants (a case's clocks and pauses) converts each instant once. Positions are
        only comparable between queries to the same calendar object."""
        return self.position_us(_to_us(at))

    def position_us(self, at_us: int) -> int:
        """`business_position` of an instant given as microseconds since the epoch (the clock engine's unit)."""
        if self._continuous:
            return at_us
        # Remembered per instant: a board refresh asks for the same `now` and opening times over and over.
        known = self._positions.get(at_us)
        if known is None:
            if len(self._positions) > MAX_REMEMBERED:
                self._positions.clear()
            known = self._positions[at_us] = self._open_before(at_us)
        return known

    def instant_at(self, position: int) -> datetime:
        """The earliest instant at which the business position reaches `position`."""
        if self._continuous:
            return _from_us(position)
        # Remembered like positions, as the datetime itself: an open case's due positions are the same at every
        # board refresh, and building the datetime costs more than the look-up.
        known = self._instants.get(position)
        if known is None:
            if len(self._instants) > MAX_REMEMBERED:
                self._instants.clear()
            known = self._instants[position] = _from_us(self._earliest(position))
        return known

    def business_between(self, a: datetime, b: datetime) -> timedelta:
        """Open time from `a` to `b`; negative when `b` is before `a`."""
        a_us, b_us = _to_us(a), _to_us(b)
        if self._continuous:
            return timedelta(microseconds=b_us - a_us)
        return timedelta(microseconds=self._open_before(b_us) - self._open_before(a_us))

    def add_business_days(self, start: datetime, days: int) -> datetime:
        """`days` working days after `start`, at the same local time of day.

        A start outside hours counts from the next opening. When that time is not open on the day reached (other
        hours that day, a lunch break), the result is the earliest instant of that day with the same open time
        behind it: the day's first opening, or the end of the range before."""
        at = _to_us(start)
        if days == 0:
            return _from_us(at)
        opening = at if self._continuous else self._latest(self._open_before(at))
        return _from_us(self._after_working_days(opening, days)[1])

    def business_days_duration(self, start: datetime, days: int) -> timedelta:
        """The open time from `start` to `add_business_days(start, days)`: a "bd" target as business time."""
        return timedelta(0, 0, self.working_days_us(_to_us(start), days))

    def working_days_us(self, at_us: int, days: int) -> int:
        """`business_days_duration` in microseconds, from an instant in microseconds since the epoch."""
        key = (at_us, days)
        known = self._day_spans.get(key)
        if known is None:  # remembered: the same cases ask again on every board refresh
            if len(self._day_spans) > MAX_REMEMBERED:
                self._day_spans.clear()
            known = self._day_spans[key] = self._working_days_span(at_us, days)
        return known

    def _working_days_span(self, at: int, days: int) -> int:
        if days == 0:
            return 0
        position = self._open_before(at)
        ordinal, result = self._after_working_days(self._latest(position), days)
        within = sum(min(end, result) - begin for begin, end in self._day(ordinal) if begin < result)
        return self._open.before(ordinal) + within - position

    def _after_working_days(self, opening: int, days: int) -> tuple[int, int]:
        """The day and instant `days` working days after the opening instant `opening` (see add_business_days)."""
        if days < 0:
            raise ValueError(f"add_business_days: {days} is negative")
        opening_day = self._day_of(opening)
        ordinal = self._worked.first_day(self._worked.before(opening_day + 1) + days, beyond=False)
        candidate = self._wall_us(ordinal, self._wall_of(opening_day, opening))
        result = self._day(ordinal)[0][0]
        for begin, end in self._day(ordinal):
            if candidate < begin:
                break
            result = min(candidate, end)
        return ordinal, result

    # -- the engine: open time counted from an origin day, so every query is a few cached look-ups ------------

    def _open_before(self, at: int) -> int:
        """Open time from the origin up to `at` (negative before the origin)."""
        ordinal = self._day_of(at)
        total = self._open.before(ordinal)
        for begin, end in self._day(ordinal):
            if begin >= at:
                break
            total += min(end, at) - begin
        return total

    def _earliest(self, value: int) -> int:
        """The first instant at which the open time from the origin reaches `value`."""
        ordinal = self._open.first_day(value, beyond=False)
        return self._within(ordinal, value - self._open.before(ordinal), earliest=True)

    def _latest(self, value: int) -> int:
        """The last instant at which the open time from the origin is still `value`."""
        ordinal = self._open.first_day(value, beyond=True)
        return self._within(ordinal, value - self._open.before(ordinal), earliest=False)

    def _within(self, ordinal: int, amount: int, earliest: bool) -> int:
        """The instant `amount` of open time into day `ordinal`, at a range's end (earliest) or the next start."""
        for begin, end in self._day(ordinal):
            length = end - begin
            if amount < length or (earliest and amount == length):
                return begin + amount
            amount -= length
        raise AssertionError(f"{amount} us beyond the open time of day {ordinal}")

    def _day_of(self, at: int) -> int:
        """The local day whose span [midnight, next midnight) holds `at`, midnights placed by the DST rule above.

        Every range of a day lies inside that span, so only this day's ranges are ever cut by `at`. Found with
        integers from a first guess at the zone's usual offset, corrected against the cached midnights."""
        ordinal = (at + self._offset) // _DAY_US + _UNIX_ORDINAL
        midnights = self._midnights
        while (midnights.get(ordinal) or self._midnight(ordinal)) > at:
            ordinal -= 1
        while (midnights.get(ordinal + 1) or self._midnight(ordinal + 1)) <= at:
            ordinal += 1
        return ordinal

    def _midnight(self, ordinal: int) -> int:
        cached = self._midnights.get(ordinal)
        if cached is None:
            cached = self._midnights[ordinal] = self._zone_wall_us(date.fromordinal(ordinal), 0)
        return cached

    def _day(self, ordinal: int) -> tuple[Interval, ...]:
        # The cache only ever grows by the days actually asked about (a few thousand in a session at most).
        cached = self._days.get(ordinal)
        if cached is None:
            cached = self._build_day(ordinal)
            self._days[ordinal] = cached
        return cached

    def _build_day(self, ordinal: int) -> tuple[Interval, ...]:
        day = date.fromordinal(ordinal)
        if day in self._closed:
            return ()
        intervals = []
        for r in self.week[day.weekday()]:
            begin = self._wall_us(ordinal, r.start * _MINUTE_US)
            end = self._wall_us(ordinal, r.end * _MINUTE_US)
            if end > begin:  # a range wholly inside a DST gap does not exist that day
                intervals.append((begin, end))
        return tuple(intervals)

    def _wall_us(self, ordinal: int, offset: int) -> int:
        """The first instant at which the local clock reads `offset` microseconds after midnight of day `ordinal`
        (or later)."""
        midnight = self._midnight(ordinal)
        # A day of exactly 24 h has no clock change (two changes cancelling out within one day would fool this
        # test; no zone has had them), so plain arithmetic is exact.
        if self._midnight(ordinal + 1) - midnight == _DAY_US:
            return midnight + offset
        return self._zone_wall_us(date.fromordinal(ordinal), offset)

    def _wall_of(self, ordinal: int, at: int) -> int:
        """What the local clock reads at `at` (in day `ordinal`), as microseconds after midnight."""
        midnight = self._midnight(ordinal)
        if self._midnight(ordinal + 1) - midnight == _DAY_US:
            return at - midnight
        local = _from_us(at).astimezone(self._zone)
        return ((local.hour * 60 + local.minute) * 60 + local.second) * 1_000_000 + local.microsecond

    def _zone_wall_us(self, day: date, offset: int) -> int:
        """`_wall_us` worked out with zoneinfo, for days with a clock change (and for the midnights themselves)."""
        local = datetime.combine(day, time(), self._zone) + timedelta(0, 0, offset)  # fold=0: offset before
        naive = (day.toordinal() - _UNIX_ORDINAL) * _DAY_US + offset
        before, after = _offset_us(local), _offset_us(local.replace(fold=1))
        if before >= after:  # the reading exists: once, or twice when clocks go back (fold=0 is the first)
            return naive - before
        return self._gap_end(naive - after, naive - before)  # clocks went forward over this reading

    def _gap_end(self, before: int, after: int) -> int:
        """The instant of the jump over a DST gap: the first with the post-transition offset in (before, after]."""
        offset = _from_us(after).astimezone(self._zone).utcoffset()
        while after - before > 1:
            middle = (before + after) // 2
            if _from_us(middle).astimezone(self._zone).utcoffset() == offset:
                after = middle
            else:
                before = middle
        return after


# -- validation and parsing helpers ----------------------------------------------------------------------------


def _zone(key: str, label: str) -> ZoneInfo:
    zone = find_zone(key)
    if zone is None:
        raise ValueError(f"{label}: unknown time zone {key!r} (expected an IANA name like 'Europe/Berlin')")
    return zone


def _checked_week(week: Sequence[Iterable[WorkingRange]], label: str) -> tuple[tuple[WorkingRange, ...], ...]:
    if len(week) != 7:
        raise ValueError(f"{label}: the week needs 7 days of ranges (Monday first), got {len(week)}")
    checked = tuple(tuple(sorted(day)) for day in week)
    for name, ranges in zip(WEEKDAYS, checked, strict=True):
        for earlier, later in pairwise(ranges):
            if later.start < earlier.end:
                raise ValueError(f"{label}: {name}: ranges {earlier} and {later} overlap")
    if not any(checked):
        raise ValueError(f"{label}: no working time on any weekday (use 24/7 for a calendar that never closes)")
    return checked


def _checked_holidays(holidays: Iterable[Holiday], label: str) -> tuple[Holiday, ...]:
    ordered = tuple(sorted(holidays, key=lambda h: h.on))
    for earlier, later in pairwise(ordered):
        if earlier.on == later.on:
            raise ValueError(f"{label}: holiday {later.on.isoformat()} is listed twice")
    return ordered


def _always_week() -> tuple[tuple[WorkingRange, ...], ...]:
    return ((WorkingRange(0, DAY_MINUTES),),) * 7


def _day_keys(key: str, label: str) -> tuple[int, ...]:
    """Day indexes for a key: "mon" -> (0,), "mon-fri" -> (0..4), "daily" -> all seven."""
    if key == "daily":
        return tuple(range(7))
    first, _, last = key.partition("-")
    if first not in WEEKDAYS or (last and last not in WEEKDAYS):
        raise ValueError(f"{label}: hours: unknown day {key!r} (expected mon..sun, a span like mon-fri, or daily)")
    start, stop = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
    if stop < start:
        raise ValueError(f"{label}: hours: day span {key!r} runs backwards")
    return tuple(range(start, stop + 1))


def _parse_hours(hours: Any, label: str) -> tuple[tuple[WorkingRange, ...], ...]:
    if not isinstance(hours, Mapping):
        raise ValueError(f"{label}: 'hours' must map days to ranges, or be {ALWAYS!r}")
    week: list[tuple[WorkingRange, ...] | None] = [None] * 7
    for key, ranges in hours.items():
        for index in _day_keys(str(key).lower(), label):
            if week[index] is not None:
                raise ValueError(f"{label}: hours: {WEEKDAYS[index]} is given twice")
            if not isinstance(ranges, str | list):
                wanted = "expected ranges like '09:00-17:00'"
                raise ValueError(f"{label}: hours: {WEEKDAYS[index]}: {wanted}, got {ranges!r}")
            texts = [ranges] if isinstance(ranges, str) else ranges
            try:
                week[index] = tuple(WorkingRange.parse(str(t)) for t in texts)
            except ValueError as exc:
                raise ValueError(f"{label}: {WEEKDAYS[index]}: {exc}") from None
    return tuple(day or () for day in week)


def _parse_holiday(raw: Any, where: str) -> Holiday:
    if isinstance(raw, str):
        raw = {"date": raw}
    if not isinstance(raw, Mapping) or "date" not in raw:
        raise ValueError(f"{where}: expected a date 'YYYY-MM-DD' or {{'date': ..., 'active': ..., 'name': ...}}")
    try:
        on = date.fromisoformat(str(raw["date"]))
    except ValueError:
        raise ValueError(f"{where}: {raw['date']!r} is not a date like 2025-12-24") from None
    return Holiday(on, bool(raw.get("active", True)), str(raw.get("name", "")))


def _offset_us(local: datetime) -> int:
    offset = local.utcoffset()
    assert offset is not None, "zoneinfo always knows the offset"
    return offset // _US


def _non_negative(duration: timedelta, operation: str) -> int:
    us = duration // _US
    if us < 0:
        raise ValueError(f"{operation}: the duration {duration} is negative")
    return us
