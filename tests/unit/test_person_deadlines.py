"""Deadlines a person set (escdesk.deadlines): at exactly their instant whatever the calendar, the holidays or the
policy say; the board's next due and the overdue notices see them. Also: acknowledgement per level, a calendar
per customer (named, or matched by segment), and the user's zone for instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from escdesk.calendars import BusinessCalendar, Holiday, WorkingRange
from escdesk.clock_service import CaseClockView, compute_open_clocks
from escdesk.clocks import ClockKind
from escdesk.deadlines import PersonDeadline, check_label, deadline_reading
from escdesk.level_ack import level_acknowledged, moved_up, needs_acknowledgement
from escdesk.notices import overdue_now
from escdesk.policy import default_policy, parse_policy
from escdesk.policy_clocks import ClockPolicy
from escdesk.store.clock_rows import ClockCaseRow, ClockEventRow
from escdesk.zones import local_instant, wall_time, zone_label
from resources import resource_path

# Monday 2 March 2026, 14:00 UTC = 09:00 in New York: the NA calendar has just opened.
MONDAY = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
CLOCKS = default_policy().clocks
NA = "Business hours NA"
HOUR, MIN = timedelta(hours=1), timedelta(minutes=1)


def case(severity: str = "S3", status: str = "open", **fields: Any) -> ClockCaseRow:
    row = ClockCaseRow("case-1", severity, "fast", status, "NA", MONDAY, None, MONDAY)
    return row._replace(**fields)


def deadline(due: datetime, label: str = "Fix promised", **fields: Any) -> PersonDeadline:
    return PersonDeadline(fields.pop("id", "d1"), "case-1", label, due, "dana", MONDAY, **fields)


def view(
    row: ClockCaseRow,
    deadlines: list[PersonDeadline],
    now: datetime,
    clocks: ClockPolicy = CLOCKS,
    events: list[ClockEventRow] | None = None,
) -> CaseClockView:
    return compute_open_clocks([row], events or [], clocks, now, {"case-1": deadlines})["case-1"]


def with_holiday_and_new_hours(clocks: ClockPolicy) -> ClockPolicy:
    """Tuesday 3 March a holiday on the NA calendar, and Mondays half days: the SLA due times move."""
    old = clocks.calendars[NA]
    week = ((WorkingRange(540, 720),), *old.week[1:])
    return clocks.with_calendar(BusinessCalendar(old.time_zone, week, (Holiday(date(2026, 3, 3)),), old.name))


def test_a_deadline_stays_at_its_instant_when_a_holiday_is_added_and_the_calendar_changes() -> None:
    promised = datetime(2026, 3, 4, 22, 0, tzinfo=UTC)  # Wednesday 17:00 in New York
    now = MONDAY + HOUR
    before = view(case(), [deadline(promised)], now)
    after = view(case(), [deadline(promised)], now, with_holiday_and_new_hours(CLOCKS))
    ack_before, ack_after = before.reading(ClockKind.ACKNOWLEDGE), after.reading(ClockKind.ACKNOWLEDGE)
    assert ack_before is not None and ack_after is not None and ack_before.due_at != ack_after.due_at  # SLA moved
    for shown in (before, after):
        found = shown.reading(ClockKind.DEADLINE)
        assert found is not None and found.due_at == promised and found.set_by_person
        assert found.remaining == promised - now and found.label == "Fix promised"


def test_the_earliest_deadline_is_the_next_due_and_named() -> None:
    call = MONDAY + 3 * HOUR  # before the S3 acknowledgement (one working day)
    shown = view(case(), [deadline(call, "CFO call"), deadline(call + 48 * HOUR, "Fix promised", id="d2")], MONDAY)
    assert shown.next_kind is ClockKind.DEADLINE and shown.due_at == call and shown.next_label == "CFO call"
    assert shown.minutes_to_due == 180
    later = view(case(), [deadline(MONDAY + 72 * HOUR)], MONDAY)
    assert later.next_kind is ClockKind.ACKNOWLEDGE and later.next_label is None  # the SLA clock comes first


def test_a_passed_deadline_not_met_is_overdue_with_a_notice_per_deadline() -> None:
    now = MONDAY + 5 * HOUR  # 14:00 in New York: notices are shown in business hours
    both = [deadline(MONDAY + HOUR, "CFO call"), deadline(MONDAY + 2 * HOUR, "Logs sent", id="d2")]
    shown = view(case(acknowledged_at=MONDAY + MIN), both, now)
    assert shown.overdue and shown.next_kind is ClockKind.DEADLINE and shown.due_at == MONDAY + HOUR
    overdue = overdue_now([shown], CLOCKS.calendars, now)
    assert sorted((n.clock, n.label) for n in overdue) == [
        (ClockKind.DEADLINE, "CFO call"),
        (ClockKind.DEADLINE, "Logs sent"),
    ]
    met = view(case(acknowledged_at=MONDAY + MIN), [deadline(MONDAY + HOUR, met_at=MONDAY + 30 * MIN)], now)
    reading = met.reading(ClockKind.DEADLINE)
    assert reading is not None and reading.stopped_at == MONDAY + 30 * MIN and not reading.overdue
    assert not overdue_now([met], CLOCKS.calendars, now)


def test_waiting_on_the_customer_never_pauses_a_deadline_and_resolving_stops_it() -> None:
    waiting = view(case(status="waiting_on_customer", acknowledged_at=MONDAY), [deadline(MONDAY + HOUR)], MONDAY)
    assert not waiting.paused and waiting.due_at == MONDAY + HOUR
    resolved_at = MONDAY + 10 * MIN
    events = [ClockEventRow("case-1", resolved_at, "status_changed", "open", "resolved", None, None)]
    resolved = view(case(status="resolved"), [deadline(MONDAY + HOUR)], MONDAY + 2 * HOUR, events=events)
    reading = resolved.reading(ClockKind.DEADLINE)
    assert reading is not None and reading.stopped_at == resolved_at and resolved.next_kind is None


def test_a_deadline_set_after_its_instant_reads_as_overdue_without_a_negative_target() -> None:
    late = deadline_reading(deadline(MONDAY - HOUR), MONDAY)
    assert late.overdue and late.started_at == MONDAY - HOUR and late.target.amount == 0
    assert check_label("  fix   promised ") == "fix promised"
    with pytest.raises(ValueError, match="needs a label"):
        check_label("   ")


# -- acknowledgement per level -------------------------------------------------------------------------------------


def level_change(at: datetime, before: str, after: str) -> ClockEventRow:
    return ClockEventRow("case-1", at, "level_changed", before, after, None, None)


def test_a_case_moved_up_is_acknowledged_again_at_its_new_level() -> None:
    moved = MONDAY + 2 * HOUR
    row = case("S2", "acknowledged", acknowledged_at=MONDAY + MIN, level_entered_at=moved)
    events = [level_change(moved, "L1", "L2")]
    shown = view(row, [], moved + HOUR, events=events)
    ack = shown.reading(ClockKind.ACKNOWLEDGE)
    assert ack is not None and ack.started_at == moved and ack.stopped_at is None  # restarted at the move
    assert ack.due_at == moved + 2 * HOUR  # the S2 target, 2 business hours
    taken_on = [*events, ClockEventRow("case-1", moved + 30 * MIN, "level_acknowledged", None, "L2", None, None)]
    after = view(row, [], moved + HOUR, events=taken_on).reading(ClockKind.ACKNOWLEDGE)
    ceiling = view(row, [], moved + HOUR, events=taken_on).reading(ClockKind.CEILING)
    assert after is not None and after.stopped_at == moved + 30 * MIN
    assert ceiling is not None and ceiling.stopped_at == moved + 30 * MIN


def test_a_move_down_keeps_the_first_acknowledgement() -> None:
    moved = MONDAY + 2 * HOUR
    row = case("S2", "acknowledged", acknowledged_at=MONDAY + MIN, level_entered_at=moved)
    ack = view(row, [], moved + HOUR, events=[level_change(moved, "L3", "L2")]).reading(ClockKind.ACKNOWLEDGE)
    assert ack is not None and ack.started_at == MONDAY and ack.stopped_at == MONDAY + MIN


def test_level_acknowledgement_reads_the_history() -> None:
    from escdesk.domain import CaseStatus

    moved = MONDAY + HOUR
    up = [level_change(moved, "L0", "L2")]
    assert moved_up(up) and not moved_up([*up, level_change(moved + HOUR, "L2", "L1")]) and not moved_up([])
    assert needs_acknowledgement(CaseStatus.ACKNOWLEDGED, moved, MONDAY, up)
    acked = [
        *up,
        ClockEventRow("case-1", moved + MIN, "status_changed", "waiting_on_customer", "acknowledged", None, None),
    ]
    assert level_acknowledged(moved, MONDAY, acked) == moved + MIN
    assert not needs_acknowledgement(CaseStatus.ACKNOWLEDGED, moved, MONDAY, acked)
    assert needs_acknowledgement(CaseStatus.OPEN, moved, None, [])
    assert not needs_acknowledgement(CaseStatus.RESOLVED, moved, None, up)


# -- a calendar per customer ---------------------------------------------------------------------------------------


def test_a_customer_naming_a_calendar_runs_on_it_and_an_unknown_name_falls_back_to_the_rules() -> None:
    assert view(case(customer_calendar="24/7"), [], MONDAY).calendar == "24/7"
    assert view(case(customer_calendar="Gold support (renamed)"), [], MONDAY).calendar == NA
    assert view(case(), [], MONDAY).calendar == NA


def test_calendar_rules_may_match_the_customer_segment() -> None:
    import json

    data = json.loads(resource_path("policy", "default.json").read_text(encoding="utf-8"))
    data["clocks"]["calendar_rules"].insert(0, {"segment": ["Public sector"], "calendar": "Business hours EMEA"})
    clocks = parse_policy(data, "test").clocks
    assert view(case(segment=" public SECTOR"), [], MONDAY, clocks).calendar == "Business hours EMEA"
    assert view(case(segment="Retail"), [], MONDAY, clocks).calendar == NA


# -- the user's zone -------------------------------------------------------------------------------------------------


def test_instants_in_the_users_zone_are_named() -> None:
    winter = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)
    assert zone_label(winter, "Europe/Berlin") == "CET, Europe/Berlin"
    assert zone_label(winter, "UTC") == "UTC"
    assert zone_label(winter, "Asia/Singapore") == "UTC+08, Asia/Singapore"
    assert local_instant(datetime(2026, 12, 4, 17, 0), "Europe/Berlin") == datetime(2026, 12, 4, 16, 0, tzinfo=UTC)
    assert wall_time(winter, "America/New_York") == datetime(2026, 12, 3, 11, 0)
    # The night the clocks go forward in Berlin: 02:30 does not exist; the earlier offset is read (01:30 UTC).
    assert local_instant(datetime(2026, 3, 29, 2, 30), "Europe/Berlin") == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    with pytest.raises(ValueError, match="unknown time zone"):
        local_instant(winter.replace(tzinfo=None), "Mars/Olympus")


def test_a_prompt_sentence_shows_its_due_time_in_the_readers_zone() -> None:
    from escdesk.prompts import InvolvementPrompt

    due = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
    prompt = InvolvementPrompt(
        "r", "R", "support_lead", "Support lead", "p", "Lena", None, due, "", "S1", "Europe/London"
    )
    assert "by Thu 03 Dec 17:00 GMT" in prompt.sentence()
    assert "by Thu 03 Dec 18:00 CET" in prompt.sentence("Europe/Berlin")


def test_involvement_due_times_follow_the_calendar_the_customer_names() -> None:
    from dataclasses import replace

    from test_prompts import CASE, DIRECTORY, _facts

    from escdesk.prompts import case_prompts

    by_region = case_prompts(default_policy(), CASE, _facts(), DIRECTORY).involvements
    on_24_7 = case_prompts(default_policy(), replace(CASE, customer_calendar="24/7"), _facts(), DIRECTORY).involvements
    assert {p.time_zone for p in by_region} == {"Europe/London"}  # EMEA's business hours
    assert {p.time_zone for p in on_24_7} == {"UTC"}  # the 24/7 calendar's: offsets count on it
