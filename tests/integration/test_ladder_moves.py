"""Automatic ladder moves on a real SQLite database: a case past its ceiling moves when the policy says so, once,
recorded as "EscDesk rules" with the reason and the time; never down, not while waiting on the customer; and
`escdesk ladder [--dry-run] [--json]`."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from escdesk.cli import main
from escdesk.clock import FrozenClock
from escdesk.domain import CaseStatus, EventKind, Level, NewCase
from escdesk.ladder import AUTOMATIC_ACTOR, apply_automatic_moves, plan_automatic_moves
from escdesk.policy import Policy, default_policy, parse_policy
from escdesk.policy_store import save_user_policy
from escdesk.prompt_service import PromptService
from escdesk.services import CaseService
from escdesk.store import Store
from resources import resource_path

MakeCustomer = Callable[..., str]


def _raw(*automatic: str) -> dict[str, Any]:
    raw = copy.deepcopy(json.loads(resource_path("policy", "default.json").read_text(encoding="utf-8")))
    for rule in raw["rules"]:
        if rule["key"] in automatic:
            rule["then"]["automatic"] = True
    return raw


def _policy(*automatic: str) -> Policy:
    return parse_policy(_raw(*automatic))


@pytest.fixture
def outage_case(service: CaseService, make_customer: MakeCustomer, new_outage: Callable[..., NewCase]) -> str:
    """An S1 outage of a strategic account: opened at L3 at 09:00, its 4 h ceiling runs out at 13:00."""
    case = service.open_case(new_outage(make_customer()))
    assert case.level is Level.L3
    return case.id


def _level_events(service: CaseService, case_id: str) -> list[Any]:
    return [e for e in service.history(case_id) if e.kind is EventKind.LEVEL_CHANGED]


def test_a_case_past_its_ceiling_moves_once_with_who_why_and_when(
    store: Store, clock: FrozenClock, service: CaseService, outage_case: str
) -> None:
    policy = _policy("ceiling-reached")
    clock.advance(timedelta(hours=3))
    assert apply_automatic_moves(store, clock, policy) == []  # an hour left at L3
    clock.advance(timedelta(hours=1, minutes=5))
    (moved,) = apply_automatic_moves(store, clock, policy)
    assert (moved.reference, moved.from_level, moved.to_level, moved.level_name) == ("ESC-1001", Level.L3,
                                                                                     Level.L4, "COO")  # fmt: skip
    assert moved.sentence() == "ESC-1001 moved to L4 COO: the time allowed at L3 ran out"
    assert service.card(outage_case).level is Level.L4
    (event,) = _level_events(service, outage_case)
    assert (event.actor, event.from_value, event.to_value, event.at) == (AUTOMATIC_ACTOR, "L3", "L4", clock.now())
    assert event.reason == "Time at this level ran out: the time allowed at L3 ran out"
    assert apply_automatic_moves(store, clock, policy) == []  # idempotent: the time at L4 has just started
    assert len(_level_events(service, outage_case)) == 1


def test_the_shipped_policy_only_prompts(store: Store, clock: FrozenClock, service: CaseService,
                                         outage_case: str) -> None:  # fmt: skip
    clock.advance(timedelta(hours=5))
    assert apply_automatic_moves(store, clock, default_policy()) == []
    assert service.card(outage_case).level is Level.L3
    view = PromptService(store, clock, default_policy(), "lead@example.com").case_prompts(outage_case)
    assert [p.to_level for p in view.ladder] == [Level.L4]  # the prompt is still there for a person to follow


def test_a_jump_moves_up_but_never_down(store: Store, clock: FrozenClock, service: CaseService,
                                        outage_case: str) -> None:  # fmt: skip
    policy = _policy("exec-contact", "press")
    prompts = PromptService(store, clock, policy, "lead@example.com")
    prompts.set_signal(outage_case, "exec_contact", True)  # at least L3: the case is at L3 already
    assert apply_automatic_moves(store, clock, policy) == []
    card = service.card(outage_case)
    service.move_level(outage_case, Level.L4, "the COO asked to own it", card.version)
    assert apply_automatic_moves(store, clock, policy) == []  # L4 is above "at least L3": it stays at L4
    prompts.set_signal(outage_case, "press", True)
    clock.advance(timedelta(minutes=10))
    (moved,) = apply_automatic_moves(store, clock, policy)
    assert moved.to_level is Level.L5 and "press or public post" in moved.reason
    assert service.card(outage_case).level is Level.L5


def test_waiting_on_the_customer_pauses_the_automatic_ladder(
    store: Store, clock: FrozenClock, service: CaseService, outage_case: str
) -> None:
    policy = _policy("ceiling-reached", "press")
    card = service.card(outage_case)
    service.set_status(outage_case, CaseStatus.WAITING_ON_CUSTOMER, "waiting for their logs", card.version)
    PromptService(store, clock, policy, "lead@example.com").set_signal(outage_case, "press", True)
    clock.advance(timedelta(hours=6))
    assert apply_automatic_moves(store, clock, policy) == []
    assert service.card(outage_case).level is Level.L3


def test_a_dry_run_moves_nothing(store: Store, clock: FrozenClock, service: CaseService, outage_case: str) -> None:
    policy = _policy("ceiling-reached")
    clock.advance(timedelta(hours=5))
    (planned,) = plan_automatic_moves(store, clock, policy)
    assert planned.to_level is Level.L4 and not planned.applied
    assert service.card(outage_case).level is Level.L3 and _level_events(service, outage_case) == []


def test_a_case_changed_since_the_evaluation_is_left_alone(
    store: Store, clock: FrozenClock, service: CaseService, outage_case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone moves the case between the evaluation and the move: the rules do not move it again."""
    import escdesk.ladder as ladder

    policy = _policy("ceiling-reached")
    clock.advance(timedelta(hours=5))
    planned = ladder.plan_automatic_moves(store, clock, policy)
    card = service.card(outage_case)
    service.move_level(outage_case, Level.L5, "the CEO takes it", card.version)
    monkeypatch.setattr(ladder, "plan_automatic_moves", lambda *args: planned)
    assert ladder.apply_automatic_moves(store, clock, policy) == []
    assert service.card(outage_case).level is Level.L5


