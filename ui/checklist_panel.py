"""The service-recovery checklist of one case, as guidance: what to do next, by when, who does it and how good
looks (the coaching, one click away), with done / skip / reopen on each step.

Fourteen-odd steps: one small widget per step reads better than a painted list and costs nothing. The panel only
shows and asks; the workspace runs the change on the database worker and hands back the refreshed checklist.
Times are shown in the reader's zone, named in the header.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from escdesk import checklist as cl
from escdesk.brief_timeline import ROLE_WORDS
from escdesk.domain import FunctionalRole, Pace, StepStatus
from escdesk.durations import Span
from ui import workspace_dialogs
from ui.workspace_data import local_time, relative_due

CADENCE_STEP = "updates"  # the step whose row shows the updates logged and the missed ones
MISSED_SHOWN = 3
GLYPHS = {StepStatus.OPEN.value: "○", StepStatus.DONE.value: "✓", StepStatus.SKIPPED.value: "⤼"}
STYLE = """
#checklistStep { border-left: 3px solid transparent; border-radius: 4px; }
#checklistStep[next="true"] { border-left: 3px solid palette(highlight); }
#checklistStep[overdue="true"] { background: rgba(198, 40, 40, 0.10); border-left: 3px solid #c62828; }
#checklistStep[finished="true"] #stepTitle { color: palette(placeholder-text); }
#stepDue[overdue="true"] { color: #c62828; font-weight: bold; }
#requiredMark { color: #8a5a00; font-weight: bold; }
#stepCoaching { padding: 4px 8px; border-left: 2px solid palette(mid); }
#cadenceLine[missed="true"] { color: #c62828; }
#gateLine[blocked="true"] { color: #8a5a00; }
"""


def role_text(role: FunctionalRole | None) -> str:
    if role is None:
        return ""
    return ROLE_WORDS.get(role, role.value.replace("_", " ").capitalize())


def due_text(
    step: cl.ChecklistStep, definition: cl.ChecklistStepDef | None, pace: Pace, now: datetime, zone: str
) -> str:
    """When the step falls due, in words: 'Overdue 3 h · was due Thu 3 Dec 10:30', 'Due in 2 h · Thu …'."""
    if step.status != StepStatus.OPEN.value:
        return ""  # the outcome line says when it was done, and whether that was late
    if step.due_at is None:
        return _undated_text(definition, pace)
    when = local_time(step.due_at, zone)
    if step.due_at < now:
        return f"Overdue {relative_due(step.due_at, now).removesuffix(' ago')} · was due {when}"
    return f"Due {relative_due(step.due_at, now)} · {when}"


_UNIT_WORDS = {"m": "minute", "h": "hour", "d": "day", "w": "week", "bm": "business minute", "bh": "business hour",
               "bd": "working day"}  # fmt: skip
_AFTER = {cl.Anchor.RESOLVED: "after the fix (resolve)", cl.Anchor.CLOSED: "after the close: the end of monitoring"}


def span_words(span: Span) -> str:
    unit = _UNIT_WORDS[span.unit.value]
    return f"1 {unit}" if span.amount == 1 else f"{span.amount} {unit}s"


def _undated_text(definition: cl.ChecklistStepDef | None, pace: Pace) -> str:
    """A step without a due time yet: when it will fall due, or that it has none."""
    if definition is None or definition.done_on_close:
        return ""  # the sign-off: recorded by the close itself (its row says so)
    offset = definition.offset(pace)
    if definition.anchor is not cl.Anchor.OPENED and isinstance(offset, Span):
        return f"Falls due {span_words(offset)} {_AFTER[definition.anchor]}"
    return "No due time: it is done when it happens"


def outcome_text(step: cl.ChecklistStep, zone: str) -> str:
    """'Done by dana, Thu 3 Dec 11:02: called Jane' or 'Skipped by dana: no workaround possible'."""
    if step.status == StepStatus.OPEN.value or step.done_at is None:
        return ""
    verb = "Done" if step.status == StepStatus.DONE.value else "Skipped"
    late = step.status == StepStatus.DONE.value and step.due_at is not None and step.done_at > step.due_at
    when = local_time(step.done_at, zone) + (
        f", late (was due {local_time(step.due_at, zone)})" if late and step.due_at else ""
    )
    note = f" — “{step.note}”" if step.note else ""
    return f"{verb} by {step.done_by or 'someone'}, {when}{note}"


def cadence_text(report: cl.CadenceReport, now: datetime, zone: str) -> str:
    updates = "1 customer update logged" if report.updates == 1 else f"{report.updates} customer updates logged"
    if not report.missed:
        missed = "none missed"
    else:
        shown = ", ".join(local_time(at, zone) for at in report.missed[-MISSED_SHOWN:])
        more = f" and {len(report.missed) - MISSED_SHOWN} earlier" if len(report.missed) > MISSED_SHOWN else ""
        missed = f"{len(report.missed)} missed: {shown}{more}"
    next_due = f"next update due {relative_due(report.next_due, now)} ({local_time(report.next_due, zone)})"
    return f"{updates} · {missed} · {next_due}"


def _restyle(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class StepRow(QFrame):
    """One step: status, title, required mark, role, due time; its outcome; the coaching; its actions."""

    def __init__(self, step: cl.ChecklistStep, definition: cl.ChecklistStepDef | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("checklistStep")
        self.step = step
        self.definition = definition
        self.glyph = QLabel(GLYPHS.get(step.status, "?"), self)
        self.title = QLabel(f"{step.position}. {step.title}", self)
        self.title.setObjectName("stepTitle")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(step.status == StepStatus.OPEN.value)
        self.title.setFont(font)
        self.required_mark = QLabel("Required" if step.required else "Optional", self)
        self.required_mark.setObjectName("requiredMark" if step.required else "optionalMark")
        self.role = QLabel(f"· {role_text(step.role)}" if step.role else "", self)
        self.role.setToolTip("Who does this step")
        self.due = QLabel(self)
        self.due.setObjectName("stepDue")
        self.outcome = QLabel(self)
        self.outcome.setWordWrap(True)
        self.cadence = QLabel(self)
        self.cadence.setObjectName("cadenceLine")
        self.cadence.setWordWrap(True)
        self.cadence.hide()
        self.coaching = QLabel(step.coaching or "No coaching written for this step.", self)
        self.coaching.setObjectName("stepCoaching")
        self.coaching.setWordWrap(True)
        self.coaching.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.coaching_toggle = QToolButton(self)
        self.coaching_toggle.setCheckable(True)
        self.coaching_toggle.setAutoRaise(True)
        self.coaching_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.coaching_toggle.toggled.connect(self.set_coaching_shown)
        self.done_button = QPushButton("Done…", self)
        self.skip_button = QPushButton("Skip…", self)
        self.reopen_button = QPushButton("Reopen…", self)
        self._lay_out()
        self.set_coaching_shown(False)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.glyph, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.title, 1)
        for label in (self.required_mark, self.role):
            top.addWidget(label, 0, Qt.AlignmentFlag.AlignTop)
        actions = QHBoxLayout()
        actions.addWidget(self.coaching_toggle)
        actions.addStretch(1)
        for button in (self.done_button, self.skip_button, self.reopen_button):
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        margin = self.fontMetrics().height() // 3
        layout.setContentsMargins(margin * 2, margin, margin, margin)
        layout.setSpacing(margin // 2)
        layout.addLayout(top)
        for label in (self.due, self.outcome, self.cadence):
            layout.addWidget(label)
        layout.addLayout(actions)
        layout.addWidget(self.coaching)

    @property
    def key(self) -> str:
        return self.step.step_key

    @property
    def overdue(self) -> bool:
        return bool(self.property("overdue"))

    def show_state(self, now: datetime, zone: str, pace: Pace, *, is_next: bool, active: bool) -> None:
        step, is_open = self.step, self.step.status == StepStatus.OPEN.value
        overdue = cl.step_timing(step, now) is cl.StepTiming.OPEN_OVERDUE
        self.setProperty("overdue", overdue)
        self.setProperty("next", is_next and not overdue)
        self.setProperty("finished", not is_open)
        self.due.setProperty("overdue", overdue)
        self.due.setText(due_text(step, self.definition, pace, now, zone))
        self.due.setVisible(bool(self.due.text()))
        self.outcome.setText(outcome_text(step, zone))
        self.outcome.setVisible(bool(self.outcome.text()))
        closes_it = self.definition is not None and self.definition.done_on_close
        if closes_it and is_open:
            self.outcome.setText("Recorded when you close the case with the customer's sign-off (Close… above).")
            self.outcome.show()
        self.done_button.setVisible(is_open and not closes_it)
        self.skip_button.setVisible(is_open and not closes_it)
        self.reopen_button.setVisible(not is_open)
        for button in (self.done_button, self.skip_button, self.reopen_button):
            button.setEnabled(active or not is_open)
        state = "overdue" if overdue else "done" if step.status == StepStatus.DONE.value else step.status
        self.setAccessibleName(f"Step {step.position}: {step.title}, {state}")
        for widget in (self, self.due):
            _restyle(widget)

    def show_cadence(self, report: cl.CadenceReport | None, now: datetime, zone: str) -> None:
        if report is None:
            self.cadence.hide()
            return
        self.due.hide()  # the cadence line says when the next update is due
        self.cadence.setText(cadence_text(report, now, zone))
        self.cadence.setProperty("missed", bool(report.missed))
        self.cadence.show()
        _restyle(self.cadence)

    def set_coaching_shown(self, shown: bool) -> None:
        self.coaching.setVisible(shown)
        self.coaching_toggle.setText("Hide the coaching" if shown else "How to do this well")
        self.coaching_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        if self.coaching_toggle.isChecked() != shown:
            self.coaching_toggle.setChecked(shown)


class ChecklistPanel(QWidget):
    """A case's checklist with progress, the gate on resolving, and per-step actions.

    Signals:
        completion_requested(str, str): mark a step done; its key and the optional note.
        skip_requested(str, str): skip a step; its key and the reason (never empty).
        reopen_requested(str, str): reopen a done or skipped step; its key and the reason.
    """

    completion_requested = Signal(str, str)
    skip_requested = Signal(str, str)
    reopen_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checklistPanel")
        self.setStyleSheet(STYLE)
        self.rows: dict[str, StepRow] = {}
        self._expanded: set[str] | None = None  # None until shown: then the next step's coaching opens
        self._scrolled_to: str | None = None  # the step last scrolled to: a refresh does not move the view again
        self.heading = QLabel(self)
        self.heading.setObjectName("checklistHeading")
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(self.fontMetrics().height() // 2)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.gate = QLabel(self)
        self.gate.setObjectName("gateLine")
        self.gate.setWordWrap(True)
        self._steps_box = QWidget(self)
        self._steps_layout = QVBoxLayout(self._steps_box)
        self._steps_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._steps_box)
        self.steps_area = scroll
        layout = QVBoxLayout(self)
        for widget in (self.heading, self.progress, self.summary, self.gate):
            layout.addWidget(widget)
        layout.addWidget(scroll, 1)

    def show_checklist(
        self,
        steps: Sequence[cl.ChecklistStep],
        template: cl.ChecklistTemplate,
        cadence: cl.CadenceReport | None,
        now: datetime,
        zone: str,
        *,
        pace: Pace = Pace.FAST,
        active: bool = True,
    ) -> None:
        """Show these steps (as stored) under `template`'s guidance; `active`: the case can still change."""
        self._clear()
        first_open = next((s.step_key for s in steps if s.status == StepStatus.OPEN.value), None)
        if self._expanded is None:
            self._expanded = {first_open} if first_open else set()
        for step in steps:
            row = StepRow(step, template.step(step.step_key), self._steps_box)
            row.show_state(now, zone, pace, is_next=step.step_key == first_open, active=active)
            if step.step_key == CADENCE_STEP:
                row.show_cadence(cadence, now, zone)
            row.set_coaching_shown(step.step_key in self._expanded)
            self._connect(row)
            self._steps_layout.addWidget(row)
            self.rows[step.step_key] = row
        self._steps_layout.addStretch(1)
        self._show_summary(steps, template, now, zone)
        if first_open is not None and first_open != self._scrolled_to:
            # Open the panel where the work is: the first open step, once the new rows have their geometry.
            self._scrolled_to = first_open
            QTimer.singleShot(0, self, lambda key=first_open: self._scroll_to(key))

    def _scroll_to(self, key: str) -> None:
        row = self.rows.get(key)
        if row is not None:
            self.steps_area.verticalScrollBar().setValue(max(0, row.y() - self.fontMetrics().height() // 2))

    def _show_summary(
        self, steps: Sequence[cl.ChecklistStep], template: cl.ChecklistTemplate, now: datetime, zone: str
    ) -> None:
        adherence = cl.checklist_adherence(steps, now)
        finished = adherence.on_time + adherence.late + adherence.skipped
        variant = f" · {template.variant.replace('_', ' ')} variant" if template.variant else ""
        self.heading.setText(f"<b>Service-recovery checklist</b>{variant}")
        self.progress.setRange(0, max(1, adherence.total))
        self.progress.setValue(finished)
        overdue = (
            f" · <span style='color:#c62828'><b>{adherence.open_overdue} overdue</b></span>"
            if adherence.open_overdue
            else ""
        )
        late = f" · {adherence.late} done late" if adherence.late else ""
        self.summary.setText(f"{finished} of {adherence.total} steps finished{overdue}{late} · times in {zone}")
        blocking = cl.blocking_steps(steps, template, cl.Gate.RESOLVE)
        self.gate.setProperty("blocked", bool(blocking))
        if blocking:
            count = "1 required step is" if len(blocking) == 1 else f"{len(blocking)} required steps are"
            self.gate.setText(f"Before this case can be resolved: {count} still open.")
        else:
            self.gate.setText("Nothing on the checklist holds back resolving this case.")
        _restyle(self.gate)

    def _connect(self, row: StepRow) -> None:
        key = row.key
        row.done_button.clicked.connect(lambda: self._ask_done(key))
        row.skip_button.clicked.connect(lambda: self._ask_skip(key))
        row.reopen_button.clicked.connect(lambda: self._ask_reopen(key))
        row.coaching_toggle.toggled.connect(lambda shown: self._remember_expanded(key, shown))

    def _remember_expanded(self, key: str, shown: bool) -> None:
        expanded = self._expanded if self._expanded is not None else set()
        (expanded.add if shown else expanded.discard)(key)
        self._expanded = expanded

    def _ask_done(self, key: str) -> None:
        title = self.rows[key].step.title
        note = workspace_dialogs.ask_text(
            self, "Mark step done", f"{title}\n\nA note for the record (optional):", required=False
        )
        if note is not None:
            self.completion_requested.emit(key, note)

    def _ask_skip(self, key: str) -> None:
        title = self.rows[key].step.title
        reason = workspace_dialogs.ask_text(self, "Skip step", f"{title}\n\nWhy is this step not needed for this case?")
        if reason:
            self.skip_requested.emit(key, reason)

    def _ask_reopen(self, key: str) -> None:
        title = self.rows[key].step.title
        reason = workspace_dialogs.ask_text(self, "Reopen step", f"{title}\n\nWhy does this step need doing again?")
        if reason:
            self.reopen_requested.emit(key, reason)

    def reset_guidance(self) -> None:
        """Another case: open the coaching of its next step again, and scroll to it."""
        self._expanded = None
        self._scrolled_to = None

    def _clear(self) -> None:
        while self._steps_layout.count():
            item = self._steps_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.rows = {}
