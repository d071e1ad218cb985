"""Hostile import files found by QA: an XLSX whose <dimension> lies, a sheet of endless empty rows, a damaged
workbook, a CSV cell past csv's field limit, NUL bytes after the sniffed sample, UTF-16 without a byte-order mark.
Each is read correctly or refused with a message naming the file; none may raise anything but UnreadableFile."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest

from escdesk.importing import workbook
from escdesk.importing.reading import UnreadableFile, iter_rows, open_table

SHEET = "xl/worksheets/sheet1.xml"


def inline_row(number: int, *texts: str) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{text}</t></is></c>' for i, text in enumerate(texts)
    )
    return f'<row r="{number}">{cells}</row>'


def xlsx_with_rows(tmp_path: Path, rows: str, dimension: str, name: str = "book.xlsx") -> Path:
    """A workbook openpyxl wrote, its sheet data and <dimension ref> then replaced as another program might."""
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    path = tmp_path / name
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename).decode()
            if item.filename == SHEET:
                data = re.sub(r'<dimension ref="[^"]*" ?/>', f'<dimension ref="{dimension}"/>', data)
                data = re.sub(r"<sheetData ?/>|<sheetData>.*</sheetData>", f"<sheetData>{rows}</sheetData>", data)
            target.writestr(item.filename, data)
    return path


def read_all(path: Path) -> tuple[tuple[str, ...], list[tuple[int, tuple[str, ...]]]]:
    shape = open_table(path)
    return shape.header, [(row.line, row.cells) for row in iter_rows(path, shape)]


def test_a_stale_dimension_does_not_drop_rows_or_columns(tmp_path: Path) -> None:
    rows = inline_row(1, "name", "arr", "owner") + "".join(inline_row(n, f"Co {n}", "100", "Ann") for n in range(2, 11))
    header, read = read_all(xlsx_with_rows(tmp_path, rows, dimension="A1:B2"))
    assert header == ("name", "arr", "owner")
    assert [line for line, _ in read] == list(range(2, 11))
    assert read[-1] == (10, ("Co 10", "100", "Ann"))


def test_a_run_of_empty_rows_stops_the_sheet_with_a_note(tmp_path: Path) -> None:
    empty = "".join(f'<row r="{n}"><c r="A{n}" s="0"/><c r="B{n}"/></row>' for n in range(3, 30_003))
    rows = inline_row(1, "name", "arr") + inline_row(2, "Acme", "5") + empty + inline_row(30_003, "Late", "1")
    path = xlsx_with_rows(tmp_path, rows, dimension="A1:B30003")
    shape = open_table(path)
    read = [row.cells for row in iter_rows(path, shape)]
    assert read == [("Acme", "5")]
    assert shape.blank_rows == workbook.EMPTY_RUN_LIMIT
    (note,) = shape.notes
    assert f"stopped reading sheet 'Sheet' after row {workbook.EMPTY_RUN_LIMIT + 2:,}" in note
    list(iter_rows(path, shape))  # read again (large files are): the note is not repeated
    assert len(shape.notes) == 1


def test_a_far_away_last_row_is_not_padded_out_to_millions(tmp_path: Path) -> None:
    rows = inline_row(1, "name", "arr") + inline_row(2, "Acme", "5") + inline_row(1_048_576, "Far", "1")
    path = xlsx_with_rows(tmp_path, rows, dimension="A1:B1048576")
    shape = open_table(path)
    assert [row.cells for row in iter_rows(path, shape)] == [("Acme", "5")]
    assert "empty rows in a row" in shape.notes[0]


@pytest.mark.parametrize(
    "rows",
    [
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',  # a shared string, but the workbook has none
        inline_row(1, "name", "arr") + '<row r="2"><c r="A2" t="s"><v>7</v></c></row>',
        inline_row(1, "name", "arr") + '<row r="2"><c r="A2" t="n"><v>1x</v></c></row>',  # not a number
    ],
)
def test_a_damaged_workbook_is_refused_not_a_traceback(tmp_path: Path, rows: str) -> None:
    path = xlsx_with_rows(tmp_path, rows, dimension="A1:B2", name="damaged.xlsx")
    with pytest.raises(UnreadableFile, match=r"^damaged\.xlsx: the workbook is damaged: \w+"):
        read_all(path)


def test_a_truncated_sheet_xml_is_refused(tmp_path: Path) -> None:
    path = xlsx_with_rows(tmp_path, inline_row(1, "name", "arr") + '<row r="2"><c r="A2"', dimension="A1:B2")
    with pytest.raises(UnreadableFile, match=r"book\.xlsx: the workbook is damaged"):
        read_all(path)


def test_a_cell_past_the_field_limit_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text('name,arr,notes\nAcme,1,short\nHuge,2,"' + "x" * (17 * 1024 * 1024) + '"\nLast,3,x\n')
    shape = open_table(path)
    message = "big.csv: line 3: a cell longer than 16 MB; EscDesk does not import cells this long"
    with pytest.raises(UnreadableFile, match=re.escape(message)):
        list(iter_rows(path, shape))


def test_nul_bytes_after_the_sample_are_refused_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    path.write_text("name,arr\n" + "".join(f"Customer {i},{i}\n" for i in range(8000)) + "Bad\x00Name,5\n")
    shape = open_table(path)  # the first 64 KiB are clean
    with pytest.raises(UnreadableFile, match=r"late\.csv is not a text table \(line 8002 holds NUL bytes"):
        list(iter_rows(path, shape))


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "nobom.csv"
    path.write_bytes("name,arr\r\nZoë AG,100\r\n東京 KK,200\r\n".encode(encoding))
    shape = open_table(path)
    assert (shape.encoding, shape.header) == (encoding, ("name", "arr"))
    assert [row.cells for row in iter_rows(path, shape)] == [("Zoë AG", "100"), ("東京 KK", "200")]


@pytest.mark.parametrize(
    "data",
    [b"name,arr\nA\x00\x00B,1\n", b"a,b\n\x00\x01,2\n", b"name,arr\n" + bytes(range(256)) * 40],
    ids=["both-offsets", "one-stray-nul", "binary"],
)
def test_nul_bytes_without_the_utf16_pattern_are_still_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(data)
    with pytest.raises(UnreadableFile, match="holds NUL bytes"):
        open_table(path)


def test_odd_length_utf16_looking_bytes_are_refused_as_utf16(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    path.write_bytes("name,arr\nZoë AG,100\n".encode("utf-16-le") + b"x")
    with pytest.raises(UnreadableFile, match="looks like UTF-16 without a byte-order mark: save it as UTF-8"):
        open_table(path)
