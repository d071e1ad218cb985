"""`escdesk import FILE`: the report first, then the import only when nothing is wrong or the user said --yes."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from escdesk.errors import EscDeskError
from escdesk.importing.report import FIRST_FEW, ImportReport
from escdesk.importing.run import ImportOptions, prepare_import, undo_last_import
from escdesk.importing.values import DateOrder

if TYPE_CHECKING:
    from escdesk.connect import OpenedDatabase

EXIT_OK, EXIT_BAD_INPUT = 0, 1


class ImportArgumentError(EscDeskError):
    pass


def _date_orders(answers: list[str]) -> dict[str, DateOrder]:
    orders: dict[str, DateOrder] = {}
    for answer in answers:
        column, _, order = answer.rpartition("=")
        if not column or order.strip().lower() not in ("day", "month"):
            raise ImportArgumentError(f"--date-order {answer!r}: use COLUMN=day or COLUMN=month")
        orders[column.strip()] = DateOrder(order.strip().lower())
    return orders


def _value_maps(answers: list[str]) -> dict[str, dict[str, str]]:
    maps: dict[str, dict[str, str]] = {}
    for answer in answers:
        source, _, ours = answer.rpartition("=")
        column, _, value = source.partition(":")
        if not column or not value or not ours:
            raise ImportArgumentError(f"--map-value {answer!r}: use COLUMN:VALUE=OURS, e.g. Status:OpenPending=open")
        maps.setdefault(column.strip(), {})[value] = ours.strip()
    return maps


def options_from(args: argparse.Namespace) -> ImportOptions:
    return ImportOptions(
        preset=args.preset,
        mapping=args.mapping,
        date_orders=_date_orders(args.date_order or []),
        value_maps=_value_maps(args.map_value or []),
        timezone=args.timezone,
    )


def _print(report: ImportReport, as_json: bool, status: str) -> None:
    if as_json:
        print(json.dumps({"status": status, **report.as_dict()}, indent=2, default=str))
    else:
        print(report.describe())


def run_import_command(args: argparse.Namespace, open_db: Callable[[], OpenedDatabase]) -> int:
    if args.undo_last:
        return _undo(args, open_db)
    if args.file is None:
        raise ImportArgumentError("give the FILE to import (or --undo-last)")
    prepared = prepare_import(Path(args.file), options_from(args))
    report = prepared.report
    if report.questions or (report.bad_lines and not args.yes):
        _print(report, args.json, "refused")
        print(f"escdesk: {_refusal(report)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    opened = open_db()
    try:
        if args.dry_run:
            result = prepared.dry_run(opened.store)
        else:
            result = prepared.apply(opened.store, include_good_rows_only=True)
    finally:
        opened.store.close()
    _print(result, args.json, "dry-run" if args.dry_run else "imported")
    return EXIT_OK


def _refusal(report: ImportReport) -> str:
    if report.questions:
        columns = ", ".join(repr(q.column) for q in report.questions)
        return f"nothing imported: say the date order of {columns} with --date-order COLUMN=day|month"
    lines = ", ".join(str(n) for n in report.bad_lines[:FIRST_FEW])
    more = " ..." if len(report.bad_lines) > FIRST_FEW else ""
    return (
        f"nothing imported: {len(report.bad_lines)} bad rows (lines {lines}{more}); fix them, map their values "
        f"with --map-value, or give --yes to import the {report.good_rows} good rows only"
    )


def _undo(args: argparse.Namespace, open_db: Callable[[], OpenedDatabase]) -> int:
    opened = open_db()
    try:
        result = undo_last_import(opened.store)
    finally:
        opened.store.close()
    if args.json:
        print(json.dumps({"undone": result.import_id, "file": result.file_name, "removed": result.removed,
                          "restored": result.restored}))  # fmt: skip
    else:
        print(f"undid the import of {result.file_name}: {result.removed} rows removed, {result.restored} restored")
    return EXIT_OK
