"""Work off the GUI thread, as in Anki's taskman.py: one serialised worker for database work, a small pool for the
rest. Results and errors come back on the main thread through a queued signal, so the callbacks may touch widgets;
nothing that runs on a worker ever does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal, Slot

from escdesk.errors import EscDeskError

T = TypeVar("T")
OnDone = Callable[[T], None]
OnError = Callable[[BaseException], None]

log = logging.getLogger(__name__)


def describe_error(exc: BaseException) -> str:
    """A message fit to show a person: ours as they are, anything else named and logged with its traceback."""
    if isinstance(exc, EscDeskError):
        return str(exc)
    log.error("unexpected error in a background task", exc_info=exc)
    return f"Unexpected error ({type(exc).__name__}): {exc}"


class TaskManager(QObject):
    """Runs functions off the GUI thread and hands their outcome to callbacks on the main thread.

    `run_db` queues work on the one database worker: tasks run one at a time, in the order submitted, so a
    unit of work never races another from this app. `run_in_background` is for work that touches no database.
    After `shutdown` no callback runs and no thread is left alive. Submit from the main thread only.

    Signals:
        task_failed(str): a task submitted without an error callback failed; the message is fit to show.
        idle_changed(bool): the database worker went idle (True) or got work (False).
    """

    task_failed = Signal(str)
    idle_changed = Signal(bool)
    _delivered = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="escdesk-db")
        self._background = ThreadPoolExecutor(max_workers=2, thread_name_prefix="escdesk-bg")
        self._closed = False
        self._db_pending = 0
        # Queued even when emitted from the main thread: a callback never runs inside the call that submitted it.
        self._delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def is_closed(self) -> bool:
        return self._closed

    @property
    def is_idle(self) -> bool:
        return self._db_pending == 0

    def run_db(
        self, fn: Callable[[], T], on_done: OnDone[T] | None = None, on_error: OnError | None = None
    ) -> Future[T]:
        """Queue `fn` on the database worker; `on_done(result)` or `on_error(exc)` later run on the main thread."""
        self._db_pending += 1
        if self._db_pending == 1:
            self.idle_changed.emit(False)
        return self._submit(self._db, fn, partial(self._db_finished, on_done), partial(self._db_failed, on_error))

    def run_in_background(
        self, fn: Callable[[], T], on_done: OnDone[T] | None = None, on_error: OnError | None = None
    ) -> Future[T]:
        """Run `fn` on a pool thread (no database work: that goes to `run_db`); callbacks run on the main thread."""
        return self._submit(self._background, fn, on_done, on_error)

    def shutdown(self) -> None:
        """Drop queued work, wait for the running task, and join every thread. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        for executor in (self._db, self._background):
            executor.shutdown(wait=True, cancel_futures=True)

    def _submit(
        self, executor: ThreadPoolExecutor, fn: Callable[[], T], on_done: OnDone[T] | None, on_error: OnError | None
    ) -> Future[T]:
        if self._closed:
            raise RuntimeError("the task manager has been shut down")
        future = executor.submit(fn)
        future.add_done_callback(lambda f: self._delivered.emit(partial(_settle, f, on_done, on_error, self)))
        return future

    def _db_finished(self, on_done: OnDone[Any] | None, result: Any) -> None:
        self._leave_db()
        if on_done is not None:
            on_done(result)

    def _db_failed(self, on_error: OnError | None, exc: BaseException) -> None:
        self._leave_db()
        if on_error is not None:
            on_error(exc)
        else:
            self.task_failed.emit(describe_error(exc))

    def _leave_db(self) -> None:
        self._db_pending -= 1
        if self._db_pending == 0:
            self.idle_changed.emit(True)

    @Slot(object)
    def _deliver(self, settle: Callable[[], None]) -> None:
        if not self._closed:  # after shutdown the window that asked may be gone
            settle()


def _settle(future: Future[Any], on_done: OnDone[Any] | None, on_error: OnError | None, owner: TaskManager) -> None:
    if future.cancelled():
        return
    exc = future.exception()
    if exc is not None:
        if on_error is not None:
            on_error(exc)
        else:
            owner.task_failed.emit(describe_error(exc))
    elif on_done is not None:
        on_done(future.result())
