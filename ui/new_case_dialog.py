"""Case > New case… (Ctrl+N): open an escalation by hand.

The person picks the customer (searched as they type), the type, severity and pace, a title and what happened.
Before saving, the dialog says where the case will start, from the policy: the level for that severity and the
customer's ARR band, and the checklist variant it gets. CaseService.open_case writes it like every other case, so
its clocks start at the moment of creation, exactly as an imported case's start at its opening (case B3).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from escdesk.domain import CaseCard, CaseType, NewCase, Pace, Severity
from escdesk.services import MAX_TITLE
from ui import text
from ui.controller import DeskController
from ui.tasks import describe_error

if TYPE_CHECKING:
    from escdesk.customer_search import CustomerHit

# Case > New case… is installed at start; the customer picker and its search are imported with the first dialog.

DEFAULT_SEVERITY = Severity.S3


def starting_point_text(
    controller: DeskController, hit: CustomerHit | None, case_type: CaseType, severity: Severity
) -> str:
    """'Starts at L2 CS director: S2 for Enterprise customers (policy 2026.1). Checklist: …'."""
    if hit is None:
        return "Choose the customer to see where the case starts."
    policy = controller.context.policy
    level = policy.starting_level(severity, hit.band)
    template = policy.checklist_for(case_type, severity)
    variant = f"the {template.variant.replace('_', ' ')} variant" if template.variant else "the default template"
    return (
        f"Starts at <b>{level.code} {policy.level_name(level)}</b>: {severity.value} for "
        f"{policy.band_name(hit.band)} customers (policy {policy.version}). "
        f"Checklist: {variant}, {len(template.steps)} steps. The clocks start when you create it."
    )


class NewCaseDialog(QDialog):
    """Signals:
    case_created(object): the case was saved; its CaseCard.
    """

    case_created = Signal(object)

    def __init__(self, controller: DeskController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newCaseDialog")
        self.setWindowTitle("New case")
        self.controller = controller
        from ui.customer_picker import CustomerPicker

        self.picker = CustomerPicker(controller, self)
        self.chosen_label = QLabel("No customer chosen yet.", self)
        self.title_edit = QLineEdit(self)
        self.title_edit.setMaxLength(MAX_TITLE)
        self.title_edit.setPlaceholderText("What is wrong, in the customer's words")
        self.case_type = QComboBox(self)
        for case_type in CaseType:
            self.case_type.addItem(text.case_type_text(case_type), case_type)
        self.severity = QComboBox(self)
        for definition in controller.context.policy.severities:
            self.severity.addItem(f"{definition.severity.value} — {definition.meaning}", definition.severity)
        self.severity.setCurrentIndex(max(0, self.severity.findData(DEFAULT_SEVERITY)))
        self.fast = QRadioButton("Fast (an incident: hours matter)", self)
        self.slow_burn = QRadioButton("Slow-burn (decline over weeks)", self)
        self.fast.setChecked(True)
        self.description = QPlainTextEdit(self)
        self.description.setPlaceholderText("What happened, who is affected, what they asked for")
        self.starting_point = QLabel(self)
        self.starting_point.setObjectName("startingPoint")
        self.starting_point.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, parent=self)
        self.create_button = self.buttons.addButton("Create case", QDialogButtonBox.ButtonRole.AcceptRole)
        self._lay_out()
        self._connect()
        self._update()

    def _lay_out(self) -> None:
        pace = QHBoxLayout()
        pace.addWidget(self.fast)
        pace.addWidget(self.slow_burn)
        pace.addStretch(1)
        form = QFormLayout()
        form.addRow("Customer", self.picker)
        form.addRow("", self.chosen_label)
        form.addRow("Title", self.title_edit)
        form.addRow("Type", self.case_type)
        form.addRow("Severity", self.severity)
        form.addRow("Pace", pace)
        form.addRow("Description", self.description)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.starting_point)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for widget, name in ((self.title_edit, "Title"), (self.case_type, "Type"), (self.severity, "Severity"),
                             (self.description, "Description")):  # fmt: skip
            widget.setAccessibleName(name)
        # Fixed limits: the status lines change as the person types, and the dialog must not jump with them.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        char, line = self.fontMetrics().averageCharWidth(), self.fontMetrics().height()
        self.setMinimumSize(char * 70, line * 30)
        self.resize(char * 90, line * 36)

    def _connect(self) -> None:
        self.picker.customer_chosen.connect(lambda _hit: self._update())
        self.title_edit.textChanged.connect(lambda _text: self._update())
        self.case_type.currentIndexChanged.connect(lambda _index: self._update())
        self.severity.currentIndexChanged.connect(lambda _index: self._update())
        self.buttons.rejected.connect(self.reject)
        self.create_button.clicked.connect(self.create_case)

    @property
    def chosen_severity(self) -> Severity:
        return Severity(self.severity.currentData())

    @property
    def chosen_type(self) -> CaseType:
        return CaseType(self.case_type.currentData())

    def _update(self) -> None:
        from ui.customer_picker import hit_text

        hit = self.picker.chosen
        if hit is not None:
            self.chosen_label.setText(f"<b>{hit_text(hit, self.controller.context.policy)}</b>")
        self.starting_point.setText(starting_point_text(self.controller, hit, self.chosen_type, self.chosen_severity))
        self.create_button.setEnabled(hit is not None and bool(self.title_edit.text().strip()))

    def new_case(self) -> NewCase | None:
        hit = self.picker.chosen
        if hit is None:
            return None
        pace = Pace.FAST if self.fast.isChecked() else Pace.SLOW_BURN
        description = self.description.toPlainText().strip()
        return NewCase(hit.id, self.title_edit.text(), self.chosen_type, self.chosen_severity, pace, description)

    def create_case(self) -> None:
        """Save through CaseService.open_case on the worker; stay open with the reason when it is refused."""
        service, new = self.controller.service, self.new_case()
        if service is None or new is None:
            return
        self.create_button.setEnabled(False)
        self.error.hide()
        self.controller.tasks.run_db(lambda: service.open_case(new), self._created, self._refused)

    def _created(self, card: CaseCard) -> None:
        self.case_created.emit(card)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.error.setText(describe_error(exc))
        self.error.show()
        self._update()


def install_new_case_action(controller: DeskController, open_case: Callable[[str], None]) -> QAction:
    """Case > New case… (Ctrl+N), first in the menu; a created case is shown in the workspace and on the board."""
    window = controller.window
    action = QAction("&New case…", window)
    action.setObjectName("newCaseAction")
    action.setShortcut(QKeySequence("Ctrl+N"))
    menu = window.case_menu
    existing = menu.actions()
    if existing:
        menu.insertAction(existing[0], action)
        menu.insertSeparator(existing[0])
    else:
        menu.addAction(action)

    def created(card: CaseCard) -> None:
        controller.refresh()
        open_case(card.id)

    def start() -> None:
        if controller.service is None:
            window.show_notice("Open a database first: a case needs its customer.")
            return
        dialog = NewCaseDialog(controller, window)
        dialog.case_created.connect(created)
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        dialog.open()

    action.triggered.connect(lambda: start())
    return action
