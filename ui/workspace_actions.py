"""The case workspace's actions (ui.workspace): each asks what it needs in a dialog, then runs the service call
through the workspace's `_perform` (on the worker, with the version shown, the case re-read afterwards).

A mixin so the workspace module stays about building and loading; the methods read only what CaseWorkspace has.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtWidgets import QInputDialog, QWidget

from escdesk import checklist as cl
from escdesk.customer_calendars import CustomerCalendarService
from escdesk.deadline_service import DeadlineService
from escdesk.domain import CaseStatus, Level
from escdesk.policy import Policy
from ui import exports, workspace_dialogs
from ui.tasks import describe_error
from ui.workspace_data import WorkspaceSnapshot

if TYPE_CHECKING:
    from ui.controller import DeskController
    from ui.workspace import Change


BY_THE_RULES = "(none: the policy's calendar rules decide)"


def ask_calendar(parent: QWidget, names: list[str], current: str | None) -> str | None:
    """The calendar the customer names ('' for none), or None when the person cancels (tests replace this)."""
    choices = [BY_THE_RULES, *names]
    start = choices.index(current) if current in choices else 0
    chosen, ok = QInputDialog.getItem(
        parent, "Customer calendar", "All this customer's cases run on:", choices, start, False
    )
    if not ok:
        return None
    return "" if chosen == BY_THE_RULES else chosen


class WorkspaceActions:
    """The buttons' actions; CaseWorkspace provides the attributes declared here."""

    def _window(self) -> QWidget:
        """The workspace itself, as the parent of the dialogs it opens."""
        return cast(QWidget, self)

    controller: DeskController
    snapshot: WorkspaceSnapshot | None

    if TYPE_CHECKING:

        @property
        def policy(self) -> Policy: ...

        def _perform(
            self,
            change: Change,
            done: str = "Saved",
            edits: Mapping[str, Any] | None = None,
            version: int | None = None,
        ) -> None: ...

        def _show_message(self, message: str, *, error: bool) -> None: ...

        def _refused_in_words(self, message: str) -> None: ...

        def refresh(self) -> None: ...

    # -- the actions ----------------------------------------------------------------------------------------------
    def acknowledge(self) -> None:
        """Acknowledge at the case's level: an open case, or a case moved up that its new level has not taken on."""
        self._perform(lambda s, c, v: s.acknowledge(c, v), "Acknowledged", {"status": CaseStatus.ACKNOWLEDGED})

    def move_level(self, step: int) -> None:
        assert self.snapshot is not None
        card = self.snapshot.card
        target = Level(card.level + step)
        verb = "Escalate" if step > 0 else "De-escalate"
        name = f"{target.code} {self.policy.level_name(target)}"
        reason = workspace_dialogs.ask_text(self._window(), f"{verb} {card.reference}", f"Why move it to {name}?")
        if reason:
            self._perform(lambda s, c, v: s.move_level(c, target, reason, v), f"Moved to {name}", {"level": target})

    def set_severity(self) -> None:
        assert self.snapshot is not None
        chosen = workspace_dialogs.ask_severity(self._window(), self.policy, self.snapshot.card.severity)
        if chosen is not None:
            severity, reason = chosen
            self._perform(
                lambda s, c, v: s.set_severity(c, severity, reason, v), f"Severity set to {severity.value}",
                {"severity": severity},
            )  # fmt: skip

    def toggle_waiting(self) -> None:
        assert self.snapshot is not None
        if self.snapshot.card.status is CaseStatus.WAITING_ON_CUSTOMER:
            self._perform(
                lambda s, c, v: s.set_status(c, CaseStatus.ACKNOWLEDGED, "the customer replied", v),
                edits={"status": CaseStatus.ACKNOWLEDGED},
            )
            return
        reason = workspace_dialogs.ask_text(
            self._window(), "Waiting on the customer", "What are we waiting for from them?"
        )
        if reason:
            self._perform(
                lambda s, c, v: s.set_status(c, CaseStatus.WAITING_ON_CUSTOMER, reason, v),
                edits={"status": CaseStatus.WAITING_ON_CUSTOMER},
            )

    def resolve(self) -> None:
        assert self.snapshot is not None
        card = self.snapshot.card
        template = self.policy.checklist_for(card.case_type, card.severity)
        blocking = cl.blocking_steps(self.snapshot.steps, template, cl.Gate.RESOLVE)
        if blocking:  # said before asking for a note: the service would refuse it all the same (case B1)
            self._refused_in_words(cl.refusal(card.reference, "resolved", blocking))
            return
        prompt = "What fixed it? (optional; the customer's confirmation is a checklist step)"
        note = workspace_dialogs.ask_text(self._window(), "Resolve", prompt, required=False)
        if note is not None:
            self._perform(
                lambda s, c, v: s.set_status(c, CaseStatus.RESOLVED, note, v), "Resolved",
                {"status": CaseStatus.RESOLVED},
            )  # fmt: skip

    def close_with_sign_off(self) -> None:
        assert self.snapshot is not None
        signed = workspace_dialogs.ask_sign_off(self._window(), self.snapshot.card.reference)
        if signed is not None:
            person, how = signed
            self._perform(
                lambda s, c, v: s.close_with_sign_off(c, person, how, v), "Closed; monitoring started",
                {"status": CaseStatus.CLOSED},
            )  # fmt: skip

    def reopen(self) -> None:
        reason = workspace_dialogs.ask_text(self._window(), "Reopen", "Why is the case open again?")
        if reason:
            self._perform(
                lambda s, c, v: s.set_status(c, CaseStatus.OPEN, reason, v), "Reopened", {"status": CaseStatus.OPEN}
            )

    def add_note(self) -> None:
        body = workspace_dialogs.ask_text(self._window(), "Add note", "The note (kept in the case history):")
        if body:
            self._perform(lambda s, c, v: s.add_note(c, body, v), "Note added")

    def log_contact(self) -> None:
        contact = workspace_dialogs.ask_contact(self._window())
        if contact is not None:
            channel, direction, body = contact
            self._perform(lambda s, c, v: s.log_contact(c, channel, direction, body, v), "Contact logged")

    def export_brief(self) -> None:
        """The brief of this case through the app's export path (file dialog, PDF built off the GUI thread)."""
        exporter = self.controller.findChild(exports.ExportController)
        service, snapshot = self.controller.service, self.snapshot
        if exporter is None or service is None or snapshot is None:
            self._show_message("Exporting briefs is not available in this window.", error=True)
            return
        suggested = exporter.folder / f"{snapshot.card.reference} brief.pdf"
        path: Path | None = exports.choose_pdf_file(self._window(), "Export brief", suggested)
        if path is None:
            return
        exporter.folder = path.parent
        open_after = exporter.actions.open_after.isChecked()
        exporter._export_briefs(service, [(snapshot.case_id, path)], open_after=open_after)

    def export_case_report(self) -> None:
        """The full case report (every field, several pages) through the app's export path."""
        exporter = self.controller.findChild(exports.ExportController)
        service, snapshot = self.controller.service, self.snapshot
        if exporter is None or service is None or snapshot is None:
            self._show_message("Exporting reports is not available in this window.", error=True)
            return
        exporter.export_case_report(service, snapshot.case_id, snapshot.card.number)

    # -- the customer's calendar (escdesk.customer_calendars) -----------------------------------------------------
    def change_customer_calendar(self) -> None:
        """Choose the calendar all the customer's cases run on; the board's clocks are re-evaluated at once."""
        snapshot, service = self.snapshot, self.controller.service
        if snapshot is None or service is None:
            return
        clocks = self.policy.clocks
        chosen = ask_calendar(self._window(), list(clocks.calendars), snapshot.customer_calendar)
        if chosen is None:
            return
        customers = CustomerCalendarService(service.store, service.clock)
        name = chosen or None

        def changed(_result: object) -> None:
            self._show_message(f"{snapshot.customer.name} now runs on {name or 'the calendar rules'}", error=False)
            self.refresh()
            self.controller.refresh()

        self.controller.tasks.run_db(
            lambda: customers.set_calendar(snapshot.customer.id, name, clocks),
            changed,
            lambda exc: self._show_message(describe_error(exc), error=True),
        )

    # -- deadlines a person set (ui.workspace_deadlines) ------------------------------------------------------------
    def set_deadline(self, label: str, due_at: datetime) -> None:
        self._perform(lambda s, c, v: DeadlineService(s).set(c, label, due_at, "", v), f"Deadline set: {label}")

    def meet_deadline(self, deadline_id: str) -> None:
        self._perform(lambda s, c, v: DeadlineService(s).meet(c, deadline_id, "", v), "Deadline met")

    def clear_deadline(self, deadline_id: str) -> None:
        reason = workspace_dialogs.ask_text(
            self._window(),
            "Clear deadline",
            "Why does this deadline no longer hold? (kept in the history)",
        )
        if reason:
            self._perform(lambda s, c, v: DeadlineService(s).clear(c, deadline_id, reason, v), "Deadline cleared")
