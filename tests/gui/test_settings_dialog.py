"""Edit > Preferences…: paper size, display time zone (IANA names, checked) and the redaction default; OK saves the
file atomically and the desk's exports use the new values at once; an unwritable file changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_builders import Desk, MakeDesk, build_database
from PySide6.QtWidgets import QDialogButtonBox, QPushButton
from pytestqt.qtbot import QtBot

from escdesk.settings import Settings
from ui.exports import ExportController
from ui.settings_dialog import SettingsController, SettingsDialog


@pytest.fixture
def desk(qtbot: QtBot, tmp_path: Path, make_desk: MakeDesk) -> Desk:
    db = tmp_path / "book.sqlite"
    build_database(db)
    window, controller = make_desk()
    with qtbot.waitSignal(controller.board_loaded, timeout=20_000):
        controller.start(str(db))
    return window, controller


def preferences(desk: Desk) -> SettingsController:
    found = desk[1].findChild(SettingsController)
    assert found is not None
    return found


def ok_button(dialog: SettingsDialog) -> QPushButton:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_the_action_is_edit_preferences(desk: Desk) -> None:
    action = preferences(desk).action
    assert action.text() == "&Preferences…" and action in desk[0].edit_menu.actions()
    assert action.menuRole() == action.MenuRole.PreferencesRole


def test_an_unknown_zone_is_named_and_ok_is_disabled(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.zone.setEditText("Europe/Berln")
    assert not ok_button(dialog).isEnabled()
    assert dialog.problem_label.text().startswith("Display time zone: 'Europe/Berln' is not a time zone name")
    dialog.zone.setEditText("../../etc/passwd")
    assert not ok_button(dialog).isEnabled()
    dialog.zone.setEditText("Asia/Kolkata")
    assert ok_button(dialog).isEnabled() and dialog.problem_label.isHidden()
    dialog.zone.setCurrentIndex(0)  # the system's zone
    assert dialog.zone_choice() is None and ok_button(dialog).isEnabled()


def test_the_dialog_shows_what_is_saved(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings(paper_size="Letter", display_timezone="America/New_York", redact_exports=True))
    qtbot.addWidget(dialog)
    assert dialog.paper.currentText() == "Letter"
    assert dialog.zone.currentText() == "America/New_York"
    assert dialog.redact.isChecked()
    assert dialog.chosen() == Settings(paper_size="Letter", display_timezone="America/New_York", redact_exports=True)


def test_ok_saves_the_file_and_exports_use_it_at_once(qtbot: QtBot, desk: Desk) -> None:
    window, controller = desk
    settings = preferences(desk)
    dialog = settings.open()
    dialog.paper.setCurrentText("Letter")
    dialog.zone.setEditText("Asia/Tokyo")
    dialog.redact.setChecked(True)
    with qtbot.waitSignal(settings.applied, timeout=5_000):
        ok_button(dialog).click()
    saved = Settings.load()
    assert (saved.paper_size, saved.display_timezone, saved.redact_exports) == ("Letter", "Asia/Tokyo", True)
    assert saved.last_database == controller.context.settings.last_database  # the rest of the file is kept
    assert not Settings.path().with_suffix(".tmp").exists()  # written through a temporary file and a rename
    exporter = controller.findChild(ExportController)
    assert exporter is not None and controller.service is not None
    options = exporter._options(controller.service)
    assert (options.paper, options.time_zone, options.redact) == ("Letter", "Asia/Tokyo", True)
    assert not window.findChildren(SettingsDialog) or not window.findChildren(SettingsDialog)[0].isVisible()


def test_an_unwritable_settings_file_changes_nothing(qtbot: QtBot, desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    _, controller = desk
    settings = preferences(desk)

    def full_disk(_self: Settings) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Settings, "save", full_disk)
    with qtbot.waitSignal(settings.save_failed, timeout=5_000) as failed:
        assert not settings.apply(Settings(paper_size="Letter", redact_exports=True))
    assert failed.args[0] == "Could not save your preferences (No space left on device); nothing was changed."
    live = controller.context.settings
    assert (live.paper_size, live.redact_exports) == ("A4", False)
