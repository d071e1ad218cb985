"""The policy in force: the user's policy file (validated, written atomically) or the default, and the holidays the
`holidays` package proposes (issue 5: the user confirms; nothing is added silently)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from escdesk.calendars import BusinessCalendar, Holiday
from escdesk.holiday_proposals import countries, country_for_zone, propose_holidays
from escdesk.policy import PolicyError, default_policy
from escdesk.policy_store import (
    EffectivePolicy,
    load_effective_policy,
    policy_data,
    save_user_policy,
    user_policy_path,
    with_calendar,
)

EMEA = "Business hours EMEA"


def _default_data() -> dict:
    return policy_data(EffectivePolicy(default_policy(), None))


def _with_christmas() -> BusinessCalendar:
    calendar = default_policy().clocks.calendars[EMEA]
    data = {**calendar.to_dict(), "holidays": [{"date": "2026-12-25", "name": "Christmas Day"}]}
    return BusinessCalendar.from_dict(data)


def test_without_a_user_file_the_default_is_in_force() -> None:
    effective = load_effective_policy()
    assert effective == EffectivePolicy(default_policy(), None, None)
    assert user_policy_path().parent.name == "EscDesk"  # the config folder (private per test: tests/conftest.py)


def test_a_saved_user_policy_is_loaded_instead_of_the_default() -> None:
    saved = save_user_policy(with_calendar(_default_data(), _with_christmas()))
    effective = load_effective_policy()
    assert effective.source == user_policy_path() and effective.notice is None
    for policy in (saved, effective.policy):
        assert policy.clocks.calendars[EMEA].holidays == (Holiday(date(2026, 12, 25), True, "Christmas Day"),)
    assert [p.name for p in user_policy_path().parent.iterdir()] == ["policy.json"]  # no temporary file left


def test_a_user_file_from_an_older_version_gets_the_sections_added_since() -> None:
    """A file saved before a section existed (the checklist, here) is not left without it after an upgrade."""
    older = {k: v for k, v in with_calendar(_default_data(), _with_christmas()).items() if k != "checklist_variants"}
    user_policy_path().parent.mkdir(parents=True, exist_ok=True)
    user_policy_path().write_text(json.dumps(older), encoding="utf-8")
    effective = load_effective_policy()
    assert effective.source == user_policy_path() and effective.notice is None
    assert effective.policy.checklist_variants == default_policy().checklist_variants
    assert effective.policy.clocks.calendars[EMEA].holidays[0].name == "Christmas Day"  # the user's part kept
    assert policy_data(effective)["checklist_variants"] == _default_data()["checklist_variants"]


def test_with_calendar_keeps_everything_else_and_leaves_the_data_alone() -> None:
    data = _default_data()
    changed = with_calendar(data, _with_christmas())
    assert data == _default_data()  # a copy was changed
    assert {k: v for k, v in changed.items() if k != "clocks"} == {k: v for k, v in data.items() if k != "clocks"}
    with pytest.raises(PolicyError, match="no calendar named 'Nowhere'"):
        with_calendar(data, BusinessCalendar.always_open(name="Nowhere"))


def test_an_invalid_policy_is_refused_and_the_file_kept(tmp_path: Path) -> None:
    target = tmp_path / "policy.json"
    target.write_text("{}", encoding="utf-8")
    data = _default_data()
    data["clocks"]["calendars"][1]["time_zone"] = "Mars/Olympus_Mons"
    with pytest.raises(PolicyError, match=r"clocks\.calendars\[1\].*Mars/Olympus_Mons"):
        save_user_policy(data, target)
    assert target.read_text(encoding="utf-8") == "{}"


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("{ not json", "not valid JSON (line 1"),
        ("[]", "holds a JSON object"),
        ("BROKEN_ZONE", "clocks.calendars[1]: calendar 'Business hours EMEA': unknown time zone 'Mars/Base'"),
    ],
)
def test_a_broken_user_file_falls_back_to_the_default_with_a_notice_naming_file_and_field(
    content: str, named: str
) -> None:
    path = user_policy_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if content == "BROKEN_ZONE":
        data = _default_data()
        data["clocks"]["calendars"][1]["time_zone"] = "Mars/Base"
        content = json.dumps(data)
    path.write_text(content, encoding="utf-8")
    effective = load_effective_policy()
    assert effective.policy is default_policy() and effective.source is None
    assert effective.notice is not None and str(path) in effective.notice and named in effective.notice


def test_a_policy_folder_that_cannot_be_searched_starts_on_the_default_with_a_notice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """chmod 000 on ~/.config/EscDesk (root ignores it, so the refusal is simulated): no traceback at start."""
    path = user_policy_path()

    def refused(self: Path) -> bool:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "exists", refused)
    effective = load_effective_policy()
    assert effective.policy is default_policy() and effective.source is None
    assert effective.notice is not None and str(path) in effective.notice and "Permission denied" in effective.notice


def test_holidays_are_proposed_for_a_country_and_year_leaving_out_listed_dates() -> None:
    proposed = propose_holidays("gb", 2026, [Holiday(date(2026, 12, 25), True, "Christmas Day")])
    assert Holiday(date(2026, 4, 3), True, "Good Friday") in proposed
    assert date(2026, 12, 25) not in {h.on for h in proposed}
    assert proposed == sorted(proposed, key=lambda h: h.on)
    with pytest.raises(ValueError, match="'XX'"):
        propose_holidays("XX", 2026)
    assert ("GB", "United Kingdom") in countries()


def test_the_country_is_guessed_from_the_time_zone() -> None:
    assert (country_for_zone("Europe/London"), country_for_zone("America/New_York")) == ("GB", "US")
    assert country_for_zone("UTC") is None
