"""Per-case SLA clocks (cases T1-T4 of shared/cases/README.md), pauses, and target spans.

T5 (adding a holiday recomputes the open cases that use the calendar) needs the store and is tested there.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escdesk.calendars import BusinessCalendar
from escdesk.clock_math import Pause, counted_time, due_with_pauses, notice_time, offset_before
from escdesk.clocks import (
    CaseTimeline,
    ClockKind,
    ClockTargets,
    Contact,
    Deadline,
    StatusPeriod,
    compute_clocks,
    targets_for,
)
from escdesk.domain import CaseStatus, Channel, Direction, Pace, Severity
from escdesk.durations import Span, SpanUnit, parse_span
from escdesk.policy import default_policy

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = timedelta(hours=1)
OFFICE = BusinessCalendar.from_dict({"time_zone": "Europe/Berlin", "hours": {"mon-fri": "09:00-17:00"}})
ALWAYS = BusinessCalendar.always_open("Europe/Berlin")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant in January 2025, Berlin time (the 6th is a Monday, the 10th a Friday)."""
    return datetime(2025, 1, day, hour, minute, tzinfo=BERLIN)


def inbound(when: datetime, channel: Channel = Channel.EMAIL) -> Contact:
    return Contact(when, Direction.INBOUND, channel)


def outbound(when: datetime, channel: Channel = Channel.EMAIL) -> Contact:
    return Contact(when, Direction.OUTBOUND, channel)


def targets(**spans: str) -> ClockTargets:
    return ClockTargets(**{kind: parse_span(text) for kind, text in spans.items()})


# -- spans ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "business", "fixed", "days"),
    [
        ("30m", False, timedelta(minutes=30), None),
        ("4h", False, 4 * HOUR, None),
        ("56h", False, 56 * HOUR, None),
        ("7d", False, timedelta(days=7), None),
        ("2w", False, timedelta(days=14), None),
        ("90bm", True, timedelta(minutes=90), None),
        ("4bh", True, 4 * HOUR, None),
        (" 10BD ", True, None, 10),
    ],
)
def test_spans_parse(text: str, business: bool, fixed: timedelta | None, days: int | None) -> None:
    span = parse_span(text)
    assert (span.business, span.fixed, span.business_days) == (business, fixed, days)
    assert parse_span(str(span)) == span


@pytest.mark.parametrize("text", ["", "h", "1.5h", "-2h", "3x", "1 day", "4hb"])
def test_bad_spans_are_refused_naming_the_text(text: str) -> None:
    with pytest.raises(ValueError, match=f"target {text!r}"):
        parse_span(text)


def test_negative_span_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        Span(-1, SpanUnit.HOURS)


def test_targets_from_the_default_policy() -> None:
    s3 = next(d for d in default_policy().severities if d.severity is Severity.S3)
    slow = targets_for(s3, Pace.SLOW_BURN, resolution="50bd")
    assert (str(slow.acknowledge), str(slow.update), str(slow.ceiling), str(slow.resolution)) == (
        "1bd",
        "5bd",
        "5bd",
        "50bd",
    )
    assert str(targets_for(s3, Pace.FAST).update) == "1bd"
    assert str(targets_for(s3, Pace.FAST).resolution) == "20bd"  # the severity's own when none is given


# -- the clock cases -----------------------------------------------------------------------------------------------


def test_t1_first_breach_is_the_first_response_not_the_update_cadence() -> None:
    case = CaseTimeline(opened_at=at(6, 9))
    spans = targets(acknowledge="8h", update="2h")
    early = compute_clocks(case, spans, ALWAYS, now=at(6, 11, 1))
    assert early.update is None  # the update cadence starts with the first response
    assert not any(r.overdue for r in early.readings())
    first = early.next_due()
    assert first is not None and (first.kind, first.due_at) == (ClockKind.ACKNOWLEDGE, at(6, 17))
    late = compute_clocks(case, spans, ALWAYS, now=at(6, 17, 1))
    assert [(r.kind, r.minutes_to_due) for r in late.readings() if r.overdue] == [(ClockKind.ACKNOWLEDGE, -1)]


def test_t2_our_reply_restarts_the_update_clock() -> None:
    case = CaseTimeline(opened_at=at(6, 10), contacts=(inbound(at(6, 10)), outbound(at(6, 10, 30))))
    spans = targets(acknowledge="1h", update="2h")
    for now in (at(6, 12), at(6, 12, 15)):
        clocks = compute_clocks(case, spans, ALWAYS, now=now)
        assert not any(r.overdue for r in clocks.readings())
        assert clocks.acknowledge is not None and clocks.acknowledge.stopped_at == at(6, 10, 30)
        assert clocks.update is not None and clocks.update.due_at == at(6, 12, 30)


