"""The launch's early read (ui.desk_open.EarlyOpen): the database run_app will open, opened and its board read on a
thread while the window is built, then taken by the controller's first open, exactly as if the worker had read it."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_builders import SAMPLE, build_database
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from escdesk.errors import DatabaseUnavailable
from escdesk.policy import PolicyError
from escdesk.settings import Settings
from ui import desk_open
from ui.desk import create_desk
from ui.desk_open import EarlyOpen


def test_the_early_read_is_the_board_the_worker_would_read(tmp_path: Path) -> None:
    db = tmp_path / "book.sqlite"
    cards = build_database(db)
    early = EarlyOpen(str(db))
    try:
        assert early.claim(tmp_path / "other.sqlite") is None  # another database: opened as usual
        assert early.claim(db, create=True) is None
        take = early.claim(db)
        assert take is not None
        assert early.claim(db) is None  # once
        loaded = take()
        assert loaded is not None
        assert sorted(card.id for card in loaded.cards) == sorted(card.id for card in cards)
        assert loaded.cards == loaded.service.open_cards()  # the same read as the controller's worker makes
        assert loaded.target.path == db.absolute()
        assert not loaded.is_demo
    finally:
        early.close()
    loaded.opened.store.close()  # taken: the desk that took it closes it, not close()


def test_an_early_read_nobody_took_is_closed(tmp_path: Path) -> None:
    db = tmp_path / "book.sqlite"
    build_database(db, SAMPLE[:1])
    early = EarlyOpen(str(db))
    assert early.context().settings.last_database is None
    early.close()
    assert db.exists()  # closed, not removed: a second open works
    again = EarlyOpen(str(db))
    take = again.claim(db)
    assert take is not None
    loaded = take()
    assert loaded is not None
    again.close()
    loaded.opened.store.close()


def test_the_early_error_is_the_open_error(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n", encoding="utf-8")
    early = EarlyOpen(str(notes))
    take = early.claim(str(notes))
    assert take is not None
    with pytest.raises(DatabaseUnavailable, match="is not an EscDesk database"):
        take()
    early.close()


def test_first_run_and_team_databases_are_left_to_the_worker(tmp_path: Path) -> None:
    first_run = EarlyOpen(None)
    assert first_run.claim(str(tmp_path / "x.sqlite")) is None  # nothing chosen: the demo is set up by the desk
    first_run.close()
    team = "postgresql://lead@db.example.com/escdesk"
    early = EarlyOpen(team)
    take = early.claim(team)
    assert take is not None and take() is None  # a password may be needed: the worker opens it, and can ask
    early.close()


def test_a_context_error_reaches_the_main_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise PolicyError("the shipped policy is broken")

    monkeypatch.setattr(desk_open, "make_context", broken)
    early = EarlyOpen(str(tmp_path / "book.sqlite"))
    with pytest.raises(PolicyError, match="shipped policy"):
        early.context()  # run_desk prints it and exits 1, as before
    assert early.claim(tmp_path / "book.sqlite") is None
    early.close()


def test_the_desk_takes_the_early_read(tmp_path: Path, escdesk_app: QApplication, qtbot: QtBot) -> None:
    db = tmp_path / "book.sqlite"
    build_database(db)
    early = EarlyOpen(str(db))
    window, controller = create_desk(early.context(), screenshot=True, early=early)
    qtbot.addWidget(window)
    window.show()
    # The cards, then their clocks: read on the worker from the database the thread opened.
    with qtbot.waitSignals([controller.board_loaded, controller.clocks_updated], timeout=20_000):
        controller.start(str(db))
    assert window.showing_board
    assert len(window.board.cards()) == len(SAMPLE)
    assert controller.target is not None and controller.target.path == db.absolute()
    controller.shutdown()
    early.close()
    assert Settings.load().last_database is None  # a screenshot desk remembers nothing
