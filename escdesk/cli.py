"""The `escdesk` command. With no subcommand it starts the desktop app; subcommands work without a display.

Exit codes: 0 success, 1 bad input or an unusable database (the message names the problem), 2 usage errors.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from escdesk import __version__
from escdesk.backup_command import add_backup_commands, run_backup, run_restore
from escdesk.cli_streams import never_fail_on_encoding, reader_went_away
from escdesk.data_arguments import add_export_arguments, add_import_arguments
from escdesk.domain import CaseCard, Level
from escdesk.errors import EscDeskError
from escdesk.ladder_command import add_ladder_arguments, run_ladder_command
from escdesk.policy_command import add_policy_arguments, policy_in_force, run_policy_command, run_prompts_command
from escdesk.slow_burn_command import add_slow_burn_commands, run_people_command, run_scan_command

if TYPE_CHECKING:
    from escdesk.connect import OpenedDatabase
    from escdesk.exports import ExportOptions
    from escdesk.store.engine import DatabaseTarget

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE = 0, 1, 2


class CliError(EscDeskError):
    pass


def _db_option(parser: argparse.ArgumentParser, default: str | None = None) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        default=default,
        help="SQLite file or postgresql://USER@HOST[:PORT]/DB (default: the database the app last opened)",
    )


def _level(text: str) -> Level:
    cleaned = text.strip().upper().removeprefix("L")
    if cleaned.isdigit() and 0 <= int(cleaned) <= 5:
        return Level(int(cleaned))
    raise argparse.ArgumentTypeError(f"invalid level {text!r}: use L0 to L5")


def _positive(text: str) -> int:
    if text.isdigit() and int(text) >= 0:
        return int(text)
    raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid instant {text!r}: use ISO 8601, e.g. 2026-12-01T09:00Z") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="escdesk",
        description="EscDesk: the escalation desk for Customer Success. Without a command, starts the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"escdesk {__version__}")
    _db_option(parser)
    parser.add_argument(
        "--screenshot", metavar="FILE.png", type=Path, help="render the main window offscreen to a PNG and exit"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = commands.add_parser("gui", help="start the desktop app (the default)")
    _db_option(gui, argparse.SUPPRESS)
    gui.add_argument(
        "--screenshot",
        metavar="FILE.png",
        type=Path,
        default=argparse.SUPPRESS,
        help="render the main window offscreen to a PNG and exit",
    )

    init = commands.add_parser("init", help="create an empty EscDesk database")
    _db_option(init, argparse.SUPPRESS)

    migrate = commands.add_parser("migrate", help="upgrade a database to this version's schema (backs it up first)")
    _db_option(migrate, argparse.SUPPRESS)
    migrate.add_argument("--json", action="store_true", help="print the result as JSON")

    demo = commands.add_parser("demo", help="generate a realistic, deterministic demo database")
    _db_option(demo, argparse.SUPPRESS)
    demo.add_argument("--customers", type=_positive, default=400, help="number of customers (default 400)")
    demo.add_argument("--open", type=_positive, default=40, help="open escalations (default 40)")
    demo.add_argument("--history", type=_positive, default=600, help="closed, historical escalations (default 600)")
    demo.add_argument("--seed", type=int, default=7, help="random seed: the same seed gives the same data")
    demo.add_argument("--as-of", type=_instant, default=None, help="the 'now' of the generated data (default: now)")
    demo.add_argument("--replace", action="store_true", help="overwrite an existing SQLite file")
    demo.add_argument("--json", action="store_true", help="print the summary as JSON")

    cases = commands.add_parser("cases", help="list open cases with their ids")
    _db_option(cases, argparse.SUPPRESS)
    cases.add_argument("--level", type=_level, help="only cases at this level (L0-L5)")
    cases.add_argument("--json", action="store_true", help="print JSON instead of a table")
    _add_export_commands(commands)
    _add_metrics_command(commands)
    _add_import_command(commands)
    _add_case_export_command(commands)
    add_backup_commands(commands)
    add_policy_arguments(commands, _db_option)
    add_ladder_arguments(commands, _db_option)
    add_slow_burn_commands(commands, _db_option)
    return parser


def _add_import_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    imp = commands.add_parser("import", help="import customers, tickets, health or cases from CSV/XLSX (report first)")
    add_import_arguments(imp, _db_option)


def _add_case_export_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser("export", help="export cases to CSV (reads back with `escdesk import cases`)")
    add_export_arguments(export, _db_option)


def _cmd_export(args: argparse.Namespace) -> int:
    from escdesk.case_export import run_export_command

    return run_export_command(args, lambda: _open(args))


def _pdf_options(parser: argparse.ArgumentParser) -> None:
    _db_option(parser, argparse.SUPPRESS)
    parser.add_argument("-o", "--output", metavar="FILE.pdf", type=Path, required=True, help="the PDF to write")
    parser.add_argument("--paper", choices=("A4", "Letter"), help="paper size (default: your settings, else A4)")
    parser.add_argument("--redact", action="store_true", help="hide ARR figures and contact names")


def _add_export_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    brief = commands.add_parser("brief", help="write the one-page executive brief of a case as a PDF")
    brief.add_argument("case", metavar="CASE", help="ESC-1234, the case number or the case id")
    _pdf_options(brief)
    report = commands.add_parser("report", help="write a printable report as a PDF")
    reports = report.add_subparsers(dest="report", metavar="REPORT", required=True)
    weekly = reports.add_parser("weekly", help="the weekly escalation portfolio")
    # Checked by the command, not argparse: a bad week is bad input (exit 1), not a usage error (exit 2).
    weekly.add_argument("--week", metavar="YYYY-Www", help="ISO week, e.g. 2026-W48 (default: this week)")
    _pdf_options(weekly)
    case_report = reports.add_parser("case", help="the full case report of one case: every field, several pages")
    case_report.add_argument("case", metavar="CASE", help="ESC-1234, the case number or the case id")
    _pdf_options(case_report)


def main(argv: Sequence[str] | None = None) -> int:
    never_fail_on_encoding()  # LANG=C: a non-ASCII name prints as \u escapes, not a traceback
    args = build_parser().parse_args(argv)
    command: Callable[[argparse.Namespace], int] = COMMANDS.get(args.command or "gui", _run_gui)
    try:
        status = command(args)
        sys.stdout.flush()  # a closed pipe is reported here, not in the flush at exit
        return status
    except BrokenPipeError:  # `escdesk ... | head`: the reader has all it wanted
        return reader_went_away()
    except EscDeskError as exc:
        print(f"escdesk: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("escdesk: interrupted", file=sys.stderr)
        return 130


# -- commands ---------------------------------------------------------------------------------------------------


def _run_gui(args: argparse.Namespace) -> int:
    from ui.app import run_app  # Qt is imported only here: the other commands work without it

    return run_app(db=args.db, screenshot=args.screenshot)


def _target(args: argparse.Namespace, *, fresh: bool = False) -> DatabaseTarget:
    from escdesk.settings import command_database
    from escdesk.store.engine import resolve_target

    return resolve_target(command_database(args.db, fresh=fresh))


def _ask_password_on_terminal(display: str, reason: str) -> str | None:
    if not sys.stdin.isatty():
        return None
    print(f"{display}: {reason}.", file=sys.stderr)
    return getpass.getpass("Password: ") or None


def _open(args: argparse.Namespace, *, create: bool = False) -> OpenedDatabase:
    from escdesk.connect import open_database

    opened = open_database(_target(args, fresh=create), create=create, ask_password=_ask_password_on_terminal)
    for notice in opened.notices:
        print(f"escdesk: note: {notice}", file=sys.stderr)
    return opened


def _cmd_init(args: argparse.Namespace) -> int:
    target = _target(args, fresh=True)
    if target.path is not None:
        if target.path.exists():
            raise CliError(f"{target.path} already exists; 'escdesk migrate' upgrades an existing database")
        if args.db is None:  # the default location's folder may not exist yet on a new machine
            target.path.parent.mkdir(parents=True, exist_ok=True)
    opened = _open(args, create=True)
    opened.store.close()
    print(f"created {target.display} (schema {opened.migration.to_revision})")
    return EXIT_OK


def _cmd_migrate(args: argparse.Namespace) -> int:
    opened = _open(args)
    opened.store.close()
    result = opened.migration
    summary = {
        "database": opened.store.target.display,
        "from": result.from_revision,
        "to": result.to_revision,
        "backup": str(result.backup) if result.backup else None,
    }
    if args.json:
        print(json.dumps(summary))
    elif result.changed:
        print(
            f"upgraded {summary['database']} from {result.from_revision} to {result.to_revision}; "
            f"backup at {summary['backup']}"
        )
    else:
        print(f"{summary['database']} is already at schema {result.to_revision}")
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from escdesk.demo import DemoSpec, write_demo_database

    spec = DemoSpec(
        customers=args.customers,
        open_cases=args.open,
        history=args.history,
        seed=args.seed,
        as_of=args.as_of or datetime.now(UTC).replace(minute=0, second=0, microsecond=0),
    )
    target = _target(args, fresh=True)
    summary = write_demo_database(target, spec, replace=args.replace, ask_password=_ask_password_on_terminal)
    if args.json:
        print(json.dumps(summary.as_dict()))
    else:
        print(summary.describe())
    return EXIT_OK


def _card_json(card: CaseCard) -> dict[str, object]:
    return {
        "id": card.id,
        "reference": card.reference,
        "customer": card.customer_name,
        "title": card.title,
        "level": card.level.code,
        "severity": card.severity.value,
        "status": card.status.value,
        "pace": card.pace.value,
        "type": card.case_type.value,
        "band": card.band.value,
        "arr_at_risk": float(card.arr_at_risk),
        "opened_at": card.opened_at.isoformat(),
        "version": card.version,
    }


def _cmd_cases(args: argparse.Namespace) -> int:
    opened = _open(args)
    try:
        with opened.store.read() as uow:
            cards = uow.cases.open_cards(args.level)
    finally:
        opened.store.close()
    if args.json:
        print(json.dumps([_card_json(c) for c in cards], indent=2))
        return EXIT_OK
    print(f"{'CASE':<10} {'LVL':<4} {'SEV':<4} {'STATUS':<20} {'CUSTOMER':<28} {'TITLE':<40} ID")
    for c in cards:
        print(
            f"{c.reference:<10} {c.level.code:<4} {c.severity.value:<4} {c.status.value:<20} "
            f"{c.customer_name[:28]:<28} {c.title[:40]:<40} {c.id}"
        )
    print(f"{len(cards)} open case{'s' if len(cards) != 1 else ''}")
    return EXIT_OK


def _export_options(args: argparse.Namespace) -> ExportOptions:
    from escdesk.clock import SystemClock
    from escdesk.exports import ExportOptions
    from escdesk.settings import Settings
    from escdesk.zones import user_zone

    settings = Settings.load()
    paper = args.paper or settings.paper_size
    policy = policy_in_force().policy  # the level names, clocks and checklists the app shows
    return ExportOptions(SystemClock(), policy, user_zone(settings.display_timezone), paper, args.redact)


def _cmd_brief(args: argparse.Namespace) -> int:
    return _write_pdf(args, "export_brief")


def _write_pdf(args: argparse.Namespace, exporter: str) -> int:
    """One case's PDF (the brief, the full case report) through escdesk.exports, the app's own export path."""
    from escdesk import exports

    options = _export_options(args)
    opened = _open(args)
    try:
        written = getattr(exports, exporter)(opened.store, args.case, args.output, options)
    finally:
        opened.store.close()
    print(f"wrote {written}")
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from escdesk.exports import export_weekly
    from escdesk.reports.weeks import parse_week

    if args.report == "case":
        return _write_pdf(args, "export_case_report")
    week = parse_week(args.week) if args.week else None  # before the database is opened: a typo costs nothing
    options = _export_options(args)
    opened = _open(args)
    try:
        written = export_weekly(opened.store, week, args.output, options)
    finally:
        opened.store.close()
    print(f"wrote {written}")
    return EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    from escdesk.importing.command import run_import_command

    return run_import_command(args, lambda: _open(args))


def _add_metrics_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    metrics = commands.add_parser("metrics", help="escalation analytics: rates, clocks, root causes (tables)")
    _db_option(metrics, argparse.SUPPRESS)
    # Dates are checked by the command, not argparse: a bad date is bad input (exit 1), not a usage error.
    first = "first day (default: the 1st of the month 11 months back)"
    metrics.add_argument("--from", dest="from_date", metavar="YYYY-MM-DD", help=first)
    metrics.add_argument("--to", dest="to_date", metavar="YYYY-MM-DD", help="last day, included (default: today)")
    metrics.add_argument("--band", choices=("SMB", "MM", "ENT", "STRAT"), help="only accounts of this ARR band")
    metrics.add_argument("--json", action="store_true", help="print every table as JSON")
    metrics.add_argument("--csv-dir", metavar="DIR", type=Path, help="write one CSV file per table into DIR")


def _cmd_metrics(args: argparse.Namespace) -> int:
    from escdesk.metrics.command import run_metrics_command

    return run_metrics_command(args, lambda: _open(args))


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "gui": _run_gui,
    "init": _cmd_init,
    "migrate": _cmd_migrate,
    "demo": _cmd_demo,
    "cases": _cmd_cases,
    "brief": _cmd_brief,
    "report": _cmd_report,
    "metrics": _cmd_metrics,
    "import": _cmd_import,
    "export": _cmd_export,
    "backup": run_backup,
    "restore": run_restore,
    "policy": run_policy_command,
    "prompts": lambda args: run_prompts_command(args, lambda: _open(args)),
    "ladder": lambda args: run_ladder_command(args, lambda: _open(args)),
    "scan": lambda args: run_scan_command(args, lambda: _open(args)),
    "people": lambda args: run_people_command(args, lambda: _open(args)),
}