@pytest.mark.parametrize("channel", list(Channel))
def test_t3_a_customer_message_on_any_channel_restarts_the_update_clock(channel: Channel) -> None:
    case = CaseTimeline(opened_at=at(6, 9), acknowledged_at=at(6, 9, 20), contacts=(inbound(at(6, 11), channel),))
    clocks = compute_clocks(case, targets(acknowledge="30m", update="2h"), ALWAYS, now=at(6, 12))
    assert clocks.update is not None
    assert (clocks.update.started_at, clocks.update.due_at, clocks.update.minutes_to_due) == (at(6, 11), at(6, 13), 60)


def test_t4_non_urgent_notices_are_held_to_the_next_opening() -> None:
    friday_evening = at(10, 17, 4)
    assert notice_time(OFFICE, friday_evening, urgent=False) == at(13, 9)
    assert notice_time(OFFICE, friday_evening, urgent=True) == friday_evening
    assert notice_time(OFFICE, at(10, 16, 59), urgent=False) == at(10, 16, 59)


# -- pauses, stops and deadlines -----------------------------------------------------------------------------------


def test_pause_spanning_a_weekend_counts_neither_business_nor_elapsed_time() -> None:
    waiting = StatusPeriod(CaseStatus.WAITING_ON_CUSTOMER, at(10, 15), at(14, 11))
    case = CaseTimeline(opened_at=at(10, 13), statuses=(StatusPeriod(CaseStatus.OPEN, at(10, 13), at(10, 15)), waiting))
    business = compute_clocks(case, targets(acknowledge="8bh"), OFFICE, now=at(14, 12)).acknowledge
    assert business is not None and business.due_at == at(14, 17)
    assert (business.elapsed, business.minutes_to_due) == (3 * HOUR, 5 * 60)
    elapsed = compute_clocks(case, targets(acknowledge="24h"), OFFICE, now=at(14, 12)).acknowledge
    assert elapsed is not None and elapsed.due_at == at(15, 9)


def test_an_ongoing_pause_freezes_the_clock_and_hides_the_due_time() -> None:
    case = CaseTimeline(opened_at=at(6, 9), statuses=(StatusPeriod(CaseStatus.WAITING_ON_CUSTOMER, at(6, 10)),))
    for now in (at(6, 11), at(8, 11)):
        reading = compute_clocks(case, targets(acknowledge="4bh"), OFFICE, now=now).acknowledge
        assert reading is not None and reading.paused and reading.due_at is None
        assert reading.remaining == 3 * HOUR


def test_pausing_statuses_come_from_the_rules_passed_in() -> None:
    case = CaseTimeline(
        opened_at=at(6, 9), statuses=(StatusPeriod(CaseStatus.WAITING_ON_CUSTOMER, at(6, 10), at(6, 12)),)
    )
    spans = targets(acknowledge="4bh", resolution="8bh")
    clocks = compute_clocks(
        case, spans, OFFICE, now=at(6, 13), pausing={ClockKind.RESOLUTION: frozenset({CaseStatus.WAITING_ON_CUSTOMER})}
    )
    assert clocks.acknowledge is not None and clocks.acknowledge.due_at == at(6, 13)
    assert clocks.resolution is not None and clocks.resolution.due_at == at(7, 11)


def test_reopen_cycles_count_only_open_time() -> None:
    case = CaseTimeline(
        opened_at=at(6, 9),
        statuses=(
            StatusPeriod(CaseStatus.OPEN, at(6, 9), at(6, 11)),
            StatusPeriod(CaseStatus.RESOLVED, at(6, 11), at(7, 9)),
            StatusPeriod(CaseStatus.OPEN, at(7, 9)),
        ),
    )
    resolution = compute_clocks(case, targets(resolution="8bh"), OFFICE, now=at(7, 10)).resolution
    assert resolution is not None and resolution.stopped_at is None
    assert (resolution.elapsed, resolution.due_at) == (3 * HOUR, at(7, 15))
    while_resolved = compute_clocks(case, targets(resolution="8bh"), OFFICE, now=at(6, 15)).resolution
    assert while_resolved is not None and while_resolved.stopped_at == at(6, 11)
    assert compute_clocks(case, targets(resolution="8bh"), OFFICE, now=at(6, 15)).facts()["minutes_to_resolve"] == 120


