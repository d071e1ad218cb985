"""The arguments of `escdesk import` and `escdesk export`, kept apart from the commands' bodies.

Building the parser must stay cheap: every `escdesk` run builds it, the app's start included, and importing the
import package (openpyxl, the presets, the writers) or the case export costs about 0.7 s. The bodies are
imported when their command runs (escdesk.importing.command, escdesk.case_export).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

DbOption = Callable[[argparse.ArgumentParser, Any], None]
# What `escdesk import KIND FILE` accepts: the import kinds (escdesk.importing.presets.ImportKind) and our own
# case export; a test keeps the two lists the same.
IMPORT_KINDS = ("customers", "tickets", "health", "outcomes", "cases")


def add_import_arguments(imp: argparse.ArgumentParser, db_option: DbOption) -> None:
    db_option(imp, argparse.SUPPRESS)
    imp.add_argument(
        "first", metavar="KIND", nargs="?", help=f"{'|'.join(IMPORT_KINDS)} (default: detected); or the FILE"
    )
    imp.add_argument("second", metavar="FILE", nargs="?", help="the CSV or XLSX file to import")
    imp.add_argument("--preset", metavar="NAME", help="the export format (default: detected from the header)")
    imp.add_argument("--mapping", metavar="NAME", help="a saved generic mapping instead of a preset")
    imp.add_argument("--sheet", metavar="NAME", help="the worksheet of an XLSX workbook (default: the first)")
    imp.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")
    imp.add_argument("--yes", action="store_true", help="import the good rows even if some rows are bad")
    imp.add_argument("--json", action="store_true", help="print the report as JSON")
    imp.add_argument("--candidates", action="store_true", help="list the escalation candidates the tickets raise")
    imp.add_argument("--date-order", metavar="COLUMN=day|month", action="append", help="answer a date question")
    imp.add_argument("--map-value", metavar="COLUMN:VALUE=OURS", action="append", help="map an unknown value")
    imp.add_argument("--timezone", default="UTC", help="time zone of stamps without an offset (default UTC)")
    imp.add_argument("--undo-last", action="store_true", help="undo the last import instead")


def add_export_arguments(parser: argparse.ArgumentParser, db_option: DbOption) -> None:
    what = parser.add_subparsers(dest="what", metavar="WHAT", required=True)
    cases = what.add_parser("cases", help="every case as one CSV row (multi-value fields joined with |)")
    db_option(cases, argparse.SUPPRESS)
    cases.add_argument("output", metavar="FILE.csv", type=Path, help="the CSV file to write")
