"""The reason asked for every move: a small dialog whose OK stays disabled until a reason is written (an empty
reason is refused here, and again by the service, which records the reason in the case history)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

REASON_HINT = "A reason is required: it is recorded in the case history with your name and the time."


class ReasonDialog(QDialog):
    """Asks why a case moves. `reason()` is the text, stripped; OK is enabled only when it is not empty."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(title)
        self.prompt = QLabel(prompt, self)
        self.prompt.setWordWrap(True)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("reasonEditor")
        self.editor.setAccessibleName("Reason")
        self.editor.setPlaceholderText("Why? e.g. customer exec called our COO; outage affects all EU users")
        self.editor.setTabChangesFocus(True)
        self.editor.setFixedHeight(self.fontMetrics().height() * 4)
        self.prompt.setBuddy(self.editor)
        hint = QLabel(REASON_HINT, self)
        hint.setWordWrap(True)
        hint.setEnabled(False)  # the palette's disabled text: quieter, in light and dark themes alike
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.editor.textChanged.connect(self._update_ok)
        layout = QVBoxLayout(self)
        for widget in (self.prompt, self.editor, hint, self.buttons):
            layout.addWidget(widget)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        self._update_ok()

    def reason(self) -> str:
        return self.editor.toPlainText().strip()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def accept(self) -> None:
        if self.reason():  # Enter with an empty text does nothing: the move needs a reason
            super().accept()

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.reason()))


def ask_reason(parent: QWidget | None, title: str, prompt: str) -> str | None:
    """The reason written, or None when the person cancelled."""
    dialog = ReasonDialog(title, prompt, parent)
    try:
        return dialog.reason() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
