"""Edit > Preferences…: what escdesk.settings holds for printing and reading times.

Paper size for briefs and reports, the display time zone (an IANA name, checked with escdesk.zones.find_zone, or
the system's), and whether exports are redacted by default. OK saves the file atomically (Settings.save) and then
updates the desk's live settings, so the next export, brief or report uses them at once; a file that cannot be
written leaves everything as it was and says why. The zone box completes on any part of a name ("berl").
"""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import available_timezones

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from escdesk.settings import Settings
from escdesk.zones import find_zone, system_zone
from ui.controller import DeskController
from ui.main_window import MainWindow

SYSTEM_CHOICE = "System time zone"


def zone_names() -> list[str]:
    """IANA names a person would pick: the "posix/" and "right/" copies are the same zones under other names."""
    regional = (n for n in available_timezones() if not n.startswith(("posix/", "right/", "Etc/GMT")) and "/" in n)
    return [*sorted(regional), "UTC"]


class SettingsDialog(QDialog):
    """The preferences form; `chosen()` is the settings it would save, `problem()` why it cannot."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Preferences")
        self.original = settings
        from escdesk.exports import PAPERS  # the PDF writers' module: loaded with the dialog, not at start

        self.paper = QComboBox(self)
        self.paper.addItems(list(PAPERS))
        self.paper.setCurrentIndex(
            max(list(PAPERS).index(settings.paper_size) if settings.paper_size in PAPERS else 0, 0)
        )
        self.paper.setAccessibleName("Paper size")
        self.zone = QComboBox(self)
        self.zone.setEditable(True)
        self.zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zone.setAccessibleName("Display time zone")
        self.zone.addItem(f"{SYSTEM_CHOICE} ({system_zone()})", None)
        for name in zone_names():
            self.zone.addItem(name, name)
        completer = QCompleter([self.zone.itemText(i) for i in range(self.zone.count())], self.zone)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.zone.setCompleter(completer)
        self._select_zone(settings.display_timezone)
        self.redact = QCheckBox("Redact ARR figures and contact names in exported PDFs", self)
        self.redact.setChecked(settings.redact_exports)
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("settingsProblem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #b71c1c;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self._lay_out()
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.zone.currentTextChanged.connect(lambda _text: self._check())
        self._check()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Paper size", self.paper)
        form.addRow("Display time zone", self.zone)
        form.addRow("Exports", self.redact)
        note = QLabel(
            "Exported briefs and reports use these at once and name the zone; the times in the case workspace's "
            "lists follow on the next start.",
            self,
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)

    def _select_zone(self, name: str | None) -> None:
        index = self.zone.findData(name) if name else 0
        if index >= 0:
            self.zone.setCurrentIndex(index)
        else:  # a valid zone outside the list, or a hand-edited file: shown as it is, checked like typed text
            self.zone.setEditText(name or "")

    def zone_choice(self) -> str | None:
        """The zone name typed or picked; None for the system's."""
        text = self.zone.currentText().strip()
        return None if text.startswith(SYSTEM_CHOICE) or not text else text

    def problem(self) -> str | None:
        name = self.zone_choice()
        if name is not None and find_zone(name) is None:
            return f"Display time zone: {name!r} is not a time zone name; pick one from the list (e.g. Europe/Berlin)."
        return None

    def chosen(self) -> Settings:
        return replace(
            self.original,
            paper_size=self.paper.currentText(),
            display_timezone=self.zone_choice(),
            redact_exports=self.redact.isChecked(),
        )

    def _check(self) -> None:
        problem = self.problem()
        self.problem_label.setText(problem or "")
        self.problem_label.setVisible(problem is not None)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)


class SettingsController(QObject):
    """Edit > Preferences…: opens the dialog, saves what it chose, then applies it to the desk's live settings.

    Signals:
        applied(object): the preferences were saved and are in force; the live Settings.
        save_failed(str): the file could not be written; nothing changed; the message shown.
    """

    applied = Signal(object)
    save_failed = Signal(str)

    def __init__(self, window: MainWindow, controller: DeskController) -> None:
        super().__init__(controller)  # lives as long as the desk, like the export actions
        self.window, self.controller = window, controller
        self.action = QAction("&Preferences…", window)
        self.action.setObjectName("preferencesAction")
        self.action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.action.setMenuRole(QAction.MenuRole.PreferencesRole)  # macOS moves it to the application menu
        self.action.triggered.connect(lambda: self.open())

    def open(self) -> SettingsDialog:
        dialog = SettingsDialog(self.controller.context.settings, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.apply(dialog.chosen()))
        dialog.open()
        return dialog

    def apply(self, chosen: Settings) -> bool:
        """Save `chosen`, then copy it onto the live settings; False (and a notice) when the file cannot be written."""
        live = self.controller.context.settings
        merged = replace(chosen, last_database=live.last_database)  # the database may have changed meanwhile
        try:
            merged.save()
        except OSError as exc:
            message = f"Could not save your preferences ({exc.strerror or exc}); nothing was changed."
            self.window.show_notice(message, error=True)
            self.save_failed.emit(message)
            return False
        for name in ("paper_size", "display_timezone", "redact_exports"):
            setattr(live, name, getattr(merged, name))
        self.window.statusBar().showMessage("Preferences saved", 5_000)
        self.applied.emit(live)
        return True


def install_settings_action(window: MainWindow, controller: DeskController) -> SettingsController:
    """Edit > Preferences… (the desktop's place for it; Ctrl+, where the platform has a shortcut)."""
    settings = SettingsController(window, controller)
    window.edit_menu.addSeparator()
    window.edit_menu.addAction(settings.action)
    return settings
