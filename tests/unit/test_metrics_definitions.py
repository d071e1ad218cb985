"""The pure metric definitions on fixtures small enough to check by hand (the arithmetic is in the comments)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from escdesk.metrics.definitions import (
    CaseFact,
    LevelStay,
    StepOutcome,
    is_reescalation,
    level_stays,
    nearest_rank,
    pareto,
    per_100,
    ratio,
    step_outcome,
    update_intervals,
)
from escdesk.metrics.period import month_bounds, months
from escdesk.metrics.tables import Drill, Row, Table, to_csv

H = timedelta(hours=1)


def at(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def test_rates_of_an_empty_period_are_none() -> None:
    assert ratio(0, 0) is None and per_100(0, 0) is None
    assert ratio(0, 4) == 0.0
    # 3 of 4 accounts: 0.75, 75 per 100 accounts.
    assert ratio(3, 4) == 0.75 and per_100(3, 4) == 75.0


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([], 0.5, None),  # no values: no median
        ([7.0], 0.5, 7.0),  # a single case is its own median and p90
        ([7.0], 0.9, 7.0),
        ([24, 0.5, 8, 2], 0.5, 2),  # sorted [0.5, 2, 8, 24]: rank ceil(0.5 x 4) = 2 -> 2 (the lower middle)
        ([24, 0.5, 8, 2], 0.9, 24),  # rank ceil(0.9 x 4) = ceil(3.6) = 4 -> 24
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9),  # rank ceil(9.0) = 9 -> 9, no interpolation
        ([1, 2, 3], 0.5, 2),  # rank ceil(1.5) = 2
    ],
)
def test_nearest_rank(values: list[float], p: float, expected: float | None) -> None:
    assert nearest_rank(values, p) == expected


def test_reescalation_within_90_days_of_an_earlier_closure_or_while_it_is_open() -> None:
    first = CaseFact("a", "acme", at(1), closed_at=at(10))
    # Opened 29 days after the first closed: a repeat.
    assert is_reescalation(CaseFact("b", "acme", datetime(2026, 4, 8, tzinfo=UTC)), [first])
    # 91 days after the closure: not a repeat; exactly 90 days still is.
    assert not is_reescalation(CaseFact("c", "acme", at(10) + timedelta(days=91)), [first])
    assert is_reescalation(CaseFact("c", "acme", at(10) + timedelta(days=90)), [first])
    # The earlier case still open: a repeat however long ago it opened.
    still_open = CaseFact("d", "acme", datetime(2025, 1, 1, tzinfo=UTC))
    assert is_reescalation(CaseFact("e", "acme", at(20)), [still_open])
    # Another account, a later case, the case itself: never.
    assert not is_reescalation(CaseFact("f", "other", at(11)), [first])
    assert not is_reescalation(first, [first, CaseFact("g", "acme", at(5), at(6))])


def test_level_stays_are_cut_at_the_stop() -> None:
    # L3 09:00-11:00 = 2 h, L4 11:00 to the stop 21:00 = 10 h; an entry after the stop lasts 0.
    entries = [(at(2, 9), "L3"), (at(2, 11), "L4"), (at(2, 22), "L5")]
    assert level_stays(entries, at(2, 21)) == [LevelStay("L3", 2.0), LevelStay("L4", 10.0), LevelStay("L5", 0.0)]
    assert level_stays([], at(2)) == []


def test_update_intervals() -> None:
    cadence = H
    # ack 09:30, contacts 09:10 (before: ignored), 10:00, 10:30, stop 21:00: 0.5 h ok, 0.5 h ok, 10.5 h late.
    ack = at(2, 9) + H / 2
    contacts = [at(2, 9) + timedelta(minutes=10), at(2, 10), at(2, 10) + H / 2]
    assert update_intervals(ack, contacts, at(2, 21), active=False, cadence=cadence) == (3, 2)
    # Still active: the running interval counts only once it is late.
    assert update_intervals(ack, [], ack + H / 2, active=True, cadence=cadence) == (0, 0)
    assert update_intervals(ack, [], ack + 2 * H, active=True, cadence=cadence) == (1, 0)
    # Never acknowledged: the update clock never started.
    assert update_intervals(None, contacts, at(2, 21), active=False, cadence=cadence) == (0, 0)


def test_step_outcomes() -> None:
    now = at(10)
    assert step_outcome("done", at(2), at(1), now) is StepOutcome.ON_TIME
    assert step_outcome("done", at(2), at(2), now) is StepOutcome.ON_TIME  # at the due time is on time
    assert step_outcome("done", None, at(5), now) is StepOutcome.ON_TIME  # no due time: cannot be late
    assert step_outcome("done", at(2), at(3), now) is StepOutcome.LATE
    assert step_outcome("skipped", at(2), None, now) is StepOutcome.SKIPPED
    assert step_outcome("open", at(2), None, now) is StepOutcome.OVERDUE
    assert step_outcome("open", at(12), None, now) is StepOutcome.PENDING
    assert step_outcome("open", None, None, now) is StepOutcome.PENDING


def test_pareto_sorted_with_running_share() -> None:
    # 5 + 3 + 2 = 10: shares 0.5, 0.3, 0.2; running 0.5, 0.8, 1.0. Ties by key.
    rows = pareto({"b": 3, "a": 5, "c": 2})
    assert [(r.key, r.value, r.share, r.cumulative) for r in rows] == [
        ("a", 5, 0.5, 0.5), ("b", 3, 0.3, 0.8), ("c", 2, 0.2, 1.0),
    ]  # fmt: skip
    assert [r.key for r in pareto({"y": 1, "x": 1})] == ["x", "y"]
    assert pareto({}) == []
    assert pareto({"a": 0})[0].share == 0.0


def test_months_are_cut_to_the_window() -> None:
    found = months(date(2026, 1, 15), date(2026, 3, 1))
    assert [m.label for m in found] == ["2026-01", "2026-02", "2026-03"]
    assert found[0].start == datetime(2026, 1, 15, tzinfo=UTC) and found[0].end == datetime(2026, 2, 1, tzinfo=UTC)
    assert found[-1].end == datetime(2026, 3, 2, tzinfo=UTC)  # the last day is included
    assert [m.label for m in months(date(2025, 12, 1), date(2026, 1, 31))] == ["2025-12", "2026-01"]
    assert months(date(2026, 2, 1), date(2026, 1, 31)) == ()
    window = (datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC))
    assert month_bounds("2026-03", window) == (datetime(2026, 3, 1, tzinfo=UTC), window[1])


def test_csv_export_with_empty_cells() -> None:
    table = Table(
        "t", "T", ("month", "rate", "arr", "note"),
        (Row(("2026-03", 0.75, Decimal("2400000"), None), Drill("rate_month", ("2026-03",))),
         Row(("2026-04", None, Decimal("0"), 'say "hi", twice'))),
    )  # fmt: skip
    assert to_csv(table) == 'month,rate,arr,note\n2026-03,0.75,2400000,\n2026-04,,0,"say ""hi"", twice"\n'
    assert table.column("rate") == [0.75, None]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ((None, None), (date(2025, 12, 1), date(2026, 11, 20))),  # twelve calendar months ending today
        ((None, "2026-01-31"), (date(2025, 2, 1), date(2026, 1, 31))),
        (("2026-03-01", "2026-04-30"), (date(2026, 3, 1), date(2026, 4, 30))),
    ],
)
def test_metrics_command_period(given: tuple[str | None, str | None], expected: tuple[date, date]) -> None:
    import argparse

    from escdesk.metrics.command import period

    args = argparse.Namespace(from_date=given[0], to_date=given[1])
    assert period(args, date(2026, 11, 20)) == expected


def test_metrics_command_rejects_bad_dates() -> None:
    import argparse

    from escdesk.errors import EscDeskError
    from escdesk.metrics.command import period

    with pytest.raises(EscDeskError, match="YYYY-MM-DD"):
        period(argparse.Namespace(from_date="2026-13-01", to_date=None), date(2026, 11, 20))
    with pytest.raises(EscDeskError, match="before"):
        period(argparse.Namespace(from_date="2026-05-01", to_date="2026-04-01"), date(2026, 11, 20))


# -- update cadence in business time (a 9-to-5 weekday calendar in UTC) ------------------------------------------


def _nine_to_five():  # type: ignore[no-untyped-def]
    from escdesk.calendars import BusinessCalendar

    return BusinessCalendar.from_dict({"name": "9-5", "time_zone": "UTC", "hours": {"mon-fri": ["09:00-17:00"]}})


def test_business_cadence_skips_the_weekend() -> None:
    from escdesk.durations import parse_span
    from escdesk.metrics.definitions import business_update_intervals

    calendar = _nine_to_five()
    friday_15, monday_10, monday_16 = at(6, 15), at(9, 10), at(9, 16)  # 6 March 2026 is a Friday
    # 4bh: Friday 15:00 + 2 h to closing, 2 h from Monday 09:00 = due Monday 11:00: the 10:00 contact is on
    # time (67 elapsed hours would be late). From 10:00 + 4bh = 14:00: the 16:00 resolution is late. 2, 1.
    assert business_update_intervals(friday_15, [monday_10], monday_16, active=False, cadence=parse_span("4bh"),
                                     calendar=calendar) == (2, 1)  # fmt: skip
    assert update_intervals(friday_15, [monday_10], monday_16, active=False, cadence=4 * H) == (2, 0)
    # 1bd: the same hour the next working day: Monday 15:00, then Tuesday 10:00: both on time.
    assert business_update_intervals(friday_15, [monday_10], monday_16, active=False, cadence=parse_span("1bd"),
                                     calendar=calendar) == (2, 2)  # fmt: skip
    # 1h is elapsed time even on this calendar: Friday 16:00 passed long before Monday. Both late.
    assert business_update_intervals(friday_15, [monday_10], monday_16, active=False, cadence=parse_span("1h"),
                                     calendar=calendar) == (2, 0)  # fmt: skip


def test_business_cadence_of_an_active_case_counts_the_running_interval_once_late() -> None:
    from escdesk.durations import parse_span
    from escdesk.metrics.definitions import business_update_intervals

    calendar, span = _nine_to_five(), parse_span("4bh")
    # Running since the Monday 10:00 contact, due 14:00: at 13:00 not late yet (not counted), at 16:00 late.
    assert business_update_intervals(at(6, 15), [at(9, 10)], at(9, 13), active=True, cadence=span,
                                     calendar=calendar) == (1, 1)  # fmt: skip
    assert business_update_intervals(at(6, 15), [at(9, 10)], at(9, 16), active=True, cadence=span,
                                     calendar=calendar) == (2, 1)  # fmt: skip
    # A single case never acknowledged has no interval; an empty history only the one to the stop.
    assert business_update_intervals(None, [], at(9, 16), active=False, cadence=span, calendar=calendar) == (0, 0)
    assert business_update_intervals(at(9, 9), [], at(9, 12), active=False, cadence=span, calendar=calendar) == (1, 1)


def test_outcome_after_an_escalation() -> None:
    from escdesk.metrics.definitions import NO_OUTCOME, TOO_EARLY, outcome_after

    opened, today = date(2026, 3, 1), date(2026, 12, 1)
    # The first outcome from the opening day to 180 days later counts (29 Aug 2026 is day 181: too late).
    assert (
        outcome_after(opened, [(date(2026, 6, 1), "churned"), (date(2026, 4, 1), "renewed")], 180, today) == "renewed"
    )
    assert outcome_after(opened, [(date(2026, 2, 28), "churned")], 180, today) == NO_OUTCOME  # before the case
    assert outcome_after(opened, [(date(2026, 8, 28), "churned")], 180, today) == "churned"  # day 180
    assert outcome_after(opened, [(date(2026, 8, 29), "churned")], 180, today) == NO_OUTCOME
    # Nothing yet and the 180 days still running: too early to tell.
    assert outcome_after(date(2026, 11, 1), [], 180, today) == TOO_EARLY
    assert outcome_after(opened, [], 180, today) == NO_OUTCOME
