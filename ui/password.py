"""Asking for a team database password from the database worker without ever showing a dialog off the main thread.

`escdesk.connect.open_database` runs on the worker and calls `ask(display, reason)` when keyring has no usable
password. The worker posts the question to the main thread and blocks until the person answers or cancels.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, Signal, Slot

# (target display, why we ask) -> the password typed, or None when the person cancelled.
PasswordDialog = Callable[[str, str], str | None]


@dataclass(eq=False)
class _Question:
    display: str
    reason: str
    answer: str | None = None
    answered: threading.Event = field(default_factory=threading.Event)


class PasswordPrompter(QObject):
    """The `AskPassword` callable handed to `open_database`, safe to call from any thread.

    `dialog` runs on the main thread (the real one is `ui.dialogs.ask_password`). With `dialog=None` nobody can be
    asked (a --screenshot run) and every question is answered None. `cancel_all` releases a waiting worker, so
    shutting down never deadlocks on an unanswered question.

    Signals:
        asked(str, str): a question (display, reason) is about to be shown on the main thread.
    """

    asked = Signal(str, str)
    _posted = Signal(object)

    def __init__(self, dialog: PasswordDialog | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dialog = dialog
        self._lock = threading.Lock()
        self._waiting: set[_Question] = set()
        self._closed = False
        self._posted.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def __call__(self, display: str, reason: str) -> str | None:
        if self._dialog is None or self._closed:
            return None
        if threading.current_thread() is threading.main_thread():
            self.asked.emit(display, reason)
            return self._dialog(display, reason)
        question = _Question(display, reason)
        with self._lock:
            if self._closed:
                return None
            self._waiting.add(question)
        self._posted.emit(question)
        question.answered.wait()
        with self._lock:
            self._waiting.discard(question)
        return question.answer

    def cancel_all(self) -> None:
        """Answer None to every waiting question and to any asked later."""
        with self._lock:
            self._closed = True
            waiting = list(self._waiting)
        for question in waiting:
            question.answered.set()

    @Slot(object)
    def _show(self, question: _Question) -> None:
        if question.answered.is_set() or self._dialog is None or self._closed:
            return
        self.asked.emit(question.display, question.reason)
        try:
            question.answer = self._dialog(question.display, question.reason)
        finally:
            question.answered.set()
