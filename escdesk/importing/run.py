"""The safe import: prepare (read, decide, validate: a report, nothing written), then dry run or apply.

`prepare_import` reads the file once (a file of more than KEEP_ROWS rows is streamed twice instead): first for
what the date columns say about day/month order, then to validate every row. `apply` writes the converted rows in
ONE unit of work: any failure, or bad rows the caller did not accept, leaves the database exactly as it was. A dry
run is the same write, rolled back, so its counts (created, updated, linked) are the real ones.
"""

from __future__ import annotations

import dataclasses
import getpass
import hashlib
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from escdesk.collector import collector_paused
from escdesk.errors import EscDeskError, InvalidOperation, NotFound
from escdesk.ids import new_id
from escdesk.importing.candidates import find_candidates
from escdesk.importing.health import HealthWriter
from escdesk.importing.mappings import load_mapping
from escdesk.importing.outcomes import OutcomeWriter
from escdesk.importing.presets import (
    DATE_FIELDS,
    ImportKind,
    Preset,
    UnknownFormat,
    detect_preset,
    preset_named,
)
from escdesk.importing.reading import SourceRow, TableShape, iter_rows, open_table
from escdesk.importing.records import ColumnPlan, Converted, CustomerRecord, RowConverter
from escdesk.importing.report import ImportReport, plural
from escdesk.importing.values import AmbiguousDates, DateEvidence, DateOrder, MixedDates, is_missing, parse_amount
from escdesk.importing.writer import ImportWriter, undo_items
from escdesk.policy import Policy, default_policy
from escdesk.store import Store
from escdesk.store.models import ImportLog


class ImportRefused(EscDeskError):
    """The import was not applied (bad rows not accepted, an unanswered question); the report says why."""

    def __init__(self, message: str, report: ImportReport) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class ImportOptions:
    preset: str | None = None
    mapping: str | None = None  # the name of a saved generic mapping
    date_orders: Mapping[str, DateOrder] = field(default_factory=dict)  # the user's answers, by source column
    value_maps: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # {column: {source value: ours}}
    timezone: str = "UTC"  # the zone of stamps without an offset (Zendesk exports in the account's zone)
    encoding: str | None = None
    delimiter: str | None = None
    kind: ImportKind | None = None  # what the user said the file holds; detection then stays within that kind
    sheet: str | None = None  # a workbook's worksheet (default: the first)
    custom: Preset | None = None  # a preset the user adjusted (the wizard's mapping page); wins over the rest


class ImportCancelled(EscDeskError):
    """The user cancelled a running import; its transaction was rolled back, nothing changed."""


# Called with the number of rows written so far; raising (ImportCancelled) aborts and rolls the import back.
Progress = Callable[[int], None]
PROGRESS_EVERY = 250
KEEP_ROWS = 200_000  # converted rows kept in memory between validation and the write


@dataclass(frozen=True)
class UndoResult:
    import_id: str
    file_name: str
    removed: int
    restored: int


def prepare_import(path: Path, options: ImportOptions | None = None) -> PreparedImport:
    options = options or ImportOptions()
    shape = open_table(path, options.encoding, options.delimiter, options.sheet)
    preset = _preset(shape, options)
    zone = _zone(options.timezone)
    with collector_paused():
        rows = _rows_in_memory(path, shape)
        orders, questions = _date_orders(rows or iter_rows(path, shape), shape, preset, options.date_orders)
        prepared = PreparedImport(path, shape, preset, options, zone, orders)
        prepared.report.questions = questions
        prepared.validate(rows)
    return prepared


def _rows_in_memory(path: Path, shape: TableShape) -> list[SourceRow] | None:
    """Every row, read once for both passes of prepare_import; None (stream twice) past KEEP_ROWS rows."""
    rows = list(itertools.islice(iter_rows(path, shape), KEEP_ROWS + 1))
    return rows if len(rows) <= KEEP_ROWS else None


def _preset(shape: TableShape, options: ImportOptions) -> Preset:
    if options.custom is not None:
        preset = options.custom
    elif options.mapping:
        preset = load_mapping(options.mapping)
    elif options.preset:
        preset = preset_named(options.preset)
    else:
        return detect_preset(shape, options.kind)
    if options.kind is not None and preset.kind is not options.kind:
        raise UnknownFormat(f"{preset.name} is a {preset.kind.value} format, not {options.kind.value}")
    return preset


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise EscDeskError(f"unknown time zone {name!r}; use an IANA name such as Europe/Berlin") from None


