"""Exporting briefs, full case reports and the weekly report from the app: menu actions, file dialogs, work off the
GUI thread.

One export is two tasks: the database worker gathers the content (SQL), a background thread builds and writes the
PDFs (reportlab takes a few hundred milliseconds a page); the window only hears the outcome. A status-bar
indicator shows that work is running.

Print preview: QtPdf is not part of the installed Qt, and reportlab cannot paint onto a QPainter, so a faithful
in-app preview would need a second PDF renderer. "Preview" therefore writes the PDF to the cache folder and opens
it in the system's PDF viewer, which shows the real pages and prints them. On the offscreen platform (tests,
screenshots) no viewer is started.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QProgressBar, QWidget

from escdesk import paths
from escdesk.reports.weeks import IsoWeek, parse_week, week_of
from escdesk.services import CaseService
from escdesk.zones import user_zone
from ui.controller import DeskController
from ui.tasks import describe_error

if TYPE_CHECKING:
    from escdesk.briefs import BriefContent
    from escdesk.exports import ExportOptions
    from escdesk.reports.case_report_content import CaseReportContent
    from escdesk.reports.portfolio import WeeklyPortfolio

# The content and PDF modules (escdesk.exports and the services it reads with) are imported by each export when it
# runs, not with the menu actions at start: they are tens of milliseconds of the launch (issue 4).

log = logging.getLogger(__name__)
PDF_FILTER = "PDF documents (*.pdf)"


# -- dialogs (tests replace these) ------------------------------------------------------------------------------


def choose_pdf_file(parent: QWidget, title: str, suggested: Path) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), PDF_FILTER)
    if not path:
        return None
    chosen = Path(path)
    return chosen if chosen.suffix.lower() == ".pdf" else chosen.with_name(chosen.name + ".pdf")


def choose_folder(parent: QWidget, title: str, start: Path) -> Path | None:
    path = QFileDialog.getExistingDirectory(parent, title, str(start))
    return Path(path) if path else None


def ask_week(parent: QWidget, suggested: IsoWeek) -> IsoWeek | None:
    """The ISO week to report on; a typo is asked again with the reason."""
    label = "ISO week of the report (YYYY-Www):"
    text = str(suggested)
    while True:
        text, ok = QInputDialog.getText(parent, "Weekly portfolio report", label, text=text)
        if not ok:
            return None
        try:
            return parse_week(text)
        except ValueError as exc:
            label = f"{exc}\n\nISO week of the report (YYYY-Www):"


def open_in_viewer(path: Path) -> None:
    """The system's viewer for the file; nothing on the offscreen platform, which has no desktop to show it on."""
    if QGuiApplication.platformName() == "offscreen":
        return
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        log.warning("no application opened %s", path)


# -- the controller -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportActions:
    export_brief: QAction
    preview_brief: QAction
    weekly_report: QAction
    open_after: QAction
    case_report: QAction


