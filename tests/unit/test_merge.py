"""The three-way merge behind "Merge" in the stale-save dialog: one-sided changes merge, clashes are listed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escdesk.domain import ArrBand, CaseCard, CaseStatus, CaseType, Level, Pace, Severity
from escdesk.merge import EDITABLE_FIELDS, FieldConflict, Side, card_fields, describe, merge_cards, three_way_merge

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
BASE = CaseCard(
    id="c1", number=1042, title="EU region outage", customer_id="k1", customer_name="Müller & Söhne GmbH",
    band=ArrBand.STRATEGIC, arr=Decimal("1200000"), severity=Severity.S1, pace=Pace.FAST, case_type=CaseType.OUTAGE,
    level=Level.L3, status=CaseStatus.OPEN, owner_name="Dana", opened_at=T0, level_entered_at=T0,
    acknowledged_at=None, arr_at_risk=Decimal("1200000"), checklist_done=0, checklist_total=14,
    involvements_open=2, version=3,
)  # fmt: skip


def test_changes_on_different_fields_merge_without_conflict() -> None:
    theirs = replace(BASE, level=Level.L4, version=4)
    result = merge_cards(BASE, {"title": "EU + US outage"}, theirs)
    assert result.clean
    assert result.merged["title"] == "EU + US outage"
    assert result.merged["level"] == Level.L4
    assert result.changed_by_me == ("title",)
    assert result.changed_by_them == ("level",)
    assert result.to_save == {"title": "EU + US outage"}


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    result = merge_cards(BASE, {"severity": Severity.S2}, replace(BASE, severity=Severity.S2))
    assert result.clean
    assert result.merged["severity"] == Severity.S2
    assert result.to_save == {}  # already stored: saving writes nothing


def test_different_changes_to_one_field_are_a_conflict_listed_with_all_three_values() -> None:
    theirs = replace(BASE, level=Level.L4, title="Outage (all regions)")
    result = merge_cards(BASE, {"level": Level.L2, "owner_name": "Sam"}, theirs)
    assert result.conflicts == (FieldConflict("level", "Level", Level.L3, Level.L2, Level.L4),)
    assert not result.clean
    # Until the person decides, the stored value stands: a default never overwrites someone's save.
    assert result.merged["level"] == Level.L4
    assert result.merged["owner_name"] == "Sam"
    assert result.merged["title"] == "Outage (all regions)"
    assert result.to_save == {"owner_name": "Sam"}


def test_resolving_a_conflict_takes_the_chosen_side() -> None:
    result = merge_cards(BASE, {"level": Level.L2}, replace(BASE, level=Level.L4))
    assert result.resolved({"level": Side.MINE})["level"] == Level.L2
    assert result.resolved({"level": Side.THEIRS})["level"] == Level.L4
    with pytest.raises(ValueError, match="choose mine or theirs for: Level"):
        result.resolved({})


def test_merge_refuses_another_case_and_unknown_fields() -> None:
    with pytest.raises(ValueError, match="different cases"):
        merge_cards(BASE, {}, replace(BASE, id="c2", number=1043))
    with pytest.raises(ValueError, match="not an editable field of a case: checklist_done"):
        merge_cards(BASE, {"checklist_done": 3}, BASE)


def test_values_are_described_for_people() -> None:
    assert describe(Level.L4) == "L4"
    assert describe(Severity.S1) == "S1"
    assert describe(None) == "(empty)"
    assert describe(Decimal("250000")) == "250000"


# -- properties ---------------------------------------------------------------------------------------------------

values = st.one_of(st.none(), st.integers(0, 3), st.sampled_from(["a", "b", "c"]))
FIELDS = {f"f{i}": f"Field {i}" for i in range(4)}
records = st.fixed_dictionaries({name: values for name in FIELDS})


@settings(max_examples=200, deadline=None)
@given(base=records, mine=records, theirs=records)
def test_merge_properties(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]) -> None:
    result = three_way_merge(base, mine, theirs, FIELDS)
    conflicting = {c.field for c in result.conflicts}
    for name in FIELDS:
        if name in conflicting:
            assert mine[name] != base[name] and theirs[name] != base[name] and mine[name] != theirs[name]
        elif mine[name] != base[name]:
            assert result.merged[name] == mine[name]  # my change survives ...
        else:
            assert result.merged[name] == theirs[name]  # ... and so does theirs: nothing silently lost
    # Merging with oneself or with an untouched side is the identity.
    assert three_way_merge(base, base, theirs, FIELDS).merged == theirs
    assert three_way_merge(base, mine, base, FIELDS).merged == mine
    # Choosing a side for every conflict gives that side's value there.
    everything_mine = result.resolved(dict.fromkeys(conflicting, Side.MINE))
    assert all(everything_mine[c.field] == c.mine for c in result.conflicts)


def test_every_editable_field_is_on_the_card() -> None:
    assert set(card_fields(BASE)) == set(EDITABLE_FIELDS)
