"""The desk controller: which database is open, opening another, first run, loading the board.

Every database call (resolving and checking the target, connecting, migrating, loading cards, closing) runs on the
TaskManager's database worker; the window only hears the outcome, on the main thread. The one exception is the
launch's database, opened and read by ui.desk_open.EarlyOpen while the window is built: the worker's first task
waits for that read and takes it, so nothing touches the database before or beside it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from escdesk import paths
from escdesk.clock_service import CaseClockView, ClockService
from escdesk.connect import open_database
from escdesk.domain import CaseCard
from escdesk.notices import overdue_now
from escdesk.policy import Policy
from escdesk.services import CaseService
from escdesk.store import Store
from escdesk.store.engine import DatabaseTarget, resolve_target
from ui import dialogs
from ui.desk_open import DeskContext, EarlyOpen, LoadedDesk, Opener, open_and_load, startup_database
from ui.main_window import MainWindow
from ui.pages import Choice
from ui.password import PasswordPrompter
from ui.tasks import TaskManager, describe_error

if TYPE_CHECKING:
    from ui.automatic_moves import MinuteResult

log = logging.getLogger(__name__)

# The first-run demo: a book of business big enough to look real, small enough to generate in a few seconds.
DEMO_CUSTOMERS, DEMO_OPEN_CASES, DEMO_HISTORY, DEMO_SEED = 400, 40, 600, 7


__all__ = ["DeskContext", "DeskController", "Opener", "startup_database"]  # all but DeskController: ui.desk_open


@dataclass(frozen=True)
class _Board:
    """What one board load reads on the worker: the cards and their clocks, evaluated together."""

    cards: list[CaseCard]
    clocks: dict[str, CaseClockView]


class DeskController(QObject):
    """Opens databases and loads the board for one MainWindow, off the GUI thread.

    Signals:
        database_opened(str): a database was opened and migrated; its display name (path or password-less URL).
        board_loaded(int): the board shows the open cases of the current database; their number.
        clocks_updated(int): the board's clocks were re-evaluated (every minute); the number of open cases.
        clocks_failed(str): evaluating the clocks failed; the message shown (the cards stay).
        cases_moved(int): after a minute's clocks, the policy's automatic rules moved cases; how many.
        open_failed(str): a database could not be opened (or demo data not generated); the message for the user.
    """

    database_opened = Signal(str)
    board_loaded = Signal(int)
    clocks_updated = Signal(int)
    clocks_failed = Signal(str)
    cases_moved = Signal(int)
    open_failed = Signal(str)

    def __init__(
        self,
        context: DeskContext,
        window: MainWindow,
        *,
        interactive: bool = True,
        opener: Opener = open_database,
        early: EarlyOpen | None = None,
    ) -> None:
        super().__init__(window)
        self.context = context
        self.window = window
        self.tasks = TaskManager(self)
        self.prompter = PasswordPrompter(self._ask_password if interactive else None, self)
        self._opener = opener
        self._early = early  # the launch's database, opened and read while the window was built (run_app)
        self._interactive = interactive
        self._loaded: LoadedDesk | None = None
        self._retired: list[Store] = []  # replaced databases, closed on the worker (or at shutdown)
        self._arriving: list[LoadedDesk] = []  # opened on the worker, not yet shown: a quit meanwhile closes them
        self._wire()

    def _wire(self) -> None:
        actions = self.window.menu_actions
        # Lambdas: `triggered` passes `checked`, which none of these take.
        actions.new_database.triggered.connect(lambda: self.new_database())
        actions.open_database.triggered.connect(lambda: self.choose_database())
        actions.connect_team.triggered.connect(lambda: self.connect_team_database())
        actions.open_demo.triggered.connect(lambda: self.open_demo())
        actions.refresh.triggered.connect(lambda: self.refresh())
        actions.about.triggered.connect(lambda: dialogs.show_about(self.window))
        self.tasks.idle_changed.connect(lambda idle: self.window.set_working(not idle))
        self.tasks.task_failed.connect(lambda message: self.window.show_notice(message, error=True))
        self.window.board.clocks_stale.connect(self.refresh_clocks)
        self.window.closed.connect(self.shutdown)

    # -- state ------------------------------------------------------------------------------------------------
    @property
    def service(self) -> CaseService | None:
        return None if self._loaded is None else self._loaded.service

    @property
    def target(self) -> DatabaseTarget | None:
        return None if self._loaded is None else self._loaded.target

    # -- opening --------------------------------------------------------------------------------------------------
    def start(self, cli_db: str | None) -> None:
        """Open what the person asked for or used last; with nothing to open, set up the demo (first run)."""
        # The launch's early read already chose (the remembered file is looked for once, so both agree).
        chosen = startup_database(cli_db, self.context.settings) if self._early is None else self._early.database()
        if chosen is None:
            self.first_run()
        else:
            self.open_database_at(chosen)

    def open_database_at(self, value: str | Path, *, create: bool = False) -> None:
        """Open (or with `create`, make) the database at a path or URL; the board shows it once loaded."""
        shown = str(value)
        self._show_busy("Opening the database" if not create else "Creating the database", shown)
        early = None if self._early is None else self._early.claim(value, create=create)
        if early is not None:
            load = partial(self._take_early, early, value)
        else:
            load = partial(self._open_and_load, value, create)
        self.tasks.run_db(lambda: self._arrived(load()), self._opened, self._open_error)

    def _open_and_load(self, value: str | Path, create: bool) -> LoadedDesk:
        """On the worker: resolve, connect (asking for a password if needed), migrate, load every open card."""
        return open_and_load(self.context, value, create=create, opener=self._opener, ask_password=self.prompter)

    def _take_early(self, take: Callable[[], LoadedDesk | None], value: str | Path) -> LoadedDesk:
        """On the worker: wait for the launch's read (its error is this task's); a team database opens here."""
        loaded = take()
        return loaded if loaded is not None else self._open_and_load(value, create=False)

    def _arrived(self, loaded: LoadedDesk) -> LoadedDesk:
        """On the worker: an opened database is ours to close until the window shows it (after shutdown, its
        delivery is dropped; left open, its -wal and -shm stay behind)."""
        self._arriving.append(loaded)
        return loaded

    def _opened(self, loaded: LoadedDesk) -> None:
        self._arriving.remove(loaded)
        previous, self._loaded = self._loaded, loaded
        if previous is not None and previous.opened.store is not loaded.opened.store:
            self._retired.append(previous.opened.store)
            self.tasks.run_db(self._close_retired)
        self.window.statusBar().clearMessage()
        self.window.set_database(loaded.target.display, demo=loaded.is_demo)
        self.window.show_board(loaded.cards, loaded.clocks)
        self.tasks.run_db(
            loaded.clock_service.open_clocks, lambda clocks: self._clocks_ready(loaded, clocks), self._clocks_error
        )
        for notice in loaded.opened.notices:
            self.window.show_notice(notice)
        if loaded.opened.migration.changed and loaded.opened.migration.backup is not None:
            self.window.statusBar().showMessage(
                f"Upgraded; a copy was kept at {loaded.opened.migration.backup}", 15_000
            )
        self._remember(loaded.target)
        self.database_opened.emit(loaded.target.display)
        self.board_loaded.emit(len(loaded.cards))

    def _remember(self, target: DatabaseTarget) -> None:
        """The next launch opens this database again; a screenshot run changes nothing the user chose."""
        settings = self.context.settings
        if not self._interactive or settings.last_database == target.display:
            return
        settings.last_database = target.display
        try:
            settings.save()
        except OSError as exc:
            self.window.show_notice(f"Could not save your settings ({exc}); EscDesk will ask again next time.")

    def _open_error(self, exc: BaseException) -> None:
        message = describe_error(exc)
        if self._loaded is not None:  # the board of the database still open stays; say what failed above it
            self.window.statusBar().clearMessage()
            self.window.show_notice(message, error=True)
        else:
            self.window.show_problem("EscDesk could not open the database", message, self._recovery_choices())
        self.open_failed.emit(message)

    def _recovery_choices(self) -> list[Choice]:
        return [
            ("Open another database…", self.choose_database),
            ("Open demo database", self.open_demo),
            ("Quit", self.window.close),
        ]

    # -- first run and demo -------------------------------------------------------------------------------------
    def first_run(self) -> None:
        """No database yet: generate the demo book of business and open it."""
        self.open_demo(first_run=True)

    def open_demo(self, *, first_run: bool = False) -> None:
        demo_path = paths.demo_database_path()
        writer = _demo_writer()
        if writer is None:
            self._no_demo_available(first_run)
            return
        self._show_busy(
            "Setting up a demo book of business" if first_run else "Opening the demo database",
            "400 customers with their health history and escalations; this takes a few seconds.",
        )
        self.tasks.run_db(lambda: writer(demo_path, self.context.clock.now()), self._demo_ready, self._open_error)

    def _demo_ready(self, demo_path: Path) -> None:
        self.open_database_at(demo_path)

    def _no_demo_available(self, first_run: bool) -> None:
        message = "This installation cannot generate demo data (escdesk.demo is missing)."
        if first_run:
            message = "There is no EscDesk database on this computer yet. " + message
        self.window.show_problem(
            "Welcome to EscDesk" if first_run else "No demo data",
            message + " Create an empty database, open one, or connect to your team's database.",
            [
                ("New empty database…", self.new_database),
                ("Open database…", self.choose_database),
                ("Connect team database…", self.connect_team_database),
            ],
        )
        self.open_failed.emit(message)

    # -- menu actions -------------------------------------------------------------------------------------------
    def new_database(self) -> None:
        path = dialogs.choose_new_database_file(self.window, self._folder())
        if path is not None:
            self.open_database_at(path, create=True)

    def choose_database(self) -> None:
        path = dialogs.choose_database_file(self.window, self._folder())
        if path is not None:
            self.open_database_at(path)

    def connect_team_database(self) -> None:
        current = self.target
        suggestion = current.display if current is not None and not current.is_sqlite else ""
        url = dialogs.ask_team_url(self.window, suggestion)
        if url is not None:
            self.open_database_at(url)

    def refresh(self) -> None:
        loaded = self._loaded
        if loaded is None:
            return
        read = lambda: _load_board(loaded.service, loaded.clock_service)  # noqa: E731
        self.tasks.run_db(read, lambda board: self._refreshed(loaded, board))

    def _refreshed(self, loaded: LoadedDesk, board: _Board) -> None:
        if loaded is self._loaded:  # a reload of a database since replaced by another is dropped
            self.window.show_board(board.cards, board.clocks)
            self.window.statusBar().showMessage("Board refreshed", 3000)
            self.board_loaded.emit(len(board.cards))

    def refresh_clocks(self) -> None:
        """Re-evaluate every open case's clocks on the worker (the minute timer); the cards stay as they are.

        Skipped while other database work is queued: a load in progress brings fresh clocks anyway, and a slow
        database must not pile up one evaluation a minute."""
        loaded = self._loaded
        if loaded is None or not self.tasks.is_idle or self.tasks.is_closed:
            return
        from ui.automatic_moves import evaluate_minute  # the ladder's rules: first needed a minute after start

        minute = lambda: evaluate_minute(loaded.service, loaded.clock_service)  # noqa: E731
        self.tasks.run_db(minute, lambda result: self._minute_done(loaded, result))

    def _minute_done(self, loaded: LoadedDesk, minute: MinuteResult) -> None:
        """The minute's clocks; when the policy's automatic rules moved cases, the board shows them and says why."""
        if loaded is self._loaded and minute.cards is not None:
            self.window.show_board(minute.cards, minute.clocks)
            from ui.automatic_moves import moves_notice

            self.window.show_notice(moves_notice(minute.moved))
            self.cases_moved.emit(len(minute.moved))
        self._clocks_ready(loaded, minute.clocks)

    def apply_policy(self, policy: Policy, policy_file: Path | None) -> None:
        """Use `policy` from now on (a calendar was edited and saved) and re-evaluate every open case's clocks:
        nothing computed from the policy is stored, so the due times move at once (issue 5, T5)."""
        self.context = replace(self.context, policy=policy, policy_file=policy_file, policy_notice=None)
        loaded = self._loaded
        if loaded is None or self.tasks.is_closed:
            return
        loaded.service.policy = policy  # plain attribute writes: a task already running keeps the policy it read
        loaded.clock_service.policy = policy
        self.tasks.run_db(
            loaded.clock_service.open_clocks, lambda clocks: self._clocks_ready(loaded, clocks), self._clocks_error
        )

    def _clocks_ready(self, loaded: LoadedDesk, clocks: dict[str, CaseClockView]) -> None:
        if loaded is self._loaded:
            self.window.board.set_clocks(clocks)
            calendars, now = self.context.policy.clocks.calendars, self.context.clock.now()
            self.window.show_overdue(len(overdue_now(clocks.values(), calendars, now)))
            self.clocks_updated.emit(len(clocks))

    def _clocks_error(self, exc: BaseException) -> None:
        """The cards stay usable without their clocks; say why the due times are missing."""
        message = f"The SLA clocks could not be evaluated: {describe_error(exc)}"
        self.window.show_notice(message, error=True)
        self.clocks_failed.emit(message)

    def _folder(self) -> Path:
        current = self.target
        if current is not None and current.path is not None:
            return current.path.parent
        return paths.data_dir()

    def _show_busy(self, title: str, detail: str) -> None:
        if self._loaded is None:
            self.window.show_busy(title, detail)
        else:
            self.window.statusBar().showMessage(f"{title}: {detail}")

    def _ask_password(self, display: str, reason: str) -> str | None:
        return dialogs.ask_password(self.window, display, reason)

    # -- shutdown -----------------------------------------------------------------------------------------------
    def _close_retired(self) -> None:
        """On the worker: close the databases that were replaced by another."""
        while self._retired:
            self._retired.pop().close()

    def shutdown(self) -> None:
        """Release a worker waiting for a password, stop the workers, then close the databases (no thread can use
        them any more, so closing here cannot race a query)."""
        if self.tasks.is_closed:
            return
        self.prompter.cancel_all()
        self.tasks.shutdown()
        self._retired.extend(arrived.opened.store for arrived in self._arriving)
        self._arriving.clear()
        if self._loaded is not None:
            self._retired.append(self._loaded.opened.store)
            self._loaded = None
        self._close_retired()


def _load_board(service: CaseService, clock_service: ClockService) -> _Board:
    """On the worker: the open cards and their clocks."""
    return _Board(service.open_cards(), clock_service.open_clocks())


def _demo_writer() -> Callable[[Path, datetime], Path] | None:
    """A function that writes (or reuses) the demo database, or None when escdesk.demo is not installed."""
    try:
        from escdesk import demo
    except ImportError:
        return None

    def write(target_path: Path, now: datetime) -> Path:
        if target_path.exists():
            return target_path
        target_path.parent.mkdir(parents=True, exist_ok=True)
        as_of = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        spec = demo.DemoSpec(DEMO_CUSTOMERS, DEMO_OPEN_CASES, DEMO_HISTORY, DEMO_SEED, as_of)
        demo.write_demo_database(resolve_target(target_path), spec)
        return target_path

    return write
