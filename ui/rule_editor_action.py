"""Tools > Rules… and the save path both policy editors share: check, bump the version, write the user's policy
file, hand the new policy to the controller (escdesk.policy_editing, escdesk.policy_store)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import Qt

from escdesk.facts import FACT_CATALOGUE
from escdesk.policy_editing import prepare_save
from escdesk.policy_store import EffectivePolicy, policy_data, save_user_policy, user_policy_path
from ui.main_window import MainWindow
from ui.rule_editor import RuleEditor

if TYPE_CHECKING:
    from ui.controller import DeskController


def save_policy_data(controller: DeskController, data: dict[str, Any]) -> dict[str, Any]:
    """Write `data` as the user's policy (version bumped) and make the desk use it; returns the data as saved.
    PolicyError (nothing written) when it is not a policy that can be used."""
    saved, _checked = prepare_save(data, FACT_CATALOGUE.keys())
    target = user_policy_path()
    policy = save_user_policy(saved, target)
    controller.apply_policy(policy, target)
    controller.window.statusBar().showMessage(f"Policy version {policy.version} saved to {target}", 5000)
    return saved


def current_policy_data(controller: DeskController) -> dict[str, Any]:
    context = controller.context
    return policy_data(EffectivePolicy(context.policy, context.policy_file))


def open_rule_editor(window: MainWindow, controller: DeskController) -> RuleEditor:
    dialog = RuleEditor(
        current_policy_data(controller), FACT_CATALOGUE, lambda data: save_policy_data(controller, data), window
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _load_open_cases(controller, dialog)
    dialog.show()
    return dialog


def _load_open_cases(controller: DeskController, dialog: RuleEditor) -> None:
    """The facts of the open cases, read once on the database worker, for the preview."""
    service = controller.service
    if service is None:
        dialog.preview_unavailable("Open a database to preview which open cases a rule matches.")
        return
    dialog.preview_unavailable("Reading the open cases…")
    from escdesk.facts_service import FactsService  # the store's reads: only when a database is open

    facts = FactsService(service.store, controller.context.clock, controller.context.policy)

    def loaded(result: Any) -> None:
        if shiboken6.isValid(dialog):  # closed before the facts came back: nothing to show them in
            dialog.set_open_cases(result)

    def failed(exc: BaseException) -> None:
        if shiboken6.isValid(dialog):
            dialog.preview_unavailable(f"The open cases could not be read for the preview: {exc}")

    controller.tasks.run_db(facts.open_case_facts, loaded, failed)
