"""The default demo (the one the app opens on first run) shows every default rule at work (issue 6): each rule
fires on at least one open case, and the facts it fired on are really there (its explanation says them)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from escdesk.clock import FrozenClock
from escdesk.connect import open_database
from escdesk.demo import DemoSpec, write_demo_database
from escdesk.facts import rule_data
from escdesk.facts_service import CaseFacts, FactsService
from escdesk.policy import default_policy
from escdesk.prompts import firing_rules, why
from escdesk.store.engine import resolve_target

AS_OF = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_facts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, CaseFacts]]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    # The sizes of `escdesk demo` without options: what a new user sees.
    write_demo_database(resolve_target(path), DemoSpec(customers=400, open_cases=40, history=600, seed=7, as_of=AS_OF))
    opened = open_database(resolve_target(path))
    try:
        yield FactsService(opened.store, FrozenClock(AS_OF), default_policy()).open_case_facts()
    finally:
        opened.store.close()


def test_every_default_rule_fires_on_some_open_demo_case(demo_facts: dict[str, CaseFacts]) -> None:
    policy = default_policy()
    fired = {rule.key for case in demo_facts.values() for rule in firing_rules(policy.rules, case.facts)}
    assert [rule.key for rule in policy.rules if rule.key not in fired] == []


def test_the_demo_signals_read_as_the_story_says(demo_facts: dict[str, CaseFacts]) -> None:
    """A signal-driven rule fires because the signal is set, and its explanation names it."""
    policy = default_policy()
    press = next(rule for rule in policy.rules if rule.key == "press")
    explained = [
        why(press, rule_data(case.facts)) for case in demo_facts.values() if press in firing_rules([press], case.facts)
    ]
    assert explained and all("press or public post" in text for text in explained), explained
