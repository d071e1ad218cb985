"""The shipped default policy matches DESIGN.md section 4, and a broken policy file is refused naming the field."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from escdesk.calendars import BusinessCalendar, Holiday
from escdesk.clocks import ClockKind
from escdesk.domain import ArrBand, CaseStatus, Level, Pace, Severity
from escdesk.policy import Policy, PolicyError, default_policy, load_policy
from resources import resource_path

# DESIGN.md section 4, written out again here on purpose: the test must not read the file it checks.
LEVEL_NAMES = ["CS owner", "CS manager", "CS director", "VP CS", "COO", "CEO"]
STARTING = {
    Severity.S1: [1, 2, 3, 3],
    Severity.S2: [0, 1, 2, 3],
    Severity.S3: [0, 0, 1, 2],
    Severity.S4: [0, 0, 0, 1],
}
BANDS = [ArrBand.SMB, ArrBand.MID_MARKET, ArrBand.ENTERPRISE, ArrBand.STRATEGIC]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return default_policy()


@pytest.fixture
def raw() -> dict[str, Any]:
    """The default policy as a fresh, editable dict."""
    return copy.deepcopy(json.loads(resource_path("policy", "default.json").read_text(encoding="utf-8")))


def load_edited(tmp_path: Path, data: Any) -> Policy:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return load_policy(path)


# -- the defaults -----------------------------------------------------------------------------------------------


def test_levels_are_named_as_in_the_design(policy: Policy) -> None:
    assert [d.level for d in policy.levels] == list(Level)
    assert [d.code for d in policy.levels] == ["L0", "L1", "L2", "L3", "L4", "L5"]
    assert [policy.level_name(level) for level in Level] == LEVEL_NAMES


def test_bands_have_the_design_thresholds(policy: Policy) -> None:
    minimums = {d.band: d.min_arr for d in policy.bands}
    assert minimums == {
        ArrBand.SMB: Decimal(0),
        ArrBand.MID_MARKET: Decimal(50_000),
        ArrBand.ENTERPRISE: Decimal(250_000),
        ArrBand.STRATEGIC: Decimal(1_000_000),
    }
    assert policy.band_name(ArrBand.MID_MARKET) == "Mid-market"
    assert policy.band_name(ArrBand.STRATEGIC) == "Strategic"


@pytest.mark.parametrize(
    ("arr", "band"),
    [
        ("0", ArrBand.SMB),
        ("49999.99", ArrBand.SMB),
        ("50000", ArrBand.MID_MARKET),
        ("249999.99", ArrBand.MID_MARKET),
        ("250000", ArrBand.ENTERPRISE),
        ("999999.99", ArrBand.ENTERPRISE),
        ("1000000", ArrBand.STRATEGIC),
        ("25000000", ArrBand.STRATEGIC),
        ("-5", ArrBand.SMB),  # a credit balance is still the smallest band, not an error
    ],
)
def test_band_for_edges(policy: Policy, arr: str, band: ArrBand) -> None:
    assert policy.band_for(Decimal(arr)) == band


@pytest.mark.parametrize("severity", list(Severity))
@pytest.mark.parametrize("band_index", range(4))
def test_starting_level_matrix(policy: Policy, severity: Severity, band_index: int) -> None:
    assert policy.starting_level(severity, BANDS[band_index]) == Level(STARTING[severity][band_index])


def test_matrix_is_complete(policy: Policy) -> None:
    assert set(policy.starting_levels) == {(s, b) for s in Severity for b in ArrBand}


def test_severity_clocks_match_the_design(policy: Policy) -> None:
    # S1 runs on the 24/7 calendar: clock time. S2-S4 count business time on the customer's calendar (their
    # notices wait for business hours): "24 h" at a level is one working day, "3 a week" every other working day,
    # daily / weekly / fortnightly 1 / 5 / 10 working days.
    clocks = {d.severity: (d.acknowledge, d.update_fast, d.update_slow_burn, d.ceiling) for d in policy.severities}
    assert clocks == {
        Severity.S1: ("30m", "1h", "1d", "4h"),
        Severity.S2: ("2bh", "4bh", "2bd", "1bd"),
        Severity.S3: ("1bd", "1bd", "5bd", "5bd"),
        Severity.S4: ("2bd", "5bd", "10bd", "10bd"),
    }
    resolution = {d.severity: (d.resolution_fast, d.resolution_slow_burn) for d in policy.severities}
    assert resolution == {
        Severity.S1: ("3d", "30d"),
        Severity.S2: ("10bd", "30bd"),
        Severity.S3: ("20bd", "45bd"),
        Severity.S4: ("40bd", "60bd"),
    }


REGION_ZONES = {
    "NA": "America/New_York",
    "EMEA": "Europe/London",
    "APAC": "Asia/Singapore",
    "LATAM": "America/Sao_Paulo",
}


def test_business_hours_calendar_per_region_and_a_24_7_calendar(policy: Policy) -> None:
    calendars = policy.clocks.calendars
    assert set(calendars) == {f"Business hours {region}" for region in REGION_ZONES} | {"24/7"}
    for region, zone in REGION_ZONES.items():
        calendar = calendars[f"Business hours {region}"]
        assert calendar.time_zone == zone
        assert [[str(r) for r in day] for day in calendar.week] == [["09:00-17:00"]] * 5 + [[], []]
        assert calendar.holidays == ()  # nothing is added silently
    assert calendars["24/7"].is_24_7


@pytest.mark.parametrize(
    ("severity", "pace", "region", "calendar"),
    [
        (Severity.S1, Pace.FAST, "EMEA", "24/7"),  # an outage is worked day and night
        (Severity.S1, Pace.SLOW_BURN, None, "24/7"),
        (Severity.S2, Pace.FAST, "EMEA", "Business hours EMEA"),
        (Severity.S3, Pace.SLOW_BURN, " apac ", "Business hours APAC"),  # region codes as people type them
        (Severity.S4, Pace.FAST, "LATAM", "Business hours LATAM"),
        (Severity.S3, Pace.FAST, None, "Business hours NA"),  # no region: the catch-all rule
        (Severity.S3, Pace.FAST, "Antarctica", "Business hours NA"),
    ],
)
def test_calendar_rules(policy: Policy, severity: Severity, pace: Pace, region: str | None, calendar: str) -> None:
    assert policy.clocks.calendar_for(severity, pace, region).name == calendar


def test_targets_pauses_and_urgency(policy: Policy) -> None:
    s2_slow = policy.clocks.targets_for(Severity.S2, Pace.SLOW_BURN)
    assert [str(s) for s in (s2_slow.acknowledge, s2_slow.update, s2_slow.ceiling, s2_slow.resolution)] == [
        "2bh",
        "2bd",
        "1bd",
        "30bd",
    ]
    s1 = policy.clocks.targets_for(Severity.S1, Pace.FAST)
    assert s1.acknowledge is not None and not s1.acknowledge.business  # clock time, on the 24/7 calendar
    waiting, mitigated = CaseStatus.WAITING_ON_CUSTOMER, CaseStatus.MITIGATED
    assert dict(policy.clocks.pausing) == {
        ClockKind.ACKNOWLEDGE: frozenset(),  # parking a case in "waiting" must not dodge the first response
        ClockKind.UPDATE: {waiting},
        ClockKind.CEILING: {waiting, mitigated},
        ClockKind.RESOLUTION: {waiting},
    }
    assert policy.clocks.urgent_severities == {Severity.S1}


def test_a_calendar_can_be_replaced_by_name(policy: Policy) -> None:
    old = policy.clocks.calendars["Business hours EMEA"]
    edited = BusinessCalendar(old.time_zone, old.week, (Holiday(date(2026, 12, 25)),), old.name)
    clocks = policy.clocks.with_calendar(edited)
    assert clocks.calendars["Business hours EMEA"].holidays_in_force == (Holiday(date(2026, 12, 25)),)
    assert policy.clocks.calendars["Business hours EMEA"].holidays == ()  # the original is untouched
    with pytest.raises(ValueError, match="no calendar named 'Elsewhere'"):
        clocks.with_calendar(BusinessCalendar.always_open(name="Elsewhere"))


def test_checklist_has_the_fourteen_recovery_steps(policy: Policy) -> None:
    keys = [step.key for step in policy.checklist]
    assert len(keys) == 14
    assert len(set(keys)) == 14
    assert keys[0] == "acknowledge"
    assert keys[-1] == "sign_off"
    assert all(step.title for step in policy.checklist)
    # Steps that depend on the case (containment, making it right, the follow-up) are not required to close.
    optional = {step.key for step in policy.checklist if not step.required}
    assert optional == {"contain", "make_right", "follow_up"}


def test_policy_has_a_version_cases_can_record(policy: Policy) -> None:
    assert policy.version
    assert policy.name


def test_an_edited_copy_of_the_default_loads(tmp_path: Path, raw: dict[str, Any]) -> None:
    raw["starting_level"]["S4"]["STRAT"] = 2
    assert load_edited(tmp_path, raw).starting_level(Severity.S4, ArrBand.STRATEGIC) == Level.L2


# -- errors name the file and the field ---------------------------------------------------------------------------


def test_bad_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "escdesk-policy",\n  "name": oops\n}\n', encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    message = str(caught.value)
    assert str(path) in message
    assert "not valid JSON" in message
    assert "line 3" in message
    assert "column 11" in message


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"missing\.json: cannot read the policy file"):
        load_policy(tmp_path / "missing.json")


def test_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"name": "M\xfcller"}')
    with pytest.raises(PolicyError, match="cannot read the policy file"):
        load_policy(path)


def test_top_level_must_be_an_object(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="holds a JSON object"):
        load_edited(tmp_path, [1, 2])


def test_wrong_format_marker(tmp_path: Path, raw: dict[str, Any]) -> None:
    raw["format"] = "something-else"
    with pytest.raises(PolicyError, match=r"not an EscDesk policy file.*'format'"):
        load_edited(tmp_path, raw)


def _mutations() -> list[tuple[str, Any, str]]:
    """(id, edit of the raw policy, regex the message must match)."""

    def drop(*path: Any) -> Any:
        def edit(data: dict[str, Any]) -> None:
            target = data
            for key in path[:-1]:
                target = target[key]
            del target[path[-1]]

        return edit

    def put(value: Any, *path: Any) -> Any:
        def edit(data: dict[str, Any]) -> None:
            target = data
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value

        return edit

    return [
        ("missing version", drop("version"), r"policy\.json: missing field 'version'"),
        ("missing level name", drop("levels", 2, "name"), r"\.levels\[2\]: missing field 'name'"),
        ("missing min_arr", drop("arr_bands", 1, "min_arr"), r"\.arr_bands\[1\]: missing field 'min_arr'"),
        ("missing ceiling", drop("severities", 3, "ceiling"), r"\.severities\[3\]: missing field 'ceiling'"),
        ("missing checklist title", drop("checklist", 5, "title"), r"\.checklist\[5\]: missing field 'title'"),
        ("missing matrix row", drop("starting_level", "S3"), r"\.starting_level: missing field 'S3'"),
        ("missing matrix cell", drop("starting_level", "S2", "ENT"), r"\.starting_level\.S2: missing field 'ENT'"),
        ("unknown severity", put("S9", "severities", 0, "severity"), r"\.severities\[0\]\.severity: .*'S9'.*S1"),
        ("missing severity", drop("severities", 0, "severity"), r"\.severities\[0\]: missing field 'severity'"),
        ("unknown band", put("XL", "arr_bands", 1, "band"), r"\.arr_bands\[1\]\.band: unknown value 'XL'.*SMB"),
        ("unknown level", put(7, "starting_level", "S1", "SMB"), r"\.starting_level\.S1\.SMB: unknown value 7"),
        ("level as text", put("L2", "starting_level", "S1", "MM"), r"\.starting_level\.S1\.MM: unknown value 'L2'"),
        ("level as bool", put(True, "starting_level", "S1", "MM"), r"\.starting_level\.S1\.MM: unknown value True"),
        ("unknown level def", put(9, "levels", 0, "level"), r"\.levels\[0\]\.level: unknown value 9"),
        ("level defined twice", put(1, "levels", 0, "level"), r"\.levels: every one of L0, L1.*exactly once"),
        ("band defined twice", put("MM", "arr_bands", 0, "band"), r"\.arr_bands: every one of SMB, MM.*exactly once"),
        ("severity twice", put("S1", "severities", 1, "severity"), r"\.severities: every one of S1.*exactly once"),
        ("amount not a number", put("lots", "arr_bands", 2, "min_arr"), r"\.arr_bands\[2\]\.min_arr: .*'lots'"),
        ("negative amount", put(-1, "arr_bands", 2, "min_arr"), r"\.arr_bands\[2\]\.min_arr: expected an amount"),
        ("bands not a list", put(5, "arr_bands"), r"\.arr_bands: expected a JSON list, got a number"),
        ("level not an object", put("x", "levels", 0), r"\.levels\[0\]: expected a JSON object, got a string"),
        ("matrix row a list", put([1, 2], "starting_level", "S4"), r"\.starting_level\.S4: expected a JSON object"),
        ("duplicate step key", put("listen", "checklist", 2, "key"), r"\.checklist\[2\]\.key: 'listen' is .*earlier"),
        ("empty step key", put(" ", "checklist", 0, "key"), r"\.checklist\[0\]\.key: ' ' is empty"),
        # -- clocks
        ("bad span", put("2 hours", "severities", 1, "acknowledge"), r"\.severities\[1\]\.acknowledge: target '2 h"),
        ("bad resolution", put("soon", "severities", 0, "resolution_fast"), r"\.severities\[0\]\.resolution_fast"),
        ("missing clocks", drop("clocks"), r"policy\.json: missing field 'clocks'"),
        ("missing calendars", drop("clocks", "calendars"), r"\.clocks: missing field 'calendars'"),
        ("no calendars", put([], "clocks", "calendars"), r"\.clocks\.calendars: at least one calendar"),
        ("calendar name", drop("clocks", "calendars", 1, "name"), r"\.calendars\[1\]: missing field 'name'"),
        ("calendar twice", put("24/7", "clocks", "calendars", 0, "name"), r"\.calendars\[4\]\.name: '24/7' is .*ear"),
        ("bad zone", put("Mars/Olympus", "clocks", "calendars", 2, "time_zone"), r"\.calendars\[2\]: .*'Mars/Olym"),
        ("bad hours", put({"mon": "9-5"}, "clocks", "calendars", 0, "hours"), r"\.calendars\[0\]: .*mon.*'9-5'"),
        ("bad holiday", put(["24.12.2026"], "clocks", "calendars", 1, "holidays"), r"\.calendars\[1\]: .*holida"),
        ("unknown calendar", put("Moon", "clocks", "calendar_rules", 1, "calendar"), r"\.calendar_rules\[1\]\.ca"),
        ("rule typo", put(["NA"], "clocks", "calendar_rules", 1, "regoin"), r"\.calendar_rules\[1\]: .*'regoin'"),
        ("rule severity", put(["S7"], "clocks", "calendar_rules", 0, "severity"), r"\[0\]\.severity: .*'S7'"),
        ("rule pace", put("quick", "clocks", "calendar_rules", 0, "pace"), r"\[0\]\.pace: unknown value 'quick'"),
        ("no catch-all", drop("clocks", "calendar_rules", 5), r"\.calendar_rules: the last rule must name"),
        ("pause status", put(["update"], "clocks", "pausing", "sleeping"), r"\.pausing: status: .*'sleeping'"),
        ("pause clock", put(["lunch"], "clocks", "pausing", "mitigated"), r"\.pausing\.mitigated: .*'lunch'"),
        ("pause closed", put(["update"], "clocks", "pausing", "closed"), r"\.pausing\.closed: closed always"),
        ("urgent", put(["S0"], "clocks", "urgent_severities"), r"\.urgent_severities: unknown value 'S0'"),
    ]


@pytest.mark.parametrize(("edit", "pattern"), [m[1:] for m in _mutations()], ids=[m[0] for m in _mutations()])
def test_broken_policy_names_the_field(tmp_path: Path, raw: dict[str, Any], edit: Any, pattern: str) -> None:
    edit(raw)
    with pytest.raises(PolicyError, match=pattern):
        load_edited(tmp_path, raw)


def test_policy_error_is_a_value_error() -> None:
    # Callers that only know "bad input" can catch ValueError.
    assert issubclass(PolicyError, ValueError)
