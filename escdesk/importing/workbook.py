"""Excel workbooks (.xlsx) read like the CSV files: the first worksheet (or the one named), its first row the header.

openpyxl's read-only mode streams the sheet's XML, so a 15,000-row workbook is never held whole. Cells become the
text a CSV export of the same sheet would hold, except that typed cells are written unambiguously: a date cell
becomes ISO `2025-12-31` (never `12/31/2025`, so no day/month question is asked of a workbook), a number its exact
decimal digits. Line numbers in the report are the sheet's row numbers, as Excel shows them.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from escdesk.importing.reading import TableShape, UnreadableFile, clean_header

XLSX = "xlsx"
# What openpyxl lets escape from a damaged part: a cell pointing at a shared string that is not there (IndexError),
# a missing part (KeyError), broken XML (SyntaxError: ElementTree's and lxml's parse errors both are one), a bad
# number or date (ValueError, TypeError), a truncated or corrupt zip member (BadZipFile, zlib.error, EOFError).
DAMAGE = (IndexError, KeyError, ValueError, TypeError, SyntaxError, EOFError, zipfile.BadZipFile, zlib.error)
# A sheet of a million styled but empty rows (or one cell at row 1,048,576) is not read, nor padded, to its end.
EMPTY_RUN_LIMIT = 10_000


@contextmanager
def _damage_refused(path: Path) -> Iterator[None]:
    """The one place where what openpyxl raises on a damaged workbook becomes a refusal instead of a traceback."""
    try:
        yield
    except DAMAGE as exc:
        # openpyxl's own words ("list index out of range") say nothing to a user; the usual cause does.
        cause = "a cell refers to a shared string or style it does not hold; " if isinstance(exc, IndexError) else ""
        raise UnreadableFile(f"{path.name}: the workbook is damaged: {cause}{type(exc).__name__}: {exc}") from None


def _load(path: Path) -> Any:
    import openpyxl  # type: ignore[import-untyped]  # imported here: reading CSV files never pays for it
    from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        # An .ods or .docx is a zip too; openpyxl then misses its parts (KeyError).
        raise UnreadableFile(f"{path.name} is not an Excel workbook (.xlsx) that can be read: {exc}") from None


def sheet_names(path: Path) -> list[str]:
    with _damage_refused(path):
        workbook = _load(path)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _worksheet(path: Path, workbook: Any, sheet: str | None) -> Any:
    names = list(workbook.sheetnames)
    if not names:
        raise UnreadableFile(f"{path.name} has no worksheets")
    if sheet is None:
        return workbook[names[0]]
    if sheet not in names:
        raise UnreadableFile(f"{path.name} has no sheet {sheet!r}; its sheets: {', '.join(names)}")
    return workbook[sheet]


def _sized_worksheet(path: Path, workbook: Any, sheet: str | None) -> Any:
    worksheet = _worksheet(path, workbook, sheet)
    # Read-only mode trusts the sheet's <dimension ref>, which some exporters leave stale (A1:B2 over 9 rows):
    # rows and columns past it would be dropped without a word. Unsized, rows are read to the sheet's end.
    worksheet.reset_dimensions()
    return worksheet


def open_workbook_table(path: Path, sheet: str | None = None) -> TableShape:
    with _damage_refused(path):
        workbook = _load(path)
        try:
            worksheet = _sized_worksheet(path, workbook, sheet)
            first = next(worksheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
            header = clean_header(path, [cell_text(v) for v in first] if first else None)
            return TableShape(encoding=XLSX, delimiter="", header=header, sheet=worksheet.title)
        finally:
            workbook.close()


def iter_sheet_cells(path: Path, sheet: str, notes: list[str] | None = None) -> Iterator[tuple[int, list[str]]]:
    """(row number, cell texts) of every row after the header; empty rows too (the reader counts them). After
    EMPTY_RUN_LIMIT empty rows in a row the sheet is taken to have ended, and `notes` says so."""
    with _damage_refused(path):
        workbook = _load(path)
        try:
            worksheet = _sized_worksheet(path, workbook, sheet)
            empty_run = 0
            for number, values in enumerate(worksheet.iter_rows(min_row=2, values_only=True), start=2):
                # any() settles nearly every row; only a row of falsy values (0 is a value) is looked at cell by cell.
                if any(values) or not all(v is None or v == "" for v in values):
                    empty_run = 0
                elif empty_run == EMPTY_RUN_LIMIT:
                    _note_empty_run(notes, sheet, number - 1)
                    return
                else:
                    empty_run += 1
                yield number, [cell_text(v) for v in values]
        finally:
            workbook.close()


def _note_empty_run(notes: list[str] | None, sheet: str, last_row: int) -> None:
    note = (
        f"stopped reading sheet {sheet!r} after row {last_row:,}: {EMPTY_RUN_LIMIT:,} empty rows in a row; "
        "anything below them was not read"
    )
    if notes is not None and note not in notes:  # a large file is read twice; say it once
        notes.append(note)


def cell_text(value: object) -> str:
    """A typed cell as the text our value parsers read without guessing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    return str(value)


def _number_text(value: float) -> str:
    """The float's shortest exact digits. Exactly three decimals get a trailing zero, because our amount parser
    reads `1.234` as a thousands group (right for text exports); `1.2340` is the same number, read as decimals."""
    if value.is_integer():
        return str(int(value))
    text = format(Decimal(repr(value)), "f")
    return text + "0" if len(text.partition(".")[2]) == 3 else text
