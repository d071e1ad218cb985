"""Reading exports: encodings (I1 BOM, I3 CP1252, UTF-16), delimiters (I2), footers (I5), repeated columns and
`;`-structured cells (I4), multi-line cells counted as physical lines, blank trailing rows. Fixtures are written
byte for byte into tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from escdesk.importing.reading import (
    UnreadableFile,
    iter_rows,
    open_table,
    sniff_delimiter,
    split_structured,
)


def write(tmp_path: Path, data: bytes, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_utf8_bom_is_not_part_of_the_first_header(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbfTicket ID,Subject\r\n1,Hello\r\n")
    shape = open_table(path)
    assert shape.encoding == "utf-8-sig"
    assert shape.header == ("Ticket ID", "Subject")
    assert shape.positions("ticket id") == [0]


def test_cp1252_is_detected_and_the_accent_survives(tmp_path: Path) -> None:
    path = write(tmp_path, "Title;Owner\r\nGérer l'escalade;Zoë\r\n".encode("cp1252"))
    shape = open_table(path)
    assert (shape.encoding, shape.delimiter) == ("cp1252", ";")
    assert [row.cells for row in iter_rows(path, shape)] == [("Gérer l'escalade", "Zoë")]


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "Name\tARR\r\nÅland Oy\t5\r\n".encode("utf-16"))
    shape = open_table(path)
    assert (shape.encoding, shape.delimiter) == ("utf-16", "\t")
    assert [row.cells for row in iter_rows(path, shape)] == [("Åland Oy", "5")]


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ('Name;ARR;Renewal\nAcme GmbH;"1.234,56";31.12.2025\n', ";"),
        ("a,b,c\n1,2,3\n", ","),
        ("a\tb\n1\t2,5\n", "\t"),
        ('a|b|c\n"x|y"|2|3\n', "|"),
        ('"Name, full","ARR"\n"Doe, J",5\n', ","),
    ],
)
def test_delimiter_sniffing(sample: str, expected: str) -> None:
    assert sniff_delimiter(sample) == expected


def test_line_numbers_count_the_lines_inside_quoted_cells(tmp_path: Path) -> None:
    data = b'ID,Body\r\n1,"first\r\nsecond\r\nthird"\r\n2,plain\r\n,\r\n,\r\n'
    path = write(tmp_path, data)
    shape = open_table(path)
    rows = list(iter_rows(path, shape))
    assert [(r.line, r.cells[0]) for r in rows] == [(2, "1"), (5, "2")]
    assert rows[0].cells[1] == "first\r\nsecond\r\nthird"
    assert shape.blank_rows == 2


def test_a_salesforce_footer_is_recorded_not_read_as_rows(tmp_path: Path) -> None:
    data = (
        b'"Case Number","Subject","Status"\r\n"00001001","Down","New"\r\n"00001002","Slow","Closed"\r\n'
        b'"00001003","Bill","Escalated"\r\n\r\n"Grand Totals (3 records)"\r\n'
        b'"Confidential Information - Do Not Distribute"\r\n'
        b'"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\r\n'
    )
    path = write(tmp_path, data)
    shape = open_table(path)
    assert [r.cells[0] for r in iter_rows(path, shape)] == ["00001001", "00001002", "00001003"]
    assert shape.footer_count == 3
    assert len(shape.footer) == 3


def test_repeated_columns_are_all_found(tmp_path: Path) -> None:
    path = write(tmp_path, b"Issue key,Summary,Labels,Labels,Labels,Comment,Comment\nK-1,S,a,b,c,x,y\n")
    assert open_table(path).positions("Labels") == [2, 3, 4]


def test_a_jira_comment_splits_on_the_first_two_semicolons_only() -> None:
    cell = split_structured("15/Feb/26 4:37 PM;5f1a2b;Deploy at 9;30; then check logs")
    assert cell is not None
    assert (cell.at, cell.author, cell.body) == ("15/Feb/26 4:37 PM", "5f1a2b", "Deploy at 9;30; then check logs")
    assert split_structured("just text") is None


def test_empty_and_binary_files_are_refused_with_a_reason(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="empty"):
        open_table(write(tmp_path, b"\r\n\r\n", "empty.csv"))
    with pytest.raises(UnreadableFile, match="not an Excel workbook"):
        open_table(write(tmp_path, b"PK\x03\x04\x00\x00\xff\xfe", "book.xlsx"))
    with pytest.raises(UnreadableFile, match="NUL"):
        open_table(write(tmp_path, b"a,b\n\x00\x01,2\n", "odd.csv"))
    with pytest.raises(UnreadableFile, match="does not exist"):
        open_table(tmp_path / "missing.csv")


def test_carriage_return_only_line_ends_are_read(tmp_path: Path) -> None:
    """Old Mac and some Excel exports end lines with a lone CR; the header and the rows read like any other."""
    path = write(tmp_path, b"Name,ARR\rAcme,100\rBeta,200\r", "mac.csv")
    shape = open_table(path)
    assert shape.header == ("Name", "ARR")
    assert [(row.line, row.cells) for row in iter_rows(path, shape)] == [(2, ("Acme", "100")), (3, ("Beta", "200"))]
    with pytest.raises(UnreadableFile, match="empty"):
        open_table(write(tmp_path, b"\r\x01", "odd.csv"))
