"""`escdesk backup [-o FILE]` and `escdesk restore FILE`: the user's own copies of an embedded database.

Neither opens the database through the usual path: a backup must not migrate what it copies, and a restore
replaces the file rather than using it. A team database (PostgreSQL) is refused with what to use instead.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from escdesk.store.engine import DatabaseTarget

EXIT_OK = 0


def add_backup_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db_help = "SQLite file (default: the database the app last opened); a PostgreSQL URL is refused"
    backup = commands.add_parser("backup", help="copy the database (consistent even while EscDesk is running)")
    backup.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS, help=db_help)
    backup.add_argument(
        "-o", "--output", metavar="FILE", type=Path, help="where to write the copy (default: the backups/ folder)"
    )
    backup_restore = commands.add_parser("restore", help="replace the database with a backup (copies it first)")
    backup_restore.add_argument("file", metavar="FILE", type=Path, help="the backup to restore")
    backup_restore.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS, help=db_help)


def _target(args: argparse.Namespace) -> DatabaseTarget:
    # Imported when run, not when the parser is built: `escdesk --help` stays quick.
    from escdesk.backups import PostgresBackupsAreTheServersJob
    from escdesk.settings import command_database
    from escdesk.store.engine import resolve_target

    target = resolve_target(command_database(getattr(args, "db", None)))
    if target.path is None:
        raise PostgresBackupsAreTheServersJob(target)
    return target


def run_backup(args: argparse.Namespace) -> int:
    from escdesk.backups import copy_database, take_backup
    from escdesk.store.engine import check_sqlite_file

    target = _target(args)
    assert target.path is not None
    check_sqlite_file(target.path, must_exist=True)
    # Without -o the copy goes with the rolling ones, labelled "manual" so that pruning never removes it.
    copy = take_backup(target.path, "manual") if args.output is None else copy_database(target.path, args.output)
    print(f"backed up {target.display} to {copy}")
    return EXIT_OK


def run_restore(args: argparse.Namespace) -> int:
    from escdesk.backups import restore

    result = restore(args.file, _target(args))
    print(f"restored {result.database} from {result.restored_from} (schema {result.revision})")
    if result.previous_copy is not None:
        print(f"the database as it was before is at {result.previous_copy}")
    return EXIT_OK
