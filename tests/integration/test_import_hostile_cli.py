"""`escdesk import` on the hostile files QA found: every one ends in a report or a one-line refusal naming the file
(exit 1), never a traceback, with and without --dry-run; nothing is stored from a refused file."""

from __future__ import annotations

import re
import sqlite3
import zipfile
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest

from escdesk.cli import main
from escdesk.connect import OpenedDatabase


def inline_row(number: int, *texts: str) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{text}</t></is></c>' for i, text in enumerate(texts)
    )
    return f'<row r="{number}">{cells}</row>'


def xlsx_with_rows(tmp_path: Path, rows: str, dimension: str, name: str) -> Path:
    """A workbook openpyxl wrote, its sheet data and <dimension ref> then replaced as another program might."""
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    path = tmp_path / name
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename).decode()
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(r'<dimension ref="[^"]*" ?/>', f'<dimension ref="{dimension}"/>', data)
                data = re.sub(r"<sheetData ?/>|<sheetData>.*</sheetData>", f"<sheetData>{rows}</sheetData>", data)
            target.writestr(item.filename, data)
    return path


@pytest.fixture
def db(opened: OpenedDatabase, sqlite_db: Path) -> Path:
    opened.store.close()
    return sqlite_db


def customer_names(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return sorted(str(row[0]) for row in connection.execute("SELECT name FROM customers"))


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("escdesk: error: ")
    return err


def test_a_stale_dimension_imports_every_row(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = inline_row(1, "name", "arr") + "".join(inline_row(n, f"Dim Co {n}", "100") for n in range(2, 11))
    path = xlsx_with_rows(tmp_path, rows, dimension="A1:B2", name="stale_dimension.xlsx")
    assert main(["import", "customers", str(path), "--db", str(db), "--yes"]) == 0
    assert "9 rows read: 9 good, 0 bad" in capsys.readouterr().out
    assert len(customer_names(db)) == 9


def test_a_sheet_of_empty_rows_is_cut_off_with_a_note(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = inline_row(1, "name", "arr") + inline_row(2, "Acme", "5") + inline_row(1_048_576, "Far", "1")
    path = xlsx_with_rows(tmp_path, rows, dimension="A1:B1048576", name="bomb.xlsx")
    assert main(["import", "customers", str(path), "--db", str(db), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "1 row read" in out and "stopped reading sheet 'Sheet' after row 10,002" in out


@pytest.mark.parametrize("dry_run", [["--dry-run"], []])
def test_a_damaged_workbook_is_refused(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], dry_run: list[str]
) -> None:
    rows = inline_row(1, "name", "arr") + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    path = xlsx_with_rows(tmp_path, rows, dimension="A1:B2", name="bomb2.xlsx")
    err = refused(["import", "customers", str(path), "--db", str(db), "--yes", *dry_run], capsys)
    assert "bomb2.xlsx: the workbook is damaged: a cell refers to a shared string" in err
    assert customer_names(db) == []


@pytest.mark.parametrize("dry_run", [["--dry-run"], []])
def test_a_cell_past_the_field_limit_is_refused(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], dry_run: list[str]
) -> None:
    path = tmp_path / "bigcell.csv"
    path.write_text('name,arr,notes\nAcme,100,"' + "x" * (17 * 1024 * 1024) + '"\n')
    err = refused(["import", "customers", str(path), "--db", str(db), "--yes", *dry_run], capsys)
    assert "bigcell.csv: line 2: a cell longer than 16 MB; EscDesk does not import cells this long" in err
    assert customer_names(db) == []


@pytest.mark.parametrize("dry_run", [["--dry-run"], []])
def test_a_late_nul_byte_refuses_the_file(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], dry_run: list[str]
) -> None:
    path = tmp_path / "nul_after64k.csv"
    path.write_text("name,arr\n" + "".join(f"Customer {i},{i}\n" for i in range(8000)) + "Bad\x00Name,5\n")
    err = refused(["import", "customers", str(path), "--db", str(db), "--yes", *dry_run], capsys)
    assert "nul_after64k.csv is not a text table (line 8002 holds NUL bytes" in err
    assert customer_names(db) == []


def test_utf16_without_a_bom_imports(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "utf16nobom.csv"
    path.write_bytes("name,arr\nZoë AG,100\n".encode("utf-16-le"))
    assert main(["import", "customers", str(path), "--db", str(db), "--yes"]) == 0
    assert "utf16nobom.csv: customers (customers), utf-16-le" in capsys.readouterr().out
    assert customer_names(db) == ["Zoë AG"]
