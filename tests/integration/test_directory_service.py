"""The people directory on a real SQLite database: add, edit, remove, uncovered roles, CSV import and export."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from escdesk.clock import FrozenClock
from escdesk.directory import DirectoryError, DirectoryService, PersonEntry, RoleCover
from escdesk.directory_csv import DirectoryImportRefused, export_csv, import_file
from escdesk.domain import ArrBand
from escdesk.errors import NotFound, StaleCase
from escdesk.policy import default_policy
from escdesk.store import Store

AIKO = PersonEntry(
    "Aiko Tanaka",
    "aiko@example.com",
    "Support Lead",
    (RoleCover("support_lead", (ArrBand.ENTERPRISE,), ("EMEA",)), RoleCover("incident_commander")),
)

RawRows = Callable[..., list[tuple[object, ...]]]  # the integration conftest fixture


@pytest.fixture
def directory(store: Store, clock: FrozenClock) -> DirectoryService:
    return DirectoryService(store, clock, default_policy())


def test_add_edit_and_remove(directory: DirectoryService, sqlite_db: Path, raw_rows: RawRows) -> None:
    added = directory.add(AIKO)
    assert directory.people() == [added]
    assert raw_rows(sqlite_db, "SELECT role, bands, regions FROM person_roles ORDER BY role") == [
        ("incident_commander", "", ""),
        ("support_lead", "ENT", "EMEA"),
    ]
    # Keeping one role and changing another: the old rows go before the new ones come (unique person+role).
    changed = dataclasses.replace(AIKO, title="Head of Support", roles=(RoleCover("support_lead"),))
    edited = directory.edit(added.id, changed, added.version)
    assert (edited.title, edited.roles, edited.version) == ("Head of Support", (RoleCover("support_lead"),), 2)
    with pytest.raises(StaleCase, match="changed by someone else"):
        directory.edit(added.id, AIKO, added.version)
    directory.remove(added.id, edited.version)
    assert directory.people() == []
    assert raw_rows(sqlite_db, "SELECT count(*) FROM person_roles") == [(0,)]
    assert raw_rows(sqlite_db, "SELECT deleted_at IS NOT NULL FROM people") == [(1,)]
    with pytest.raises(NotFound):
        directory.remove(added.id, edited.version + 1)


def test_an_email_belongs_to_one_person(directory: DirectoryService) -> None:
    directory.add(AIKO)
    with pytest.raises(DirectoryError, match=r"email: 'aiko@example\.com' is already Aiko Tanaka's address"):
        directory.add(dataclasses.replace(AIKO, name="Someone Else", email="AIKO@example.com"))


def test_roles_without_anyone(directory: DirectoryService) -> None:
    before = {c.key for c in directory.uncovered_roles()}
    assert {"legal", "support_lead", "ceo"} <= before
    assert "account_executive" not in before  # filled from each account's own AE
    directory.add(PersonEntry("Jordan Reyes", "jordan@example.com", "General Counsel", (RoleCover("legal"),)))
    directory.add(PersonEntry("Kim Lee", "kim@example.com", "VP Support", (RoleCover("support"),)))
    after = {c.key for c in directory.uncovered_roles()}
    assert "legal" not in after
    assert "support_lead" not in after and "support_manager" not in after  # the support function stands in
    assert "ceo" in after


def test_csv_round_trip_and_all_or_nothing(
    directory: DirectoryService, store: Store, clock: FrozenClock, tmp_path: Path
) -> None:
    directory.add(AIKO)
    directory.add(PersonEntry("Sam Doe", "sam@example.com", "", ()))
    exported = tmp_path / "people.csv"
    exported.write_text(export_csv(directory.people()), encoding="utf-8")
    summary = import_file(store, exported, default_policy(), clock)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert export_csv(directory.people()) == exported.read_text(encoding="utf-8")

    bad = tmp_path / "bad.csv"
    bad.write_text(
        exported.read_text(encoding="utf-8") + "New Person,new@example.com,,legal,,\nBroken,broken@,,legal,,\n",
        encoding="utf-8",
    )
    with pytest.raises(DirectoryImportRefused, match=r"line 6, column email \('broken@'\)"):
        import_file(store, bad, default_policy(), clock)
    assert len(directory.people()) == 2  # nothing written, not even the good new row

    good = tmp_path / "good.csv"
    good.write_text(
        "name,email,title,role,bands,regions\n"
        "Aiko Tanaka,aiko@example.com,Support Lead,support_lead,,\n"
        "New Person,new@example.com,Counsel,legal,,NA\n",
        encoding="utf-8",
    )
    summary = import_file(store, good, default_policy(), clock)
    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 0)
    people = {p.email: p for p in directory.people()}
    assert people["aiko@example.com"].roles == (RoleCover("support_lead"),)
    assert people["new@example.com"].roles == (RoleCover("legal", (), ("NA",)),)
    assert "sam@example.com" in people  # people not in the file are left alone
