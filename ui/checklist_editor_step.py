"""The checklist editor's step form: title, coaching, due offsets (fast / slow-burn, counted from the opening,
the resolution or the close), the role, whether the step is required and what it holds back. The form writes into
the step dict as it is edited; the whole policy is checked when it is saved (ui.checklist_editor)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from escdesk.checklist import Anchor, Gate
from escdesk.domain import FunctionalRole
from ui.checklist_editor_models import role_label

DUE_HINT = "e.g. 4bh, 3bd, 24h; 'acknowledge' = the severity's target; empty = no due time"


class StepForm(QWidget):
    """The fields of one step, written into the step dict as they are edited. Signals: none (see `edited`)."""

    def __init__(self, edited: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.step: dict[str, Any] | None = None
        self._edited, self._loading = edited, False
        self.title = QLineEdit(self)
        self.title.setObjectName("stepTitle")
        self.coaching = QPlainTextEdit(self)
        self.coaching.setObjectName("stepCoaching")
        self.coaching.setPlaceholderText("What good looks like, in a few sentences a new CSM can act on")
        self.coaching.setFixedHeight(self.fontMetrics().height() * 5 + 10)
        self.role = self._combo([(role_label(r.value), r.value) for r in FunctionalRole], "stepRole")
        self.anchor = self._combo([(f"from {a.value}", a.value) for a in Anchor], "stepAnchor")
        self.fast, self.slow = QLineEdit(self), QLineEdit(self)
        self.fast.setObjectName("stepFast")
        self.slow.setObjectName("stepSlow")
        for line in (self.fast, self.slow):
            line.setPlaceholderText(DUE_HINT)
        self.required = QCheckBox("Required", self)
        self.required.setObjectName("stepRequired")
        self.gate = self._combo([(f"before the case can {g.value}", g.value) for g in Gate], "stepGate")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("Title", self.title)
        form.addRow("Coaching", self.coaching)
        due = QHBoxLayout()
        for label, line in (("Fast", self.fast), ("Slow-burn", self.slow)):
            due.addWidget(QLabel(label, self))
            due.addWidget(line, 1)
        due.addWidget(self.anchor)
        form.addRow("Due", due)
        who = QHBoxLayout()
        who.addWidget(self.role)
        who.addSpacing(self.fontMetrics().height())
        who.addWidget(self.required)
        who.addWidget(self.gate)
        who.addStretch(1)
        form.addRow("Done by", who)
        self.title.textEdited.connect(self._write)
        self.coaching.textChanged.connect(self._write)
        self.fast.textEdited.connect(self._write)
        self.slow.textEdited.connect(self._write)
        self.required.toggled.connect(self._write)
        self.required.toggled.connect(self.gate.setEnabled)  # an optional step holds nothing back

    def _combo(self, items: list[tuple[str, str]], name: str) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName(name)
        for text, value in items:
            box.addItem(text, value)
        box.currentIndexChanged.connect(self._write)
        return box

    def show_step(self, step: dict[str, Any] | None) -> None:
        self._loading = True
        self.step = step
        self.setEnabled(step is not None)
        step = step or {}
        due: dict[str, Any] = step["due"] if isinstance(step.get("due"), dict) else {}
        self.title.setText(str(step.get("title", "")))
        self.coaching.setPlainText(str(step.get("coaching", "")))
        for box, value in ((self.role, step.get("role", "csm")), (self.anchor, step.get("from", "opened"))):
            box.setCurrentIndex(max(0, box.findData(value)))
        self.gate.setCurrentIndex(max(0, self.gate.findData(step.get("before", "resolve"))))
        self.fast.setText("" if due.get("fast") is None else str(due["fast"]))
        self.slow.setText("" if due.get("slow_burn") is None else str(due["slow_burn"]))
        self.required.setChecked(step.get("required", True) is True)
        self.gate.setEnabled(self.required.isChecked())
        self._loading = False

    def _write(self) -> None:
        if self._loading or self.step is None:
            return
        step = self.step
        step.update(title=self.title.text(), coaching=self.coaching.toPlainText(), role=self.role.currentData())
        step.update({"from": self.anchor.currentData(), "before": self.gate.currentData()})
        step["required"] = self.required.isChecked()
        step["due"] = {"fast": self.fast.text().strip() or None, "slow_burn": self.slow.text().strip() or None}
        self._edited()
