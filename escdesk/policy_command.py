"""`escdesk policy check|export|import FILE` and `escdesk prompts CASE [--json]`.

check validates a policy file as the app would load it (exit 1 with the message naming the rule or field);
export writes the policy in force (the user's file, else the shipped default) so a team can share it; import
validates a file, then makes it the user's policy (escdesk.policy_store writes it atomically).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from escdesk.errors import EscDeskError

if TYPE_CHECKING:
    from escdesk.connect import OpenedDatabase
    from escdesk.policy_store import EffectivePolicy
    from escdesk.prompt_service import CasePromptView

DbOption = Callable[..., None]


class PolicyCommandError(EscDeskError):
    pass


def policy_in_force() -> EffectivePolicy:
    """The policy a command runs under, the one the app runs under: the user's file when it is valid, else the
    shipped default, with the reason on stderr (a brief, an import or a metric under the default instead of the
    team's file deserves a word)."""
    from escdesk.policy_store import load_effective_policy

    effective = load_effective_policy()
    if effective.notice:
        print(f"escdesk: note: {effective.notice}", file=sys.stderr)
    return effective


def add_policy_arguments(commands: Any, db_option: DbOption) -> None:
    policy = commands.add_parser("policy", help="check, export or import an escalation policy file")
    actions = policy.add_subparsers(dest="policy_action", metavar="ACTION", required=True)
    actions.add_parser("check", help="validate a policy file (rules, roles, levels, clocks)").add_argument(
        "file", type=Path, metavar="FILE"
    )
    actions.add_parser("export", help="write the policy in force to FILE").add_argument(
        "file", type=Path, metavar="FILE"
    )
    actions.add_parser("import", help="validate FILE and make it your policy").add_argument(
        "file", type=Path, metavar="FILE"
    )
    prompts = commands.add_parser("prompts", help="who to bring in and when to go up a level, for one case")
    prompts.add_argument("case", metavar="CASE", help="ESC-1234, the case number or the case id")
    prompts.add_argument("--json", action="store_true", help="print JSON instead of sentences")
    prompts.add_argument("--as-of", metavar="INSTANT", help="evaluate as of this instant (ISO 8601; default: now)")
    db_option(prompts, argparse.SUPPRESS)


def run_policy_command(args: argparse.Namespace) -> int:
    from escdesk.policy import PolicyError

    try:
        return _policy_action(args)
    except (PolicyError, OSError) as exc:  # the message names the file and the rule or field
        raise PolicyCommandError(str(exc)) from None


def _policy_action(args: argparse.Namespace) -> int:
    from escdesk.policy import load_policy, read_policy_data
    from escdesk.policy_store import load_effective_policy, policy_data, save_user_policy

    path: Path = args.file
    if args.policy_action == "check":
        policy = load_policy(path)
        print(f"{path}: policy {policy.name!r} version {policy.version} is valid ({_counts(policy)})")
        _warn_if_same_version(path, policy)
    elif args.policy_action == "export":
        from escdesk.exports import write_atomically

        if path.is_dir():
            raise PolicyCommandError(f"{path} is a folder; give the name of the policy file to write")
        data = policy_data(load_effective_policy())
        # Atomically: a crash or a full disk keeps the old file, never half a policy that a team then imports.
        write_atomically(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        print(f"wrote {path}")
    else:
        policy = load_policy(path)  # refused before anything is written
        save_user_policy(read_policy_data(path))
        print(f"imported policy {policy.name!r} version {policy.version} ({_counts(policy)})")
    return 0


def _warn_if_same_version(path: Path, policy: Any) -> None:
    """A changed policy under the version in force would be mistaken for it: a case records the version it was
    opened under and keeps it, so the change would not reach those cases as a new version. The editor bumps the
    version on save; a hand-edited file must too."""
    from escdesk.policy import read_policy_data
    from escdesk.policy_editing import bump_version
    from escdesk.policy_store import load_effective_policy, policy_data

    in_force = load_effective_policy()
    if policy.version != in_force.policy.version:
        return
    data, current = read_policy_data(path), policy_data(in_force)
    if all(data[key] == current.get(key) for key in data):  # missing later sections come from the default
        return
    print(
        f"warning: {path} changes the policy in force but keeps its version {policy.version!r}; cases keep the "
        f"version they were opened under and the policy editor bumps it on save, so give this file a new "
        f"version, e.g. {bump_version(policy.version)!r}",
        file=sys.stderr,
    )


def _counts(policy: Any) -> str:
    return f"{len(policy.rules)} rules, {len(policy.roles)} roles, {len(policy.levels)} levels"


def _as_of(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise PolicyCommandError(f"invalid instant {text!r}: use ISO 8601, e.g. 2026-12-01T09:00Z") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def run_prompts_command(args: argparse.Namespace, open_db: Callable[[], OpenedDatabase]) -> int:
    from escdesk.brief_service import resolve_case
    from escdesk.clock import FrozenClock
    from escdesk.errors import NotFound
    from escdesk.policy_store import policy_data
    from escdesk.prompt_service import PromptService

    at = _as_of(args.as_of)
    effective = policy_in_force()
    opened = open_db()
    try:
        case_id = resolve_case(opened.store, args.case)
        service = PromptService(opened.store, FrozenClock(at), effective.policy, _actor(), policy_data(effective))
        try:
            view = service.case_prompts(case_id)
        except NotFound:
            closed = f"{args.case} is not open: prompts are for open cases ('escdesk cases' lists them)"
            raise NotFound(closed) from None
    finally:
        opened.store.close()
    print(json.dumps(view_json(view), indent=2, ensure_ascii=False) if args.json else view_text(view))
    return 0


def _actor() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (some containers): still record something honest
        return "unknown user"


def view_text(view: CasePromptView) -> str:
    lines = [f"{view.reference} {view.title} (L{view.level.value}, policy {view.policy_version})"]
    if view.needs_reapply:
        lines.append(f"  note: the policy in force is {view.policy_in_force}; re-apply it to use its rules")
    lines += [f"- {p.sentence()}" for p in view.ladder]
    for item in view.involvements:
        flags = " [OVERDUE]" if item.overdue else ""
        state = "" if item.status.value == "proposed" else f" [{item.status.value}]"
        lines.append(f"- {item.sentence}{state}{flags}")
    if len(lines) == 1:
        lines.append("- no rule applies to this case")
    return "\n".join(lines)


def view_json(view: CasePromptView) -> dict[str, Any]:
    def instant(at: datetime | None) -> str | None:
        return None if at is None else at.isoformat().replace("+00:00", "Z")

    return {
        "case_id": view.case_id,
        "reference": view.reference,
        "level": view.level.code,
        "policy_version": view.policy_version,
        "policy_in_force": view.policy_in_force,
        "signals": sorted(view.flags),
        "ladder": [
            {"rule": p.rule_key, "to_level": p.to_level.code, "escalate": p.escalate, "sentence": p.sentence(),
             "explanation": p.explanation}
            for p in view.ladder
        ],
        "involvements": [
            {"id": i.id, "rule": i.rule_key, "role": i.role, "role_label": i.role_label, "person": i.person_name,
             "status": i.status.value, "due_at": instant(i.due_at), "overdue": i.overdue,
             "nobody_covers": bool(i.prompt and i.prompt.nobody), "sentence": i.sentence,
             "decided_by": i.decided_by, "reason": i.reason}
            for i in view.involvements
        ],
    }  # fmt: skip
