"""The shipped default policy matches DESIGN.md section 4, and a broken policy file is refused naming the field."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from escdesk.domain import ArrBand, Level, Severity
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
    clocks = {d.severity: (d.acknowledge, d.update_fast, d.update_slow_burn, d.ceiling) for d in policy.severities}
    assert clocks == {
        Severity.S1: ("30m", "1h", "1d", "4h"),
        Severity.S2: ("2h", "4h", "56h", "24h"),  # "3 a week" for slow-burn
        Severity.S3: ("1bd", "1d", "7d", "5bd"),
        Severity.S4: ("2bd", "7d", "14d", "10bd"),
    }


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
    ]


@pytest.mark.parametrize(("edit", "pattern"), [m[1:] for m in _mutations()], ids=[m[0] for m in _mutations()])
def test_broken_policy_names_the_field(tmp_path: Path, raw: dict[str, Any], edit: Any, pattern: str) -> None:
    edit(raw)
    with pytest.raises(PolicyError, match=pattern):
        load_edited(tmp_path, raw)


def test_policy_error_is_a_value_error() -> None:
    # Callers that only know "bad input" can catch ValueError.
    assert issubclass(PolicyError, ValueError)
