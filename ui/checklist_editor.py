"""Tools > Checklist templates…: the service-recovery steps of the default template and of each variant.

Each step: title, coaching text (what good looks like), fast and slow-burn due offsets and what they count from,
the role that does it, whether it is required and which transition it holds back. A variant names the case types
(and severities) it is for and the steps it replaces or adds. Save checks the whole policy (a refused save names
the step and field), writes it with a new version and hands it to the controller. Cases keep the checklist they
were opened with: only new cases, or cases the person re-applies the policy to, get the saved template.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from copy import deepcopy
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from escdesk.domain import CaseType, Severity
from escdesk.policy import PolicyError
from escdesk.policy_editing import bump_version, unique_key, with_checklist
from ui.checklist_editor_models import ChecklistStepsModel
from ui.checklist_editor_step import StepForm
from ui.condition_builder_widget import ChoicesButton
from ui.main_window import MainWindow
from ui.rule_editor import EDITOR_STYLE, PolicyEditorDialog, section
from ui.rule_editor_action import current_policy_data, save_policy_data

if TYPE_CHECKING:
    from ui.controller import DeskController

SaveFunction = Callable[[dict[str, Any]], dict[str, Any]]
CHECKLIST_STYLE = """
#versionInForce { background: palette(alternate-base); border: 1px solid palette(mid); border-radius: 6px;
                  padding: 6px 10px; }
