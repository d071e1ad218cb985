"""The demo generator without a database: distributions, consistency of each case's story, determinism."""

from __future__ import annotations

import random
import unicodedata
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from escdesk import demo_words as W
from escdesk.demo import DemoError, DemoSpec, DemoSummary
from escdesk.demo_book import COLUMNS, arr_dollars, generate, health_series, salesforce_id
from escdesk.demo_plans import SeededIds, random_kind
from escdesk.domain import (
    ArrBand,
    CaseStatus,
    CaseType,
    Channel,
    Direction,
    EventKind,
    FunctionalRole,
    InvolvementStatus,
    Level,
    Pace,
    RootCause,
    Severity,
    StepStatus,
)
from escdesk.ids import seeded_id
from escdesk.policy import default_policy
from escdesk.store.models import Base

AS_OF = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
Tables = dict[str, list[dict[str, Any]]]


def spec(customers: int = 120, open_cases: int = 25, history: int = 150, seed: int = 7) -> DemoSpec:
    return DemoSpec(customers=customers, open_cases=open_cases, history=history, seed=seed, as_of=AS_OF)


def tables(demo: DemoSpec) -> Tables:
    """generate()'s rows as dicts by table, for readable assertions."""
    out: Tables = defaultdict(list)
    for table, rows in generate(demo):
        out[table].extend(dict(zip(COLUMNS[table], row, strict=True)) for row in rows)
    return out


@cache
def small() -> Tables:
    return tables(spec())


@cache
def default_size() -> Tables:
    return tables(spec(400, 40, 600))


