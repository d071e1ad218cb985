"""The policy in force: the user's own policy file when there is one, else the shipped default (no Qt here).

The user's file lives in the config folder (`policy.json`) and holds a whole policy, written by the calendar
editor from the policy in force with one calendar changed. A file that cannot be used (unreadable, not JSON, a
field wrong) never stops the app: the default is used instead and the notice says which file and which field, so
the person can fix or delete it. A file written by an older EscDesk lacks the sections added since (the rules,
say): those come from the shipped default, so an upgrade never leaves a user without them. Nothing computed from
the policy is stored, so a saved change (a holiday added, hours changed) takes effect at the next clock
evaluation of every open case (issue 5, T5).
"""

from __future__ import annotations

import json
import os
import tempfile
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from escdesk.calendars import BusinessCalendar
from escdesk.file_use import fsync_folder
from escdesk.paths import config_dir
from escdesk.policy import Policy, PolicyError, default_policy, parse_policy, read_policy_data

USER_POLICY_NAME = "policy.json"
# Every policy file EscDesk ever wrote has these; the sections added later may be missing from an older file.
FIRST_SECTIONS = ("format", "format_version", "name", "version", "levels", "arr_bands", "severities", "starting_level")


@dataclass(frozen=True, slots=True)
class EffectivePolicy:
    """The policy to use, where it came from (None: the shipped default), and why the user's file was not used."""

    policy: Policy
    source: Path | None
    notice: str | None = None


def user_policy_path() -> Path:
    return config_dir() / USER_POLICY_NAME


def load_effective_policy(path: Path | None = None) -> EffectivePolicy:
    """The user's policy file when it exists and is valid; otherwise the default (with a notice when the file
    exists but cannot be used)."""
    path = user_policy_path() if path is None else path
    try:
        exists = path.exists()
    except OSError as exc:  # the folder cannot be searched (permissions): say so, start on the default
        notice = f"Your policy file {path} cannot be reached ({exc.strerror}), so EscDesk uses its default policy."
        return EffectivePolicy(default_policy(), None, notice)
    if not exists:
        return EffectivePolicy(default_policy(), None)
    try:
        return EffectivePolicy(parse_policy(_with_default_sections(read_policy_data(path)), str(path)), path)
    except PolicyError as exc:
        notice = f"Your policy file could not be used, so EscDesk uses its default policy. {exc}"
        return EffectivePolicy(default_policy(), None, notice)


def policy_data(effective: EffectivePolicy) -> dict[str, Any]:
    """The JSON data of the policy in force, to edit: the user's file, or the shipped default."""
    if effective.source is not None:
        return _with_default_sections(read_policy_data(effective.source))
    return _default_data()


def _default_data() -> dict[str, Any]:
    from resources import resource_path

    return read_policy_data(resource_path("policy", "default.json"))


def _with_default_sections(data: dict[str, Any]) -> dict[str, Any]:
    """The user's data with the later sections it lacks taken from the shipped default.

    Editors write whole policies, so a missing later section is one this user's file predates, never one they
    removed. A file without one of the sections every policy file has had is broken, not older: left as it is, so
    loading it names the missing field."""
    if any(key not in data for key in FIRST_SECTIONS):
        return data
    missing = {key: value for key, value in _default_data().items() if key not in data}
    return {**data, **missing} if missing else data


def with_calendar(data: dict[str, Any], calendar: BusinessCalendar) -> dict[str, Any]:
    """A copy of the policy data with the calendar of the same name replaced (other fields kept as they were)."""
    changed = deepcopy(data)
    entries = changed.get("clocks", {}).get("calendars", [])
    for i, entry in enumerate(entries):
        if isinstance(entry, dict) and entry.get("name") == calendar.name:
            entries[i] = {**entry, **calendar.to_dict()}
            return changed
    raise PolicyError(f"the policy has no calendar named {calendar.name!r}")


def save_user_policy(data: dict[str, Any], path: Path | None = None) -> Policy:
    """Check `data` as a policy, then write it as the user's policy file; returns the policy it holds.

    Written to a temporary file beside the target, fsynced, and moved over it (the folder fsynced after): a crash
    or a power cut leaves the old file or the new one, never half of one. Nothing is written when the data is not
    a valid policy (PolicyError names the field)."""
    path = user_policy_path() if path is None else path
    policy = parse_policy(data, str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".policy-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2, ensure_ascii=False)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())  # on disk before the rename: a power cut must not leave an empty policy.json
        os.replace(temporary, path)
        fsync_folder(path.parent)  # and the rename itself on disk
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return policy