def _date_orders(
    rows: Iterable[SourceRow], shape: TableShape, preset: Preset, answers: Mapping[str, DateOrder]
) -> tuple[dict[str, DateOrder], list[AmbiguousDates | MixedDates]]:
    """Per date column: the user's answer, else the one order its values allow, else a question."""
    plan = ColumnPlan(preset, shape)
    positions = sorted({plan.found[f][1][0] for f in DATE_FIELDS if f in plan.found})
    evidence = {p: DateEvidence(shape.header[p]) for p in positions}
    columns = list(evidence.items())
    for row in rows:
        cells = row.cells
        for position, seen in columns:
            if position < len(cells):
                seen.add(cells[position])  # a missing-value marker reads as no date: no need to test for one
    decided = {seen.column: answers.get(seen.column) or seen.decide() for seen in evidence.values()}
    return _with_file_order(decided)


def _with_file_order(
    decided: dict[str, DateOrder | AmbiguousDates | MixedDates | None],
) -> tuple[dict[str, DateOrder], list[AmbiguousDates | MixedDates]]:
    """A column that reads both ways takes the order the file's other date columns prove, if they agree: one
    export writes every date the same way. Only when nothing in the file tells is the user asked."""
    orders = {column: d for column, d in decided.items() if isinstance(d, DateOrder)}
    file_order = next(iter(set(orders.values()))) if len(set(orders.values())) == 1 else None
    questions: list[AmbiguousDates | MixedDates] = []
    for column, d in decided.items():
        if isinstance(d, AmbiguousDates) and file_order is not None:
            orders[column] = file_order
        elif isinstance(d, AmbiguousDates | MixedDates):
            questions.append(d)
    return orders, questions


class PreparedImport:
    """A read and validated file. Check `report` (and answer `report.questions`), then dry_run() or apply()."""

    def __init__(
        self,
        path: Path,
        shape: TableShape,
        preset: Preset,
        options: ImportOptions,
        zone: ZoneInfo,
        orders: dict[str, DateOrder],
    ) -> None:
        self.path, self.shape, self.preset, self.options, self.zone = path, shape, preset, options, zone
        self.orders = orders
        self._kept: list[Converted] | None = None  # the converted rows, once validated (small enough files)
        self.arr_by_account = _companion_arr(path, preset) if preset.kind is ImportKind.CUSTOMERS else None
        self.report = ImportReport(
            path.name, preset.kind.value, preset.name, shape.encoding, shape.delimiter, sheet=shape.sheet
        )

    def converted(self) -> Iterator[Converted]:
        """Every row, converted. After validate() a file of up to KEEP_ROWS rows is served from memory: the
        write then neither reads nor converts the file again (a third of a 15,000-row import's time)."""
        if self._kept is not None:
            yield from self._kept
            return
        yield from self._convert_file()

    def _convert_file(self, rows: Iterable[SourceRow] | None = None) -> Iterator[Converted]:
        # Ambiguous columns: both orders read every value, so either validates identically; apply() refuses
        # until the user answers, so no guess is ever stored.
        provisional = {q.column: DateOrder.DAY_FIRST for q in self.report.questions if isinstance(q, AmbiguousDates)}
        converter = RowConverter(self.preset, self.shape, provisional | self.orders, self.options.value_maps, self.zone)
        for row in iter_rows(self.path, self.shape) if rows is None else rows:
            result = converter.convert(row)
            if isinstance(result.record, CustomerRecord) and self.arr_by_account is not None:
                result.record.arr = self._companion_arr_of(result.record)
            yield result

    def _companion_arr_of(self, record: CustomerRecord) -> Decimal | None:
        assert self.arr_by_account is not None
        return record.arr if record.arr is not None else self.arr_by_account.get(record.external_id or "", Decimal(0))

    def validate(self, rows: Iterable[SourceRow] | None = None) -> None:
        """Convert every row (`rows` when the caller read them already, else the file) into the report."""
        report = self.report
        kept: list[Converted] | None = []
        for result in self._convert_file(rows):
            if kept is not None and len(kept) >= KEEP_ROWS:
                kept = None  # a very large file is read again for the write instead
            if kept is not None:
                kept.append(result)
            report.rows_read += 1
            report.bad_rows += result.errors
            report.warnings += result.warnings
            for column, value in result.unmapped:
                report.flag_unmapped(column, value)
        self._kept = kept
        report.footer, report.footer_count = list(self.shape.footer), self.shape.footer_count
        report.blank_rows = self.shape.blank_rows
        report.notes += self.shape.notes
        if self.arr_by_account is not None:
            report.notes.append(f"ARR from {self.preset.companion}: active subscriptions summed per account")
        elif self.preset.companion and self.preset.kind is ImportKind.CUSTOMERS:
            report.notes.append(f"no {self.preset.companion} next to the file: ARR is left as it is (0 when new)")

    def dry_run(
        self,
        store: Store,
        *,
        now: datetime | None = None,
        policy: Policy | None = None,
        progress: Progress | None = None,
    ) -> ImportReport:
        return self._write(store, getpass.getuser(), now, policy, progress, commit=False)

    def apply(
        self,
        store: Store,
        *,
        include_good_rows_only: bool = False,
        user: str | None = None,
        now: datetime | None = None,
        policy: Policy | None = None,
        progress: Progress | None = None,
    ) -> ImportReport:
        """Write the rows in one transaction. `progress(rows_done)` is called now and then on this thread; an
        exception it raises (ImportCancelled) rolls everything back."""
        if self.report.questions:
            asked = "; ".join(q.column for q in self.report.questions)
            raise ImportRefused(f"answer the date order of {asked} first (day-first or month-first)", self.report)
        if self.report.bad_lines and not include_good_rows_only:
            lines = ", ".join(str(n) for n in self.report.bad_lines[:5])
            message = f"{plural(len(self.report.bad_lines), 'bad row')} (lines {lines}); nothing imported"
            raise ImportRefused(message, self.report)
        return self._write(store, user or getpass.getuser(), now, policy, progress, commit=True)

    def _write(
        self,
        store: Store,
        user: str,
        now: datetime | None,
        policy: Policy | None,
        progress: Progress | None,
        *,
        commit: bool,
    ) -> ImportReport:
        now = now or datetime.now(UTC)
        report = _fresh(self.report)
        with store.uow() as uow, collector_paused():
            log = self._log_row(user, now)
            uow.session.add(log)
            uow.session.flush()
            writer = self._writer(uow.session, log.id, policy or default_policy(), now, report)
            for done, result in enumerate(self.converted(), start=1):
                if result.record is None:
                    report.skipped += 1
                else:
                    writer.write(result.record)
                if progress is not None and done % PROGRESS_EVERY == 0:
                    progress(done)
            writer.finish()
            if progress is not None:
                progress(report.rows_read)
            if isinstance(writer, ImportWriter) and self.preset.kind is ImportKind.TICKETS:
                report.candidates, unlinked = find_candidates(uow.session, writer.tickets_written())
                if unlinked:
                    report.notes.append(f"{plural(unlinked, 'flagged ticket')} not linked to a customer: no case")
            log.created, log.updated, log.skipped = report.created, report.updated, report.skipped
            if commit:
                uow.commit()
                report.applied, report.import_id = True, log.id
        return report

    def _writer(
        self, session: Session, import_id: str, policy: Policy, now: datetime, report: ImportReport
    ) -> ImportWriter | HealthWriter | OutcomeWriter:
        if self.preset.kind is ImportKind.HEALTH:
            return HealthWriter(session, self.preset, import_id, report, self.path)
        if self.preset.kind is ImportKind.OUTCOMES:
            return OutcomeWriter(session, self.preset, import_id, report, self.path, now)
        return ImportWriter(session, self.preset, import_id, policy, now, report)

    def _log_row(self, user: str, now: datetime) -> ImportLog:
        return ImportLog(
            id=new_id(),
            file_name=self.path.name[:500],
            sha256=_sha256(self.path),
            kind=self.preset.kind.value,
            preset=self.preset.name,
            rows_read=self.report.rows_read,
            created=0,
            updated=0,
            skipped=0,
            imported_by=user[:200],
            imported_at=now,
        )


