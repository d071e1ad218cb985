"""The menu actions of the windows a first look at the board does not need: the dashboard, the import wizard,
the calendars, the people directory and the policy editors.

Their modules, and what they bring in (the metrics, the import package and openpyxl, the editors), are imported
when an action is first used, not at start: together they are a few hundred milliseconds of the app's start,
and the board must be on screen within 1.5 s on the scale database (issue 4). Each opener is a function
`(window, controller)` in its own module.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from ui.controller import DeskController
from ui.main_window import MainWindow


@dataclass(frozen=True, slots=True)
class FeatureAction:
    text: str
    name: str  # the QAction's objectName (tests and the README find it by that)
    menu: Callable[[MainWindow], QMenu]
    opener: str  # "module:function", called with (window, controller)
    shortcut: str | None = None
    before_quit: bool = False  # File menu entries go above Quit


FEATURES = (
    FeatureAction("&Calendars…", "calendarsAction", lambda w: w.view_menu, "ui.calendars_view:show_calendars"),
    FeatureAction("&Dashboard", "dashboardAction", lambda w: w.view_menu, "ui.dashboard:show_dashboard", "Ctrl+D"),
    FeatureAction(
        "&People directory…", "directoryAction", lambda w: w.tools_menu, "ui.directory_dialog:open_directory"
    ),
    FeatureAction("&Rules…", "rulesAction", lambda w: w.tools_menu, "ui.rule_editor_action:open_rule_editor"),
    FeatureAction(
        "&Checklist templates…",
        "checklistTemplatesAction",
        lambda w: w.tools_menu,
        "ui.checklist_editor:open_checklist_editor",
    ),
    FeatureAction(
        "&Import…", "importAction", lambda w: w.file_menu, "ui.import_wizard:show_import_wizard", before_quit=True
    ),
)


def install_feature_actions(window: MainWindow, controller: DeskController) -> dict[str, QAction]:
    """Add every feature's action to its menu; returns them by objectName."""
    return {feature.name: _install(window, controller, feature) for feature in FEATURES}


def _install(window: MainWindow, controller: DeskController, feature: FeatureAction) -> QAction:
    action = QAction(feature.text, window)
    action.setObjectName(feature.name)
    if feature.shortcut:
        action.setShortcut(QKeySequence(feature.shortcut))
    action.triggered.connect(lambda: open_feature(feature, window, controller))
    menu = feature.menu(window)
    if feature.before_quit:
        menu.insertAction(window.menu_actions.quit, action)
    else:
        menu.addAction(action)
    return action


def open_feature(feature: FeatureAction, window: MainWindow, controller: DeskController) -> object:
    module, _, function = feature.opener.partition(":")
    return getattr(importlib.import_module(module), function)(window, controller)
