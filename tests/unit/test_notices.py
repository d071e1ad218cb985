"""Notices from the clocks, on a frozen `now`: T4 (non-urgent notices held to business hours, urgent ones not)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from escdesk.clock_service import CaseClockView, compute_open_clocks
from escdesk.clocks import ClockKind
from escdesk.notices import Notice, NoticeKind, build_notices, overdue_now, pending
from escdesk.policy import Policy, default_policy, parse_policy
from escdesk.store.clock_rows import ClockCaseRow
from resources import resource_path

MIN = timedelta(minutes=1)
# Friday 6 March 2026, 13:04 in New York (EST, UTC-5). The US moves to summer time on Sunday the 8th, so Monday
# 09:00 there is 13:00 UTC.
FRIDAY_1304_NY = datetime(2026, 3, 6, 18, 4, tzinfo=UTC)
FRIDAY_1704_NY = FRIDAY_1304_NY + 4 * 60 * MIN
MONDAY_0900_NY = datetime(2026, 3, 9, 13, 0, tzinfo=UTC)


def policy_with(edit: Any) -> Policy:
    raw = json.loads(resource_path("policy", "default.json").read_text(encoding="utf-8"))
    edit(raw)
    return parse_policy(raw, "edited")


def elapsed_ack_on_na(raw: dict[str, Any]) -> None:
    """Acknowledge S1 and S3 within 4 elapsed hours, both on the New York business calendar."""
    for severity in raw["severities"]:
        severity["acknowledge"] = "4h"
    raw["clocks"]["calendar_rules"] = [{"calendar": "Business hours NA"}]


def views(policy: Policy, now: datetime, *cases: tuple[str, str]) -> list[CaseClockView]:
    rows = [
        ClockCaseRow(case_id, sev, "fast", "open", "NA", FRIDAY_1304_NY, None, FRIDAY_1304_NY) for case_id, sev in cases
    ]
    return list(compute_open_clocks(rows, [], policy.clocks, now).values())


def overdue_ack(notices: list[Notice], case_id: str) -> Notice:
    return next(
        n for n in notices if (n.case_id, n.clock, n.kind) == (case_id, ClockKind.ACKNOWLEDGE, NoticeKind.OVERDUE)
    )


def test_t4_non_urgent_notice_due_friday_evening_is_shown_monday_morning() -> None:
    policy = policy_with(elapsed_ack_on_na)
    notices = build_notices(views(policy, FRIDAY_1304_NY + MIN, ("s3", "S3"), ("s1", "S1")), policy.clocks.calendars)
    s3, s1 = overdue_ack(notices, "s3"), overdue_ack(notices, "s1")
    assert (s3.due_at, s3.show_at, s3.urgent) == (FRIDAY_1704_NY, MONDAY_0900_NY, False)
    assert (s1.due_at, s1.show_at, s1.urgent) == (FRIDAY_1704_NY, FRIDAY_1704_NY, True)  # S1 is never held back


def test_pending_notices_as_time_passes() -> None:
    policy = policy_with(elapsed_ack_on_na)
    notices = build_notices(views(policy, FRIDAY_1304_NY + MIN, ("s3", "S3"), ("s1", "S1")), policy.clocks.calendars)
    assert pending(notices, FRIDAY_1304_NY + 2 * 60 * MIN) == []
    soon = pending(notices, FRIDAY_1304_NY + 3 * 60 * MIN + 30 * MIN)  # an hour before 17:04, still in hours
    assert {(n.case_id, n.kind) for n in soon} == {("s3", NoticeKind.DUE_SOON), ("s1", NoticeKind.DUE_SOON)}
    saturday = pending(notices, FRIDAY_1704_NY + 12 * 60 * MIN)
    assert {(n.case_id, n.kind) for n in saturday} == {("s3", NoticeKind.DUE_SOON), ("s1", NoticeKind.OVERDUE)}
    monday = pending(notices, MONDAY_0900_NY)
    assert {(n.case_id, n.kind) for n in monday} == {("s3", NoticeKind.OVERDUE), ("s1", NoticeKind.OVERDUE)}


def test_due_soon_of_a_business_clock_counts_back_in_business_time() -> None:
    policy = default_policy()  # S3 acknowledges within 1 business day: due Monday 13:04 in New York
    monday_1304_ny = MONDAY_0900_NY + 4 * 60 * MIN + 4 * MIN
    (notice,) = (n for n in build_notices(views(policy, FRIDAY_1304_NY, ("s3", "S3")), policy.clocks.calendars)
                 if n.clock is ClockKind.ACKNOWLEDGE and n.kind is NoticeKind.DUE_SOON)  # fmt: skip
    assert notice.due_at == monday_1304_ny
    assert notice.show_at == monday_1304_ny - 60 * MIN  # an hour of business time before, in hours already


@pytest.mark.parametrize("paused_status", ["waiting_on_customer"])
def test_met_and_paused_clocks_give_no_notices(paused_status: str) -> None:
    policy = default_policy()
    acknowledged = ClockCaseRow("c", "S3", "fast", paused_status, "NA", FRIDAY_1304_NY, FRIDAY_1304_NY + MIN,
                                FRIDAY_1304_NY)  # fmt: skip
    (view,) = compute_open_clocks([acknowledged], [], policy.clocks, FRIDAY_1304_NY + 60 * MIN).values()
    kinds = {n.clock for n in build_notices([view], policy.clocks.calendars)}
    assert ClockKind.ACKNOWLEDGE not in kinds  # met
    assert not kinds & {ClockKind.UPDATE, ClockKind.RESOLUTION, ClockKind.CEILING}  # paused while waiting


def test_overdue_now_counts_the_overdue_notices_to_show_held_to_business_hours() -> None:
    policy = policy_with(elapsed_ack_on_na)
    saturday = FRIDAY_1704_NY + 12 * 60 * MIN
    found = overdue_now(views(policy, saturday, ("s3", "S3"), ("s1", "S1")), policy.clocks.calendars, saturday)
    # S1's acknowledgement and 4 h ceiling are shown at once; S3's acknowledgement waits for Monday.
    assert [(n.case_id, n.clock) for n in found] == [("s1", ClockKind.ACKNOWLEDGE), ("s1", ClockKind.CEILING)]
    monday = overdue_now(views(policy, MONDAY_0900_NY, ("s3", "S3")), policy.clocks.calendars, MONDAY_0900_NY)
    assert [(n.case_id, n.kind) for n in monday] == [("s3", NoticeKind.OVERDUE)]
    assert overdue_now(views(policy, FRIDAY_1304_NY, ("s3", "S3")), {}, FRIDAY_1304_NY) == []  # calendar unknown
