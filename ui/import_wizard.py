"""File > Import…: a wizard over escdesk.importing (file, detected format, mapping with a live preview, validation
report, the run with progress and cancel, a summary with escalation candidates to confirm into cases).

Threads: reading and validating a file (and every re-read after a change of preset, sheet, date order or mapping)
runs on a background thread; the import itself and opening cases run on the desk's database worker. The worker
reports progress through a queued signal, and checks a cancel flag at each report: cancelling raises inside the
import's one transaction, which rolls back, so the database stays exactly as it was.

The wizard is not deleted while a task it started is pending (a result would otherwise arrive at a deleted page).
"""

from __future__ import annotations

import dataclasses
import html
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget, QWizard

from escdesk.backups import backup_before
from escdesk.domain import CaseCard
from escdesk.errors import EscDeskError
from escdesk.importing import (
    DateOrder,
    EscalationCandidate,
    ImportCancelled,
    ImportOptions,
    ImportReport,
    PreparedImport,
    open_candidates,
    prepare_import,
    save_mapping,
)
from escdesk.importing.presets import preset_named
from escdesk.importing.records import ColumnPlan
from escdesk.importing.workbook import sheet_names
from escdesk.services import CaseService
from ui.controller import DeskController
from ui.import_wizard_pages import FilePage, FormatPage, MappingPage, ReportPage
from ui.import_wizard_run import RunPage, SummaryPage
from ui.main_window import MainWindow
from ui.slow_burn_dialog import SlowBurnWatcher
from ui.tasks import describe_error

PREVIEW_ROWS = 20


@dataclass(frozen=True)
class Prepared:
    """What one background read found: the prepared import, its sheets and the first rows as they convert."""

    inner: PreparedImport
    sheets: list[str]
    preview_fields: list[str]
    preview: list[tuple[list[str], bool]] = field(default_factory=list)

    @property
    def report(self) -> ImportReport:
        return self.inner.report

    @property
    def preset_name(self) -> str:
        return self.inner.preset.name.removesuffix(" (adjusted)")


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date | Decimal):
        return str(value)
    if isinstance(value, list):
        return f"{len(value)} comments" if value and isinstance(value[0], dict) else ", ".join(map(str, value))
    return str(value)


def read_file(path: Path, options: ImportOptions) -> Prepared:
    """On a background thread: prepare (read and validate every row) and convert the first rows for the preview."""
    inner = prepare_import(path, options)
    sheets = workbook_sheets(path)
    fields = [name for name in inner.preset.columns if name in _found_fields(inner)]
    preview: list[tuple[list[str], bool]] = []
    for result in inner.converted():
        line = str(result.errors[0].line if result.errors else getattr(result.record, "line", ""))
        cells = [_shown(getattr(result.record, name, None)) for name in fields]
        problem = "; ".join(f"{e.column}: {e.reason}" for e in result.errors)
        preview.append(([line, problem, *cells], bool(result.errors)))
        if len(preview) >= PREVIEW_ROWS:
            break
    return Prepared(inner, sheets, fields, preview)


def workbook_sheets(path: Path) -> list[str]:
    """The sheet names of a workbook (a zip file); [] for a text file or one that cannot be read."""
    with path.open("rb") as handle:
        if handle.read(4) != b"PK\x03\x04":
            return []
    try:
        return sheet_names(path)
    except EscDeskError:
        return []


def _found_fields(inner: PreparedImport) -> set[str]:
    return set(ColumnPlan(inner.preset, inner.shape).found)


