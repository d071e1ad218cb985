"""The small dialogs behind the workspace's actions: a reason, a note, a new severity, the customer's sign-off, a
logged contact. Each `ask_*` function returns what was entered, or None when the person cancelled; tests replace
them (callers look them up through this module, so a monkeypatched one is used)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from escdesk.domain import Channel, Direction, Severity
from escdesk.policy import Policy

CHANNEL_LABELS = {
    Channel.EMAIL: "E-mail",
    Channel.PHONE: "Phone call",
    Channel.MEETING: "Meeting",
    Channel.PORTAL: "Support portal",
    Channel.CHAT: "Chat",
    Channel.SLACK: "Shared Slack channel",
}


class TextDialog(QDialog):
    """A prompt and a text box; with `required`, OK stays disabled until something is typed."""

    def __init__(self, parent: QWidget | None, title: str, prompt: str, *, required: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("textDialog")
        self.prompt = QLabel(prompt, self)
        self.prompt.setWordWrap(True)
        self.editor = QPlainTextEdit(self)
        self.editor.setAccessibleName(prompt)
        self.editor.setTabChangesFocus(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.intro = QLabel(self)  # what the action does, for the dialogs that need saying it
        self.intro.setWordWrap(True)
        self.intro.hide()
        self._extra = QFormLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self._extra)
        layout.addWidget(self.prompt)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.buttons)
        # Fixed limits: the dialog does not follow its labels' size hints around (nor warn offscreen about it).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        char, line = self.fontMetrics().averageCharWidth(), self.fontMetrics().height()
        self.setMinimumSize(char * 50, line * 14)
        self.resize(char * 64, line * 18)
        self._required = required
        self.editor.textChanged.connect(self._check)
        self._check()

    @property
    def text(self) -> str:
        return self.editor.toPlainText().strip()

    def _check(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.is_complete())

    def is_complete(self) -> bool:
        return bool(self.text) or not self._required


def ask_text(parent: QWidget, title: str, prompt: str, *, required: bool = True) -> str | None:
    dialog = TextDialog(parent, title, prompt, required=required)
    return dialog.text if dialog.exec() == QDialog.DialogCode.Accepted else None


class SeverityDialog(TextDialog):
    def __init__(self, parent: QWidget | None, policy: Policy, current: Severity) -> None:
        super().__init__(
            parent, "Set severity", "Why does the severity change? (recorded in the history)", required=True
        )
        self.severity = QComboBox(self)
        for severity in Severity:
            meaning = next((s.meaning for s in policy.severities if s.severity is severity), "")
            self.severity.addItem(f"{severity.value} — {meaning}" if meaning else severity.value, severity)
        self.severity.setCurrentIndex(list(Severity).index(current))
        self.severity.setAccessibleName("Severity")
        self._extra.addRow("Severity", self.severity)


def ask_severity(parent: QWidget, policy: Policy, current: Severity) -> tuple[Severity, str] | None:
    dialog = SeverityDialog(parent, policy, current)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return Severity(dialog.severity.currentData()), dialog.text


class SignOffDialog(TextDialog):
    """Who at the customer agreed the case can close, and how they said so."""

    def __init__(self, parent: QWidget | None, reference: str) -> None:
        super().__init__(
            parent,
            f"Close {reference} with the customer's sign-off",
            "How did they agree? (a call, an e-mail, a meeting; what they said)",
            required=True,
        )
        self.person = QLineEdit(self)
        self.intro.setText(
            "Close only when the customer agrees the matter is settled. Closing records who agreed and how, and "
            "starts the monitoring period (14 days, 30 for a slow-burn case) with its follow-up step."
        )
        self.intro.show()
        self.person.setPlaceholderText("Name and role at the customer")
        self.person.setAccessibleName("Signed off by")
        self.person.textChanged.connect(self._check)
        self._extra.addRow("Signed off by", self.person)
        self._check()

    def is_complete(self) -> bool:
        return bool(self.text) and bool(getattr(self, "person", None) and self.person.text().strip())


def ask_sign_off(parent: QWidget, reference: str) -> tuple[str, str] | None:
    dialog = SignOffDialog(parent, reference)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.person.text().strip(), dialog.text


class LogContactDialog(TextDialog):
    """A contact with the customer: the channel, who reached out, and a line on what was said."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent, "Log a customer contact", "What was said? (a line is enough)", required=False)
        self.channel = QComboBox(self)
        for channel, label in CHANNEL_LABELS.items():
            self.channel.addItem(label, channel)
        self.channel.setAccessibleName("Channel")
        self.outbound = QRadioButton("We updated the customer", self)
        self.inbound = QRadioButton("The customer reached out", self)
        self.outbound.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.outbound)
        group.addButton(self.inbound)
        self._extra.addRow("Channel", self.channel)
        self._extra.addRow("Direction", self.outbound)
        self._extra.addRow("", self.inbound)

    @property
    def direction(self) -> Direction:
        return Direction.OUTBOUND if self.outbound.isChecked() else Direction.INBOUND


def ask_contact(parent: QWidget) -> tuple[Channel, Direction, str] | None:
    dialog = LogContactDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return Channel(dialog.channel.currentData()), dialog.direction, dialog.text
