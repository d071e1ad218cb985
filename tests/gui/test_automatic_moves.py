"""Automatic ladder moves in the app: the rule editor's "Move the case automatically" round-trips, and a case past
its ceiling under an automatic rule moves at the next minute's clock evaluation, with a notice saying why."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from gui_builders import SAMPLE, MakeDesk, build_database
from pytestqt.qtbot import QtBot

from escdesk.clock import FrozenClock
from escdesk.connect import open_database
from escdesk.domain import EventKind, Level
from escdesk.facts import FACT_CATALOGUE
from escdesk.ladder import AUTOMATIC_ACTOR
from escdesk.policy import parse_policy
from escdesk.services import CaseService
from escdesk.settings import Settings
from escdesk.store.engine import resolve_target
from resources import resource_path
from ui.controller import DeskContext
from ui.rule_editor import RuleEditor
from ui.rule_editor_then import ThenEditor

WAIT = 20_000


def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path("policy", "default.json").read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def _automatic_ceiling() -> dict[str, Any]:
    data = _data()
    next(r for r in data["rules"] if r["key"] == "ceiling-reached")["then"]["automatic"] = True
    return data


def _editor(qtbot: QtBot, data: dict[str, Any], saved: list[dict[str, Any]]) -> RuleEditor:
    def save(new: dict[str, Any]) -> dict[str, Any]:
        parse_policy(copy.deepcopy(new))  # refused as the app would refuse it
        saved.append(new)
        return new

    editor = RuleEditor(data, FACT_CATALOGUE, save)
    qtbot.addWidget(editor)
    return editor


def _select(editor: RuleEditor, key: str) -> None:
    editor.select(next(i for i, rule in enumerate(editor.model.rules) if rule["key"] == key))


def _rule(data: dict[str, Any], key: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in data["rules"] if r["key"] == key)
    return found


def test_move_automatically_is_saved_and_shown_again(qtbot: QtBot, escdesk_app: Any) -> None:
    saved: list[dict[str, Any]] = []
    editor = _editor(qtbot, _data(), saved)
    _select(editor, "ceiling-reached")
    box = editor.then.automatic
    assert box.isEnabled() and not box.isChecked()  # the shipped rule prompts: people decide
    assert "Shipped rules only prompt (people decide)" in editor.then.automatic_hint.text()
    assert "EscDesk moves it itself" in box.toolTip()
    box.setChecked(True)
    assert editor.save(), editor.error.text()
    assert _rule(saved[-1], "ceiling-reached")["then"] == {"escalate": True, "automatic": True}

    again = _editor(qtbot, saved[-1], saved)
    _select(again, "ceiling-reached")
    assert again.then.automatic.isChecked()
    again.then.automatic.setChecked(False)
    assert again.save(), again.error.text()
    assert _rule(saved[-1], "ceiling-reached")["then"]["automatic"] is False  # it was said before: kept, now off


def test_the_then_editor_keeps_keys_it_does_not_know(qtbot: QtBot, escdesk_app: Any) -> None:
    editor = ThenEditor([("legal", "Legal")], [(2, "CS director"), (3, "VP CS")])
    qtbot.addWidget(editor)
    original = {"escalate": True, "automatic": True, "x_team_note": {"agreed": "QBR"}}
    editor.set_then(copy.deepcopy(original))
    assert editor.then() == original  # untouched: exactly as it came
    with qtbot.waitSignal(editor.changed):
        editor.automatic.setChecked(False)
    assert editor.then() == {**original, "automatic": False}
    editor.set_then({"escalate": True})
    assert not editor.automatic.isChecked() and editor.then() == {"escalate": True}


def test_a_rule_that_changes_no_level_cannot_move_a_case(qtbot: QtBot, escdesk_app: Any) -> None:
    saved: list[dict[str, Any]] = []
    editor = _editor(qtbot, _data(), saved)
    _select(editor, "billing-dispute")
    assert not editor.then.automatic.isEnabled()
    editor.then.min_level.setCurrentIndex(editor.then.min_level.findData(2))
    assert editor.then.automatic.isEnabled()
    editor.then.automatic.setChecked(True)
    assert editor.save(), editor.error.text()
    assert _rule(saved[-1], "billing-dispute")["then"]["automatic"] is True
    editor.then.min_level.setCurrentIndex(0)  # no level change any more: nothing to do automatically
    assert not editor.then.automatic.isEnabled()
    assert editor.save(), editor.error.text()  # "automatic" on a rule that moves nothing would be refused
    assert "automatic" not in _rule(saved[-1], "billing-dispute")["then"]


@pytest.fixture
def desk_context(clock: FrozenClock) -> DeskContext:
    """The desk under a team policy whose ceiling rule moves cases itself."""
    return DeskContext(settings=Settings(), clock=clock, policy=parse_policy(_automatic_ceiling()), actor="tester")


def test_a_case_past_its_ceiling_moves_after_the_minutes_clock_refresh(
    qtbot: QtBot, tmp_path: Path, make_desk: MakeDesk, clock: FrozenClock
) -> None:
    db = tmp_path / "book.sqlite"
    # SAMPLE[0]: an S1 for a Strategic account (L3) opened 5 h before AS_OF: its 4 h ceiling has run out.
    (card,) = build_database(db, SAMPLE[:1])
    window, controller = make_desk()
    with qtbot.waitSignals([controller.board_loaded, controller.clocks_updated], timeout=WAIT):
        controller.start(str(db))
    assert window.board.models[Level.L3].rowCount() == 1  # opening shows the board as it is: no move yet

    clock.advance(timedelta(minutes=1))
    with qtbot.waitSignals([controller.cases_moved, controller.clocks_updated], timeout=WAIT):
        window.board.clock_ticked()
    assert window.board.models[Level.L3].rowCount() == 0 and window.board.models[Level.L4].rowCount() == 1
    assert window.notice_bar.text == "ESC-1001 moved to L4 COO: the time allowed at L3 ran out"

    opened = open_database(resolve_target(db))
    try:
        history = CaseService(opened.store, clock, controller.context.policy, "tester").history(card.id)
    finally:
        opened.store.close()
    (move,) = [e for e in history if e.kind is EventKind.LEVEL_CHANGED]
    assert (move.actor, move.to_value, move.at) == (AUTOMATIC_ACTOR, "L4", clock.now())

    clock.advance(timedelta(minutes=1))  # the next minute: the time at L4 has just started, nothing moves
    with qtbot.assertNotEmitted(controller.cases_moved), qtbot.waitSignal(controller.clocks_updated, timeout=WAIT):
        window.board.clock_ticked()
    assert window.board.models[Level.L4].rowCount() == 1
