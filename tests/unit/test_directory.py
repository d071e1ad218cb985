"""The people directory's validation and its CSV format (read and written without a database)."""

from __future__ import annotations

import dataclasses

import pytest

from escdesk.directory import (
    DirectoryError,
    DirectoryPerson,
    PersonEntry,
    RoleCover,
    describe_cover,
    parse_bands,
    parse_regions,
    role_choices,
    validate,
)
from escdesk.directory_csv import DirectoryImportRefused, export_csv, read_csv
from escdesk.domain import ArrBand, FunctionalRole
from escdesk.policy import Policy, default_policy

HEADER = "name,email,title,role,bands,regions\n"


@pytest.fixture
def policy() -> Policy:
    return default_policy()


def entry(**changes: object) -> PersonEntry:
    base = PersonEntry("Aiko Tanaka", "Aiko.Tanaka@Example.com", "Support Lead", (RoleCover("support_lead"),))
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_a_valid_entry_is_cleaned(policy: Policy) -> None:
    clean = validate(entry(name="  Aiko Tanaka "), policy)
    assert (clean.name, clean.email) == ("Aiko Tanaka", "aiko.tanaka@example.com")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "  "}, "name: a person needs a name"),
        ({"email": ""}, "email: Aiko Tanaka needs an e-mail address"),
        ({"email": "aiko@"}, "email: 'aiko@' is not an e-mail address"),
        ({"email": "aiko tanaka@example.com"}, "email: 'aiko tanaka@example.com' is not an e-mail address"),
        ({"roles": (RoleCover("wizard"),)}, "role: unknown role 'wizard'"),
        ({"roles": (RoleCover("legal"), RoleCover("legal"))}, "role: 'legal' is listed twice for Aiko Tanaka"),
        ({"title": "x" * 201}, "title: "),
    ],
)
def test_refusals_name_the_field_and_value(policy: Policy, changes: dict[str, object], message: str) -> None:
    with pytest.raises(DirectoryError) as raised:
        validate(entry(**changes), policy)
    assert str(raised.value).startswith(message)
    assert raised.value.field == message.split(":")[0]


def test_roles_are_the_policys_keys_then_the_functions(policy: Policy) -> None:
    keys = [c.key for c in role_choices(policy)]
    assert keys[0] == "support_lead" and "executive_sponsor" in keys
    assert set(keys) >= {r.value for r in FunctionalRole}
    assert len(keys) == len(set(keys))


def test_a_policy_without_roles_falls_back_to_the_functions(policy: Policy) -> None:
    bare = dataclasses.replace(policy, roles=()) if hasattr(policy, "roles") else policy
    assert [c.key for c in role_choices(bare)] == [r.value for r in FunctionalRole]


def test_bands_take_codes_or_names_in_any_case(policy: Policy) -> None:
    assert parse_bands("strat; Enterprise", policy) == (ArrBand.ENTERPRISE, ArrBand.STRATEGIC)
    assert parse_bands("", policy) == ()
    with pytest.raises(DirectoryError, match="bands: unknown band 'Huge'"):
        parse_bands("ENT;Huge", policy)


def test_regions_are_upper_cased_and_checked() -> None:
    assert parse_regions("emea, NA;emea") == ("EMEA", "NA")
    with pytest.raises(DirectoryError, match="regions: '<script>' is not a region name"):
        parse_regions("<script>")


def test_cover_descriptions() -> None:
    cover = RoleCover("support_lead", (ArrBand.ENTERPRISE, ArrBand.STRATEGIC), ("EMEA",))
    assert describe_cover(cover, {"support_lead": "Support lead"}) == "Support lead (ENT, STRAT; EMEA)"
    assert describe_cover(RoleCover("legal")) == "legal"


def test_several_rows_make_one_person(policy: Policy) -> None:
    text = HEADER + (
        "Aiko Tanaka,aiko@example.com,Support Lead,support_lead,ENT;STRAT,EMEA\n"
        "Aiko Tanaka,AIKO@example.com,,incident_commander,,\n"
        "Jordan Reyes,jordan@example.com,General Counsel,legal,,\n"
        "Sam Doe,sam@example.com,Analyst,,,\n"
    )
    people = read_csv(text, policy)
    assert [p.email for p in people] == ["aiko@example.com", "jordan@example.com", "sam@example.com"]
    aiko = people[0]
    assert aiko.title == "Support Lead"
    assert aiko.roles == (
        RoleCover("support_lead", (ArrBand.ENTERPRISE, ArrBand.STRATEGIC), ("EMEA",)),
        RoleCover("incident_commander"),
    )
    assert people[2].roles == ()


def test_every_bad_row_is_named_by_line_column_and_reason(policy: Policy) -> None:
    text = HEADER + (
        "Aiko Tanaka,aiko@example.com,Support Lead,support_lead,ENT,\n"
        "Aiko T.,aiko@example.com,,legal,,\n"
        "Jordan Reyes,jordan@,Counsel,legal,,\n"
        "Sam Doe,sam@example.com,,wizard,,\n"
        "Kim Lee,kim@example.com,,finance,Huge,\n"
    )
    with pytest.raises(DirectoryImportRefused) as raised:
        read_csv(text, policy, "people.csv")
    found = [(p.line, p.column, p.value) for p in raised.value.problems]
    assert found == [
        (3, "name", "Aiko T."),
        (4, "email", "jordan@"),
        (5, "role", "wizard"),
        (6, "bands", "Huge"),
    ]
    assert str(raised.value).startswith("people.csv: nothing imported, 4 bad row(s): line 3, column name ('Aiko T.')")


@pytest.mark.parametrize(
    ("header", "reason"),
    [("name,email,title,rol\n", "unknown column 'rol'"), ("name,title,role\n", "missing column 'email'"), ("", "")],
)
def test_a_bad_header_is_refused(policy: Policy, header: str, reason: str) -> None:
    with pytest.raises(DirectoryImportRefused) as raised:
        read_csv(header, policy)
    (problem,) = raised.value.problems
    assert (problem.line, problem.column) == (1, "header") and reason in problem.reason


def test_semicolon_files_and_a_byte_order_mark_are_read(policy: Policy) -> None:
    text = "\ufeffname;email;title;role;bands;regions\nAiko Tanaka;aiko@example.com;;legal;ENT,STRAT;\n"
    (aiko,) = read_csv(text, policy)
    assert aiko.roles == (RoleCover("legal", (ArrBand.ENTERPRISE, ArrBand.STRATEGIC)),)


def test_export_reads_back_to_the_same_people(policy: Policy) -> None:
    people = [
        DirectoryPerson("Zoë Müller", "zoe@example.com", "CFO, Europe", (RoleCover("finance", (), ("EMEA", "NA")),)),
        DirectoryPerson(
            "Aiko Tanaka",
            "aiko@example.com",
            "Support Lead",
            (RoleCover("incident_commander"), RoleCover("support_lead", (ArrBand.STRATEGIC,))),
        ),
        DirectoryPerson("Sam Doe", "sam@example.com", "", ()),
    ]
    text = export_csv(people)
    assert text.splitlines()[0] == HEADER.strip()
    assert '"CFO, Europe"' in text
    again = read_csv(text, policy)
    expected = sorted((PersonEntry(p.name, p.email, p.title, p.roles) for p in people), key=lambda p: p.name)
    assert again == expected
    assert export_csv([DirectoryPerson(p.name, p.email, p.title, p.roles) for p in again]) == text
