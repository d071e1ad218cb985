"""The service-recovery checklist as policy data: the default template and its variants, due times computed on
the case's calendar (expected instants worked out by hand below), gating, adherence and the update cadence."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from escdesk import checklist as cl
from escdesk.calendars import BusinessCalendar
from escdesk.domain import CaseType, FunctionalRole, Pace, Severity
from escdesk.durations import parse_span
from escdesk.policy import Policy, PolicyError, default_policy, load_policy
from resources import resource_path

EMEA = "Business hours EMEA"  # Europe/London, Mon-Fri 09:00-17:00; GMT = UTC until 29 March 2026
ALWAYS = "24/7"
DEFAULT_KEYS = [
    "acknowledge", "listen", "empathise", "define_done", "involve", "contain", "plan", "updates", "fix_confirmed",
    "make_right", "thank", "diagnose", "follow_up", "sign_off",
]  # fmt: skip


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return default_policy()


def dues(
    policy: Policy,
    case_type: CaseType,
    severity: Severity,
    pace: Pace,
    at: datetime,
    calendar: str,
    anchor: cl.Anchor = cl.Anchor.OPENED,
) -> dict[str, datetime | None]:
    template = policy.checklist_for(case_type, severity)
    acknowledge = policy.clocks.targets_for(severity, pace).acknowledge
    return cl.due_times(template, anchor, pace, at, policy.clocks.calendars[calendar], acknowledge)


# -- the templates ------------------------------------------------------------------------------------------------


def test_the_default_template_has_fourteen_coached_steps(policy: Policy) -> None:
    template = policy.checklist_for(CaseType.PRODUCT_BUG, Severity.S2)
    assert template.variant is None
    assert [s.key for s in template.steps] == DEFAULT_KEYS
    for step in template.steps:
        sentences = [part for part in step.coaching.split(". ") if part.strip()]
        assert 2 <= len(sentences) <= 4, step.key  # two or three sentences of guidance, not an essay
        assert step.role in FunctionalRole
    assert "LAST" in template.step("listen").coaching  # type: ignore[union-attr]
    assert [s.key for s in template.steps if s.done_on_close] == ["sign_off"]
    anchors = {s.key: s.anchor for s in template.steps if s.anchor is not cl.Anchor.OPENED}
    assert anchors == {"thank": cl.Anchor.RESOLVED, "diagnose": cl.Anchor.RESOLVED,
                       "follow_up": cl.Anchor.CLOSED, "sign_off": cl.Anchor.CLOSED}  # fmt: skip
    close_gated = {s.key for s in template.steps if s.required and s.gate is cl.Gate.CLOSE}
    assert close_gated == {"thank", "diagnose", "sign_off"}


@pytest.mark.parametrize(
    ("case_type", "variant", "keys"),
    [
        (CaseType.SECURITY, "security", ["involve", "legal_wording", "regulator_clock", "contain"]),
        (CaseType.DATA_LOSS, "security", ["involve", "legal_wording", "regulator_clock", "contain"]),
        (CaseType.BILLING, "billing", ["involve", "contain"]),
        (CaseType.SPONSOR_LOSS, "sponsor_loss", ["listen", "stakeholder_map", "exec_introduction", "empathise"]),
    ],
)
def test_variants_are_chosen_by_case_type(policy: Policy, case_type: CaseType, variant: str, keys: list[str]) -> None:
    template = policy.checklist_for(case_type, Severity.S2)
    assert template.variant == variant
    got = [s.key for s in template.steps]
    start = got.index(keys[0])
    assert got[start : start + len(keys)] == keys
    assert got[0] == "acknowledge" and got[-1] == "sign_off"


def test_variants_replace_steps_in_place(policy: Policy) -> None:
    security = policy.checklist_for(CaseType.SECURITY, Severity.S1)
    assert security.step("involve").role is FunctionalRole.SECURITY  # type: ignore[union-attr]
    assert security.step("legal_wording").role is FunctionalRole.LEGAL  # type: ignore[union-attr]
    billing = policy.checklist_for(CaseType.BILLING, Severity.S3)
    assert billing.step("involve").role is FunctionalRole.FINANCE  # type: ignore[union-attr]
    make_right = billing.step("make_right")
    assert make_right is not None and make_right.required  # step 10 early, and it holds back the resolve
    assert [s.key for s in billing.steps] == DEFAULT_KEYS


def test_a_variant_can_be_limited_to_severities() -> None:
    step = cl.ChecklistStepDef("extra", "Extra", True)
    variant = cl.ChecklistVariant("s1", "S1 only", frozenset({CaseType.OUTAGE}), frozenset({Severity.S1}),
                                  (("a", step),), ())  # fmt: skip
    base = (cl.ChecklistStepDef("a", "A", True), cl.ChecklistStepDef("b", "B", True))
    chosen = cl.choose_template(base, [variant], CaseType.OUTAGE, Severity.S1)
    assert (chosen.variant, [s.key for s in chosen.steps]) == ("s1", ["a", "extra", "b"])
    assert cl.choose_template(base, [variant], CaseType.OUTAGE, Severity.S2).variant is None


# -- due times (hand-computed) ------------------------------------------------------------------------------------


def test_fast_s2_on_business_hours(policy: Policy) -> None:
    # Monday 2 March 10:00 London; S2 acknowledges in 2 business hours.
    got = dues(policy, CaseType.PRODUCT_BUG, Severity.S2, Pace.FAST, utc(3, 2, 10), EMEA)
    assert got == {
        "acknowledge": utc(3, 2, 12), "listen": utc(3, 2, 14), "empathise": utc(3, 2, 14),
        "define_done": utc(3, 2, 14), "involve": utc(3, 2, 11), "contain": utc(3, 3, 10), "plan": utc(3, 3, 10),
        "updates": None, "fix_confirmed": None, "make_right": None,
    }  # fmt: skip


def test_fast_s2_opened_late_on_friday_falls_due_in_business_hours(policy: Policy) -> None:
    # Friday 6 March 16:30: half an hour left that day, the rest from Monday 09:00.
    got = dues(policy, CaseType.PRODUCT_BUG, Severity.S2, Pace.FAST, utc(3, 6, 16, 30), EMEA)
    assert got["acknowledge"] == utc(3, 9, 10, 30)
    assert (got["listen"], got["involve"]) == (utc(3, 9, 12, 30), utc(3, 9, 9, 30))
    assert got["plan"] == utc(3, 9, 16, 30)  # one working day: the same hour on Monday


def test_fast_s1_on_the_24_7_calendar(policy: Policy) -> None:
    # Saturday 7 March 22:00: an outage is worked through the night and the weekend.
    got = dues(policy, CaseType.OUTAGE, Severity.S1, Pace.FAST, utc(3, 7, 22), ALWAYS)
    assert (got["acknowledge"], got["involve"], got["listen"]) == (utc(3, 7, 22, 30), utc(3, 7, 23), utc(3, 8, 2))
    assert (got["contain"], got["plan"]) == (utc(3, 8, 22), utc(3, 8, 22))


def test_slow_burn_s3(policy: Policy) -> None:
    # Thursday 5 March 15:00; working days skip the weekend, containment does not apply to slow-burn cases.
    got = dues(policy, CaseType.HEALTH_DECLINE, Severity.S3, Pace.SLOW_BURN, utc(3, 5, 15), EMEA)
    assert got == {
        "acknowledge": utc(3, 6, 15), "listen": utc(3, 10, 15), "empathise": utc(3, 10, 15),
        "define_done": utc(3, 10, 15), "involve": utc(3, 9, 15), "contain": None, "plan": utc(3, 12, 15),
        "updates": None, "fix_confirmed": None, "make_right": None,
    }  # fmt: skip


def test_resolution_anchored_steps(policy: Policy) -> None:
    fast = dues(policy, CaseType.PRODUCT_BUG, Severity.S2, Pace.FAST, utc(3, 4, 16, 30), EMEA, cl.Anchor.RESOLVED)
    assert fast == {"thank": utc(3, 5, 16, 30), "diagnose": utc(3, 11, 16, 30)}
    # Ten working days from Monday 16 March 16:30 GMT is Monday 30 March 16:30 BST, which is 15:30 UTC.
    slow = dues(policy, CaseType.HEALTH_DECLINE, Severity.S3, Pace.SLOW_BURN, utc(3, 16, 16, 30), EMEA,
                cl.Anchor.RESOLVED)  # fmt: skip
    assert slow == {"thank": utc(3, 17, 16, 30), "diagnose": utc(3, 30, 15, 30)}


def test_close_anchored_steps_start_the_monitoring_period(policy: Policy) -> None:
    fast = dues(policy, CaseType.PRODUCT_BUG, Severity.S2, Pace.FAST, utc(3, 18, 11), EMEA, cl.Anchor.CLOSED)
    assert fast == {"follow_up": utc(4, 1, 11), "sign_off": None}  # 14 days, weekends included
    slow = dues(policy, CaseType.HEALTH_DECLINE, Severity.S3, Pace.SLOW_BURN, utc(3, 18, 11), EMEA, cl.Anchor.CLOSED)
    assert slow == {"follow_up": utc(4, 17, 11), "sign_off": None}  # 30 days


def test_security_variant_due_times(policy: Policy) -> None:
    fast = dues(policy, CaseType.SECURITY, Severity.S1, Pace.FAST, utc(3, 2, 10), ALWAYS)
    assert (fast["involve"], fast["legal_wording"], fast["regulator_clock"]) == (utc(3, 2, 11), utc(3, 2, 14),
                                                                                 utc(3, 3, 10))  # fmt: skip
    # Data loss found slowly, S2 on the regional calendar: the regulator clock still counts elapsed hours.
    slow = dues(policy, CaseType.DATA_LOSS, Severity.S2, Pace.SLOW_BURN, utc(3, 6, 16), EMEA)
    assert (slow["involve"], slow["legal_wording"], slow["regulator_clock"]) == (utc(3, 6, 17), utc(3, 9, 16),
                                                                                 utc(3, 7, 16))  # fmt: skip


def test_billing_variant_due_times(policy: Policy) -> None:
    fast = dues(policy, CaseType.BILLING, Severity.S3, Pace.FAST, utc(3, 2, 10), EMEA)
    assert (fast["acknowledge"], fast["involve"], fast["make_right"]) == (utc(3, 3, 10), utc(3, 3, 10), utc(3, 5, 10))
    slow = dues(policy, CaseType.BILLING, Severity.S3, Pace.SLOW_BURN, utc(3, 2, 10), EMEA)
    assert (slow["involve"], slow["make_right"]) == (utc(3, 4, 10), utc(3, 9, 10))


def test_sponsor_loss_variant_due_times(policy: Policy) -> None:
    fast = dues(policy, CaseType.SPONSOR_LOSS, Severity.S3, Pace.FAST, utc(3, 2, 10), EMEA)
    assert (fast["stakeholder_map"], fast["exec_introduction"]) == (utc(3, 4, 10), utc(3, 9, 10))
    slow = dues(policy, CaseType.SPONSOR_LOSS, Severity.S3, Pace.SLOW_BURN, utc(3, 2, 10), EMEA)
    assert (slow["stakeholder_map"], slow["exec_introduction"]) == (utc(3, 9, 10), utc(3, 16, 10))


# -- gating -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    step_key: str
    title: str = ""
    required: bool = True
    status: str = "open"
    due_at: datetime | None = None
    done_at: datetime | None = None


def test_resolving_waits_for_resolve_gated_steps_and_closing_for_all(policy: Policy) -> None:
    template = policy.checklist_for(CaseType.PRODUCT_BUG, Severity.S2)
    items = [Item(s.key, s.title, s.required, "open" if s.key in ("listen", "thank", "sign_off") else "done")
             for s in template.steps]  # fmt: skip
    assert [i.step_key for i in cl.blocking_steps(items, template, cl.Gate.RESOLVE)] == ["listen"]
    # The sign-off is what the close records, so it never holds the close back.
    assert [i.step_key for i in cl.blocking_steps(items, template, cl.Gate.CLOSE)] == ["listen", "thank"]


def test_optional_skipped_and_unknown_steps(policy: Policy) -> None:
    template = policy.checklist_for(CaseType.PRODUCT_BUG, Severity.S2)
    items = [Item("contain", required=False), Item("plan", status="skipped"), Item("retired_step", "Old")]
    assert [i.step_key for i in cl.blocking_steps(items, template, cl.Gate.RESOLVE)] == ["retired_step"]


def test_the_refusal_names_the_open_steps() -> None:
    steps = [Item("listen", "Listen"), Item("plan", "Written plan")]
    assert cl.refusal("ESC-1042", "resolved", steps) == (
        "ESC-1042 cannot be resolved: 2 required steps are open: Listen, Written plan. "
        "Complete them, or skip them with a reason."
    )
    one = cl.refusal("ESC-7", "closed", steps[:1])
    assert one.startswith("ESC-7 cannot be closed: 1 required step is open: Listen.")


# -- adherence ----------------------------------------------------------------------------------------------------


def test_adherence_counts_on_time_late_skipped_and_overdue() -> None:
    now = utc(3, 10, 12)
    items = [
        Item("a", status="done", due_at=utc(3, 9, 12), done_at=utc(3, 9, 12)),  # on the minute: on time
        Item("b", status="done", due_at=utc(3, 9, 12), done_at=utc(3, 9, 13)),  # late
        Item("c", status="done", due_at=None, done_at=utc(3, 9, 13)),  # no due time: on time
        Item("d", status="skipped", due_at=utc(3, 9, 12)),
        Item("e", status="open", due_at=utc(3, 10, 11)),  # overdue
        Item("f", status="open", due_at=utc(3, 10, 12)),  # due right now: not yet overdue
        Item("g", status="open", due_at=None),
    ]
    adherence = cl.checklist_adherence(items, now)
    assert adherence == cl.Adherence(on_time=2, late=1, skipped=1, open_overdue=1, open=2)
    assert adherence.total == 7
    assert cl.step_timing(items[4], now) is cl.StepTiming.OPEN_OVERDUE


# -- update cadence (step 8) --------------------------------------------------------------------------------------


def test_cadence_misses_on_a_clock_hour_cadence() -> None:
    always = BusinessCalendar.always_open()
    report = cl.cadence_misses([utc(3, 2, 10, 50), utc(3, 2, 12, 30)], utc(3, 2, 10), utc(3, 2, 14),
                               parse_span("1h"), always)  # fmt: skip
    # Due 11:00, met at 10:50 -> due 11:50, missed -> due 12:50, met at 12:30 -> due 13:30, missed -> 14:30.
    assert report == cl.CadenceReport(2, (utc(3, 2, 11, 50), utc(3, 2, 13, 30)), utc(3, 2, 14, 30))


def test_a_long_silence_misses_every_slot() -> None:
    report = cl.cadence_misses([], utc(3, 2, 10), utc(3, 2, 13, 30), parse_span("1h"), BusinessCalendar.always_open())
    assert report.missed == (utc(3, 2, 11), utc(3, 2, 12), utc(3, 2, 13))
    assert report.updates == 0


def test_business_cadence_does_not_count_the_weekend(policy: Policy) -> None:
    emea = policy.clocks.calendars[EMEA]
    # Every 4 business hours from Friday 15:00: due Monday 11:00 (2 h Friday, 2 h Monday), then 15:00.
    report = cl.cadence_misses([utc(3, 9, 16)], utc(3, 6, 15), utc(3, 9, 16, 30), parse_span("4bh"), emea)
    assert report.missed == (utc(3, 9, 11), utc(3, 9, 15))
    assert report.next_due == utc(3, 10, 12)  # 16:00 Monday + 4 bh: one hour Monday, three Tuesday
    before_start = cl.cadence_misses([utc(3, 6, 14)], utc(3, 6, 15), utc(3, 6, 16), parse_span("4bh"), emea)
    assert before_start.updates == 0  # outside the period: not counted


# -- policy errors name the field ---------------------------------------------------------------------------------


@pytest.fixture
def raw() -> dict[str, Any]:
    return copy.deepcopy(json.loads(resource_path("policy", "default.json").read_text(encoding="utf-8")))


def _set(value: Any, *path: Any) -> Any:
    def edit(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


BROKEN = [
    ("role", _set("janitor", "checklist", 1, "role"), r"\.checklist\[1\]\.role: unknown value 'janitor'"),
    ("due", _set({"fast": "soon"}, "checklist", 2, "due"), r"\.checklist\[2\]\.due\.fast: target 'soon'"),
    ("anchor", _set("lunch", "checklist", 3, "from"), r"\.checklist\[3\]\.from: unknown value 'lunch'.*opened"),
    ("gate", _set("never", "checklist", 3, "before"), r"\.checklist\[3\]\.before: unknown value 'never'"),
    ("typo", _set(True, "checklist", 4, "requierd"), r"\.checklist\[4\]: unknown field 'requierd'"),
    ("flag", _set("false", "checklist", 5, "required"), r"\.checklist\[5\]\.required: expected true or false"),
    ("sign-off", _set(False, "checklist", 13, "done_on_close"), r"\.checklist: one step needs 'done_on_close'"),
    ("type", _set(["parking"], "checklist_variants", 0, "case_types"), r"variants\[0\]\.case_types\[0\]: .*'parking'"),
    ("replace", _set("nope", "checklist_variants", 0, "replace", 0, "key"), r"variants\[0\]: .*replaces 'nope'"),
    ("after", _set("nope", "checklist_variants", 0, "add", 0, "after"), r"variants\[0\]: .*after 'nope'"),
    ("added twice", _set("plan", "checklist_variants", 2, "add", 0, "key"), r"variants\[2\]: .*'plan', which is alr"),
    ("variant key", _set("security", "checklist_variants", 1, "key"), r"variants\[1\]\.key: 'security' is .*earlier"),
    ("severity", _set(["S0"], "checklist_variants", 1, "severities"), r"variants\[1\]\.severities\[0\]: .*'S0'"),
]


@pytest.mark.parametrize(("edit", "pattern"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_a_broken_checklist_names_the_field(tmp_path: Path, raw: dict[str, Any], edit: Any, pattern: str) -> None:
    edit(raw)
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(PolicyError, match=pattern):
        load_policy(path)


def test_a_policy_without_variants_loads(tmp_path: Path, raw: dict[str, Any]) -> None:
    del raw["checklist_variants"]
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert load_policy(path).checklist_for(CaseType.SECURITY, Severity.S1).variant is None


def test_offsets_are_business_or_elapsed_as_written() -> None:
    emea = default_policy().clocks.calendars[EMEA]
    friday = utc(3, 6, 16)
    assert cl.add_offset(parse_span("2bh"), emea, friday) == utc(3, 9, 10)
    assert cl.add_offset(parse_span("2h"), emea, friday) == friday + timedelta(hours=2)
    assert cl.add_offset(parse_span("1bd"), emea, friday) == utc(3, 9, 16)