class ImportWizard(QWizard):
    """Signals:
    progressed(int): rows written so far (emitted on the database worker, delivered queued).
    imported(object): the import committed; its ImportReport.
    cases_opened(list): confirmed candidates were opened; their CaseCards.
    """

    progressed = Signal(int)
    imported = Signal(object)
    cases_opened = Signal(list)

    def __init__(self, controller: DeskController, service: CaseService, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.setWindowTitle("Import")
        self.controller, self.service = controller, service
        self.folder = Path.home()
        self.path: Path | None = None
        self.import_options = ImportOptions()
        self.prepared: Prepared | None = None
        self.import_result: ImportReport | None = None
        self.reading = self.running = False
        self._read_number = 0
        self._pending = 0
        self._closed = False
        self._cancel = threading.Event()
        self.pages = (FilePage(self), FormatPage(self), MappingPage(self), ReportPage(self))
        self.run_page, self.summary_page = RunPage(self), SummaryPage(self)
        for page in (*self.pages, self.run_page, self.summary_page):
            self.addPage(page)
        self.progressed.connect(self.run_page.show_progress)
        self.finished.connect(self._closing)
        self.resize(900, 680)

    @property
    def file_page(self) -> FilePage:
        return self.pages[0]

    @property
    def format_page(self) -> FormatPage:
        return self.pages[1]

    @property
    def mapping_page(self) -> MappingPage:
        return self.pages[2]

    # -- reading (background) -------------------------------------------------------------------------------------
    def choose_file(self, path: Path) -> None:
        if path != self.path:
            self.path, self.import_options, self.prepared = path, ImportOptions(), None
            self.folder = path.parent
            self._read()

    def reread(
        self, *, preset: str | None = None, sheet: str | None = None, date_order: tuple[str, Any] | None = None
    ) -> None:
        changes: dict[str, Any] = {}
        if preset is not None:
            changes |= {"preset": preset, "custom": None}
        if sheet:
            changes |= {"sheet": sheet, "custom": None}
        if date_order is not None and date_order[1]:  # Qt hands the enum back as its plain string value
            answer = DateOrder(date_order[1])
            changes["date_orders"] = {**self.import_options.date_orders, date_order[0]: answer}
        if changes:
            self.import_options = dataclasses.replace(self.import_options, **changes)
            self._read()

    def remap(self, mapping: dict[str, str]) -> None:
        if self.prepared is None:
            return
        preset = self.prepared.inner.preset
        base = preset_named(self.prepared.preset_name) if "(adjusted)" in preset.name else preset
        columns = {name: (header,) for name, header in mapping.items()}
        as_detected = {name: found[0] for name, found in ColumnPlan(base, self.prepared.inner.shape).found.items()}
        adjusted = dataclasses.replace(base, name=f"{base.name} (adjusted)", columns=columns, signature=())
        # Back to what the preset reads: the preset itself again (its report name, its repeated columns).
        custom = None if mapping == as_detected else adjusted
        self.import_options = dataclasses.replace(self.import_options, custom=custom, preset=base.name)
        self._read()

    def map_value(self, column: str, value: str, ours: str | None) -> None:
        """The user says what an unknown value means (None: leave its rows out); the file is read again."""
        maps = {c: dict(v) for c, v in self.import_options.value_maps.items()}
        if ours is None:
            maps.get(column, {}).pop(value, None)
        else:
            maps.setdefault(column, {})[value] = ours
        self.import_options = dataclasses.replace(self.import_options, value_maps={c: v for c, v in maps.items() if v})
        self._read()

    def save_mapping(self, name: str) -> None:
        if self.prepared is None or not name.strip():
            return
        preset = dataclasses.replace(self.prepared.inner.preset, name=name.strip())
        try:
            saved = save_mapping(preset)
        except (EscDeskError, OSError) as exc:
            self.mapping_page.setSubTitle(f"Not saved: {describe_error(exc)}")
            return
        self.mapping_page.setSubTitle(f"Saved as {name.strip()!r} ({saved}); `--mapping {name.strip()!r}` reuses it.")

    def _read(self) -> None:
        assert self.path is not None
        self._read_number += 1
        number, path, options = self._read_number, self.path, self.import_options
        self.reading = True
        for page in self.pages:
            page.completeChanged.emit()
        # On failure the sheet names are still worth having: the first sheet may hold notes, not the table.
        self._submit_background(lambda: read_file(path, options), lambda p: self._read_done(number, p, None),
                                lambda exc: self._read_failed(number, path, exc))  # fmt: skip

    def _read_failed(self, number: int, path: Path, exc: BaseException) -> None:
        def done(sheets: list[str]) -> None:
            self._read_done(number, None, exc, sheets)

        self._submit_background(lambda: workbook_sheets(path), done, lambda _e: self._read_done(number, None, exc))

    def _read_done(
        self, number: int, prepared: Prepared | None, exc: BaseException | None, sheets: list[str] | None = None
    ) -> None:
        if number != self._read_number:  # an older read, overtaken by a later change
            return
        self.reading = False
        self.prepared = prepared
        error = None if exc is None else html.escape(describe_error(exc))
        self.format_page.show_prepared(prepared, error, sheets or [])
        self.mapping_page.show_prepared(prepared)
        if self.currentPage() is self.pages[3]:  # a value mapped on the report page: show the new report
            self.pages[3].initializePage()
        for page in self.pages:
            page.completeChanged.emit()

    # -- the import (database worker) ------------------------------------------------------------------------------
    def start_import(self) -> None:
        assert self.prepared is not None
        inner, store, cancel = self.prepared.inner, self.service.store, self._cancel
        actor = self.controller.context.actor
        cancel.clear()
        self.running = True

        def progress(done: int) -> None:  # on the worker
            if cancel.is_set():
                raise ImportCancelled("the import was cancelled; nothing was changed")
            self.progressed.emit(done)

        def write() -> ImportReport:  # on the worker
            backup_before("import", store.target)  # a copy to go back to, as the CLI takes (escdesk restore)
            return inner.apply(store, include_good_rows_only=True, user=actor, progress=progress)

        self._submit_db(write, self._imported, self._import_failed)

    def _imported(self, report: ImportReport) -> None:
        self.running, self.import_result = False, report
        self.run_page.show_ended(f"Imported: {report.created} created, {report.updated} updated.")
        self.imported.emit(report)
        self.controller.refresh()
        self.next()

    def _import_failed(self, exc: BaseException) -> None:
        self.running = False
        cancelled = isinstance(exc, ImportCancelled)
        message = "Cancelled: the import was rolled back and the database is as it was." if cancelled else (
            f"The import failed and was rolled back; nothing was changed. {describe_error(exc)}")  # fmt: skip
        self.run_page.show_ended(message)
        self.setButtonText(QWizard.WizardButton.CancelButton, "Close")
        self.button(QWizard.WizardButton.CancelButton).setEnabled(True)

    def reject(self) -> None:
        """Cancel while the import runs asks the worker to stop (it rolls back); otherwise close."""
        if self.running:
            self._cancel.set()
            self.run_page.show_cancelling()
            self.button(QWizard.WizardButton.CancelButton).setEnabled(False)
            return
        super().reject()

    # -- candidates -------------------------------------------------------------------------------------------------
    def open_candidates(self, chosen: list[EscalationCandidate]) -> None:
        service = self.service
        self._submit_db(lambda: open_candidates(service, chosen), self._cases_opened,
                        lambda exc: self.summary_page.show_open_failed(describe_error(exc)))  # fmt: skip

    def _cases_opened(self, cards: list[CaseCard]) -> None:
        self.summary_page.show_opened(cards)
        self.cases_opened.emit(cards)
        self.controller.refresh()

    # -- tasks and lifetime -----------------------------------------------------------------------------------------
    def _submit_background(self, fn: Any, on_done: Any, on_error: Any) -> None:
        self._pending += 1
        self.controller.tasks.run_in_background(fn, self._settled(on_done), self._settled(on_error))

    def _submit_db(self, fn: Any, on_done: Any, on_error: Any) -> None:
        self._pending += 1
        self.controller.tasks.run_db(fn, self._settled(on_done), self._settled(on_error))

    def _settled(self, callback: Any) -> Any:
        def settle(value: Any) -> None:
            self._pending -= 1
            if not self._closed:
                callback(value)
            elif self._pending == 0:
                self.deleteLater()

        return settle

    def _closing(self, _result: int) -> None:
        self._closed = True
        if self._pending == 0:
            self.deleteLater()


def show_import_wizard(window: MainWindow, controller: DeskController) -> ImportWizard | None:
    service = controller.service
    if service is None:
        window.show_notice("Open a database first: the import goes into the database that is open.", error=True)
        return None
    wizard = ImportWizard(controller, service, window)
    watcher = controller.findChild(SlowBurnWatcher)
    if watcher is not None:  # issue 6: the slow-burn scan runs after each import
        wizard.imported.connect(lambda _report: watcher.scan_after_import())
    wizard.show()
    return wizard
