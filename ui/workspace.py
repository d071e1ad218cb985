"""The case workspace: one case in full beside the board, with every action a lead takes on it.

It lives in a dock beside the board (ui.workspace_dock), opened on a card's double-click or Enter, and on a case
created with Case > New case….

Every action runs on the controller's database worker: the service call with the version the user saw, then a
fresh read of the case (ui.workspace_data). The workspace then shows what the service returned and the board
reloads; a refusal (an open required step, a missing reason) or a stale version (someone else saved the case) is
shown in the workspace's message line, in words. A stale version also opens Reload / Merge (ui.workspace_stale):
merge runs the action again on the saved case unless it clashes with their change and the person keeps theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from escdesk.domain import CaseCard, CaseStatus, EventKind, Level
from escdesk.errors import StaleCase
from escdesk.policy import Policy
from escdesk.services import CaseService
from escdesk.zones import user_zone
from ui.checklist_panel import ChecklistPanel
from ui.controller import DeskController
from ui.tasks import describe_error
from ui.timeline_view import TimelineModel, TimelineView
from ui.workspace_actions import WorkspaceActions
from ui.workspace_data import WorkspaceSnapshot, load_workspace
from ui.workspace_deadlines import DeadlinesBox
from ui.workspace_header import CustomerBox, WorkspaceHeader
from ui.workspace_stale import offer_reload_or_merge

NOTE_KINDS = frozenset({EventKind.NOTE, EventKind.CUSTOMER_CONTACT})
Change = Callable[[CaseService, str, int], object]  # (service, case id, expected version) -> anything


class CaseWorkspace(WorkspaceActions, QWidget):
    """Header, actions, customer box beside the deadlines box, and the tabs (checklist, timeline, notes &
    contacts, involvement prompts).

    Signals:
        case_loaded(str): a case is shown (opened or refreshed); its id.
        case_changed(str): an action on the shown case was saved; its id.
        action_refused(str): an action was refused or the case was stale; the message shown.
        stale_offered(StaleCaseDialog): someone else saved the case first; the Reload / Merge dialog is open.
    """

    case_loaded = Signal(str)
    case_changed = Signal(str)
    action_refused = Signal(str)
    stale_offered = Signal(object)

    def __init__(self, controller: DeskController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseWorkspace")
        self.controller = controller
        self.snapshot: WorkspaceSnapshot | None = None
        self._request = 0  # loads answered out of order (a quick second activation) are dropped
        self.header = WorkspaceHeader(self)
        self.message = QLabel(self)
        self.message.setObjectName("workspaceMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.customer_box = CustomerBox(self)
        self.deadlines_box = DeadlinesBox(self)
        self.checklist = ChecklistPanel(self)
        zone = self.zone
        self.timeline_model = TimelineModel(self.policy, zone, parent=self)
        self.notes_model = TimelineModel(self.policy, zone, NOTE_KINDS, parent=self)
        self.tabs = QTabWidget(self)
        self.prompts_slot = QWidget(self)  # the involvement-prompts panel's tab (set_prompts_panel)
        self.prompts_slot.setObjectName("promptsSlot")
        self.prompts_panel: QWidget | None = None
        self.buttons = self._build_buttons()
        self._build_tabs()
        self._lay_out()
        self._connect()
        self.setEnabled(False)

    # -- the policy and zone in force (the controller's context changes when a calendar is edited) ------------
    @property
    def policy(self) -> Policy:
        return self.controller.context.policy

    @property
    def zone(self) -> str:
        return user_zone(self.controller.context.settings.display_timezone)

    # -- construction ---------------------------------------------------------------------------------------------
    def _build_buttons(self) -> dict[str, QPushButton]:
        labels = {
            "acknowledge": "Acknowledge",
            "escalate": "Escalate…",
            "de_escalate": "De-escalate…",
            "severity": "Severity…",
            "waiting": "Waiting on customer…",
            "resolve": "Resolve…",
            "close": "Close with sign-off…",
            "reopen": "Reopen…",
            "export": "Export brief…",
            "report": "Full case report…",
            "note": "Add note…",
            "contact": "Log contact…",
        }
        return {key: QPushButton(label, self) for key, label in labels.items()}

    def _build_tabs(self) -> None:
        self.tabs.addTab(self.checklist, "Checklist")
        self.timeline = TimelineView(self.timeline_model, self.tabs)
        self.tabs.addTab(self.timeline, "Timeline")
        notes_page = QWidget(self.tabs)
        notes_buttons = QHBoxLayout()
        notes_buttons.addWidget(self.buttons["note"])
        notes_buttons.addWidget(self.buttons["contact"])
        notes_buttons.addStretch(1)
        self.notes = TimelineView(self.notes_model, notes_page)
        notes_layout = QVBoxLayout(notes_page)
        notes_layout.addLayout(notes_buttons)
        notes_layout.addWidget(self.notes, 1)
        self.tabs.addTab(notes_page, "Notes && contacts")
        self._prompts_layout = QVBoxLayout(self.prompts_slot)
        self._prompts_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(self.prompts_slot, "Involvement prompts")

    def _lay_out(self) -> None:
        rows = (
            ("acknowledge", "escalate", "de_escalate", "severity", "waiting"),
            ("resolve", "close", "reopen", "export", "report"),
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        for keys in rows:
            line = QHBoxLayout()
            for key in keys:
                line.addWidget(self.buttons[key])
            line.addStretch(1)
            layout.addLayout(line)
        layout.addWidget(self.message)
        boxes = QHBoxLayout()
        boxes.addWidget(self.customer_box, 3)
        boxes.addWidget(self.deadlines_box, 2)
        layout.addLayout(boxes)
        layout.addWidget(self.tabs, 1)

    def _connect(self) -> None:
        actions: dict[str, Callable[[], None]] = {
            "acknowledge": self.acknowledge,
            "escalate": lambda: self.move_level(+1),
            "de_escalate": lambda: self.move_level(-1),
            "severity": self.set_severity,
            "waiting": self.toggle_waiting,
            "resolve": self.resolve,
            "close": self.close_with_sign_off,
            "reopen": self.reopen,
            "export": self.export_brief,
            "report": self.export_case_report,
            "note": self.add_note,
            "contact": self.log_contact,
        }
        for key, action in actions.items():
            self.buttons[key].clicked.connect(lambda _checked=False, act=action: act())
        panel = self.checklist
        panel.completion_requested.connect(
            lambda key, note: self._perform(lambda s, c, v: s.complete_step(c, key, note, v))
        )
        panel.skip_requested.connect(lambda key, why: self._perform(lambda s, c, v: s.skip_step(c, key, why, v)))
        panel.reopen_requested.connect(lambda key, why: self._perform(lambda s, c, v: s.reopen_step(c, key, why, v)))
        self.deadlines_box.set_requested.connect(self.set_deadline)
        self.deadlines_box.met_requested.connect(self.meet_deadline)
        self.deadlines_box.clear_requested.connect(self.clear_deadline)
        self.customer_box.calendar_change_requested.connect(self.change_customer_calendar)

    # -- the prompts panel (ui.prompts_panel, embedded by ui.workspace_dock) ------------------------------------------
    def set_prompts_panel(self, widget: QWidget) -> None:
        """Put the involvement-prompts panel in its tab; it is told the case on every load (`show_case`)."""
        widget.setParent(self.prompts_slot)
        self._prompts_layout.addWidget(widget)
        self.prompts_panel = widget
        if self.snapshot is not None and hasattr(widget, "show_case"):
            widget.show_case(self.snapshot.case_id)

    # -- loading --------------------------------------------------------------------------------------------------
    def show_case(self, case_id: str) -> None:
        """Read the case on the worker and show it."""
        service = self.controller.service
        if service is None:
            return
        self._request += 1
        request = self._request
        self.controller.tasks.run_db(
            lambda: load_workspace(service, case_id),
            lambda snapshot: self._loaded(request, snapshot),
            lambda exc: self._show_message(describe_error(exc), error=True),
        )

    def refresh(self) -> None:
        if self.snapshot is not None:
            self.show_case(self.snapshot.case_id)

    def follow_board(self, cards: Sequence[CaseCard]) -> None:
        """The board reloaded: when it shows this case at another version (moved on the board, changed by a
        colleague), read the case again; after our own actions the versions agree and nothing is re-read."""
        snapshot = self.snapshot
        if snapshot is None:
            return
        shown = next((c for c in cards if c.id == snapshot.case_id), None)
        if shown is not None and shown.version != snapshot.card.version:
            self.refresh()

    def clear(self) -> None:
        """Another database was opened: nothing of the old one stays on screen."""
        self._request += 1
        self.snapshot = None
        self.timeline_model.set_events([])
        self.notes_model.set_events([])
        self.message.hide()
        self.setEnabled(False)

    def _loaded(self, request: int, snapshot: WorkspaceSnapshot) -> None:
        if request != self._request:
            return
        if self.snapshot is None or self.snapshot.case_id != snapshot.case_id:
            self.checklist.reset_guidance()
            self.message.hide()
        self.snapshot = snapshot
        policy, zone, card = self.policy, self.zone, snapshot.card
        template = policy.checklist_for(card.case_type, card.severity)
        self.header.show_card(card, policy, snapshot.monitoring_until(template), zone)
        self.customer_box.show_profile(snapshot.customer, policy, snapshot.now.astimezone().date())
        self.customer_box.show_calendar(snapshot.calendar, snapshot.customer_calendar)
        active = card.status.is_active
        self.checklist.show_checklist(
            snapshot.steps, template, snapshot.cadence, snapshot.now, zone, pace=card.pace, active=active
        )
        self.deadlines_box.show_deadlines(snapshot.deadlines, snapshot.now, zone, active=active)
        self.timeline_model.set_events(snapshot.history)
        self.notes_model.set_events(snapshot.history)
        self._enable_actions()
        self.setEnabled(True)
        if self.prompts_panel is not None and hasattr(self.prompts_panel, "show_case"):
            self.prompts_panel.show_case(card.id)
        self.case_loaded.emit(card.id)

    def _enable_actions(self) -> None:
        assert self.snapshot is not None
        card = self.snapshot.card
        active, status = card.status.is_active, card.status
        waiting = status is CaseStatus.WAITING_ON_CUSTOMER
        enabled = {
            "acknowledge": self.snapshot.needs_acknowledgement,  # per level: again after a move up
            "escalate": active and card.level < Level.L5,
            "de_escalate": active and card.level > Level.L0,
            "severity": active,
            "waiting": active,
            "resolve": active,
            "close": status is not CaseStatus.CLOSED,
            "reopen": not active,
            "note": True,
            "contact": True,
            "export": True,
            "report": True,
        }
        for key, on in enabled.items():
            self.buttons[key].setEnabled(on)
        self.buttons["waiting"].setText("Customer replied" if waiting else "Waiting on customer…")

    # -- running an action ------------------------------------------------------------------------------------------
    def _perform(
        self, change: Change, done: str = "Saved", edits: Mapping[str, Any] | None = None, version: int | None = None
    ) -> None:
        """Run `change` with the version shown, re-read the case, show it; the board reloads too.

        `edits`: the editable fields the action sets (escdesk.merge), for the Reload / Merge offer when someone
        else saved the case in between; `version`: the version to expect instead of the shown one (a merge)."""
        service, snapshot = self.controller.service, self.snapshot
        if service is None or snapshot is None:
            return
        case_id, seen = snapshot.case_id, snapshot.card
        version = seen.version if version is None else version
        self.message.hide()
        self._request += 1
        request = self._request

        def work() -> WorkspaceSnapshot:  # on the database worker
            change(service, case_id, version)
            return load_workspace(service, case_id)

        def saved(fresh: WorkspaceSnapshot) -> None:
            self._loaded(request, fresh)
            self._show_message(done, error=False)
            self.controller.refresh()
            self.case_changed.emit(case_id)

        def failed(exc: BaseException) -> None:
            self._refused(exc)
            if isinstance(exc, StaleCase):
                retry = partial(self._perform, change, done, edits)
                offer_reload_or_merge(
                    self, self.controller, str(exc), seen, edits or {}, lambda v: retry(v), self._reload_after_stale,
                    self.stale_offered.emit,
                )  # fmt: skip

        self.controller.tasks.run_db(work, saved, failed)

    def _refused(self, exc: BaseException) -> None:
        self._refused_in_words(describe_error(exc))

    def _refused_in_words(self, message: str) -> None:
        self._show_message(message, error=True)
        self.action_refused.emit(message)

    def _reload_after_stale(self) -> None:
        """Show what is saved now, so the next try carries the right version."""
        self.refresh()
        self.controller.refresh()

    def _show_message(self, message: str, *, error: bool) -> None:
        self.message.setText(message)
        self.message.setProperty("severity", "error" if error else "info")
        self.message.setStyleSheet(
            "color: #b71c1c; font-weight: bold;" if error else "color: palette(placeholder-text);"
        )
        self.message.show()
