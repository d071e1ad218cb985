"""The facts of one case: health drops, days to renewal, clock facts, and the nesting rules evaluate over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from escdesk.facts import FACT_CATALOGUE, CaseFactsInput, case_facts, health_facts, rule_data
from escdesk.rules import compile_rule

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def test_health_drop_is_from_the_best_score_of_the_window() -> None:
    scores = {TODAY - timedelta(days=d): s for d, s in ((35, 95), (28, 90), (6, 80), (1, 70), (0, 62))}
    assert health_facts(scores, TODAY) == (62, 18, 28)  # best of 7 days 80, of 30 days 90 (day 35 is outside)


def test_health_that_rose_has_no_drop_and_no_scores_mean_unknown() -> None:
    assert health_facts({TODAY - timedelta(days=3): 50, TODAY: 70}, TODAY) == (70, 0, 0)
    assert health_facts({}, TODAY) == (None, None, None)
    assert health_facts({TODAY + timedelta(days=1): 70}, TODAY) == (None, None, None)  # a future score is not read


def _source(**changes: object) -> CaseFactsInput:
    values: dict[str, object] = dict(
        case_type="outage", severity="S1", pace="fast", level=2, status="open", opened_at=NOW - timedelta(hours=30),
        level_entered_at=NOW - timedelta(hours=6), acknowledged_at=None, arr_at_risk=Decimal("120000.50"), tickets=2,
        flags=["press", "exec_contact", "press"], arr=Decimal("1200000"), band="STRAT", region="EMEA",
        renewal_date=TODAY + timedelta(days=45), health={TODAY: 40}, tickets_30d=9, repeat_90d=True,
    )  # fmt: skip
    values.update(changes)
    return CaseFactsInput(**values)  # type: ignore[arg-type]


def test_case_facts_name_every_catalogued_fact() -> None:
    clock = {"minutes_to_ack_due": -90, "minutes_to_update_due": 15, "minutes_to_ceiling_due": -5, "hours_at_level": 6}
    facts = case_facts(_source(), clock, NOW)
    assert facts.keys() == FACT_CATALOGUE.keys()
    assert facts["case.age_hours"] == 30 and facts["case.hours_at_level"] == 6
    assert facts["case.flags"] == ["exec_contact", "press"]
    assert facts["account.arr"] == 1_200_000 and facts["case.arr_at_risk"] == 120_000
    assert facts["account.days_to_renewal"] == 45 and facts["account.health"] == 40
    assert facts["clock.minutes_to_ceiling"] == -5 and facts["clock.ceiling_passed"] is True
    assert facts["clock.acknowledged"] is False and facts["clock.minutes_to_resolution_due"] is None


def test_no_renewal_date_and_no_clock_read_as_unknown() -> None:
    facts = case_facts(_source(renewal_date=None, acknowledged_at=NOW), {}, NOW)
    assert facts["account.days_to_renewal"] is None and facts["clock.ceiling_passed"] is False
    assert facts["case.hours_at_level"] == 6 and facts["clock.acknowledged"] is True


def test_rules_read_the_nested_facts() -> None:
    facts = case_facts(_source(), {}, NOW)
    rule = compile_rule(
        {"and": [{">=": [{"var": "account.arr"}, 1_000_000]}, {"in": ["press", {"var": "case.flags"}]}]}
    )
    assert rule(rule_data(facts)) is True
    assert rule_data({"case.type": "x", "account.arr": 5}) == {"case": {"type": "x"}, "account": {"arr": 5}}
    assert all(d.field.label == d.label for d in FACT_CATALOGUE.values())
    assert all(d.kind in ("number", "text", "bool", "list") for d in FACT_CATALOGUE.values())
    assert FACT_CATALOGUE["case.severity"].choices == ("S1", "S2", "S3", "S4")