def by_case(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[row["escalation_id"]].append(row)
    return grouped


def share(counter: Counter[Any], key: Any) -> float:
    return counter[key] / sum(counter.values())


# -- ids and external ids -----------------------------------------------------------------------------------------


def test_seeded_ids_are_exactly_what_escdesk_ids_seeded_id_gives() -> None:
    picker = random.Random(1)
    for seed in range(300):
        at = datetime.fromtimestamp(picker.uniform(0, 4_102_444_800), UTC).replace(microsecond=0)
        ours, reference = SeededIds(random.Random(seed)), random.Random(seed)
        assert [ours(at) for _ in range(3)] == [seeded_id(reference, at) for _ in range(3)]
        assert ours.many(at, 4) == [seeded_id(reference, at) for _ in range(4)]


def test_salesforce_ids_have_18_characters_a_valid_checksum_and_are_unique() -> None:
    ids = [salesforce_id(n) for n in range(20_000)]
    assert len(set(ids)) == len(ids)
    for value in ids[:500]:
        assert len(value) == 18 and value.startswith("001")
        for chunk, check in zip((value[0:5], value[5:10], value[10:15]), value[15:], strict=True):
            bits = sum(1 << i for i, ch in enumerate(chunk) if ch.isupper())
            assert check == "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"[bits]


# -- distributions ------------------------------------------------------------------------------------------------


def test_arr_spread_gives_the_band_mix_of_a_real_book() -> None:
    rng, policy = random.Random(3), default_policy()
    bands = Counter(policy.band_for(Decimal(arr_dollars(rng))) for _ in range(20_000))
    assert share(bands, ArrBand.SMB) == pytest.approx(0.55, abs=0.02)
    assert share(bands, ArrBand.MID_MARKET) == pytest.approx(0.28, abs=0.02)
    assert share(bands, ArrBand.ENTERPRISE) == pytest.approx(0.13, abs=0.015)
    assert share(bands, ArrBand.STRATEGIC) == pytest.approx(0.04, abs=0.008)


def test_customer_bands_are_what_the_policy_computes_from_their_arr() -> None:
    policy = default_policy()
    for customer in default_size()["customers"]:
        assert customer["band"] == policy.band_for(Decimal(customer["arr_cents"]) / 100).value
        assert customer["segment"] == policy.band_name(ArrBand(customer["band"]))
        assert customer["arr_cents"] % 100 == 0 and customer["arr_cents"] > 0


def test_health_mostly_holds_some_slides_and_stays_in_range() -> None:
    rng = random.Random(5)
    series = [health_series(rng) for _ in range(3_000)]
    declining = [scores for scores, sliding in series if sliding]
    assert len(declining) / len(series) == pytest.approx(0.10, abs=0.025)
    for scores, _ in series:
        assert len(scores) == 26 and all(5 <= s <= 100 for s in scores)
    for scores in declining:
        assert 10 <= max(scores[-13:]) - scores[-1] <= 50  # slides of 15-40 points, plus weekly noise
    steady = [scores for scores, sliding in series if not sliding]
    typical = sum(1 for scores in steady if 55 <= sum(scores) / len(scores) <= 92)
    assert typical / len(steady) > 0.9


def test_severity_mix_and_pace_follow_the_case_type() -> None:
    rng = random.Random(11)
    kinds = [random_kind(rng) for _ in range(20_000)]
    severities = Counter(severity for _, severity, _ in kinds)
    for severity, expected in zip(Severity, (0.08, 0.25, 0.45, 0.22), strict=True):
        assert share(severities, severity) == pytest.approx(expected, abs=0.03)
    pace: dict[CaseType, Counter[Pace]] = defaultdict(Counter)
    for case_type, _, case_pace in kinds:
        pace[case_type][case_pace] += 1
    assert set(pace) == set(CaseType)
    for case_type in (CaseType.HEALTH_DECLINE, CaseType.SPONSOR_LOSS):
        assert pace[case_type][Pace.FAST] == 0
    for case_type in (CaseType.OUTAGE, CaseType.DATA_LOSS):
        assert pace[case_type][Pace.SLOW_BURN] == 0
    for case_type in (CaseType.PRODUCT_BUG, CaseType.PERFORMANCE, CaseType.SECURITY):
        assert share(pace[case_type], Pace.FAST) > 0.8
    for case_type in (CaseType.CHURN_THREAT, CaseType.FEATURE_GAP):
        assert share(pace[case_type], Pace.SLOW_BURN) > 0.8


def test_the_directory_has_people_for_every_functional_role() -> None:
    roles = Counter(row["role"] for row in small()["person_roles"])
    assert set(roles) == {role.value for role in FunctionalRole}


# -- the generated book -------------------------------------------------------------------------------------------


def test_rows_fit_the_store_tables() -> None:
    for table, columns in COLUMNS.items():
        model = Base.metadata.tables[table]
        assert set(columns) <= set(model.c.keys())
        # SQLite rows go in as plain INSERTs, which apply no Python-side defaults: every NOT NULL column is given.
        generated_key = {c.name for c in model.primary_key.columns if c.autoincrement is True}
        required = {c.name for c in model.columns if not c.nullable} - generated_key
        assert required <= set(columns), (table, required - set(columns))
    for table, rows in generate(spec(20, 5, 10)):
        assert all(len(row) == len(COLUMNS[table]) for row in rows), table


def test_same_spec_same_rows_other_seed_other_rows() -> None:
    first = list(generate(spec(40, 8, 30)))
    assert first == list(generate(spec(40, 8, 30)))
    assert first != list(generate(spec(40, 8, 30, seed=8)))


def test_counts_match_the_spec() -> None:
    book = small()
    assert len(book["customers"]) == 120
    escalations = book["escalations"]
    assert sum(1 for e in escalations if e["closed_at"] is None) == 25
    assert sum(1 for e in escalations if e["closed_at"] is not None) == 150
    assert len(book["health_scores"]) == 120 * 26
    assert len(book["customer_external_ids"]) == 240
    numbers = sorted(e["number"] for e in escalations)
    assert numbers == list(range(1001, 1001 + 175))


def test_people_have_unique_ascii_demo_addresses_and_a_role() -> None:
    book = small()
    emails = [p["email"] for p in book["people"]]
    assert len(set(emails)) == len(emails)
    assert all(e.isascii() and e.endswith("@escdesk-demo.example") for e in emails)
    with_role = {r["person_id"] for r in book["person_roles"]}
    assert {p["id"] for p in book["people"]} == with_role
    csms = sum(1 for r in default_size()["person_roles"] if r["role"] == "csm")
    assert csms == 7  # about one per 60 accounts


def test_customer_names_exercise_unicode_and_regions_match_time_zones() -> None:
    customers = tables(spec(1_500, 0, 0))["customers"]
    names = [c["name"] for c in customers]
    assert len(set(names)) > 0.97 * len(names)
    scripts = {unicodedata.name(ch).split()[0] for name in names for ch in name if not ch.isascii() and ch.isalpha()}
    assert {"CYRILLIC", "CJK", "LATIN"} <= scripts
    assert any("&" in name for name in names)
    for customer in customers:
        zones = {zone for zone, _, _ in W.PLACES[customer["region"]]}
        assert customer["timezone"] in zones
        ZoneInfo(customer["timezone"])
        assert customer["domain"].isascii()
    renewals = [c["renewal_date"] for c in customers]
    assert min(renewals) > AS_OF.date() and max(renewals) <= AS_OF.date() + timedelta(days=549)


def test_every_case_tells_a_consistent_story() -> None:
    book = default_size()
    events, checklists = by_case(book["case_events"]), by_case(book["checklist_items"])
    for case in book["escalations"]:
        history = sorted(events[case["id"]], key=lambda e: e["at"])
        assert history[0]["kind"] == EventKind.OPENED.value and history[0]["at"] == case["opened_at"]
        assert all(case["opened_at"] <= e["at"] <= AS_OF for e in history)
        moves = [e for e in history if e["kind"] in ("opened", "level_changed")]
        assert moves[-1]["to_value"] == f"L{case['level']}" and moves[-1]["at"] == case["level_entered_at"]
        assert all(e["reason"] for e in moves)
        statuses = [e for e in history if e["kind"] == EventKind.STATUS_CHANGED.value]
        assert (statuses[-1]["to_value"] if statuses else "open") == case["status"]
        acks = [e["at"] for e in statuses if e["to_value"] == "acknowledged"]
        assert case["acknowledged_at"] == (acks[0] if acks else None)
        assert (case["closed_at"] is None) == (case["status"] != "closed")
        assert (case["resolved_at"] is None) == (case["status"] not in ("resolved", "closed"))
        assert case["updated_at"] == history[-1]["at"]
        steps = checklists[case["id"]]
        template = default_policy().checklist_for(CaseType(case["case_type"]), Severity(case["severity"]))
        assert [s["step_key"] for s in steps] == [step.key for step in template.steps]  # with its variant
        if case["closed_at"] is not None:
            assert case["root_cause"] in {c.value for c in RootCause}
            assert all(s["status"] in ("done", "skipped") and s["done_at"] <= AS_OF for s in steps)


def test_history_values_are_valid_domain_values() -> None:
    book = small()
    for event in book["case_events"]:
        EventKind(event["kind"])
        if event["kind"] == EventKind.CUSTOMER_CONTACT.value:
            Channel(event["channel"])
            Direction(event["direction"])
    for row in book["involvements"]:
        FunctionalRole(row["role"])
        InvolvementStatus(row["status"])
    for row in book["checklist_items"]:
        StepStatus(row["status"])
    for case in book["escalations"]:
        assert CaseType(case["case_type"]) and Severity(case["severity"]) and Pace(case["pace"])
        assert CaseStatus(case["status"])


def test_closed_cases_have_finished_involvements_and_every_kind_of_history() -> None:
    book = default_size()
    closed = {e["id"] for e in book["escalations"] if e["closed_at"] is not None}
    assert all(i["status"] == "done" for i in book["involvements"] if i["escalation_id"] in closed)
    kinds = Counter(e["kind"] for e in book["case_events"])
    for kind in ("opened", "status_changed", "level_changed", "note", "customer_contact", "involvement_changed"):
        assert kinds[kind] > 0, kind
    assert 6 <= len(book["case_events"]) / len(book["escalations"]) <= 11
    channels = {e["channel"] for e in book["case_events"] if e["channel"]}
    assert len(channels) >= 4
    reasons = " ".join(e["reason"] or "" for e in book["case_events"] if e["kind"] == "level_changed")
    assert "Repeat escalation within 90 days (ESC-" in reasons


def test_open_cases_show_every_status_and_rule_driven_involvements() -> None:
    book = tables(spec(400, 120, 100, seed=3))
    open_ids = {e["id"] for e in book["escalations"] if e["closed_at"] is None}
    statuses = Counter(e["status"] for e in book["escalations"] if e["id"] in open_ids)
    assert set(statuses) == {"open", "acknowledged", "waiting_on_customer", "mitigated", "resolved"}
    involvement = Counter(i["status"] for i in book["involvements"] if i["escalation_id"] in open_ids)
    assert set(involvement) == {"proposed", "accepted", "done", "dismissed"}
    assert all(i["rule_key"] for i in book["involvements"] if i["status"] == "proposed")
    assert all(i["reason"] for i in book["involvements"] if i["status"] == "dismissed")
    progress = Counter(s["status"] for s in book["checklist_items"] if s["escalation_id"] in open_ids)
    assert progress["open"] and progress["done"]


@pytest.mark.parametrize("seed", [1, 2, 7, 42])
def test_the_default_board_is_worth_a_look(seed: int) -> None:
    book = default_size() if seed == 7 else tables(spec(400, 40, 600, seed))
    bands = {c["id"]: c["band"] for c in book["customers"]}
    board = [e for e in book["escalations"] if e["closed_at"] is None]
    assert {Level(e["level"]) for e in board} == set(Level)
    assert sum(1 for e in board if e["severity"] == "S1") >= 3
    strategic = {e["customer_id"] for e in board if bands[e["customer_id"]] == ArrBand.STRATEGIC.value}
    assert len(strategic) >= 2
    assert {e["pace"] for e in board} == {"fast", "slow_burn"}


def test_open_cases_are_recent_for_fast_s1_and_older_for_slow_burn() -> None:
    book = tables(spec(400, 300, 0, seed=9))
    ages: dict[tuple[str, str], list[timedelta]] = defaultdict(list)
    for e in book["escalations"]:
        ages[(e["pace"], e["severity"])].append(AS_OF - e["opened_at"])
    assert max(ages[("fast", "S1")]) <= timedelta(hours=31)
    slow = sorted(ages[("slow_burn", "S3")])
    assert slow[len(slow) // 2] > timedelta(days=7)


def test_titles_are_specific_to_the_case_type() -> None:
    book = small()
    for case in book["escalations"]:
        title = case["title"]
        assert title and not title[0].islower() and "{" not in title + case["description"]
    outage = [e["title"] for e in default_size()["escalations"] if e["case_type"] == "outage"]
    assert any("UTC" in title for title in outage)


def test_arr_at_risk_is_the_account_arr_or_part_of_it() -> None:
    book = default_size()
    arr = {c["id"]: c["arr_cents"] for c in book["customers"]}
    ratios = [e["arr_at_risk_cents"] / arr[e["customer_id"]] for e in book["escalations"]]
    assert all(0 < r <= 1.0 for r in ratios)
    assert 0.6 < sum(1 for r in ratios if r == 1.0) / len(ratios) < 0.8


def test_linked_tickets_look_like_their_systems() -> None:
    tickets = default_size()["escalation_tickets"]
    systems = Counter(t["system"] for t in tickets)
    assert set(systems) == {"zendesk", "jira"}
    for t in tickets:
        if t["system"] == "zendesk":
            assert t["ticket_key"].isdigit() and t["url"].endswith(t["ticket_key"])
        else:
            project, number = t["ticket_key"].split("-")
            assert project.isupper() and number.isdigit()


# -- spec and summary ---------------------------------------------------------------------------------------------


def test_spec_refuses_naive_instants_and_impossible_sizes() -> None:
    with pytest.raises(ValueError, match="aware"):
        DemoSpec(1, 1, 1, 1, datetime(2026, 1, 1))
    with pytest.raises(DemoError, match="customers"):
        DemoSpec(0, 1, 0, 1, AS_OF)
    with pytest.raises(DemoError):
        DemoSpec(5, -1, 0, 1, AS_OF)
    assert DemoSpec(0, 0, 0, 1, AS_OF).customers == 0


def test_an_empty_spec_still_has_a_directory() -> None:
    book = tables(DemoSpec(0, 0, 0, 1, AS_OF))
    assert book["people"] and not book["customers"] and not book["escalations"]


def test_summary_as_json_and_as_words() -> None:
    summary = DemoSummary("/tmp/demo.sqlite", 400, 39, 40, 600, 5_600, 10_400, 1.23456)
    assert summary.as_dict() == {
        "target": "/tmp/demo.sqlite", "customers": 400, "people": 39, "open_cases": 40, "closed_cases": 600,
        "events": 5_600, "health_points": 10_400, "seconds": 1.235,
    }  # fmt: skip
    text = summary.describe()
    assert "400 customers" in text and "40 open" in text and "600 closed" in text and "10,400 health" in text
    assert text.splitlines()[-1] == "Open it with: escdesk --db /tmp/demo.sqlite"
