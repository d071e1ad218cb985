"""A workspace action that found the case saved by someone else in between: Reload or Merge, never a silent
overwrite (issue 10).

The workspace's actions are commands ("move to L3", "set S1", "add this note"), each changing at most one of the
case's editable fields. Merging therefore means: compare what this action changes with what they changed since
the case was shown (escdesk.merge), let the person choose where both changed the same field, and run the
command again on the case as it is saved now, unless they chose to keep the other person's value. Reload drops
the action and shows the case as saved; so does Cancel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from escdesk.domain import CaseCard
from escdesk.merge import card_fields, merge_cards
from ui.controller import DeskController
from ui.stale_dialog import StaleCaseDialog

Retry = Callable[[int], None]  # run the action again with this expected version


def offer_reload_or_merge(
    parent: QWidget,
    controller: DeskController,
    message: str,
    seen: CaseCard,
    edits: Mapping[str, Any],
    retry: Retry,
    reload: Callable[[], None],
    shown: Callable[[StaleCaseDialog], None] = lambda _dialog: None,
) -> None:
    """Read the case as saved now (on the worker), then ask: `retry` with its version, or `reload`.

    `seen`: the card the action was based on; `edits`: the editable fields the action sets (none for a note or
    a checklist tick, which merge with anything). `shown` hears the dialog once it is open (tests answer it)."""
    service = controller.service
    if service is None:
        return

    def ask(theirs: CaseCard) -> None:
        dialog = StaleCaseDialog(message, merge_cards(seen, edits, theirs), parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.merge_chosen.connect(lambda fields: _after_merge(fields, edits, theirs, retry, reload))
        dialog.reload_chosen.connect(reload)
        dialog.rejected.connect(reload)
        dialog.open()
        shown(dialog)

    controller.tasks.run_db(lambda: service.card(seen.id), ask, lambda _exc: reload())


def keeps_my_change(merged: Mapping[str, Any], edits: Mapping[str, Any]) -> bool:
    """Whether the merge the person chose still has this action's values (no clash, or "keep mine")."""
    return all(merged.get(name) == value for name, value in edits.items())


def _after_merge(
    merged: Mapping[str, Any], edits: Mapping[str, Any], theirs: CaseCard, retry: Retry, reload: Callable[[], None]
) -> None:
    already = bool(edits) and all(card_fields(theirs)[name] == value for name, value in edits.items())
    if keeps_my_change(merged, edits) and not already:
        retry(theirs.version)
    else:  # they chose the other value, or the other person made the same change: nothing left to save
        reload()
