"""Slow-burn triggers (DESIGN.md section 4) on hand-made health histories: thresholds, windows, renewal, band."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from escdesk.domain import ArrBand, Severity
from escdesk.slow_burn import AccountSignals, Signal, health_drops, is_dismissed, propose, scan

TODAY = date(2026, 12, 3)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def account(
    health: list[tuple[int, int]],
    *,
    band: ArrBand = ArrBand.SMB,
    renewal_in: int | None = 400,
    tickets: int = 0,
    sponsor_changes: tuple[date, ...] = (),
    customer_id: str = "c1",
) -> AccountSignals:
    """`health` as (days ago, score)."""
    renewal = None if renewal_in is None else TODAY + timedelta(days=renewal_in)
    points = [(days_ago(ago), score) for ago, score in health]
    return AccountSignals(customer_id, "Müller & Söhne GmbH", band, renewal, points, tickets, sponsor_changes, "csm-1")


@pytest.mark.parametrize(
    ("points", "expected"),
    [(14, None), (15, Signal.YELLOW), (24, Signal.YELLOW), (25, Signal.RED), (40, Signal.RED)],
)
def test_drop_thresholds(points: int, expected: Signal | None) -> None:
    drops = health_drops([(days_ago(7), 80), (days_ago(0), 80 - points)], TODAY)
    assert [d.signal for d in drops] == ([] if expected is None else [expected])


def test_the_fall_must_happen_within_seven_days() -> None:
    assert health_drops([(days_ago(8), 80), (days_ago(0), 50)], TODAY) == []
    (drop,) = health_drops([(days_ago(7), 80), (days_ago(0), 50)], TODAY)
    assert (drop.peak, drop.low, drop.points, drop.signal) == (80, 50, 30, Signal.RED)


def test_the_peak_is_the_highest_score_of_the_seven_days_before() -> None:
    (drop,) = health_drops([(days_ago(9), 95), (days_ago(6), 81), (days_ago(3), 70), (days_ago(0), 54)], TODAY)
    assert (drop.peak_on, drop.peak, drop.low, drop.points) == (days_ago(6), 81, 54, 27)


def test_a_slide_measured_daily_is_one_episode_keyed_by_its_first_peak() -> None:
    daily = [(10 - i, score) for i, score in enumerate([80, 80, 77, 73, 69, 65, 61, 57, 53, 50, 50])]
    drops = health_drops([(days_ago(ago), s) for ago, s in daily], TODAY)
    assert len(drops) == 1
    assert drops[0].signal is Signal.RED  # started yellow, turned red: the episode is red
    assert drops[0].key == f"red:{days_ago(10).isoformat()}"


def test_drops_older_than_thirty_days_are_ignored() -> None:
    assert health_drops([(days_ago(38), 80), (days_ago(31), 50)], TODAY) == []
    assert len(health_drops([(days_ago(37), 80), (days_ago(30), 50)], TODAY)) == 1


def test_several_scores_on_one_day_are_averaged() -> None:
    (drop,) = health_drops([(days_ago(7), 80), (days_ago(7), 90), (days_ago(0), 60)], TODAY)
    assert (drop.peak, drop.points) == (85, 25)


def test_any_red_proposes_with_a_readable_reason() -> None:
    proposal = propose(account([(7, 81), (0, 54)], renewal_in=64), TODAY)
    assert proposal is not None
    assert proposal.reason == "Health fell 27 points in 7 days (81 -> 54) and renewal is in 64 days"
    assert proposal.title == "Health declining: down 27 points in 7 days"
    assert (proposal.signal, proposal.severity) == (Signal.RED, Severity.S2)  # renewal <= 90 days


def test_red_far_from_renewal_on_a_small_account_is_s3() -> None:
    proposal = propose(account([(7, 81), (0, 54)], renewal_in=200), TODAY)
    assert proposal is not None and proposal.severity is Severity.S3
    assert proposal.reason == "Health fell 27 points in 7 days (81 -> 54)"


def test_one_yellow_alone_proposes_nothing() -> None:
    assert propose(account([(7, 80), (0, 62)], renewal_in=121), TODAY) is None


@pytest.mark.parametrize(("renewal_in", "proposed"), [(120, True), (121, False), (0, True), (-1, False)])
def test_yellow_with_renewal_within_120_days(renewal_in: int, proposed: bool) -> None:
    proposal = propose(account([(7, 80), (0, 62)], renewal_in=renewal_in), TODAY)
    assert (proposal is not None) is proposed
    if proposal is not None:
        assert proposal.signal is Signal.YELLOW
        assert f"renewal is in {renewal_in} day" in proposal.reason


@pytest.mark.parametrize(("renewal_in", "severity"), [(90, Severity.S2), (91, Severity.S3), (None, Severity.S3)])
def test_renewal_within_90_days_makes_it_s2(renewal_in: int | None, severity: Severity) -> None:
    proposal = propose(account([(7, 81), (0, 54)], renewal_in=renewal_in), TODAY)
    assert proposal is not None and proposal.severity is severity


@pytest.mark.parametrize(
    ("band", "severity"),
    [
        (ArrBand.SMB, Severity.S3),
        (ArrBand.MID_MARKET, Severity.S3),
        (ArrBand.ENTERPRISE, Severity.S2),
        (ArrBand.STRATEGIC, Severity.S2),
    ],
)
def test_enterprise_and_strategic_are_s2(band: ArrBand, severity: Severity) -> None:
    proposal = propose(account([(7, 81), (0, 54)], band=band, renewal_in=300), TODAY)
    assert proposal is not None and proposal.severity is severity


def test_two_yellows_within_thirty_days_propose() -> None:
    history = [(28, 80), (21, 64), (14, 66), (7, 70), (0, 52)]  # 16 points, recovered, then 18 points
    proposal = propose(account(history, renewal_in=300), TODAY)
    assert proposal is not None and proposal.signal is Signal.YELLOW
    assert proposal.reason == (
        f"Health fell 16 points in 7 days (80 -> 64) by {days_ago(21).isoformat()} "
        f"and 18 points in 7 days (70 -> 52) by {TODAY.isoformat()}"
    )
    assert len(proposal.keys) == 2


def test_two_yellows_more_than_thirty_days_apart_do_not() -> None:
    history = [(38, 80), (31, 64), (14, 66), (7, 70), (0, 52)]  # the first fall is 31 days ago
    assert propose(account(history, renewal_in=300), TODAY) is None


def test_a_sponsor_change_counts_as_red() -> None:
    proposal = propose(account([(0, 80)], sponsor_changes=(days_ago(3),)), TODAY)
    assert proposal is not None and proposal.signal is Signal.RED
    assert proposal.reason == f"The executive sponsor changed on {days_ago(3).isoformat()}"
    assert propose(account([(0, 80)], sponsor_changes=(days_ago(31),)), TODAY) is None


@pytest.mark.parametrize(
    ("tickets", "suffix"),
    [
        (5, ""),
        (6, "; 6 support tickets in the last 30 days (6-15 is yellow)"),
        (15, "; 15 support tickets in the last 30 days (6-15 is yellow)"),
        (16, "; 16 support tickets in the last 30 days (16+ is red)"),
    ],
)
def test_ticket_volume_is_a_second_signal_in_the_reason(tickets: int, suffix: str) -> None:
    proposal = propose(account([(7, 81), (0, 54)], renewal_in=300, tickets=tickets), TODAY)
    assert proposal is not None
    assert proposal.reason == "Health fell 27 points in 7 days (81 -> 54)" + suffix


def test_tickets_alone_never_propose() -> None:
    assert propose(account([(7, 80), (0, 80)], tickets=40), TODAY) is None


def test_scan_skips_open_cases_and_dismissed_signals_but_not_new_ones() -> None:
    red = account([(7, 81), (0, 54)], customer_id="red")
    other = account([(7, 90), (0, 60)], customer_id="other")
    open_case = account([(7, 90), (0, 50)], customer_id="busy")
    first = scan([red, other, open_case], TODAY, open_case_customers=frozenset({"busy"}))
    assert {p.customer_id for p in first} == {"red", "other"}
    dismissed = {"red": first[[p.customer_id for p in first].index("red")].keys}
    again = scan([red, other], TODAY, dismissed=dismissed)
    assert [p.customer_id for p in again] == ["other"]
    # A new fall a week later is a new signal: proposed again, with both falls in the reason.
    later = account([(7, 81), (0, 54), (-3, 78), (-7, 52)], customer_id="red")
    (renewed,) = scan([later], TODAY + timedelta(days=7), dismissed=dismissed)
    assert "27 points in 7 days (81 -> 54)" in renewed.reason and "26 points in 4 days (78 -> 52)" in renewed.reason
    assert not is_dismissed(renewed, dismissed["red"])


def test_the_same_fall_seen_a_day_later_stays_dismissed() -> None:
    today_view = propose(account([(8, 81), (7, 81), (1, 54)]), TODAY - timedelta(days=1))
    tomorrow_view = propose(account([(8, 81), (7, 81), (1, 54), (0, 54)]), TODAY)
    assert today_view is not None and tomorrow_view is not None
    assert is_dismissed(tomorrow_view, today_view.keys)


def test_a_yellow_turning_red_is_a_new_signal() -> None:
    yellow = propose(account([(6, 80), (2, 62)], renewal_in=100), TODAY - timedelta(days=1))
    red = propose(account([(6, 80), (2, 62), (0, 50)], renewal_in=100), TODAY)
    assert yellow is not None and red is not None
    assert (yellow.signal, red.signal) == (Signal.YELLOW, Signal.RED)
    assert not is_dismissed(red, yellow.keys)


def test_reds_and_s2_come_first() -> None:
    small = account([(7, 81), (0, 54)], customer_id="a-small", renewal_in=300)
    large = account([(7, 81), (0, 54)], customer_id="z-large", band=ArrBand.STRATEGIC, renewal_in=300)
    assert [p.customer_id for p in scan([small, large], TODAY)] == ["z-large", "a-small"]


def test_a_further_fall_from_the_low_is_a_new_episode() -> None:
    drops = health_drops([(days_ago(14), 80), (days_ago(7), 50), (days_ago(0), 20)], TODAY)
    assert [(d.peak, d.low, d.key) for d in drops] == [
        (80, 50, f"red:{days_ago(14).isoformat()}"),
        (50, 20, f"red:{days_ago(7).isoformat()}"),
    ]