def test_a_deadline_set_by_a_person_never_moves() -> None:
    deadline = at(7, 12)
    case = CaseTimeline(
        opened_at=at(6, 9),
        statuses=(StatusPeriod(CaseStatus.WAITING_ON_CUSTOMER, at(6, 10), at(6, 15)),),
        deadlines=(Deadline(ClockKind.RESOLUTION, deadline),),
    )
    for calendar in (OFFICE, ALWAYS):
        resolution = compute_clocks(case, targets(resolution="2bh"), calendar, now=at(7, 10)).resolution
        assert resolution is not None and resolution.set_by_person
        assert (resolution.due_at, resolution.overdue) == (deadline, False)
    office = compute_clocks(case, targets(resolution="2bh"), OFFICE, now=at(7, 10)).resolution
    assert office is not None and office.minutes_to_due == 120


def test_ceiling_runs_from_entering_the_level_until_that_level_acknowledges() -> None:
    case = CaseTimeline(opened_at=at(6, 9), level_entered_at=at(6, 12))
    ceiling = compute_clocks(case, targets(ceiling="4h"), OFFICE, now=at(6, 17)).ceiling
    assert ceiling is not None and (ceiling.due_at, ceiling.minutes_to_due) == (at(6, 16), -60)
    acked = CaseTimeline(opened_at=at(6, 9), level_entered_at=at(6, 12), level_acknowledged_at=at(6, 13))
    stopped = compute_clocks(acked, targets(ceiling="4h"), OFFICE, now=at(6, 17))
    assert stopped.ceiling is not None and stopped.ceiling.stopped_at == at(6, 13) and not stopped.ceiling.overdue
    assert stopped.hours_at_level == 5


def test_business_day_targets_report_business_minutes() -> None:
    case = CaseTimeline(opened_at=at(7, 15))
    ack = compute_clocks(case, targets(acknowledge="1bd"), OFFICE, now=at(7, 16)).acknowledge
    assert ack is not None and (ack.due_at, ack.minutes_to_due) == (at(8, 15), 7 * 60)
    facts = compute_clocks(case, targets(acknowledge="1bd"), OFFICE, now=at(8, 16)).facts()
    assert facts["minutes_to_ack_due"] == -60 and facts["minutes_to_ack"] is None


def test_events_after_now_are_ignored() -> None:
    case = CaseTimeline(opened_at=at(6, 9), acknowledged_at=at(6, 12), contacts=(outbound(at(6, 11)),))
    before = compute_clocks(case, targets(acknowledge="1h", update="1h"), ALWAYS, now=at(6, 10, 30))
    assert before.first_response_at is None and before.update is None
    after = compute_clocks(case, targets(acknowledge="1h", update="1h"), ALWAYS, now=at(6, 13))
    assert after.first_response_at == at(6, 11)


def test_offsets_before_a_due_time_count_the_way_the_span_says() -> None:
    due = at(13, 10)  # Monday 10:00
    assert offset_before(OFFICE, due, parse_span("2bh")) == at(10, 16)
    assert offset_before(OFFICE, due, parse_span("2h")) == at(13, 8)
    with pytest.raises(ValueError, match="working days"):
        offset_before(OFFICE, due, parse_span("1bd"))


def test_overlapping_and_early_pauses_are_counted_once() -> None:
    pauses = [Pause(at(6, 8), at(6, 10)), Pause(at(6, 11), at(6, 13)), Pause(at(6, 12), at(6, 14))]
    assert counted_time(OFFICE, at(6, 9), at(6, 17), pauses) == 4 * HOUR
    assert due_with_pauses(OFFICE, at(6, 9), 4 * HOUR, pauses) == at(6, 17)
    assert due_with_pauses(OFFICE, at(6, 9), 4 * HOUR, [Pause(at(6, 11))]) is None


@settings(max_examples=100, deadline=None)
@given(
    st.datetimes(datetime(2025, 1, 1), datetime(2025, 12, 1), timezones=st.just(UTC)),
    st.timedeltas(timedelta(0), timedelta(days=10)),
    st.lists(st.tuples(st.integers(0, 20 * 24 * 60), st.integers(1, 5 * 24 * 60)), max_size=5),
)
def test_pauses_are_taken_out_exactly(start: datetime, target: timedelta, offsets: list[tuple[int, int]]) -> None:
    pauses = [Pause(start + timedelta(minutes=a), start + timedelta(minutes=a + b)) for a, b in offsets]
    due = due_with_pauses(OFFICE, start, target, pauses)
    assert due is not None
    assert counted_time(OFFICE, start, due, pauses) == target
    assert due >= OFFICE.add_business(start, target)
