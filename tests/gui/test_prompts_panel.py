"""The prompts panel on a real database: prompts shown with the person or the gap, overdue in red, accept /
dismiss (reason asked) / done saved through the service, signals re-running the rules, the message copied."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_builders import AS_OF, Desk, MakeDesk, build_database
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from escdesk.domain import EventKind, InvolvementStatus
from escdesk.ids import new_id
from escdesk.store.models import Person, PersonRole
from ui import prompts_panel
from ui.prompts_panel import InvolvementRow, PromptsPanel

WAIT = 20_000


def _hire(db: Path, name: str, role: str, email: str) -> None:
    from escdesk.connect import open_database
    from escdesk.store.engine import resolve_target

    opened = open_database(resolve_target(db))
    try:
        with opened.store.uow() as uow:
            person = Person(id=new_id(), name=name, email=email, version=1, created_at=AS_OF, updated_at=AS_OF)
            uow.people.add(person)
            uow.session.add(PersonRole(person_id=person.id, role=role, bands="", regions=""))
            uow.commit()
    finally:
        opened.store.close()


@pytest.fixture
def shown(qtbot: QtBot, tmp_path: Path, make_desk: MakeDesk) -> tuple[PromptsPanel, Desk, str]:
    db = tmp_path / "book.sqlite"
    build_database(db)
    _hire(db, "Lena Lead", "support_lead", "lena@example.com")
    window, controller = make_desk()
    with qtbot.waitSignals([controller.board_loaded, controller.clocks_updated], timeout=WAIT):
        controller.start(str(db))
    card = next(c for c in window.board.cards() if c.customer_name == "Müller & Söhne GmbH")  # S1 product bug
    panel = PromptsPanel(controller, window)
    with qtbot.waitSignal(panel.prompts_shown, timeout=WAIT):
        panel.show_case(card.id)
    return panel, (window, controller), card.id


def _row(panel: PromptsPanel, role: str) -> InvolvementRow:
    return next(r for r in panel.rows.values() if r.item.role == role)


def _click(qtbot: QtBot, panel: PromptsPanel, button: QWidget) -> None:
    with qtbot.waitSignal(panel.case_changed, timeout=WAIT):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_prompts_show_person_gap_and_overdue(shown: tuple[PromptsPanel, Desk, str]) -> None:
    panel, _, _ = shown
    lead, manager = _row(panel, "support_lead"), _row(panel, "engineering_manager")
    assert lead.sentence.text().startswith("Bring in Support lead (Lena Lead) by ")
    assert "because case type is product bug and severity is S1" in lead.sentence.text()
    assert "(nobody in the directory covers Engineering manager)" in manager.sentence.text()
    # The case opened 5 h before AS_OF: the 1 h and 4 h involvements are both overdue, shown in red.
    assert lead.property("overdue") is True and "overdue" in lead.state.text()
    assert {r.item.rule_key for r in panel.rows.values()} >= {"product-bug-urgent", "strategic-s1-coo"}


def test_accept_dismiss_done_go_through_the_service(
    qtbot: QtBot, shown: tuple[PromptsPanel, Desk, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    panel, (_, controller), case_id = shown
    _click(qtbot, panel, _row(panel, "support_lead").accept)
    lead = _row(panel, "support_lead")
    assert lead.item.status is InvolvementStatus.ACCEPTED and lead.item.decided_by == "tester"
    assert not lead.accept.isEnabled() and lead.done.isEnabled()
    _click(qtbot, panel, lead.done)
    assert _row(panel, "support_lead").item.status is InvolvementStatus.DONE
    monkeypatch.setattr(prompts_panel, "ask_dismiss_reason", lambda parent, role: "   ")
    with qtbot.waitSignal(panel.failed, timeout=WAIT):
        qtbot.mouseClick(_row(panel, "engineering_manager").dismiss, Qt.MouseButton.LeftButton)
    assert _row(panel, "engineering_manager").item.status is InvolvementStatus.PROPOSED  # nothing was saved
    monkeypatch.setattr(prompts_panel, "ask_dismiss_reason", lambda parent, role: "Platform team is on it")
    _click(qtbot, panel, _row(panel, "engineering_manager").dismiss)
    manager = _row(panel, "engineering_manager")
    assert manager.item.status is InvolvementStatus.DISMISSED and manager.item.reason == "Platform team is on it"
    assert "Platform team is on it" in manager.state.text()
    assert controller.service is not None
    changes = [e.to_value for e in controller.service.history(case_id) if e.kind is EventKind.INVOLVEMENT_CHANGED]
    assert changes[-3:] == ["accepted", "done", "dismissed"]


def test_a_signal_reruns_the_rules(qtbot: QtBot, shown: tuple[PromptsPanel, Desk, str]) -> None:
    panel, _, _ = shown
    assert not panel.checks["press"].isChecked()
    _click(qtbot, panel, panel.checks["press"])
    assert panel.checks["press"].isChecked()
    assert any(r.item.rule_key == "press" and r.item.role == "communications" for r in panel.rows.values())
    assert panel.view is not None and panel.view.ladder[0].sentence().startswith("Move to at least L5 CEO")
    _click(qtbot, panel, panel.checks["press"])
    assert not any(r.item.rule_key == "press" for r in panel.rows.values())


def test_copy_message_puts_the_draft_on_the_clipboard(qtbot: QtBot, shown: tuple[PromptsPanel, Desk, str]) -> None:
    panel, _, _ = shown
    with qtbot.waitSignal(panel.message_copied, timeout=WAIT) as copied:
        qtbot.mouseClick(_row(panel, "support_lead").copy, Qt.MouseButton.LeftButton)
    assert "we need Support lead by" in copied.args[0]
    text = QGuiApplication.clipboard().text()
    assert text.startswith("To: lena@example.com\nSubject: ESC-") and "Hi Lena," in text


def test_ceiling_passed_heads_the_panel_as_a_ladder_prompt(shown: tuple[PromptsPanel, Desk, str]) -> None:
    panel, _, _ = shown
    # S1 at L3 (a strategic account starts there) with a 4 h ceiling, opened 5 h ago: the ceiling ran out.
    items = [panel.ladder.itemAt(i) for i in range(panel.ladder.count())]
    texts = [w.text() for w in (item.widget() for item in items if item is not None) if isinstance(w, QLabel)]
    assert texts == ["Escalate to L4 COO: because the time allowed at this level ran out"]


def test_move_follows_the_ladder_prompt(qtbot: QtBot, shown: tuple[PromptsPanel, Desk, str]) -> None:
    panel, (_, controller), case_id = shown
    assert panel.move_button is not None and panel.move_button.text() == "Move to L4 COO"
    _click(qtbot, panel, panel.move_button)
    assert panel.view is not None and panel.view.level.code == "L4" and panel.view.ladder == ()
    assert controller.service is not None
    moves = [e for e in controller.service.history(case_id) if e.kind is EventKind.LEVEL_CHANGED]
    assert (moves[-1].to_value, moves[-1].reason) == (
        "L4",
        "Time at this level ran out: the time allowed at this level ran out",
    )
