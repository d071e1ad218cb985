"""What a rule does when it holds: the roles to bring in (each within a span), a minimum level, a level above the
starting one, the ladder's "escalate", whether that level change is made automatically (rather than prompted), and
the action text of the prompt. Keys the editor does not know are kept.

Signals:
    changed(): something was edited.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

SPAN_HINT = "within, e.g. 15m, 1h, 4bh, 1bd, 5d"
AUTOMATIC_HINT = (
    "Off (as the shipped rules are): a prompt asks a person to move the case. On: EscDesk moves it itself after "
    "each minute's clock check, recorded in the history as “EscDesk rules” with this rule's reason."
)
AUTOMATIC_SHORT = "Shipped rules only prompt (people decide). On: EscDesk moves the case itself, as “EscDesk rules”."


class InvolveRow(QWidget):
    """One role to bring in and the span to do it within. Signals: changed(); remove_requested()."""

    changed = Signal()
    remove_requested = Signal()

    def __init__(self, roles: Sequence[tuple[str, str]], entry: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = deepcopy(entry)  # extra keys of an involvement are kept as they were
        self.role_box = QComboBox(self)
        self.role_box.setObjectName("roleBox")
        for key, label in roles:
            self.role_box.addItem(label, key)
        role = entry.get("role")
        if role is not None and self.role_box.findData(role) < 0:
            self.role_box.addItem(f"{role} (not a role of the policy)", role)
        self.role_box.setCurrentIndex(max(0, self.role_box.findData(role)))
        self.within = QLineEdit(str(entry.get("within", "")), self)
        self.within.setObjectName("withinEdit")
        self.within.setPlaceholderText(SPAN_HINT)
        self.within.setToolTip("m minutes, h hours, d days; bh / bd business hours and days on the case's calendar")
        remove = QToolButton(self)
        remove.setText("✕")
        remove.setToolTip("Do not bring in this role")
        remove.setAutoRaise(True)
        remove.clicked.connect(self.remove_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.role_box, 3)
        layout.addWidget(self.within, 2)
        layout.addWidget(remove)
        self.role_box.currentIndexChanged.connect(self.changed)
        self.within.textEdited.connect(self.changed)

    def value(self) -> dict[str, Any]:
        return {**self.entry, "role": self.role_box.currentData(), "within": self.within.text().strip()}


class ThenEditor(QWidget):
    """The "then" of one rule. Signals: changed()."""

    changed = Signal()

    def __init__(
        self, roles: Sequence[tuple[str, str]], levels: Sequence[tuple[int, str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.roles = list(roles)
        self.original: dict[str, Any] = {}
        self.rows: list[InvolveRow] = []
        self.rows_layout = QVBoxLayout()
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        add = QPushButton("+ Bring in a role", self)
        add.setObjectName("addInvolve")
        add.clicked.connect(lambda: self.add_involve({"role": self.roles[0][0] if self.roles else "", "within": ""}))
        self.min_level = QComboBox(self)
        self.min_level.setObjectName("minLevel")
        self.min_level.addItem("No minimum", None)
        for level, name in levels:
            self.min_level.addItem(f"L{level} · {name}", level)
        self.level_up = QComboBox(self)
        self.level_up.setObjectName("levelUp")
        for text, steps in (("No", None), ("One level higher", 1), ("Two levels higher", 2)):
            self.level_up.addItem(text, steps)
        self.escalate = QCheckBox("Prompt to escalate to the next level", self)
        self.escalate.setObjectName("escalate")
        self.automatic = QCheckBox("Move the case automatically", self)
        self.automatic.setObjectName("automatic")
        self.automatic.setToolTip(AUTOMATIC_HINT)
        self.automatic_hint = QLabel(AUTOMATIC_SHORT, self)
        self.automatic_hint.setObjectName("automaticHint")
        self.automatic_hint.setWordWrap(True)
        self.action = QPlainTextEdit(self)
        self.action.setObjectName("actionText")
        self.action.setPlaceholderText("What to ask of the people brought in, e.g. open the engineering escalation")
        self.action.setFixedHeight(self.fontMetrics().height() * 3 + 8)
        self._lay_out(add)
        for box in (self.min_level, self.level_up):
            box.currentIndexChanged.connect(self.changed)
            box.currentIndexChanged.connect(self._enable_automatic)
        self.escalate.toggled.connect(self.changed)
        self.escalate.toggled.connect(self._enable_automatic)
        self.automatic.toggled.connect(self.changed)
        self._enable_automatic()
        self.action.textChanged.connect(self.changed)

    def _lay_out(self, add: QPushButton) -> None:
        involve = QVBoxLayout()
        involve.addLayout(self.rows_layout)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addStretch(1)
        involve.addLayout(buttons)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)  # choices stay compact
        form.addRow("Bring in", involve)
        form.addRow("Minimum level", self.min_level)
        form.addRow("Repeat escalation", self.level_up)
        form.addRow("", self.escalate)
        form.addRow("", self.automatic)
        form.addRow("", self.automatic_hint)
        form.addRow("Action", self.action)

    def moves_level(self) -> bool:
        """Whether the rule as edited changes the level: only then can the change be automatic."""
        chosen = self.min_level.currentData() is not None or self.level_up.currentData() is not None
        return chosen or self.escalate.isChecked()

    def _enable_automatic(self) -> None:
        self.automatic.setEnabled(self.moves_level())

    def add_involve(self, entry: dict[str, Any]) -> InvolveRow:
        row = InvolveRow(self.roles, entry, self)
        row.changed.connect(self.changed)
        row.remove_requested.connect(lambda: self._remove(row))
        self.rows_layout.addWidget(row)
        self.rows.append(row)
        self.changed.emit()
        return row

    def _remove(self, row: InvolveRow) -> None:
        self.rows.remove(row)
        row.hide()
        row.deleteLater()
        self.changed.emit()

    def set_then(self, then: dict[str, Any]) -> None:
        self.blockSignals(True)
        self.original = deepcopy(then) if isinstance(then, dict) else {}
        for row in list(self.rows):
            self._remove(row)
        for entry in self.original.get("involve", []):
            self.add_involve(entry if isinstance(entry, dict) else {})
        self.min_level.setCurrentIndex(max(0, self.min_level.findData(self.original.get("min_level"))))
        self.level_up.setCurrentIndex(max(0, self.level_up.findData(self.original.get("level_up"))))
        self.escalate.setChecked(self.original.get("escalate") is True)
        self.automatic.setChecked(self.original.get("automatic") is True)
        self._enable_automatic()
        self.action.setPlainText(str(self.original.get("action", "")))
        self.blockSignals(False)

    def then(self) -> dict[str, Any]:
        """The "then" as edited: empty parts left out (unless the rule had them), unknown keys kept."""
        then = deepcopy(self.original)
        involve = [row.value() for row in self.rows]
        _put(then, "involve", involve, bool(involve) or "involve" in self.original)
        _put(then, "min_level", self.min_level.currentData(), self.min_level.currentData() is not None)
        _put(then, "level_up", self.level_up.currentData(), self.level_up.currentData() is not None)
        _put(then, "escalate", True, self.escalate.isChecked())
        automatic = self.automatic.isChecked() and self.moves_level()  # a rule that moves nothing moves nothing
        _put(then, "automatic", automatic, automatic or "automatic" in self.original)
        action = self.action.toPlainText().strip()
        _put(then, "action", action, bool(action) or "action" in self.original)
        return then


def _put(target: dict[str, Any], key: str, value: Any, keep: bool) -> None:
    if keep:
        target[key] = value
    else:
        target.pop(key, None)
