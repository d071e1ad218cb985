"""Tools > Rules…: the policy's rules, each with its condition in the builder (or as read-only JSON when the
builder cannot show it exactly), what it does when it holds, and a preview of the open cases it would match.

Edits stay in the dialog until Save: the rules are checked with the whole policy (a refused save shows the
message, which names the rule), written as the user's policy file with a new version (escdesk.policy_editing)
and handed to the controller, which uses the new policy from then on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from escdesk.condition_builder import BuilderError, Catalogue, Row, check_tree, root_group, root_rule, to_tree
from escdesk.facts import FACT_FIELDS, rule_data
from escdesk.policy import PolicyError
from escdesk.policy_editing import RULE_KINDS, duplicate_rule, new_rule, preview_matches, with_rules
from escdesk.rules import RuleError, explain
from escdesk.rules.describe import Describer
from ui.condition_builder_widget import BUILDER_STYLE, ConditionBuilder
from ui.rule_editor_models import KIND_LABELS, MatchListModel, RuleListModel
from ui.rule_editor_then import ThenEditor

if TYPE_CHECKING:
    from escdesk.facts_service import CaseFacts

SaveFunction = Callable[[dict[str, Any]], dict[str, Any]]  # new policy data -> the data as saved (PolicyError)
NOT_SHOWN = "The builder cannot show this condition exactly, so it is kept as written. Edit it in the policy file."
EDITOR_STYLE = (
    BUILDER_STYLE
    + """
#sectionTitle { font-weight: bold; font-size: 11pt; margin-top: 6px; }
#editorError { color: #b3261e; }
#previewSummary, #automaticHint { color: palette(placeholder-text); }
#ruleTitle { font-size: 12pt; font-weight: bold; }
"""
)


def section(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("sectionTitle")
    return label


class PolicyEditorDialog(QDialog):
    """What both policy editors share: a status line, and Close that asks before unsaved edits are thrown away.

    The first Close with unsaved edits says so (in the dialog's message line) and turns the button into
    "Discard and close"; the second closes. No message box: nothing modal stacks on top of the editor."""

    status: QLabel
    error: QLabel
    close_button: QPushButton

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dirty = False
        self.discard_armed = False

    def mark_unsaved(self) -> None:
        self.dirty = True
        self.status.setText("Unsaved changes")
        self._disarm()

    def mark_saved(self, text: str) -> None:
        self.dirty = False
        self.status.setText(text)
        self._disarm()

    def _disarm(self) -> None:
        if self.discard_armed:
            self.discard_armed = False
            self.close_button.setText("Close")
            self.error.hide()

    def reject(self) -> None:
        if self.dirty and not self.discard_armed:
            self.discard_armed = True
            self.close_button.setText("Discard and close")
            self.error.setText("Your changes are not saved. Save them, or close again to discard them.")
            self.error.show()
            return
        super().reject()

    def lay_out_frame(
        self, left: QWidget, right: QWidget, widths: tuple[int, int, int], save_name: str
    ) -> QVBoxLayout:
        """Both editors' frame: the list beside the form, Save and Close under them with the status line; the
        caller's header goes on top (the returned layout). `widths` (list, form, window) in average characters."""
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        char, line = self.fontMetrics().averageCharWidth(), self.fontMetrics().height()
        splitter.setSizes([char * widths[0], char * widths[1]])
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close, self)
        box.button(QDialogButtonBox.StandardButton.Save).setObjectName(save_name)
        self.close_button = box.button(QDialogButtonBox.StandardButton.Close)
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(box)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        self.setMinimumSize(char * 110, line * 34)  # fixed limits: see CalendarsDialog
        self.resize(char * widths[2], line * 56)
        return layout

    def save(self) -> object:
        raise NotImplementedError


