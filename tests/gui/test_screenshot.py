"""`escdesk --db X --screenshot FILE.png`: renders the loaded board offscreen, or says why it cannot (exit 1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from gui_builders import SAMPLE, build_database
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from escdesk.domain import Level, Severity
from escdesk.settings import Settings
from ui.app import SCREENSHOT_SIZE, choose_platform, run_app
from ui.card_delegate import SEVERITY_COLOURS
from ui.main_window import MainWindow


@pytest.fixture
def offscreen(monkeypatch: pytest.MonkeyPatch, escdesk_app: QApplication) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # run_app sets it; the test puts it back afterwards


def test_screenshot_of_the_loaded_board(tmp_path: Path, offscreen: None) -> None:
    db = tmp_path / "book.sqlite"
    build_database(db, SAMPLE)
    shot = tmp_path / "board.png"
    assert run_app(db=str(db), screenshot=shot) == 0
    image = QImage(str(shot))
    assert not image.isNull()
    assert (image.width(), image.height()) == SCREENSHOT_SIZE.toTuple()
    s1_red = SEVERITY_COLOURS[Severity.S1][0].rgb()  # the S1 card's stripe and chip: cards were drawn
    assert any(image.pixel(x, y) == s1_red for y in range(80, 400, 3) for x in range(image.width()))
    assert Settings.load().last_database is None  # a screenshot run leaves the user's choices alone


def test_screenshot_of_an_unusable_database_fails_with_the_reason(
    tmp_path: Path, offscreen: None, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("meeting notes, not a database\n", encoding="utf-8")
    shot = tmp_path / "board.png"
    assert run_app(db=str(notes), screenshot=shot) == 1
    assert "is not an EscDesk database" in capsys.readouterr().err
    assert not shot.exists()


def test_screenshot_into_a_missing_folder_fails_with_the_reason(
    tmp_path: Path, offscreen: None, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "book.sqlite"
    build_database(db, SAMPLE[:1])
    assert run_app(db=str(db), screenshot=tmp_path / "no" / "such" / "board.png") == 1
    assert "does not exist" in capsys.readouterr().err


def _escdesk(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    command = [sys.executable, "-m", "escdesk", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.mark.slow
def test_the_command_line_renders_offscreen(tmp_path: Path) -> None:
    db = tmp_path / "book.sqlite"
    build_database(db, SAMPLE)
    shot = tmp_path / "board.png"
    done = _escdesk("--db", str(db), "--screenshot", str(shot))
    assert done.returncode == 0, done.stderr
    assert QImage(str(shot)).size().toTuple() == SCREENSHOT_SIZE.toTuple()
    assert done.stderr == ""  # no Qt warnings, no tracebacks


@pytest.mark.slow
def test_the_command_line_reports_a_bad_database(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n", encoding="utf-8")
    done = _escdesk("--db", str(notes), "--screenshot", str(tmp_path / "board.png"))
    assert done.returncode == 1
    assert "is not an EscDesk database" in done.stderr
    assert "Traceback" not in done.stderr


def test_no_display_means_offscreen(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    choose_platform(None)
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.setenv("DISPLAY", ":0")
    choose_platform(None)
    assert "QT_QPA_PLATFORM" not in os.environ  # a display: Qt picks its own platform
    choose_platform(Path("shot.png"))
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"  # a screenshot never needs the display


def test_the_app_runs_until_its_window_is_closed(tmp_path: Path, offscreen: None, qapp: QApplication) -> None:
    db = tmp_path / "book.sqlite"
    build_database(db, SAMPLE[:2])
    seen: list[int] = []

    def close_when_loaded() -> None:
        windows = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows and windows[0].showing_board:
            seen.append(windows[0].board.models[Level.L3].rowCount())
            windows[0].menu_actions.quit.trigger()

    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(close_when_loaded)
    poll.start()
    try:
        assert run_app(db=str(db), screenshot=None) == 0
    finally:
        poll.stop()
    assert seen == [1]
    assert Settings.load().last_database == str(db)  # remembered for the next launch
