"""The shortcuts that make a big import fast give the same answers as the long way: ids, repeated values, rows."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from ulid import ULID

from escdesk.importing.bulk import UlidSequence
from escdesk.importing.presets import detect_preset
from escdesk.importing.reading import SourceRow, TableShape
from escdesk.importing.records import CustomerRecord, RowConverter, TicketRecord
from escdesk.importing.values import DateOrder, parse_amount


def test_import_ids_are_ulids_of_now_counting_up_in_file_order() -> None:
    before = time.time()
    next_id = UlidSequence()
    ids = [next_id() for _ in range(3000)]
    parsed = [ULID.from_str(i) for i in ids]
    assert all(len(i) == 26 and str(u) == i for i, u in zip(ids, parsed, strict=True))
    assert before - 1 <= parsed[0].timestamp <= time.time() + 1
    assert [int(u) - int(parsed[0]) for u in parsed] == list(range(3000))  # monotonic: sorted, no repeats


def test_import_ids_carry_into_the_higher_digits() -> None:
    next_id = UlidSequence()
    next_id._random = (7 << 20) - 2  # two ids before the cached leading digits change
    ids = [next_id() for _ in range(4)]
    assert [int(ULID.from_str(i)) & (2**80 - 1) for i in ids] == [(7 << 20) - 2 + n for n in range(4)]
    assert ids == sorted(ids)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1234", "1234"), ("$1,234,567.89", "1234567.89"), ("1234.5", "1234.5"), ("0123", "123"), ("$0.99", "0.99"),
     ("1,234", "1234"), ("0,123", "0.123"), ("1234.567", "1234567"), ("1,23", "1.23")],
)  # fmt: skip
def test_plain_and_general_amounts_agree(text: str, expected: str) -> None:
    assert str(parse_amount(text)) == expected


def converter(*header: str, orders: dict[str, DateOrder] | None = None) -> RowConverter:
    shape = TableShape(encoding="utf-8", delimiter=",", header=header)
    return RowConverter(detect_preset(shape), shape, orders or {}, {}, ZoneInfo("UTC"))


def test_a_repeated_bad_date_is_reported_on_every_row() -> None:
    customers = converter("Name", "ARR", "Renewal")
    rows = [SourceRow(n, (f"Acme {n}", "100", "31/31/2027")) for n in (2, 3)]
    results = [customers.convert(row) for row in rows]
    assert [(r.record, [(i.line, i.column, i.value) for i in r.errors]) for r in results] == [
        (None, [(2, "Renewal", "31/31/2027")]),
        (None, [(3, "Renewal", "31/31/2027")]),
    ]
    assert results[0].errors[0].reason == results[1].errors[0].reason == "not a valid date: '31/31/2027'"


def test_a_repeated_date_reads_the_same_in_each_column_order() -> None:
    customers = converter("Name", "ARR", "Renewal", orders={"Renewal": DateOrder.MONTH_FIRST})
    records = [customers.convert(SourceRow(n, (f"Acme {n}", "$1,000", "3/4/2027"))).record for n in (2, 3)]
    assert all(isinstance(r, CustomerRecord) and r.renewal_date == date(2027, 3, 4) for r in records)


def test_a_repeated_unknown_status_is_flagged_on_every_row() -> None:
    header = ("Ticket ID", "Customer Email", "Ticket Status", "Ticket Priority", "First Response Time")
    tickets = converter(*header, orders={"First Response Time": DateOrder.MONTH_FIRST})
    rows = [SourceRow(n, (str(n), "a@b.example", "Parked", "High", "6/1/2023 12:15")) for n in (2, 3)]
    results = [tickets.convert(row) for row in rows]
    assert [r.unmapped for r in results] == [[("Ticket Status", "Parked")], [("Ticket Status", "Parked")]]
    assert [e.line for r in results for e in r.errors] == [2, 3]
    good = tickets.convert(SourceRow(4, ("4", "a@b.example", "Closed", "High", "6/1/2023 12:15")))
    assert isinstance(good.record, TicketRecord) and (good.record.status, good.record.priority) == ("closed", "high")
    assert good.record.first_response_at == datetime(2023, 6, 1, 12, 15, tzinfo=UTC)
