"""The worker threads: results and errors on the main thread, one database task at a time, clean shutdown."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from escdesk.errors import DatabaseUnavailable
from ui.password import PasswordPrompter
from ui.tasks import TaskManager, describe_error


@pytest.fixture
def tasks(qapp: QApplication) -> Iterator[TaskManager]:
    manager = TaskManager()
    yield manager
    manager.shutdown()
    manager.deleteLater()


def test_result_arrives_on_the_main_thread(qtbot: QtBot, tasks: TaskManager) -> None:
    seen: dict[str, object] = {}

    def work() -> int:
        seen["worker"] = threading.current_thread().name
        return 42

    def done(value: int) -> None:
        seen["value"] = value
        seen["callback"] = threading.current_thread() is threading.main_thread()

    with qtbot.waitSignal(tasks.idle_changed, check_params_cb=lambda idle: idle):
        tasks.run_db(work, done)
    assert seen == {"worker": seen["worker"], "value": 42, "callback": True}
    assert str(seen["worker"]).startswith("escdesk-db")
    assert tasks.is_idle


def test_errors_go_to_the_error_callback_or_the_signal(qtbot: QtBot, tasks: TaskManager) -> None:
    caught: list[BaseException] = []

    def fail() -> None:
        raise DatabaseUnavailable("the file is gone")

    with qtbot.waitSignal(tasks.idle_changed, check_params_cb=lambda idle: idle):
        tasks.run_db(fail, on_error=caught.append)
    assert [str(e) for e in caught] == ["the file is gone"]
    with qtbot.waitSignal(tasks.task_failed) as blocker:
        tasks.run_in_background(fail)
    assert blocker.args == ["the file is gone"]


def test_database_tasks_run_one_at_a_time_in_order(qtbot: QtBot, tasks: TaskManager) -> None:
    order: list[int] = []
    running = threading.Semaphore(1)

    def step(n: int) -> int:
        assert running.acquire(blocking=False), "two database tasks ran at once"
        order.append(n)
        running.release()
        return n

    delivered: list[int] = []
    with qtbot.waitSignal(tasks.idle_changed, check_params_cb=lambda idle: idle):
        for n in range(20):
            tasks.run_db(partial(step, n), delivered.append)
    assert order == list(range(20)) == delivered


def test_shutdown_joins_threads_and_drops_late_results(qtbot: QtBot, qapp: QApplication) -> None:
    manager = TaskManager()
    release = threading.Event()
    delivered: list[str] = []

    def late() -> str:
        release.wait(5)
        return "late"

    manager.run_db(late, delivered.append)
    release.set()
    manager.shutdown()
    qapp.processEvents()
    assert delivered == []
    assert not [t for t in threading.enumerate() if t.name.startswith("escdesk-")]
    with pytest.raises(RuntimeError):
        manager.run_db(lambda: None)
    manager.deleteLater()


def test_unexpected_errors_are_named() -> None:
    assert describe_error(DatabaseUnavailable("no such file")) == "no such file"
    assert (
        describe_error(ZeroDivisionError("division by zero"))
        == "Unexpected error (ZeroDivisionError): division by zero"
    )


def test_prompter_asks_on_the_main_thread(qtbot: QtBot, qapp: QApplication) -> None:
    asked: list[tuple[str, str, bool]] = []

    def dialog(display: str, reason: str) -> str:
        asked.append((display, reason, threading.current_thread() is threading.main_thread()))
        return "s3cret"

    prompter = PasswordPrompter(dialog)
    answers: list[str | None] = []
    worker = threading.Thread(target=lambda: answers.append(prompter("db.example.com", "a password is needed")))
    worker.start()
    qtbot.waitUntil(lambda: bool(answers))
    worker.join()
    assert answers == ["s3cret"]
    assert asked == [("db.example.com", "a password is needed", True)]
    prompter.deleteLater()


def test_cancelling_releases_a_waiting_worker(qtbot: QtBot, qapp: QApplication) -> None:
    prompter = PasswordPrompter(lambda _display, _reason: pytest.fail("no dialog after cancel"))
    answers: list[str | None] = []
    posted = threading.Event()  # set on the worker when its question is queued for the main thread
    prompter._posted.connect(lambda _question: posted.set(), Qt.ConnectionType.DirectConnection)
    worker = threading.Thread(target=lambda: answers.append(prompter("db", "a password is needed")))
    worker.start()
    assert posted.wait(5)
    prompter.cancel_all()  # e.g. the window closed before the main thread showed the dialog
    worker.join(5)
    assert answers == [None]
    assert prompter("db", "again") is None  # anyone asking later is answered at once
    qapp.processEvents()
    prompter.deleteLater()


def test_nobody_to_ask_means_none(qapp: QApplication) -> None:
    prompter = PasswordPrompter(None)
    assert prompter("db", "a password is needed") is None
    prompter.deleteLater()
