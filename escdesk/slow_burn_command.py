"""`escdesk scan [--json] [--confirm-all]` (the slow-burn scan) and `escdesk people import|export FILE` (the
people directory as CSV). Registered in escdesk.cli; Qt-free and light to import: the work is imported lazily.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from escdesk.connect import OpenedDatabase
    from escdesk.slow_burn import Proposal

Commands = argparse._SubParsersAction
DbOption = Callable[[argparse.ArgumentParser, Any], None]
OpenDb = Callable[[], "OpenedDatabase"]


def add_slow_burn_commands(commands: Commands, db_option: DbOption) -> None:
    scan = commands.add_parser("scan", help="the slow-burn scan: propose escalations from health, tickets, sponsors")
    db_option(scan, argparse.SUPPRESS)
    scan.add_argument("--json", action="store_true", help="print the proposals as JSON")
    scan.add_argument("--confirm-all", action="store_true", help="open a slow-burn case for every proposal")
    people = commands.add_parser("people", help="the people directory as CSV (name,email,title,role,bands,regions)")
    db_option(people, argparse.SUPPRESS)
    actions = people.add_subparsers(dest="people_action", metavar="ACTION", required=True)
    for name, text in (("import", "add or update the people of a CSV file (all or nothing)"),
                       ("export", "write the whole directory to a CSV file ('-' for standard output)")):  # fmt: skip
        action = actions.add_parser(name, help=text)
        db_option(action, argparse.SUPPRESS)
        action.add_argument("file", metavar="FILE", help="the CSV file")


def _actor() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown user"


def proposal_json(proposal: Proposal) -> dict[str, object]:
    return {
        "customer_id": proposal.customer_id,
        "customer": proposal.customer_name,
        "band": proposal.band.value,
        "severity": proposal.severity.value,
        "signal": proposal.signal.value,
        "signal_key": proposal.signal_key,
        "title": proposal.title,
        "reason": proposal.reason,
        "days_to_renewal": proposal.days_to_renewal,
        "tickets_30d": proposal.tickets_30d,
    }


def run_scan_command(args: argparse.Namespace, open_db: OpenDb) -> int:
    from escdesk.clock import SystemClock
    from escdesk.policy_command import policy_in_force
    from escdesk.slow_burn_service import SlowBurnService

    policy = policy_in_force().policy
    opened = open_db()
    try:
        service = SlowBurnService(opened.store, SystemClock(), policy, _actor())
        result = service.scan()
        service.record_scan(result)
        opened_cases = [service.confirm(p).reference for p in result.proposals] if args.confirm_all else []
    finally:
        opened.store.close()
    if args.json:
        summary = {"day": result.day.isoformat(), "customers_scanned": result.customers_scanned,
                   "proposals": [proposal_json(p) for p in result.proposals], "opened": opened_cases}  # fmt: skip
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        return 0
    count = len(result.proposals)
    print(f"{count} slow-burn escalation{'s' if count != 1 else ''} proposed "
          f"({result.customers_scanned:,} customers with recent signals, {result.day.isoformat()})")  # fmt: skip
    for index, proposal in enumerate(result.proposals):
        opened_as = f"  -> opened {opened_cases[index]}" if opened_cases else ""
        band = proposal.band.value
        print(f"{proposal.severity.value}  {band:<5} {proposal.customer_name}: {proposal.reason}{opened_as}")
    return 0


def run_people_command(args: argparse.Namespace, open_db: OpenDb) -> int:
    from escdesk.clock import SystemClock
    from escdesk.directory import DirectoryService
    from escdesk.directory_csv import export_csv, import_file
    from escdesk.policy_command import policy_in_force

    policy = policy_in_force().policy
    opened = open_db()
    try:
        if args.people_action == "import":
            summary = import_file(opened.store, Path(args.file), policy, SystemClock())
            print(f"imported {args.file}: {summary.describe()}")
            return 0
        text = export_csv(DirectoryService(opened.store, SystemClock(), policy).people())
    finally:
        opened.store.close()
    if args.file == "-":
        sys.stdout.write(text)
    else:
        try:
            Path(args.file).write_text(text, encoding="utf-8")
        except OSError as exc:
            from escdesk.errors import EscDeskError

            raise EscDeskError(f"cannot write {args.file}: {exc.strerror or exc}") from exc
        print(f"wrote {args.file}: {len(text.splitlines()) - 1} rows")
    return 0