def _fresh(validated: ImportReport) -> ImportReport:
    """The validation report without write counts; lists copied, since the writer adds duplicate warnings."""
    return dataclasses.replace(
        validated,
        warnings=list(validated.warnings),
        links=Counter(),
        proposals=[],
        notes=list(validated.notes),
        candidates=[],
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _companion_arr(path: Path, preset: Preset) -> dict[str, Decimal] | None:
    """RavenStack: an account's ARR is the sum of its active subscriptions (no end date, not churned)."""
    if preset.companion is None or not (path.parent / preset.companion).is_file():
        return None
    companion = path.parent / preset.companion
    shape = open_table(companion)
    account, arr, end, churned = (shape.positions(c)[0] for c in ("account_id", "arr_amount", "end_date", "churn_flag"))
    totals: dict[str, Decimal] = {}
    for row in iter_rows(companion, shape):
        cells = row.cells
        if is_missing(cells[end]) and cells[churned].strip().casefold() != "true" and not is_missing(cells[arr]):
            totals[cells[account]] = totals.get(cells[account], Decimal(0)) + parse_amount(cells[arr])
    return totals


def undo_last_import(store: Store, now: datetime | None = None) -> UndoResult:
    """Remove what the newest not-yet-undone import created and restore what it updated, in one transaction."""
    with store.uow() as uow:
        stmt = select(ImportLog).where(ImportLog.undone_at.is_(None)).order_by(ImportLog.imported_at.desc())
        log = uow.session.scalars(stmt.order_by(ImportLog.id.desc()).limit(1)).first()
        if log is None:
            raise NotFound("no import to undo")
        try:
            removed, restored = undo_items(uow.session, log.id)
            log.undone_at = now or datetime.now(UTC)
            uow.session.flush()
        except IntegrityError:
            raise InvalidOperation(
                f"rows from {log.file_name} are now used by cases or other imports; undo refused, nothing changed"
            ) from None
        result = UndoResult(log.id, log.file_name, removed, restored)
        uow.commit()
    return result