"""
_STEP_PLACE = re.compile(r"\bchecklist(?:_variants\[(\d+)\]\.(replace|add))?\[(\d+)\]")


class ChecklistEditor(PolicyEditorDialog):
    """The checklist templates of one policy (its JSON data), edited until saved through `save`."""

    def __init__(self, data: dict[str, Any], save: SaveFunction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checklistEditor")
        self.setWindowTitle("Checklist templates")
        self.setStyleSheet(EDITOR_STYLE + CHECKLIST_STYLE)
        self.data, self._save = data, save
        self.steps: list[dict[str, Any]] = deepcopy(data.get("checklist", []))
        self.variants: list[dict[str, Any]] = deepcopy(data.get("checklist_variants", []))
        self.model = ChecklistStepsModel(self)
        self.variant: dict[str, Any] | None = None
        self.case_versions: dict[str, int] = {}
        self._build()
        self._lay_out()
        self.templates.setCurrentRow(0)

    def _build(self) -> None:
        self.version = QLabel(self)
        self.version.setObjectName("versionInForce")
        self.version.setWordWrap(True)
        self.templates = QListWidget(self)
        self.templates.setObjectName("templateList")
        self.templates.setSpacing(3)
        self.templates.addItem(f"Default template · {len(self.steps)} steps")
        for variant in self.variants:
            self.templates.addItem(f"Variant: {variant.get('name', variant.get('key'))}")
        self.templates.currentRowChanged.connect(self._template_changed)
        self.table = QTableView(self)
        self.table.setObjectName("stepTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._step_changed)
        self.form = StepForm(self._step_edited, self)
        self.variant_name = QLineEdit(self)
        self.variant_name.setObjectName("variantName")
        self.variant_name.textEdited.connect(self._variant_edited)
        self.case_types = ChoicesButton(tuple(t.value for t in CaseType), self)
        self.case_types.setObjectName("variantCaseTypes")
        self.severities = ChoicesButton(tuple(s.value for s in Severity), self)
        self.severities.setObjectName("variantSeverities")
        self.case_types.changed.connect(self._variant_edited)
        self.severities.changed.connect(self._variant_edited)
        self.error = QLabel(self)
        self.error.setObjectName("editorError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.status = QLabel(self)
        self.status.setObjectName("saveStatus")
        self._show_version()

    def _lay_out(self) -> None:
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(section("Templates", left))
        left_layout.addWidget(self.templates, 1)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.variant_box = QWidget(right)
        variant_form = QFormLayout(self.variant_box)
        variant_form.setContentsMargins(0, 0, 0, 0)
        variant_form.addRow("Variant name", self.variant_name)
        variant_form.addRow("For case types", self.case_types)
        variant_form.addRow("Severities (none: all)", self.severities)
        right_layout.addWidget(self.variant_box)
        right_layout.addWidget(section("Steps", right))
        right_layout.addWidget(self.table, 3)
        self.step_buttons = QWidget(right)
        buttons = QHBoxLayout(self.step_buttons)
        buttons.setContentsMargins(0, 0, 0, 0)
        for text, name, slot in (
            ("Add step", "addStep", self.add_step),
            ("Remove step", "removeStep", self.remove_step),
            ("Move up", "moveUp", lambda: self.move_step(-1)),
            ("Move down", "moveDown", lambda: self.move_step(1)),
        ):
            button = QPushButton(text, right)
            button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        self.move_buttons = [b for b in self.step_buttons.findChildren(QPushButton) if "move" in b.objectName()]
        buttons.addStretch(1)
        right_layout.addWidget(self.step_buttons)
        right_layout.addWidget(section("Step", right))
        right_layout.addWidget(self.form)
        layout = self.lay_out_frame(left, right, (36, 170, 210), "saveChecklist")
        layout.insertWidget(0, self.version)  # which version is in force, above everything

    def _show_version(self) -> None:
        version = str(self.data.get("version", ""))
        counts = ", ".join(f"{v} ({n})" for v, n in sorted(self.case_versions.items()))
        on_cases = f"<br>Open cases by the version they run on: {counts}." if counts else ""
        self.version.setText(
            f"<b>Policy version in force: {version}</b> · saving creates version {bump_version(version)}. "
            "Open cases keep the checklist they were opened with; new cases get the saved template "
            f"(and open cases do when the policy is re-applied to them).{on_cases}"
        )

    def show_case_versions(self, counts: Mapping[str, int]) -> None:
        """How many open cases run on each policy version (read from the database when one is open)."""
        self.case_versions = dict(counts)
        self._show_version()

    # -- choosing a template and a step -------------------------------------------------------------------------
    def _template_changed(self, row: int) -> None:
        self.variant = self.variants[row - 1] if row > 0 else None
        self.variant_box.setVisible(self.variant is not None)
        for button in self.move_buttons:  # a variant's steps are placed by the default's keys, not moved
            button.setVisible(self.variant is None)
        if self.variant is None:
            self.model.set_steps(self.steps)
        else:
            replaced = self.variant.setdefault("replace", [])
            added = self.variant.setdefault("add", [])
            changes = ["replaced"] * len(replaced) + [f"added after {s.get('after', '?')}" for s in added]
            self.model.set_steps([*replaced, *added], changes)
            self.variant_name.setText(str(self.variant.get("name", "")))
            self.case_types.set_selected(tuple(self.variant.get("case_types", [])))
            self.severities.set_selected(tuple(self.variant.get("severities") or []))
        self.select_step(0)

    def select_step(self, row: int) -> None:
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(self.model.index(row, 0), flags)
        self.form.show_step(self.model.steps[row] if 0 <= row < len(self.model.steps) else None)

    def _step_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.row()
        self.form.show_step(self.model.steps[row] if 0 <= row < len(self.model.steps) else None)

    # -- edits --------------------------------------------------------------------------------------------------
    def _step_edited(self) -> None:
        self.model.refresh(self.table.currentIndex().row())
        self.mark_unsaved()

    def _variant_edited(self) -> None:
        assert self.variant is not None
        self.variant["name"] = self.variant_name.text()
        self.variant["case_types"] = list(self.case_types.selected())
        severities = list(self.severities.selected())
        if severities:
            self.variant["severities"] = severities
        else:
            self.variant.pop("severities", None)
        self.templates.currentItem().setText(f"Variant: {self.variant['name']}")
        self.mark_unsaved()

    def _new_step(self) -> dict[str, Any]:
        taken = {str(s.get("key")) for s in self.steps}
        for variant in self.variants:
            taken |= {str(s.get("key")) for s in variant.get("add", [])}
        key = unique_key("new-step", {k.replace("_", "-") for k in taken}).replace("-", "_")  # keys use "_"
        due = {"fast": None, "slow_burn": None}
        return {"key": key, "title": "New step", "role": "csm", "due": due, "from": "opened", "required": False}

    def add_step(self) -> None:
        """A new step after the chosen one (in a variant: added after the chosen step's key)."""
        row = self.table.currentIndex().row()
        step = self._new_step()
        if self.variant is None:
            self.model.insert(row + 1, step)
            self.select_step(row + 1)
        else:
            after = self.model.steps[row]["key"] if row >= 0 else self.steps[-1]["key"]
            self.variant["add"].append({"after": after, **step})
            self._template_changed(self.templates.currentRow())
            self.select_step(len(self.model.steps) - 1)
        self.mark_unsaved()

    def remove_step(self) -> None:
        row = self.table.currentIndex().row()
        if row < 0:
            return
        if self.variant is None:
            self.model.remove(row)
        else:  # the merged view is a copy of the variant's two lists: remove the step from the one holding it
            step = self.model.steps[row]
            for part in ("replace", "add"):
                self.variant[part] = [s for s in self.variant[part] if s is not step]
            self._template_changed(self.templates.currentRow())
        self.select_step(min(row, len(self.model.steps) - 1))
        self.mark_unsaved()

    def move_step(self, by: int) -> None:
        row = self.table.currentIndex().row()
        self.model.move(row, row + by)
        self.select_step(max(0, min(row + by, len(self.model.steps) - 1)))
        self.mark_unsaved()

    # -- saving -------------------------------------------------------------------------------------------------
    def save(self) -> bool:
        try:
            self.data = self._save(with_checklist(self.data, self.steps, self.variants))
        except (PolicyError, OSError) as exc:
            self.error.setText(f"Not saved: {self._name_step(str(exc))}")
            self.error.show()
            return False
        self.error.hide()
        self._show_version()
        self.mark_saved(f"Saved as policy version {self.data['version']}; new cases get this checklist.")
        return True

    def _name_step(self, message: str) -> str:
        """ "….checklist[3].due.fast: …" reads "step 4 'Bring in …' (checklist[3]).due.fast: …"."""
        message = message.replace("the edited policy.", "")  # prepare_save's name for the data: no news here
        found = _STEP_PLACE.search(message)
        if found is None:
            return message
        variant, part, index = found.group(1), found.group(2), int(found.group(3))
        steps = self.steps if variant is None else self.variants[int(variant)].get(part, [])
        title = steps[index].get("title", "") if index < len(steps) else ""
        where = "step" if variant is None else f"variant {self.variants[int(variant)].get('name')!r}, step"
        return f"{where} {index + 1} “{title}”: {message}"


def open_checklist_editor(window: MainWindow, controller: DeskController) -> ChecklistEditor:
    data = current_policy_data(controller)
    dialog = ChecklistEditor(data, lambda edited: save_policy_data(controller, edited), window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _count_case_versions(controller, dialog)
    dialog.show()
    return dialog


def _count_case_versions(controller: DeskController, dialog: ChecklistEditor) -> None:
    service = controller.service
    if service is None:
        return
    from escdesk.facts_service import FactsService  # the store's reads: only when a database is open

    facts = FactsService(service.store, controller.context.clock, controller.context.policy)

    def count() -> Counter[str]:
        return Counter(case.context.policy_version for case in facts.open_case_facts().values())

    def counted(counts: Counter[str]) -> None:
        if shiboken6.isValid(dialog):  # closed before the count came back
            dialog.show_case_versions(counts)

    controller.tasks.run_db(count, counted, lambda _exc: None)  # the counts are a courtesy; the editor works without
