"""`escdesk import [customers|tickets|health|cases] FILE`: the report first, then the import only when nothing is
wrong or the user said --yes. The kind is optional (detected from the header) and, when given, keeps detection
within that kind; `cases` reads an EscDesk case export back (escdesk.case_export)."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from escdesk.backups import backup_before
from escdesk.data_arguments import IMPORT_KINDS
from escdesk.errors import EscDeskError
from escdesk.importing.presets import ImportKind
from escdesk.importing.report import FIRST_FEW, ImportReport, plural
from escdesk.importing.run import ImportOptions, prepare_import, undo_last_import
from escdesk.importing.values import DateOrder
from escdesk.policy_command import policy_in_force

if TYPE_CHECKING:
    from escdesk.connect import OpenedDatabase
    from escdesk.policy import Policy

EXIT_OK, EXIT_BAD_INPUT = 0, 1
KINDS = IMPORT_KINDS
DbOption = Callable[[argparse.ArgumentParser, Any], None]


class ImportArgumentError(EscDeskError):
    pass


def kind_and_file(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """`import FILE` (kind detected) or `import KIND FILE`."""
    if args.second is not None:
        if args.first not in KINDS:
            raise ImportArgumentError(f"unknown kind {args.first!r}: use one of {', '.join(KINDS)}")
        return args.first, args.second
    return None, args.first


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


def options_from(args: argparse.Namespace, kind: str | None = None) -> ImportOptions:
    return ImportOptions(
        kind=ImportKind(kind) if kind else None,
        sheet=args.sheet,
        preset=args.preset,
        mapping=args.mapping,
        date_orders=_date_orders(args.date_order or []),
        value_maps=_value_maps(args.map_value or []),
        timezone=args.timezone,
    )


def _print(report: ImportReport, as_json: bool, status: str, candidates: bool = False) -> None:
    if as_json:
        print(json.dumps({"status": status, **report.as_dict()}, indent=2, default=str))
        return
    print(report.describe())
    if candidates:
        print(_candidate_lines(report))


def _candidate_lines(report: ImportReport) -> str:
    if not report.candidates:
        return "no escalation candidates"
    lines = [f"{plural(len(report.candidates), 'escalation candidate')} (open them from File > Import… in the app):"]
    for number, c in enumerate(report.candidates, start=1):
        tickets = ", ".join(c.tickets[:5]) + (" ..." if len(c.tickets) > 5 else "")
        lines.append(f"  {number:>3}. {c.severity} {c.case_type} {c.customer_name}: {c.title} [{tickets}]")
    return "\n".join(lines)


def run_import_command(args: argparse.Namespace, open_db: Callable[[], OpenedDatabase]) -> int:
    if args.undo_last:
        return _undo(args, open_db)
    kind, file = kind_and_file(args)
    if file is None:
        raise ImportArgumentError("give the FILE to import (or --undo-last)")
    if kind == "cases":
        return _import_cases(args, Path(file), open_db)
    prepared = prepare_import(Path(file), options_from(args, kind))
    report = prepared.report
    if report.questions or (report.bad_lines and not args.yes):
        _print(report, args.json, "refused")
        print(f"escdesk: {_refusal(report)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    policy = policy_in_force().policy  # starting levels and checklists as the app would give them
    opened = open_db()
    try:
        if args.dry_run:
            result = prepared.dry_run(opened.store, policy=policy)
        else:
            backup_before("import", opened.store.target)  # a copy to go back to (escdesk restore)
            result = prepared.apply(opened.store, include_good_rows_only=True, policy=policy)
        proposed = None if args.dry_run else _slow_burn_proposals(opened, policy)
    finally:
        opened.store.close()
    _print(result, args.json, "dry-run" if args.dry_run else "imported", args.candidates)
    if proposed is not None and not args.json:
        escalations = "escalation" if proposed == 1 else "escalations"
        see = ": see them with `escdesk scan`" if proposed else ""
        print(f"slow-burn scan: {proposed} {escalations} proposed from the health histories{see}")
    return EXIT_OK


def _slow_burn_proposals(opened: OpenedDatabase, policy: Policy) -> int:
    """After an import, the slow-burn scan (issue 6): how many escalations it proposes; nothing is written."""
    from escdesk.clock import SystemClock
    from escdesk.slow_burn_service import scan_after_import

    return len(scan_after_import(opened.store, SystemClock(), policy, getpass.getuser()).proposals)


def _import_cases(args: argparse.Namespace, path: Path, open_db: Callable[[], OpenedDatabase]) -> int:
    from escdesk.case_export import import_cases

    policy = policy_in_force().policy
    opened = open_db()
    try:
        if not args.dry_run:
            backup_before("import", opened.store.target)
        now = datetime.now(UTC)
        report = import_cases(opened.store, path, policy=policy, actor=getpass.getuser(), now=now, dry_run=args.dry_run)
    finally:
        opened.store.close()
    if args.json:
        print(json.dumps(dataclasses.asdict(report), indent=2, default=str))
    else:
        print(report.describe())
    return EXIT_BAD_INPUT if report.bad_rows else EXIT_OK


def _refusal(report: ImportReport) -> str:
    if report.questions:
        columns = ", ".join(repr(q.column) for q in report.questions)
        return f"nothing imported: say the date order of {columns} with --date-order COLUMN=day|month"
    lines = ", ".join(str(n) for n in report.bad_lines[:FIRST_FEW])
    more = " ..." if len(report.bad_lines) > FIRST_FEW else ""
    word = "line" if len(report.bad_lines) == 1 else "lines"
    return (
        f"nothing imported: {plural(len(report.bad_lines), 'bad row')} ({word} {lines}{more}); fix them, map "
        f"their values with --map-value, or give --yes to import the {plural(report.good_rows, 'good row')} only"
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
