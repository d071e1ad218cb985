"""Moving cases on the board: drag and drop between columns, the keyboard (Ctrl+Shift+Right/Left), resolving (the
Resolved drop zone, Ctrl+Shift+R), and undo of the last move (Ctrl+Z).

Every move asks for a reason, then runs as one domain operation on the database worker (CaseService.move_level or
set_status, with the version the board showed). The board changes only when the service has committed: a refused
move leaves the card where it was (it "snaps back") and its reason is shown; a stale version (someone else changed
the case) says so and reloads that case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal

from escdesk.domain import CaseCard, CaseStatus, Level
from escdesk.errors import StaleCase
from escdesk.services import CaseService
from ui.board import BoardWidget
from ui.tasks import TaskManager, describe_error

AskReason = Callable[[str, str], str | None]  # (title, prompt) -> the reason, or None when cancelled
Notify = Callable[[str, bool], None]  # (message, is_error)
UNDO_PREFIX = "Undo: "


@dataclass(frozen=True)
class Move:
    """One committed change the board can undo: a level move, or a status change (a resolve)."""

    case_id: str
    reference: str
    before: Level | CaseStatus
    after: Level | CaseStatus
    reason: str

    def describe(self) -> str:
        return f"{self.reference} {_target_text(self.after)}"


def _target_text(target: Level | CaseStatus) -> str:
    return f"moved to {target.code}" if isinstance(target, Level) else f"set to {target.value.replace('_', ' ')}"


class MoveController(QObject):
    """Turns the board's move requests (drops, keyboard, menu) into service calls and their outcome into the board.

    `service` gives the CaseService of the database open now (None: nothing open); `ask_reason` asks the person
    (a dialog in the app, a stub in tests); `notify` shows a message (errors in the notice bar).

    Signals:
        move_done(str): a move committed and the board shows it; the case id.
        move_refused(str): a move was refused (or failed); the message shown. The card did not move.
        undo_changed(bool): whether there is a move to undo.
    """

    move_done = Signal(str)
    move_refused = Signal(str)
    undo_changed = Signal(bool)

    def __init__(
        self,
        board: BoardWidget,
        tasks: TaskManager,
        service: Callable[[], CaseService | None],
        ask_reason: AskReason,
        notify: Notify,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.board = board
        self.tasks = tasks
        self._service = service
        self.ask_reason = ask_reason  # public: tests answer for the person
        self._notify = notify
        self._undo: list[list[Move]] = []  # gestures, the last one last; a gesture may move several cases
        # Queued: the reason dialog opens after the drop has finished, never inside the drag's own event loop.
        board.move_requested.connect(self.request_move, Qt.ConnectionType.QueuedConnection)
        board.resolve_requested.connect(self.request_resolve, Qt.ConnectionType.QueuedConnection)

    @property
    def can_undo(self) -> bool:
        """A committed gesture to undo (one whose moves all failed, or still wait, has nothing)."""
        return any(self._undo)

    def clear_undo(self) -> None:
        """Another database was opened: its cases are not the ones the stack remembers."""
        self._undo.clear()
        self.undo_changed.emit(False)

    # -- requests ---------------------------------------------------------------------------------------------
    def escalate_selected(self) -> None:
        self._step_selected(+1)

    def deescalate_selected(self) -> None:
        self._step_selected(-1)

    def resolve_selected(self) -> None:
        self.request_resolve(self.board.selected_case_ids())

    def request_move(self, case_ids: list[str], to_level: Level) -> None:
        cards = [c for c in self._cards(case_ids) if c.level != to_level]
        if not cards:
            return
        title = f"Move to {to_level.code} · {self.board.columns[to_level].title_label.text().split(' · ', 1)[-1]}"
        reason = self._proceed(cards, title, f"Why does {_references(cards)} move to {to_level.code}?")
        if reason is not None:
            self._run(cards, to_level, reason)

    def request_resolve(self, case_ids: list[str]) -> None:
        cards = [c for c in self._cards(case_ids) if c.status.is_active]
        if not cards:
            self._refused("Only open cases can be resolved; the case is already resolved")
            return
        reason = self._proceed(cards, "Resolve", f"How was {_references(cards)} resolved?")
        if reason is not None:
            self._run(cards, CaseStatus.RESOLVED, reason)

    def undo(self) -> None:
        """Move the cases of the last gesture back, with the reason 'Undo: <original reason>'."""
        self._undo = [gesture for gesture in self._undo if gesture]  # a gesture still waiting has nothing yet
        if not self._undo:
            return
        gesture = self._undo.pop()
        self.undo_changed.emit(self.can_undo)
        for move in gesture:
            card = self.board.card(move.case_id)
            if card is None:
                self._refused(f"{move.reference} is no longer on the board; nothing to undo")
                continue
            self._submit(card, move.before, UNDO_PREFIX + move.reason, remember=False)

    # -- running ----------------------------------------------------------------------------------------------
    def _step_selected(self, step: int) -> None:
        cards = self._cards(self.board.selected_case_ids())
        if not cards:
            return
        target = cards[0].level.value + step
        if not Level.L0.value <= target <= Level.L5.value:
            self._refused(f"{cards[0].reference} is already at {cards[0].level.code}")
            return
        self.request_move([c.id for c in cards if c.level == cards[0].level], Level(target))

    def _proceed(self, cards: list[CaseCard], title: str, prompt: str) -> str | None:
        """Ask the reason; None when cancelled or empty (refused: every move needs one)."""
        reason = self.ask_reason(title, prompt)
        if reason is None:
            return None
        reason = reason.strip()
        if not reason:
            self._refused(f"{_references(cards)} did not move: a move needs a reason (it goes into the history)")
            return None
        return reason

    def _run(self, cards: list[CaseCard], target: Level | CaseStatus, reason: str) -> None:
        gesture: list[Move] = []
        self._undo.append(gesture)  # filled as the service confirms; an empty gesture is dropped
        for card in cards:
            self._submit(card, target, reason, remember=True, gesture=gesture)

    def _submit(
        self,
        card: CaseCard,
        target: Level | CaseStatus,
        reason: str,
        *,
        remember: bool,
        gesture: list[Move] | None = None,
    ) -> None:
        service = self._service()
        if service is None or self.tasks.is_closed:
            return
        before: Level | CaseStatus = card.level if isinstance(target, Level) else card.status
        if isinstance(target, Level):
            work: Callable[[], CaseCard] = lambda: service.move_level(card.id, target, reason, card.version)  # noqa: E731
        else:
            work = lambda: service.set_status(card.id, target, reason, card.version)  # noqa: E731
        move = Move(card.id, card.reference, before, target, reason)
        self.tasks.run_db(
            work,
            lambda moved: self._committed(moved, move, gesture if remember else None),
            lambda exc: self._failed(exc, card, service),
        )

    def _committed(self, moved: CaseCard, move: Move, gesture: list[Move] | None) -> None:
        self.board.put_card(moved)
        if gesture is not None:
            gesture.append(move)
            self.undo_changed.emit(True)
        self._notify(f"{move.describe()} · {move.reason}", False)
        self.move_done.emit(moved.id)

    def _failed(self, exc: BaseException, card: CaseCard, service: CaseService) -> None:
        self.undo_changed.emit(self.can_undo)
        message = describe_error(exc)
        if isinstance(exc, StaleCase):
            message += ". The board now shows it as it is"
            self.tasks.run_db(lambda: service.card(card.id), self.board.put_card)
        else:
            self.board.select_case(card.id)  # the card stayed where it was: show which one was refused
        self._refused(message)

    def _refused(self, message: str) -> None:
        self._notify(message, True)
        self.move_refused.emit(message)

    def _cards(self, case_ids: list[str]) -> list[CaseCard]:
        found = (self.board.card(case_id) for case_id in case_ids)
        return [card for card in found if card is not None]


def _references(cards: list[CaseCard]) -> str:
    shown = ", ".join(card.reference for card in cards[:3])
    return shown + (f" and {len(cards) - 3} more" if len(cards) > 3 else "")
