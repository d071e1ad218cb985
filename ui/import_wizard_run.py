"""The last two pages of File > Import…: the run (progress bar, cancel) and the summary with the escalation
candidates the user confirms into cases."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QProgressBar, QPushButton, QVBoxLayout, QWizardPage

from escdesk.domain import CaseCard
from escdesk.importing import EscalationCandidate, ImportReport
from escdesk.importing.report import plural

if TYPE_CHECKING:
    from ui.import_wizard import ImportWizard


class RunPage(QWizardPage):
    """Starts the import when shown; complete once it ended (imported, cancelled or failed)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.owner = wizard
        self.setTitle("Importing")
        self.setSubTitle("One transaction: all the rows, or none.")
        self.setCommitPage(True)  # no way back to a page that would start the import again
        self.setButtonText(wizard.WizardButton.CommitButton, "Next >")
        self.state = QLabel(self)
        self.state.setObjectName("runState")
        self.state.setWordWrap(True)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("importProgress")
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addWidget(self.bar)
        layout.addWidget(QLabel("Cancel rolls the whole import back: the database stays as it was.", self))
        layout.addStretch(1)
        self.finished = False

    def initializePage(self) -> None:
        prepared = self.owner.prepared
        total = prepared.report.rows_read if prepared is not None else 0
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(0)
        self.state.setText(f"Writing {plural(total, 'row')} in one transaction…")
        self.finished = False
        self.owner.start_import()

    @Slot(int)
    def show_progress(self, done: int) -> None:
        self.bar.setValue(done)

    def show_cancelling(self) -> None:
        self.state.setText("Cancelling: rolling the import back…")

    def show_ended(self, message: str) -> None:
        self.state.setText(message)
        self.finished = True
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.finished and self.owner.import_result is not None


class SummaryPage(QWizardPage):
    """What the import did, and the escalation candidates: ticked ones open as cases on request."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.owner = wizard
        self.setTitle("Imported")
        self.setSubTitle("What changed, and the escalations the tickets suggest.")
        self.summary = QLabel(self)
        self.summary.setObjectName("summaryText")
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.candidates = QListWidget(self)
        self.candidates.setObjectName("candidateList")
        self.open_button = QPushButton(self)
        self.open_button.setObjectName("openCandidates")
        self.open_button.clicked.connect(self._open_chosen)
        self.opened = QLabel(self)
        self.opened.setObjectName("openedCases")
        self.opened.setWordWrap(True)
        self.candidates_title = QLabel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.candidates_title)
        layout.addWidget(self.candidates, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.opened)
        layout.addStretch(1)  # takes the room when there are no candidates
        self.candidates.itemChanged.connect(lambda _item: self._count_chosen())

    def initializePage(self) -> None:
        report = self.owner.import_result
        if report is None:
            return
        self.summary.setText(_summary(report))
        self.candidates.clear()
        for candidate in report.candidates:
            tickets = plural(len(candidate.tickets), "ticket")
            text = f"{candidate.severity} · {candidate.customer_name}: {candidate.title} ({tickets})"
            item = QListWidgetItem(text, self.candidates)
            item.setToolTip("\n".join(candidate.reasons))
            item.setData(Qt.ItemDataRole.UserRole, candidate)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        shown = bool(report.candidates)
        count = plural(len(report.candidates), "escalation candidate")
        self.candidates_title.setText(f"{count}: tick the ones to open as cases." if shown else "")
        for widget in (self.candidates, self.open_button, self.candidates_title):
            widget.setVisible(shown)
        self.opened.clear()
        self._count_chosen()

    def chosen(self) -> list[EscalationCandidate]:
        items = (self.candidates.item(row) for row in range(self.candidates.count()))
        return [i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked]

    def _count_chosen(self) -> None:
        count = len(self.chosen())
        self.open_button.setText(f"Open {plural(count, 'case')}" if count else "Tick candidates to open them")
        self.open_button.setEnabled(count > 0)

    def _open_chosen(self) -> None:
        self.open_button.setEnabled(False)
        self.owner.open_candidates(self.chosen())

    def show_opened(self, cards: list[CaseCard]) -> None:
        self.opened.setText("Opened " + ", ".join(f"{c.reference} ({c.customer_name})" for c in cards))
        for row in range(self.candidates.count()):
            item = self.candidates.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        self._count_chosen()

    def show_open_failed(self, message: str) -> None:
        self.opened.setText(f"Not opened: {message}")
        self._count_chosen()


def _summary(report: ImportReport) -> str:
    left_out = f", {plural(report.skipped, 'row')} left out" if report.skipped else ""
    lines = [
        f"<b>{html.escape(report.file_name)}</b>: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged{left_out}.",
        *(html.escape(note) for note in report.notes),
        "The import log keeps the file's name, hash and counts; <i>escdesk import --undo-last</i> undoes it.",
    ]
    return "<br>".join(lines)
