"""Three-way merge of a case's editable fields, for a save that found the case changed by someone else.

`base` is the case as the user loaded it, `mine` what they want to save, `theirs` what is stored now. A field
only one side changed takes that side's value; a field both changed to the same value takes it; a field both
changed differently is a conflict, listed with all three values, and decided by the person (never silently:
until they choose, the merged value is theirs, what is stored, so that nothing saved is overwritten by default).

Pure core: no Qt, no database. The stale-save dialog (ui/stale_dialog.py) shows a MergeResult.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from escdesk.domain import CaseCard

# What a person edits on a case, with the label the dialog shows. Derived fields (checklist counts, clocks,
# the customer's name) are recomputed from the merged case, so they are never merged themselves.
EDITABLE_FIELDS: Mapping[str, str] = {
    "title": "Title",
    "severity": "Severity",
    "pace": "Pace",
    "case_type": "Case type",
    "level": "Level",
    "status": "Status",
    "owner_name": "Owner",
    "arr_at_risk": "ARR at risk",
}


class Side(enum.StrEnum):
    MINE = "mine"
    THEIRS = "theirs"


@dataclass(frozen=True, slots=True)
class FieldConflict:
    """Both sides changed `field` since `base`, to different values."""

    field: str
    label: str
    base: Any
    mine: Any
    theirs: Any


@dataclass(frozen=True, slots=True)
class MergeResult:
    merged: Mapping[str, Any]  # conflicts hold theirs until resolved
    conflicts: tuple[FieldConflict, ...]
    changed_by_me: tuple[str, ...]
    changed_by_them: tuple[str, ...]

    @property
    def clean(self) -> bool:
        return not self.conflicts

    @property
    def to_save(self) -> dict[str, Any]:
        """The fields whose merged value differs from what is stored: what saving the merge writes."""
        return {name: self.merged[name] for name in self.changed_by_me if name not in self._conflicting}

    @property
    def _conflicting(self) -> set[str]:
        return {c.field for c in self.conflicts}

    def resolved(self, choices: Mapping[str, Side]) -> dict[str, Any]:
        """The merged fields with every conflict decided; a conflict left out of `choices` is refused."""
        undecided = [c.label for c in self.conflicts if c.field not in choices]
        if undecided:
            raise ValueError(f"choose mine or theirs for: {', '.join(undecided)}")
        result = dict(self.merged)
        for conflict in self.conflicts:
            result[conflict.field] = conflict.mine if choices[conflict.field] is Side.MINE else conflict.theirs
        return result


def three_way_merge(
    base: Mapping[str, Any],
    mine: Mapping[str, Any],
    theirs: Mapping[str, Any],
    labels: Mapping[str, str] = EDITABLE_FIELDS,
) -> MergeResult:
    """Merge the fields named in `labels` (each must be in all three mappings)."""
    merged: dict[str, Any] = {}
    conflicts: list[FieldConflict] = []
    by_me: list[str] = []
    by_them: list[str] = []
    for name, label in labels.items():
        was, mine_now, theirs_now = base[name], mine[name], theirs[name]
        if mine_now != was:
            by_me.append(name)
        if theirs_now != was:
            by_them.append(name)
        if mine_now in (theirs_now, was):
            merged[name] = theirs_now
        elif theirs_now == was:
            merged[name] = mine_now
        else:
            merged[name] = theirs_now
            conflicts.append(FieldConflict(name, label, was, mine_now, theirs_now))
    # Mine only counts as a change to save where it differs from what is stored.
    to_write = tuple(n for n in by_me if mine[n] != theirs[n])
    return MergeResult(merged, tuple(conflicts), to_write, tuple(by_them))


def card_fields(card: CaseCard) -> dict[str, Any]:
    """The editable fields of a case as the board shows it: what `three_way_merge` compares."""
    return {name: getattr(card, name) for name in EDITABLE_FIELDS}


def merge_cards(base: CaseCard, mine: Mapping[str, Any], theirs: CaseCard) -> MergeResult:
    """`mine`: the base card's fields with the user's edits applied (missing fields count as unchanged)."""
    if base.id != theirs.id:
        raise ValueError(f"cannot merge {base.reference} with {theirs.reference}: they are different cases")
    unknown = sorted(set(mine) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValueError(f"not an editable field of a case: {', '.join(unknown)}")
    return three_way_merge(card_fields(base), card_fields(base) | dict(mine), card_fields(theirs))


def describe(value: Any) -> str:
    """A field value as the dialog shows it."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, enum.Enum):
        code = getattr(value, "code", None)
        return str(code) if code is not None else str(value.value)
    return str(value)
