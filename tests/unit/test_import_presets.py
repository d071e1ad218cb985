"""Presets are detected from the header; a generic mapping is saved by name in the user's config folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from escdesk.importing.mappings import load_mapping, mapping_preset, mappings_dir, save_mapping
from escdesk.importing.presets import ImportKind, UnknownFormat, detect_preset
from escdesk.importing.reading import TableShape


def shape(*header: str) -> TableShape:
    return TableShape(encoding="utf-8", delimiter=",", header=header)


@pytest.mark.parametrize(
    ("header", "preset"),
    [
        (("ID", "Requester", "Requester email", "Subject", "Status", "Priority", "Created at", "Solved at"), "zendesk"),
        (("Issue key", "Summary", "Labels", "Labels", "Comment"), "jira"),
        (("Case Number", "Account Name", "Subject", "Status", "Priority", "Date/Time Opened"), "salesforce-cases"),
        (("Ticket ID", "Subject", "Status", "Priority", "Created time", "Company Name"), "freshdesk"),
        (("Ticket ID", "Customer Email", "Ticket Status", "Ticket Priority"), "support-tickets"),
        (("Name", "ARR", "MRR", "CSM", "Renewal Date", "Current Score", "Previous Score"), "gainsight"),
        (("Account Name", "Account External ID", "Owner", "ARR", "Renewal Date"), "churnzero"),
        (("account_id", "account_name", "industry", "country", "plan_tier"), "ravenstack-accounts"),
        (("Name", "ARR", "Renewal"), "customers"),
    ],
)
def test_detection(header: tuple[str, ...], preset: str) -> None:
    assert detect_preset(shape(*header)).name == preset


def test_an_unknown_header_names_its_columns() -> None:
    with pytest.raises(UnknownFormat, match="Foo, Bar"):
        detect_preset(shape("Foo", "Bar"))


def test_a_saved_mapping_round_trips(user_dirs: Path) -> None:
    preset = mapping_preset("Our CRM", ImportKind.CUSTOMERS, "crm", {"name": "Kunde", "arr": "Umsatz"})
    path = save_mapping(preset)
    assert path.parent == mappings_dir() and str(user_dirs) in str(path)
    loaded = load_mapping("Our CRM")
    assert (loaded.kind, loaded.system, dict(loaded.columns)) == (
        preset.kind,
        "crm",
        {"name": ("Kunde",), "arr": ("Umsatz",)},
    )


def test_mappings_refuse_unknown_fields_and_odd_names() -> None:
    with pytest.raises(UnknownFormat, match="unknown fields colour"):
        mapping_preset("m", ImportKind.TICKETS, "x", {"external_id": "Key", "colour": "C"})
    with pytest.raises(UnknownFormat, match="invalid mapping name"):
        load_mapping("../../etc/passwd")
    with pytest.raises(UnknownFormat, match="no saved mapping"):
        load_mapping("never saved")
