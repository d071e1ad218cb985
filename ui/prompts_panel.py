"""Who to bring in and when to go up a level, for one case: the rules' prompts with accept / dismiss / done.

Each involvement is one small row (a case has a handful): the prompt sentence, who decided what and when, overdue
ones in red, and the drafted message to that leader (copied to the clipboard, or opened in the mail client). The
ladder prompts ("Move to at least L3 VP CS: because ...") head the panel; the signals a person knows and no import
can tell (a legal letter, press, their exec called ours) are checkboxes below, and setting one re-runs the rules.

Every read and change runs on the controller's database worker (escdesk.prompt_service); the panel only shows
what comes back and asks for a reason before a dismissal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from escdesk.domain import InvolvementStatus
from escdesk.facts import SIGNALS
from escdesk.prompt_messages import DraftMessage
from escdesk.prompt_service import CasePromptView, InvolvementView, PromptService
from escdesk.prompts import format_instant
from escdesk.zones import user_zone, zone_label
from ui.controller import DeskController
from ui.tasks import describe_error

log = logging.getLogger(__name__)
T = TypeVar("T")
STYLE = """
#involvementRow { border-left: 3px solid transparent; border-radius: 4px; }
#involvementRow[overdue="true"] { background: rgba(198, 40, 40, 0.10); border-left: 3px solid #c62828; }
#involvementState[overdue="true"] { color: #c62828; font-weight: bold; }
#involvementRow[settled="true"] #involvementSentence { color: palette(placeholder-text); }
#ladderPrompt { font-weight: bold; color: #8a5a00; }
#promptsError { color: #c62828; }
"""
_OPEN_STATES = (InvolvementStatus.PROPOSED, InvolvementStatus.ACCEPTED)


def ask_dismiss_reason(parent: QWidget, role_label: str) -> str | None:
    """Why this involvement is not needed (tests replace this); None when the person cancels."""
    text, ok = QInputDialog.getText(parent, "Dismiss involvement", f"Why is {role_label} not needed on this case?")
    return text if ok else None


def open_mail(url: str) -> None:
    """The mail client with the drafted message; nothing on the offscreen platform (no desktop to show it on)."""
    if QGuiApplication.platformName() == "offscreen":
        return
    if not QDesktopServices.openUrl(QUrl(url)):
        log.warning("no mail client opened the drafted message")


def state_text(item: InvolvementView, zone: str) -> str:
    """'Proposed · overdue, was due Thu 03 Dec 05:11 UTC' or 'Dismissed by dana, Thu 03 Dec 10:02: on the bridge'."""
    due = f"due {format_instant(item.due_at, zone)}" if item.due_at else "no due time"
    if item.status in _OPEN_STATES:
        decided = f" by {item.decided_by}" if item.status is InvolvementStatus.ACCEPTED and item.decided_by else ""
        lead = f"{item.status.value.capitalize()}{decided}"
        return f"{lead} · overdue, was {due}" if item.overdue else f"{lead} · {due}"
    at = item.done_at if item.status is InvolvementStatus.DONE else item.decided_at
    when = f", {format_instant(at, zone)}" if at else ""
    who = f" by {item.decided_by}" if item.decided_by and item.status is InvolvementStatus.DISMISSED else ""
    reason = f": {item.reason}" if item.reason and item.status is InvolvementStatus.DISMISSED else ""
    return f"{item.status.value.capitalize()}{who}{when}{reason}"


class InvolvementRow(QFrame):
    """One involvement: the sentence, its state, and the buttons that apply to it."""

    def __init__(self, item: InvolvementView, zone: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.item = item
        self.setObjectName("involvementRow")
        self.setProperty("overdue", item.overdue)
        self.setProperty("settled", item.status not in _OPEN_STATES)
        self.sentence = QLabel(item.sentence_in(zone), self)
        self.sentence.setObjectName("involvementSentence")
        self.sentence.setWordWrap(True)
        self.state = QLabel(state_text(item, zone), self)
        self.state.setObjectName("involvementState")
        self.state.setProperty("overdue", item.overdue)
        labels = ("Accept", "Dismiss…", "Done", "Copy message", "Open in mail")
        self.accept, self.dismiss, self.done, self.copy, self.mail = (QPushButton(t, self) for t in labels)
        self.accept.setEnabled(item.status is InvolvementStatus.PROPOSED)
        self.dismiss.setEnabled(item.status in _OPEN_STATES)
        self.done.setEnabled(item.status in _OPEN_STATES)
        for button in (self.copy, self.mail):
            button.setEnabled(item.prompt is not None)
        buttons = QHBoxLayout()
        for button in (self.accept, self.dismiss, self.done, self.copy, self.mail):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.sentence)
        layout.addWidget(self.state)
        layout.addLayout(buttons)


class PromptsPanel(QWidget):
    """The prompts of one case (`show_case`), with the decisions on them.

    Signals:
        case_changed(str): an involvement, a signal or the policy version of the case changed; the case id.
        prompts_shown(int): the case's prompts are on screen; the number of involvement rows.
        message_copied(str): a drafted message was put on the clipboard; its subject.
        failed(str): loading or a change failed; the message shown in the panel.
    """

    case_changed = Signal(str)
    prompts_shown = Signal(int)
    message_copied = Signal(str)
    failed = Signal(str)

    def __init__(self, controller: DeskController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.case_id: str | None = None
        self.view: CasePromptView | None = None
        self.rows: dict[str, InvolvementRow] = {}
        self.move_button: QPushButton | None = None  # "Move to L4 COO" under the ladder prompt, when there is one
        self.setStyleSheet(STYLE)
        self.header = QLabel("Select a case to see who to bring in.", self)
        self.header.setWordWrap(True)
        self.reapply = QPushButton("Re-apply the policy in force", self)
        self.reapply.hide()
        self.reapply.clicked.connect(self._reapply)
        self.error = QLabel(self)
        self.error.setObjectName("promptsError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.ladder = QVBoxLayout()
        self.involvements = QVBoxLayout()
        self.signals = self._signal_boxes()
        layout = QVBoxLayout(self)
        for widget in (self.header, self.reapply, self.error):
            layout.addWidget(widget)
        layout.addLayout(self.ladder)
        layout.addLayout(self.involvements)
        layout.addWidget(self.signals)
        layout.addStretch(1)

    def _signal_boxes(self) -> QGroupBox:
        group = QGroupBox("Signals", self)
        grid = QGridLayout(group)
        self.checks: dict[str, QCheckBox] = {}
        for index, (value, label) in enumerate(SIGNALS):
            box = QCheckBox(label, group)
            box.setEnabled(False)
            box.clicked.connect(lambda checked, v=value: self._set_signal(v, checked))
            grid.addWidget(box, index // 2, index % 2)
            self.checks[value] = box
        return group

    # -- showing ----------------------------------------------------------------------------------------------
    def show_case(self, case_id: str) -> None:
        """Load and show the case's prompts (the load syncs the rules' proposals, on the database worker)."""
        self.case_id = case_id
        self._run(lambda service: service.case_prompts(case_id), self._show)

    def _show(self, view: CasePromptView) -> None:
        if view.case_id != self.case_id:
            return  # another case was chosen while this one loaded
        self.view = view
        self.error.hide()
        note = f" · policy {view.policy_version}"
        if view.needs_reapply:
            note += f" (in force: {view.policy_in_force})"
        zone = self._zone()
        shown_in = f"Times in {zone_label(self.controller.context.clock.now(), zone)}"
        self.header.setText(f"<b>{view.reference}</b> {view.title}{note}<br><small>{shown_in}</small>")
        self.reapply.setVisible(view.needs_reapply)
        self._fill_ladder(view)
        self._fill_involvements(view)
        for value, box in self.checks.items():
            box.setEnabled(True)
            box.setChecked(value in view.flags)
        self.prompts_shown.emit(len(self.rows))

    def _fill_ladder(self, view: CasePromptView) -> None:
        _clear(self.ladder)
        self.move_button = None
        for prompt in view.ladder:
            label = QLabel(prompt.sentence(), self)
            label.setObjectName("ladderPrompt")
            label.setWordWrap(True)
            self.ladder.addWidget(label)
            self.move_button = QPushButton(f"Move to {prompt.to_level.code} {prompt.level_name}", self)
            self.move_button.clicked.connect(self._follow_ladder)
            self.ladder.addWidget(self.move_button)

    def _fill_involvements(self, view: CasePromptView) -> None:
        _clear(self.involvements)
        self.rows = {}
        zone = self._zone()
        ordered = sorted(view.involvements, key=lambda i: (i.status not in _OPEN_STATES, not i.overdue))
        for item in ordered:
            row = InvolvementRow(item, zone, self)
            row.accept.clicked.connect(lambda _=False, i=item.id: self._decide(i, "accept"))
            row.dismiss.clicked.connect(lambda _=False, i=item: self._dismiss(i))
            row.done.clicked.connect(lambda _=False, i=item.id: self._decide(i, "done"))
            row.copy.clicked.connect(lambda _=False, i=item.id: self._draft(i, self._copy))
            row.mail.clicked.connect(lambda _=False, i=item.id: self._draft(i, lambda d: open_mail(d.mailto())))
            self.involvements.addWidget(row)
            self.rows[item.id] = row
        if not ordered:
            self.involvements.addWidget(QLabel("No rule asks for anyone on this case.", self))

    # -- changes ----------------------------------------------------------------------------------------------
    def _decide(self, involvement_id: str, action: str) -> None:
        def change(service: PromptService) -> CasePromptView:
            return service.accept(involvement_id) if action == "accept" else service.done(involvement_id)

        self._run(change, self._changed)

    def _dismiss(self, item: InvolvementView) -> None:
        reason = ask_dismiss_reason(self, item.role_label)
        if reason is None:
            return
        if not reason.strip():
            self._fail("Say why this involvement is dismissed: the reason is kept in the case history.")
            return
        self._run(lambda service: service.dismiss(item.id, reason), self._changed)

    def _set_signal(self, signal: str, on: bool) -> None:
        case_id = self.case_id
        if case_id is not None:
            self._run(lambda service: service.set_signal(case_id, signal, on), self._changed)

    def _follow_ladder(self) -> None:
        case_id = self.case_id
        if case_id is not None:
            self._run(lambda service: service.follow_ladder(case_id), self._changed)

    def _reapply(self) -> None:
        case_id = self.case_id
        if case_id is not None:
            self._run(lambda service: service.reapply_policy(case_id), self._changed)

    def _changed(self, view: CasePromptView) -> None:
        self._show(view)
        self.case_changed.emit(view.case_id)

    def _draft(self, involvement_id: str, then: Callable[[DraftMessage], None]) -> None:
        self._run(lambda service: service.draft(involvement_id), then)

    def _copy(self, draft: DraftMessage) -> None:
        QGuiApplication.clipboard().setText(draft.text())
        self.message_copied.emit(draft.subject)

    # -- plumbing ---------------------------------------------------------------------------------------------
    def _zone(self) -> str:
        return user_zone(self.controller.context.settings.display_timezone)

    def _run(self, work: Callable[[PromptService], T], then: Callable[[T], None]) -> None:
        case_service = self.controller.service
        if case_service is None:
            self._fail("Open a database first.")
            return
        context = self.controller.context
        policy_file = context.policy_file

        def task() -> T:  # on the database worker
            data = _policy_json(policy_file)
            return work(PromptService(case_service.store, case_service.clock, context.policy, context.actor, data))

        self.controller.tasks.run_db(task, then, lambda exc: self._fail(describe_error(exc)))

    def _fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.failed.emit(message)


def _policy_json(policy_file: Any) -> dict[str, Any] | None:
    """The JSON of the policy in force, stored per version so cases can keep theirs; None when unreadable."""
    from escdesk.policy import PolicyError, read_policy_data
    from resources import resource_path

    path = policy_file or resource_path("policy", "default.json")
    try:
        return read_policy_data(path)  # the same limits as every other reader of a policy file
    except PolicyError:
        return None


def _clear(layout: QVBoxLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = None if item is None else item.widget()
        if widget is not None:
            widget.deleteLater()