class ExportController(QObject):
    """Export brief… (Ctrl+E), Preview brief…, Full case report… and Weekly report… for one desk.

    Signals:
        exported(list): the PDFs were written; their paths.
        export_failed(str): nothing or not everything was written; the message shown to the user.
    """

    exported = Signal(list)
    export_failed = Signal(str)

    def __init__(self, desk: DeskController) -> None:
        super().__init__(desk)
        self.desk = desk
        self.window = desk.window
        self.folder = Path.home()
        self.busy = QProgressBar(self.window)
        self.busy.setRange(0, 0)  # indeterminate: the work is one PDF or a few, with no useful percentage
        self.busy.setMaximumWidth(self.window.fontMetrics().averageCharWidth() * 16)
        self.busy.hide()
        self.window.statusBar().addPermanentWidget(self.busy)
        self._running = 0
        self.actions = self._build_actions()

    def _build_actions(self) -> ExportActions:
        window = self.window
        labels = ("&Export brief…", "&Preview brief…", "&Weekly report…", "&Open the file after export",
                  "&Full case report…")  # fmt: skip
        actions = ExportActions(*(QAction(label, window) for label in labels))
        actions.export_brief.setShortcut(QKeySequence("Ctrl+E"))
        actions.preview_brief.setShortcut(QKeySequence("Ctrl+Shift+E"))
        actions.open_after.setCheckable(True)
        actions.open_after.setChecked(True)
        menu = window.case_menu
        menu.addActions([actions.export_brief, actions.preview_brief, actions.case_report])
        window.file_menu.insertAction(window.menu_actions.quit, actions.weekly_report)
        window.file_menu.insertSeparator(window.menu_actions.quit)
        menu.addSeparator()
        menu.addAction(actions.open_after)
        actions.export_brief.triggered.connect(lambda: self.export_selected_briefs())
        actions.preview_brief.triggered.connect(lambda: self.preview_selected_brief())
        actions.weekly_report.triggered.connect(lambda: self.export_weekly_report())
        actions.case_report.triggered.connect(lambda: self.export_selected_case_report())
        return actions

    # -- what the options are ---------------------------------------------------------------------------------
    def _options(self, service: CaseService) -> ExportOptions:
        from escdesk.exports import ExportOptions

        settings = self.desk.context.settings
        zone = user_zone(settings.display_timezone)
        paper = settings.paper_size if settings.paper_size in ("A4", "Letter") else "A4"
        return ExportOptions(service.clock, service.policy, zone, paper, settings.redact_exports)

    def _ready(self) -> CaseService | None:
        service = self.desk.service
        if service is None:
            self.window.show_notice("Open a database first: there is nothing to export yet.")
        return service

    # -- briefs -----------------------------------------------------------------------------------------------
    def export_selected_briefs(self) -> None:
        """One selected case: ask for a file. Several: ask for a folder and write one "ESC-n brief.pdf" each."""
        service = self._ready()
        targets = self._brief_targets() if service is not None else None
        if service is None or not targets:
            return
        self.folder = targets[0][1].parent
        self._export_briefs(service, targets, open_after=self.actions.open_after.isChecked())

    def preview_selected_brief(self) -> None:
        service = self._ready()
        cases = self._selected()
        if service is None or not cases:
            return
        number, case_id = cases[0]
        target = paths.cache_dir() / "previews" / f"ESC-{number} brief.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        self._export_briefs(service, [(case_id, target)], open_after=True)

    def _selected(self) -> list[tuple[int, str]]:
        numbers = {card.id: card.number for card in self.window.board.cards()}
        chosen = [(numbers[i], i) for i in self.window.board.selected_case_ids() if i in numbers]
        if not chosen:
            self.window.show_notice("Select a case on the board first (Ctrl+click selects several).")
        return chosen

    def _brief_targets(self) -> list[tuple[str, Path]] | None:
        cases = self._selected()
        if len(cases) == 1:
            number, case_id = cases[0]
            path = choose_pdf_file(self.window, "Export brief", self.folder / f"ESC-{number} brief.pdf")
            return None if path is None else [(case_id, path)]
        if not cases:
            return None
        folder = choose_folder(self.window, f"Folder for the briefs of {len(cases)} cases", self.folder)
        return None if folder is None else [(case_id, folder / f"ESC-{number} brief.pdf") for number, case_id in cases]

    def _export_briefs(self, service: CaseService, targets: list[tuple[str, Path]], *, open_after: bool) -> None:
        from escdesk.brief_service import brief_content
        from escdesk.exports import write_brief_pdf

        options = self._options(service)

        def gather() -> list[BriefContent]:  # on the database worker
            zone = options.time_zone
            return [brief_content(service.store, c, clock=options.clock, policy=options.policy, time_zone=zone)
                    for c, _ in targets]  # fmt: skip

        def render(contents: list[BriefContent]) -> list[Path]:  # on a background thread
            return [
                write_brief_pdf(content, path, options) for content, (_, path) in zip(contents, targets, strict=True)
            ]

        noun = "brief" if len(targets) == 1 else f"{len(targets)} briefs"
        self._run(f"Exporting {noun}", gather, render, open_after)

    # -- the full case report ------------------------------------------------------------------------------------
    def export_selected_case_report(self) -> None:
        service = self._ready()
        cases = self._selected() if service is not None else []
        if service is not None and cases:
            self.export_case_report(service, cases[0][1], cases[0][0])

    def export_case_report(self, service: CaseService, case_id: str, number: int) -> None:
        """Ask for the file, then gather on the database worker and build the pages on a background thread."""
        from escdesk.case_report_service import case_report_content
        from escdesk.exports import write_case_report_pdf
        from escdesk.reports.case_report_content import case_report_file_name

        path = choose_pdf_file(self.window, "Full case report", self.folder / case_report_file_name(number))
        if path is None:
            return
        self.folder = path.parent
        options = self._options(service)

        def gather() -> CaseReportContent:
            return case_report_content(service.store, case_id, clock=options.clock, policy=options.policy,
                                       time_zone=options.time_zone)  # fmt: skip

        def render(content: CaseReportContent) -> list[Path]:
            return [write_case_report_pdf(content, path, options)]

        self._run(f"Writing the full case report of ESC-{number}", gather, render, self.actions.open_after.isChecked())

    # -- weekly report ----------------------------------------------------------------------------------------
    def export_weekly_report(self) -> None:
        from escdesk.exports import write_weekly_pdf
        from escdesk.reports.portfolio import weekly_portfolio

        service = self._ready()
        if service is None:
            return
        options = self._options(service)
        week = ask_week(self.window, week_of(options.clock.now(), options.time_zone))
        if week is None:
            return
        path = choose_pdf_file(self.window, "Weekly report", self.folder / f"EscDesk weekly {week}.pdf")
        if path is None:
            return
        self.folder = path.parent

        def gather() -> WeeklyPortfolio:
            return weekly_portfolio(service.store, week, clock=options.clock, policy=options.policy,
                                    time_zone=options.time_zone)  # fmt: skip

        def render(portfolio: WeeklyPortfolio) -> list[Path]:
            return [write_weekly_pdf(portfolio, path, options)]

        self._run(f"Writing the weekly report for {week}", gather, render, self.actions.open_after.isChecked())

    # -- running ----------------------------------------------------------------------------------------------
    def _run(
        self, what: str, gather: Callable[[], object], render: Callable[..., list[Path]], open_after: bool
    ) -> None:
        self._set_busy(+1, f"{what}…")
        tasks = self.desk.tasks

        def rendered(written: list[Path]) -> None:
            self._set_busy(-1)
            self._done(written, open_after)

        def gathered(content: object) -> None:
            tasks.run_in_background(lambda: render(content), rendered, self._failed)

        tasks.run_db(gather, gathered, self._failed)

    def _set_busy(self, change: int, message: str = "") -> None:
        self._running += change
        self.busy.setVisible(self._running > 0)
        if message:
            self.window.statusBar().showMessage(message)

    def _done(self, written: Sequence[Path], open_after: bool) -> None:
        shown = written[0].name if len(written) == 1 else f"{len(written)} files in {written[0].parent}"
        self.window.statusBar().showMessage(f"Wrote {shown}", 10_000)
        if open_after:
            for path in written:
                open_in_viewer(path)
        self.exported.emit([str(p) for p in written])

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(-1)
        message = f"The export failed: {describe_error(exc)}"
        self.window.statusBar().clearMessage()
        self.window.show_notice(message, error=True)
        self.export_failed.emit(message)
