"""The main window's non-board pages (busy, problem with choices) and its dismissible notice bar.

They are pages, not modal dialogs: a failing database or a long first run never blocks the event loop, and tests
read them like any widget.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QToolButton, QVBoxLayout, QWidget

Choice = tuple[str, Callable[[], object]]


def _centred_column(parent: QWidget) -> QVBoxLayout:
    """A layout whose content sits in a readable column in the middle of the page."""
    outer = QHBoxLayout(parent)
    outer.addStretch(1)
    inner = QVBoxLayout()
    inner.addStretch(2)
    outer.addLayout(inner, 4)
    outer.addStretch(1)
    return inner


class BusyPage(QWidget):
    """A title, what is happening, and an indeterminate progress bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("busyPage")
        column = _centred_column(self)
        self.title_label = QLabel(self)
        self.title_label.setObjectName("pageTitle")
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail_label = QLabel(self)
        self.detail_label.setWordWrap(True)
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # busy: we cannot say how far along a migration or a query is
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName("Working")
        for widget in (self.title_label, self.detail_label, self.progress):
            column.addWidget(widget)
        column.addStretch(3)

    def show_work(self, title: str, detail: str = "") -> None:
        self.title_label.setText(title)
        self.detail_label.setText(detail)
        self.detail_label.setVisible(bool(detail))


class ProblemPage(QWidget):
    """What went wrong, in words fit for the user, and what they can do next (one button per choice)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemPage")
        column = _centred_column(self)
        self.title_label = QLabel(self)
        self.title_label.setObjectName("pageTitle")
        self.message_label = QLabel(self)
        self.message_label.setObjectName("problemMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._buttons = QHBoxLayout()
        self.buttons: list[QPushButton] = []
        column.addWidget(self.title_label)
        column.addWidget(self.message_label)
        column.addSpacing(self.fontMetrics().height())
        column.addLayout(self._buttons)
        column.addStretch(3)

    @property
    def message(self) -> str:
        return self.message_label.text()

    def show_problem(self, title: str, message: str, choices: Sequence[Choice]) -> None:
        self.title_label.setText(title)
        self.message_label.setText(message)
        for button in self.buttons:
            self._buttons.removeWidget(button)
            button.deleteLater()
        self.buttons = [self._button(label, action) for label, action in choices]
        if self.buttons:
            self.buttons[0].setDefault(True)
        self._buttons.addStretch(1)

    def _button(self, label: str, action: Callable[[], object]) -> QPushButton:
        button = QPushButton(label, self)
        button.clicked.connect(lambda: action())  # not `clicked`'s `checked` argument
        self._buttons.addWidget(button)
        return button


class NoticeBar(QFrame):
    """A non-modal notice above the board (no keyring, a failed reopen ...), closed by the user.

    Signals:
        dismissed(): the user closed the notice.
    """

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(self)
        close.setText("Dismiss")
        close.setAutoRaise(True)
        close.clicked.connect(self._dismiss)
        layout = QHBoxLayout(self)
        margin = self.fontMetrics().height() // 2
        layout.setContentsMargins(margin, margin // 2, margin // 2, margin // 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    @property
    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()

    def show_notice(self, message: str, *, error: bool = False) -> None:
        """Show `message`; notices that arrive while one is shown are listed below it."""
        shown = self.text
        self.label.setText(f"{shown}\n{message}" if shown and message not in shown else message)
        self.setProperty("severity", "error" if error else "info")
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()

    def _dismiss(self) -> None:
        self.hide()
        self.label.clear()
        self.dismissed.emit()
