"""Reading store rows into clock timelines, and the views the board and the rules get (no database here: the
rows are what escdesk.store.clock_rows returns; the store half is tested in tests/integration)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from escdesk.clock_service import CaseClockView, compute_open_clocks, timeline
from escdesk.clocks import ClockKind, StatusPeriod
from escdesk.domain import CaseStatus
from escdesk.policy import default_policy
from escdesk.store.clock_rows import ClockCaseRow, ClockEventRow

# Monday 2 March 2026, 14:00 UTC = 09:00 in New York (EST): the NA calendar has just opened.
MONDAY = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
CLOCKS = default_policy().clocks
MIN = timedelta(minutes=1)


def case(
    severity: str = "S3",
    status: str = "open",
    region: str | None = "NA",
    opened: datetime = MONDAY,
    acknowledged: datetime | None = None,
    entered: datetime | None = None,
    pace: str = "fast",
) -> ClockCaseRow:
    return ClockCaseRow("case-1", severity, pace, status, region, opened, acknowledged, entered or opened)


def status_change(at: datetime, before: str, after: str) -> ClockEventRow:
    return ClockEventRow("case-1", at, "status_changed", before, after, None, None)


def contact(at: datetime, direction: str, channel: str | None = "email") -> ClockEventRow:
    return ClockEventRow("case-1", at, "customer_contact", None, None, channel, direction)


def view(row: ClockCaseRow, events: list[ClockEventRow], now: datetime) -> CaseClockView:
    return compute_open_clocks([row], events, CLOCKS, now)["case-1"]


def test_status_history_becomes_periods() -> None:
    events = [
        status_change(MONDAY + 10 * MIN, "open", "acknowledged"),
        status_change(MONDAY + 60 * MIN, "acknowledged", "waiting_on_customer"),
    ]
    periods = timeline(case(), events).statuses
    assert periods == (
        StatusPeriod(CaseStatus.OPEN, MONDAY, MONDAY + 10 * MIN),
        StatusPeriod(CaseStatus.ACKNOWLEDGED, MONDAY + 10 * MIN, MONDAY + 60 * MIN),
        StatusPeriod(CaseStatus.WAITING_ON_CUSTOMER, MONDAY + 60 * MIN, None),
    )


def test_an_imported_case_without_history_is_read_in_its_current_status() -> None:
    assert timeline(case(), []).statuses == ()
    waiting = view(case(status="waiting_on_customer", acknowledged=MONDAY + MIN), [], MONDAY + 5 * 60 * MIN)
    assert waiting.paused and waiting.next_kind is None  # update and resolution wait; the ceiling too
    update = waiting.reading(ClockKind.UPDATE)
    assert update is not None and update.paused


def test_s1_runs_on_the_24_7_calendar_with_clock_time_and_is_urgent() -> None:
    saturday_night = datetime(2026, 3, 7, 23, 0, tzinfo=UTC)
    s1 = view(case("S1", opened=saturday_night), [], saturday_night + 10 * MIN)
    assert (s1.calendar, s1.urgent) == ("24/7", True)
    assert (s1.next_kind, s1.due_at, s1.minutes_to_due) == (ClockKind.ACKNOWLEDGE, saturday_night + 30 * MIN, 20)


def test_s2_counts_business_hours_on_the_regions_calendar() -> None:
    friday_4pm_london = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)
    s2 = view(case("S2", region="EMEA", opened=friday_4pm_london), [], friday_4pm_london + 30 * MIN)
    assert (s2.calendar, s2.urgent) == ("Business hours EMEA", False)
    # 2 business hours: 16:00-17:00 Friday, then 09:00-10:00 Monday.
    monday_10am_london = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    assert (s2.next_kind, s2.due_at, s2.minutes_to_due) == (ClockKind.ACKNOWLEDGE, monday_10am_london, 90)


def test_overdue_minutes_are_negative_and_facts_are_there_for_rules() -> None:
    s1 = view(case("S1"), [], MONDAY + 100 * MIN)
    assert (s1.next_kind, s1.minutes_to_due, s1.overdue) == (ClockKind.ACKNOWLEDGE, -70, True)
    assert s1.facts["minutes_to_ack_due"] == -70
    assert s1.facts["minutes_to_update_due"] is None  # no first response yet: no cadence (T1)
    assert s1.facts["hours_at_level"] == 1


def test_any_contact_restarts_the_update_clock_and_ours_is_a_first_response() -> None:
    events = [contact(MONDAY + 20 * MIN, "outbound", "phone"), contact(MONDAY + 50 * MIN, "inbound", None)]
    s1 = view(case("S1"), events, MONDAY + 60 * MIN)
    ack, update = s1.reading(ClockKind.ACKNOWLEDGE), s1.reading(ClockKind.UPDATE)
    assert ack is not None and ack.stopped_at == MONDAY + 20 * MIN
    assert update is not None and (update.started_at, update.due_at) == (MONDAY + 50 * MIN, MONDAY + 110 * MIN)


def test_the_ceiling_of_a_new_level_runs_until_someone_there_acknowledges() -> None:
    moved = MONDAY + 2 * 60 * MIN
    row = case("S1", status="acknowledged", acknowledged=MONDAY + 5 * MIN, entered=moved)
    ceiling = view(row, [], moved + 5 * 60 * MIN).reading(ClockKind.CEILING)
    assert ceiling is not None and ceiling.stopped_at is None and ceiling.overdue  # 4 h at the new level
    acknowledged_again = [
        status_change(moved + 10 * MIN, "acknowledged", "mitigated"),
        status_change(moved + 20 * MIN, "mitigated", "acknowledged"),
    ]
    stopped = view(row, acknowledged_again, moved + 5 * 60 * MIN).reading(ClockKind.CEILING)
    assert stopped is not None and stopped.stopped_at == moved + 20 * MIN and not stopped.overdue


def test_a_resolved_case_is_not_reported_as_paused() -> None:
    events = [status_change(MONDAY + 60 * MIN, "open", "resolved")]
    resolved = view(case(status="resolved", acknowledged=MONDAY + MIN), events, MONDAY + 3 * 60 * MIN)
    assert (resolved.next_kind, resolved.paused) == (None, False)
    resolution = resolved.reading(ClockKind.RESOLUTION)
    assert resolution is not None and resolution.stopped_at == MONDAY + 60 * MIN