def test_cli_ladder_dry_run_then_apply(
    store: Store, service: CaseService, outage_case: str, sqlite_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store.close()
    args = ["ladder", "--db", str(sqlite_db), "--as-of", "2026-03-02T14:00Z"]
    assert main(args) == 0
    assert "No rule of policy 2026.1 moves cases automatically" in capsys.readouterr().out
    save_user_policy(_raw("ceiling-reached"))
    assert main([*args, "--dry-run", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["dry_run"] and data["automatic_rules"] == ["ceiling-reached"]
    assert [(m["reference"], m["to_level"], m["applied"]) for m in data["moves"]] == [("ESC-1001", "L4", False)]
    assert main(args) == 0
    assert capsys.readouterr().out.strip() == "- ESC-1001 moved to L4 COO: the time allowed at L3 ran out"
    assert main(args) == 0
    assert capsys.readouterr().out.strip() == "No case to move: no automatic rule asks for a higher level."


def test_a_case_follows_its_own_policy_versions_rules_until_re_applied(
    store: Store, clock: FrozenClock, service: CaseService, outage_case: str
) -> None:
    PromptService(store, clock, default_policy(), "lead@example.com", _raw()).case_prompts(outage_case)  # stored
    newer = {**_raw("ceiling-reached"), "version": "2027.1"}
    policy = parse_policy(newer)
    clock.advance(timedelta(hours=5))
    assert apply_automatic_moves(store, clock, policy) == []  # its version 2026.1 prompts: people decide
    PromptService(store, clock, policy, "lead@example.com", newer).reapply_policy(outage_case)
    (moved,) = apply_automatic_moves(store, clock, policy)
    assert moved.to_level is Level.L4 and service.card(outage_case).level is Level.L4
