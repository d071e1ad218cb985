"""`escdesk ladder [--dry-run] [--json] [--as-of INSTANT]`: the moves the policy's automatic rules make.

What the app does after each minute's clock evaluation, from a terminal or a scheduler (cron) when no desk is
open: every open case an automatic ladder or jump rule fires for goes to the level it asks for, recorded as
"EscDesk rules" with the rule's reason. --dry-run lists the moves without making them. The shipped policy has no
automatic rule (people decide), so this moves nothing until a team turns one on.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from escdesk.policy_command import DbOption, _as_of

if TYPE_CHECKING:
    from escdesk.connect import OpenedDatabase
    from escdesk.ladder import Moved
    from escdesk.policy import Policy


def add_ladder_arguments(commands: Any, db_option: DbOption) -> None:
    ladder = commands.add_parser("ladder", help="make the level moves the policy's automatic rules make")
    ladder.add_argument("--dry-run", action="store_true", help="list the moves, change nothing")
    ladder.add_argument("--json", action="store_true", help="print JSON instead of sentences")
    ladder.add_argument("--as-of", metavar="INSTANT", help="evaluate as of this instant (ISO 8601; default: now)")
    db_option(ladder, argparse.SUPPRESS)


def run_ladder_command(args: argparse.Namespace, open_db: Callable[[], OpenedDatabase]) -> int:
    from escdesk.clock import FrozenClock
    from escdesk.ladder import apply_automatic_moves, plan_automatic_moves
    from escdesk.policy_command import policy_in_force

    at = _as_of(args.as_of)  # checked before the database is opened
    policy = policy_in_force().policy
    opened = open_db()
    try:
        clock = FrozenClock(at)
        if args.dry_run:
            moves = plan_automatic_moves(opened.store, clock, policy)
        else:
            moves = apply_automatic_moves(opened.store, clock, policy)
    finally:
        opened.store.close()
    print(json.dumps(moves_json(moves, policy, at, args.dry_run), indent=2) if args.json else moves_text(moves, policy))
    return 0


def moves_text(moves: list[Moved], policy: Policy) -> str:
    if moves:
        return "\n".join(f"- {move.sentence()}" for move in moves)
    if not any(rule.then.automatic for rule in policy.rules):
        return (
            f"No rule of policy {policy.version} moves cases automatically: its level changes are prompts a person "
            "follows (tick “Move the case automatically” on a rule in Tools > Rules… to change that)."
        )
    return "No case to move: no automatic rule asks for a higher level."


def moves_json(moves: list[Moved], policy: Policy, at: datetime, dry_run: bool) -> dict[str, Any]:
    return {
        "as_of": at.isoformat().replace("+00:00", "Z"),
        "dry_run": dry_run,
        "policy_version": policy.version,
        "automatic_rules": [rule.key for rule in policy.rules if rule.then.automatic],
        "moves": [
            {"case_id": m.case_id, "reference": m.reference, "from_level": m.from_level.code,
             "to_level": m.to_level.code, "level_name": m.level_name, "rule": m.rule_key, "reason": m.reason,
             "applied": m.applied, "at": m.at.isoformat().replace("+00:00", "Z")}
            for m in moves
        ],
    }  # fmt: skip
