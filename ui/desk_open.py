"""Opening a desk's database and reading its board, without Qt: what the controller's database worker runs, and
what `run_app` starts on a thread of its own at launch, while Qt and the windows load (issue 4).

No Qt here, so the launch can start the read before PySide6 and the widgets are imported: SQLite releases the GIL
while it runs the board's query, and the board is on screen as soon as both halves are ready.
"""

from __future__ import annotations

import getpass
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from escdesk import paths
from escdesk.clock import Clock, SystemClock
from escdesk.clock_service import CaseClockView, ClockService
from escdesk.connect import AskPassword, OpenedDatabase, open_database
from escdesk.domain import CaseCard
from escdesk.errors import DatabaseUnavailable
from escdesk.policy import Policy
from escdesk.policy_store import load_effective_policy
from escdesk.services import CaseService
from escdesk.settings import Settings, remembered_database
from escdesk.store.engine import DatabaseTarget, resolve_target

log = logging.getLogger(__name__)


class Opener(Protocol):
    def __call__(
        self, target: DatabaseTarget, *, create: bool = False, ask_password: AskPassword | None = None
    ) -> OpenedDatabase: ...


@dataclass(frozen=True)
class DeskContext:
    """What the composition root wires once: settings, the clock, the policy and who is using the desk."""

    settings: Settings
    clock: Clock
    policy: Policy
    actor: str
    policy_file: Path | None = None  # the user's policy file in force; None: the shipped default
    policy_notice: str | None = None  # why the user's policy file is not in force (shown once the window is up)


@dataclass(frozen=True)
class LoadedDesk:
    """An opened database, its services, and the board read when it opened (its clocks follow)."""

    target: DatabaseTarget
    opened: OpenedDatabase
    service: CaseService
    clock_service: ClockService
    cards: list[CaseCard]
    clocks: dict[str, CaseClockView]
    is_demo: bool


def _actor() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (some containers): still record something honest
        return "unknown user"


def make_context() -> DeskContext:
    """The user's policy file when it is valid, else the default (a broken file is named in a notice)."""
    effective = load_effective_policy()
    return DeskContext(
        settings=Settings.load(),
        clock=SystemClock(),
        policy=effective.policy,
        actor=_actor(),
        policy_file=effective.source,
        policy_notice=effective.notice,
    )


def startup_database(cli_db: str | None, settings: Settings) -> str | None:
    """The database to open at launch: --db, else the last one used if it still exists, else the default file;
    None means first run (no database yet)."""
    return cli_db if cli_db is not None else remembered_database(settings)


def is_demo(target: DatabaseTarget) -> bool:
    return target.path is not None and target.path == paths.demo_database_path().absolute()


def open_and_load(
    context: DeskContext,
    value: str | Path,
    *,
    create: bool = False,
    opener: Opener = open_database,
    ask_password: AskPassword | None = None,
) -> LoadedDesk:
    """Off the GUI thread: resolve, connect (asking for a password if needed), migrate, read every open card."""
    target = resolve_target(value)
    if create and target.path is not None and target.path.exists():
        raise DatabaseUnavailable(f"{target.path} already exists; use Open database… to open it")
    opened = opener(target, create=create, ask_password=ask_password)
    try:
        service = CaseService(opened.store, context.clock, context.policy, context.actor)
        clock_service = ClockService(opened.store, context.clock, context.policy)
        demo = opened.is_demo or is_demo(target)  # a database query: stays off the GUI thread
        # Cards only: the board shows at once, the clocks follow in a second task (DeskController._opened).
        return LoadedDesk(target, opened, service, clock_service, service.open_cards(), {}, demo)
    except BaseException:
        opened.store.close()
        raise


class EarlyOpen:
    """The launch's context and its database's board, made on a thread started before Qt is imported.

    The thread builds the context (policy, settings), then opens the database the launch will open (--db, else
    the last one used) and reads its cards, exactly as the controller's worker would. The controller's first
    open claims the result (`claim`) and its worker task takes it, waiting for the thread, so database work stays
    serialised: nothing else touches the database before that task. A team database is left to the worker, which
    can ask for a password; so is a first run. `close` joins the thread and closes a database nobody took.
    """

    def __init__(self, cli_db: str | None) -> None:
        self._cli_db = cli_db
        self._context: Future[DeskContext] = Future()
        self._loaded: Future[LoadedDesk | None] = Future()
        self._chosen: str | None = None
        self._claimed = False
        self._taken = False
        self._thread = threading.Thread(target=self._run, name="escdesk-early-open")
        self._thread.start()

    def context(self) -> DeskContext:
        """The launch's context (waits for it); raises what make_context raised (a PolicyError, say)."""
        return self._context.result()

    def database(self) -> str | None:
        """The database the launch opens: --db, else the last one used; None for a first run (waits for it)."""
        self._context.exception()  # the choice is made with the context
        return self._chosen

    def claim(self, value: str | Path, *, create: bool = False) -> Callable[[], LoadedDesk | None] | None:
        """Once, when `value` is the database the thread opens: the function that waits for its read and returns
        it (or raises its error); None from that function: the thread did not open it, open it as usual."""
        if self._claimed or create or self._context.exception() is not None or str(value) != self._chosen:
            return None  # (exception() waits for the context, the choice of database with it)
        self._claimed = True
        return self._take

    def _take(self) -> LoadedDesk | None:
        self._taken = True
        return self._loaded.result()

    def close(self) -> None:
        """Wait for the thread; close the early database when no desk took it (after the desk's shutdown)."""
        self._thread.join()
        if self._taken or self._loaded.exception() is not None:
            return
        loaded = self._loaded.result()
        if loaded is not None:
            loaded.opened.store.close()

    def _run(self) -> None:
        try:
            context = make_context()
            self._chosen = startup_database(self._cli_db, context.settings)
        except BaseException as exc:  # run_desk raises it on the main thread (a PolicyError is reported there)
            self._context.set_exception(exc)
            self._loaded.set_result(None)
            return
        self._context.set_result(context)
        try:
            self._loaded.set_result(self._read(context, self._chosen))
        except BaseException as exc:  # the worker that claims it re-raises it, and the window says why
            self._loaded.set_exception(exc)

    @staticmethod
    def _read(context: DeskContext, chosen: str | None) -> LoadedDesk | None:
        if chosen is None or not resolve_target(chosen).is_sqlite:
            return None
        return open_and_load(context, chosen)