class RuleEditor(PolicyEditorDialog):
    """The rules of one policy (its JSON data), edited until saved through `save`."""

    def __init__(self, data: dict[str, Any], catalogue: Catalogue, save: SaveFunction, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ruleEditor")
        self.setWindowTitle(f"Rules — policy {data.get('version', '')}")
        self.setStyleSheet(EDITOR_STYLE)
        self.data, self.catalogue, self._save = data, catalogue, save
        self.model = RuleListModel(data.get("rules", []), self)
        self.matches = MatchListModel(self)
        self.facts: Mapping[str, CaseFacts] | None = None
        self._rule_data: dict[str, Any] = {}
        self.current = -1
        self._unwrap = False  # the shown rule's condition was a lone row (saved as one again)
        self._loading = False
        self._build()
        self._lay_out()
        if self.model.rules:
            self.select(0)

    # -- construction -------------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.list = QTableView(self)
        self.list.setObjectName("ruleList")
        self.list.setModel(self.model)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.verticalHeader().hide()
        self.list.setShowGrid(False)
        self.list.setAlternatingRowColors(True)
        self.list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.list.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        self.list.horizontalHeader().resizeSection(2, self.fontMetrics().averageCharWidth() * 24)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setWordWrap(False)
        self.list.selectionModel().currentRowChanged.connect(self._row_changed)
        self.title = QLineEdit(self)
        self.title.setObjectName("ruleTitle")
        self.key = QLineEdit(self)
        self.key.setObjectName("ruleKey")
        self.kind = QComboBox(self)
        self.kind.setObjectName("ruleKind")
        for kind in RULE_KINDS:
            self.kind.addItem(KIND_LABELS[kind], kind)
        self.builder = ConditionBuilder(self.catalogue, self)
        self.json_view = QPlainTextEdit(self)
        self.json_view.setObjectName("conditionJson")
        self.json_view.setReadOnly(True)
        self.json_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.not_shown = QLabel(NOT_SHOWN, self)
        self.not_shown.setWordWrap(True)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.builder, "Builder")
        json_page = QWidget(self)
        json_layout = QVBoxLayout(json_page)
        json_layout.addWidget(self.not_shown)
        json_layout.addWidget(self.json_view)
        self.tabs.addTab(json_page, "JSON")
        roles = [(str(r.get("key")), str(r.get("label", r.get("key")))) for r in self.data.get("roles", [])]
        levels = [(int(lv["level"]), str(lv["name"])) for lv in self.data.get("levels", [])]
        self.then = ThenEditor(roles, levels, self)
        self.preview_summary = QLabel("Open a database to preview which open cases a rule matches.", self)
        self.preview_summary.setObjectName("previewSummary")
        self.preview_summary.setWordWrap(True)
        self.preview = QTableView(self)
        self.preview.setObjectName("previewList")
        self.preview.setModel(self.matches)
        self.preview.verticalHeader().hide()
        self.preview.setShowGrid(False)
        self.preview.setAlternatingRowColors(True)
        self.preview.setWordWrap(False)
        preview_header = self.preview.horizontalHeader()
        for column in range(3):
            preview_header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        preview_header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.because = QLabel(self)
        self.because.setObjectName("matchBecause")
        self.because.setWordWrap(True)
        self.because.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview.selectionModel().currentRowChanged.connect(self._match_chosen)
        self.error = QLabel(self)
        self.error.setObjectName("editorError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.status = QLabel(self)
        self.status.setObjectName("saveStatus")
        for line in (self.title, self.key):
            line.textEdited.connect(self._edited)
        self.kind.currentIndexChanged.connect(self._edited)
        self.builder.changed.connect(self._edited)
        self.then.changed.connect(self._edited)

    def _lay_out(self) -> None:
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(section("Rules", left))
        left_layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        for text, name, slot in (
            ("Add", "addRule", self.add_rule),
            ("Duplicate", "duplicateRule", self.duplicate_rule),
            ("Delete", "deleteRule", self.delete_rule),
        ):
            button = QPushButton(text, left)
            button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        left_layout.addLayout(buttons)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        head = QFormLayout()
        head.addRow("Title", self.title)
        ident = QHBoxLayout()
        ident.addWidget(self.key, 2)
        ident.addWidget(QLabel("Kind", right))
        ident.addWidget(self.kind, 1)
        head.addRow("Key", ident)
        right_layout.addLayout(head)
        right_layout.addWidget(section("When", right))
        right_layout.addWidget(self.tabs, 3)
        lower = QHBoxLayout()
        then_column = QVBoxLayout()
        then_column.addWidget(section("Then", right))
        then_column.addWidget(self.then)
        then_column.addStretch(1)
        preview_column = QVBoxLayout()
        preview_column.addWidget(section("Preview", right))
        preview_column.addWidget(self.preview_summary)
        preview_column.addWidget(self.preview, 1)
        preview_column.addWidget(self.because)
        lower.addLayout(then_column, 1)
        lower.addSpacing(self.fontMetrics().height())
        lower.addLayout(preview_column, 1)
        right_layout.addLayout(lower, 2)
        self.lay_out_frame(left, right, (62, 150, 215), "saveRules")

    # -- showing one rule ---------------------------------------------------------------------------------------
    def select(self, row: int) -> None:
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.list.selectionModel().setCurrentIndex(index, flags)

    def _row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._loading or current.row() == self.current:
            return
        if self.current >= 0 and not self._commit():
            self._loading = True  # back to the rule with the problem: its message is showing
            self.select(self.current)
            self._loading = False
            return
        self._show(current.row())

    def _show(self, row: int) -> None:
        self.current = row
        if row < 0:
            return
        rule = self.model.rules[row]
        self._loading = True
        self.title.setText(str(rule.get("title", "")))
        self.key.setText(str(rule.get("key", "")))
        self.kind.setCurrentIndex(max(0, self.kind.findData(rule.get("kind"))))
        tree = to_tree(rule.get("when"), self.catalogue)
        self._unwrap = isinstance(tree, Row)
        shown = tree is not None
        if shown:
            self.builder.set_tree(root_group(tree))
        self.tabs.setTabEnabled(0, shown)
        self.not_shown.setVisible(not shown)
        if not shown:
            self.not_shown.setText(f"{NOT_SHOWN}\nReads as: {self._reads_as(rule.get('when'))}")
        self.tabs.setCurrentIndex(0 if shown else 1)
        self.json_view.setPlainText(json.dumps(rule.get("when"), indent=2))
        self.then.set_then(rule.get("then", {}))
        self._loading = False
        self.error.hide()
        self._update_preview(rule.get("when"))

    def _reads_as(self, when: Any) -> str:
        try:
            return Describer(FACT_FIELDS).describe(when)
        except (ValueError, TypeError, KeyError, StopIteration):  # a condition the policy check will refuse anyway
            return "(a condition that cannot be read)"

    # -- edits --------------------------------------------------------------------------------------------------
    def edited_rule(self) -> dict[str, Any]:
        """The shown rule as edited; BuilderError (naming the field) when the condition has a value it cannot use."""
        rule = dict(self.model.rules[self.current])
        rule.update(title=self.title.text().strip(), key=self.key.text().strip(), kind=self.kind.currentData())
        if self.tabs.isTabEnabled(0):
            tree = self.builder.tree()
            check_tree(tree, self.catalogue)
            rule["when"] = root_rule(tree, unwrap=self._unwrap)
        rule["then"] = self.then.then()
        return rule

    def _commit(self) -> bool:
        """Keep the shown rule's edits in the list; False (with the message shown) when they cannot be kept."""
        try:
            rule = self.edited_rule()
        except BuilderError as exc:
            self._show_error(f"{self.title.text() or 'This rule'}: {exc}")
            return False
        self.model.replace(self.current, rule)
        return True

    def _edited(self) -> None:
        if self._loading or self.current < 0:
            return
        self.mark_unsaved()
        if not self._commit():
            self.preview_summary.setText("Fix the condition to see which open cases it matches.")
            return
        self.error.hide()
        when = self.model.rules[self.current].get("when")
        self.json_view.setPlainText(json.dumps(when, indent=2))
        self._update_preview(when)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def add_rule(self) -> None:
        self._insert(new_rule(self.model.keys(), next(iter(self.catalogue))))

    def duplicate_rule(self) -> None:
        if self.current >= 0 and self._commit():
            self._insert(duplicate_rule(self.model.rules[self.current], self.model.keys()))

    def _insert(self, rule: dict[str, Any]) -> None:
        if self.current >= 0 and not self._commit():
            return
        row = self.current + 1
        self.model.insert(row, rule)
        self.current = -1
        self.select(row)
        self.mark_unsaved()

    def delete_rule(self) -> None:
        if self.current < 0:
            return
        row, self.current = self.current, -1
        self._loading = True
        self.model.remove(row)
        self._loading = False
        self.mark_unsaved()
        if self.model.rules:
            self.select(min(row, len(self.model.rules) - 1))
        self._show(self.list.currentIndex().row() if self.model.rules else -1)

    # -- saving -------------------------------------------------------------------------------------------------
    def save(self) -> bool:
        if self.current >= 0 and not self._commit():
            return False
        try:
            self.data = self._save(with_rules(self.data, self.model.rules))
        except (PolicyError, OSError) as exc:
            self._show_error(f"Not saved: {exc}")
            return False
        self.error.hide()
        self.mark_saved(f"Saved as policy version {self.data['version']}; the desk uses it now.")
        self.setWindowTitle(f"Rules — policy {self.data['version']}")
        return True

    # -- preview ------------------------------------------------------------------------------------------------
    def set_open_cases(self, facts: Mapping[str, CaseFacts]) -> None:
        self.facts = facts
        self._rule_data = {case_id: rule_data(case.facts) for case_id, case in facts.items()}  # nested once
        if self.current >= 0:
            self._update_preview(self.model.rules[self.current].get("when"))

    def _match_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        because = self.matches.because(current.row())
        reference = self.matches.cases[current.row()][0] if because else ""
        self.because.setText(f"{reference} matches because {because}." if because else "")

    def preview_unavailable(self, reason: str) -> None:
        self.facts = None
        self.preview_summary.setText(reason)

    def _update_preview(self, when: Any) -> None:
        if self.facts is None:
            self.matches.set_cases([])
            return
        try:
            conditions = self.data.get("conditions", {})
            ids = preview_matches(when, self._rule_data, self.catalogue.keys(), conditions)
        except RuleError as exc:
            self.preview_summary.setText(f"Cannot preview: {exc}")
            self.matches.set_cases([])
            return
        contexts = [self.facts[case_id].context for case_id in ids]
        refs = dict(conditions) or None

        def because(row: int) -> str:
            return explain(when, self._rule_data[ids[row]], fields=FACT_FIELDS, refs=refs)

        self.matches.set_cases([(c.reference, c.customer_name, c.severity, c.title) for c in contexts], because)
        self.because.clear()
        total = len(self.facts)
        self.preview_summary.setText(f"Matches {len(ids)} of {total} open case{'s' if total != 1 else ''} now.")
