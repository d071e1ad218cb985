"""The people directory: who stands behind each role rules may involve, optionally only for some ARR bands or
regions (empty: all). Listing, adding, editing and removing people; CSV import and export live in
escdesk.directory_csv.

Valid roles are the keys of the policy's "roles" section, plus the functional roles of escdesk.domain: a policy
role falls back to its function when nobody holds it exactly, and existing directories (the demo's, older
databases) use those. A policy without a roles section (older files) leaves only the functional roles.
Every refusal names the field and the value at fault.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session, selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from escdesk.clock import Clock
from escdesk.domain import ArrBand, FunctionalRole
from escdesk.errors import EscDeskError, NotFound, StaleCase
from escdesk.ids import new_id
from escdesk.policy import Policy
from escdesk.store import Store
from escdesk.store.models import Person, PersonRole

EMAIL = re.compile(r"^[^@\s,;<>()\"']+@[^@\s,;<>()\"']+\.[A-Za-z]{2,}$")
REGION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,39}$")
LIST_SEPARATORS = re.compile(r"[;,]")
MAX_NAME, MAX_TITLE, MAX_EMAIL, MAX_REGIONS = 200, 200, 320, 200


class DirectoryError(EscDeskError):
    """A person or row that cannot be saved; the message ("field: why, naming the value") names the field."""

    @property
    def field(self) -> str:
        return str(self).split(":", 1)[0]

    @property
    def reason(self) -> str:
        return str(self).split(":", 1)[-1].strip()


@dataclass(frozen=True, slots=True)
class RoleCover:
    """One role a person covers; empty bands / regions: every band / region."""

    role: str
    bands: tuple[ArrBand, ...] = ()
    regions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PersonEntry:
    """What a person types (or a CSV row group says) about one person."""

    name: str
    email: str
    title: str = ""
    roles: tuple[RoleCover, ...] = ()


@dataclass(frozen=True, slots=True)
class DirectoryPerson(PersonEntry):
    id: str = ""
    version: int = 0


@dataclass(frozen=True, slots=True)
class RoleChoice:
    key: str
    label: str
    function: str | None = None  # the functional role that stands in when nobody holds this one
    from_account: bool = False  # filled from each customer's own AE or sponsor


def role_choices(policy: Policy) -> tuple[RoleChoice, ...]:
    """The policy's roles (read with getattr: older policies have none), then the functional roles not among them."""
    found: list[RoleChoice] = []
    for role in getattr(policy, "roles", ()) or ():
        key = str(getattr(role, "key", ""))
        if key:
            label = str(getattr(role, "label", key) or key)
            found.append(RoleChoice(key, label, getattr(role, "function", None), bool(getattr(role, "account", None))))
    keys = {c.key for c in found}
    found += [RoleChoice(r.value, _function_label(r)) for r in FunctionalRole if r.value not in keys]
    return tuple(found)


_ACRONYMS = {"csm": "CSM", "cs": "CS", "vp": "VP"}


def _function_label(role: FunctionalRole) -> str:
    words = [_ACRONYMS.get(w, w) for w in role.value.split("_")]
    text = " ".join(words)
    return text[0].upper() + text[1:] + " (function)"


def split_list(text: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(text) if part.strip()]


def parse_bands(text: str, policy: Policy) -> tuple[ArrBand, ...]:
    """ "ENT; STRAT" or "Enterprise, Strategic" (codes or the policy's names, any case) -> bands in policy order."""
    names = {b.value.casefold(): b for b in ArrBand} | {d.name.casefold(): d.band for d in policy.bands}
    chosen = []
    for part in split_list(text):
        band = names.get(part.casefold())
        if band is None:
            allowed = ", ".join(b.value for b in ArrBand)
            raise DirectoryError(f"bands: unknown band {part!r} (use {allowed} or the policy's band names)")
        chosen.append(band)
    return tuple(b for b in ArrBand if b in chosen)


def parse_regions(text: str) -> tuple[str, ...]:
    regions: list[str] = []
    for part in split_list(text):
        if not REGION.match(part):
            raise DirectoryError(f"regions: {part!r} is not a region name (letters, digits, spaces, - or _)")
        if part.upper() not in regions:
            regions.append(part.upper())
    if len(",".join(regions)) > MAX_REGIONS:
        raise DirectoryError(f"regions: {text!r} is longer than {MAX_REGIONS} characters")
    return tuple(regions)


def validate(entry: PersonEntry, policy: Policy) -> PersonEntry:
    """The entry cleaned (trimmed, e-mail lower-cased); DirectoryError names the first field at fault."""
    name, email, title = entry.name.strip(), entry.email.strip().lower(), entry.title.strip()
    if not name:
        raise DirectoryError("name: a person needs a name")
    if len(name) > MAX_NAME:
        raise DirectoryError(f"name: {name[:40]!r}… is longer than {MAX_NAME} characters")
    if not email:
        raise DirectoryError(f"email: {name} needs an e-mail address (prompts draft messages to it)")
    if len(email) > MAX_EMAIL or not EMAIL.match(email):
        raise DirectoryError(f"email: {entry.email.strip()!r} is not an e-mail address (like name@example.com)")
    if len(title) > MAX_TITLE:
        raise DirectoryError(f"title: {title[:40]!r}… is longer than {MAX_TITLE} characters")
    known = {c.key for c in role_choices(policy)}
    seen: set[str] = set()
    for cover in entry.roles:
        if cover.role not in known:
            raise DirectoryError(
                f"role: unknown role {cover.role!r} (the policy's roles are {', '.join(sorted(known))})"
            )
        if cover.role in seen:
            raise DirectoryError(f"role: {cover.role!r} is listed twice for {name}")
        seen.add(cover.role)
    return PersonEntry(name, email, title, tuple(entry.roles))


def _dto(person: Person) -> DirectoryPerson:
    covers = tuple(
        RoleCover(r.role, tuple(ArrBand(b) for b in split_list(r.bands)), tuple(split_list(r.regions)))
        for r in sorted(person.roles, key=lambda r: r.role)
    )
    return DirectoryPerson(person.name, person.email or "", person.title or "", covers, person.id, person.version)


def role_rows(roles: Iterable[RoleCover]) -> list[PersonRole]:
    return [
        PersonRole(role=c.role, bands=",".join(b.value for b in c.bands), regions=",".join(c.regions)) for c in roles
    ]


@dataclass
class DirectoryService:
    store: Store
    clock: Clock
    policy: Policy

    def people(self) -> list[DirectoryPerson]:
        with self.store.read() as uow:
            return [_dto(p) for p in live_people(uow.session)]

    def uncovered_roles(self) -> list[RoleChoice]:
        """The policy's roles nobody stands behind: no holder of the role, none of its function, not filled from
        each account (an AE, a sponsor)."""
        with self.store.read() as uow:
            held = {r.role for p in live_people(uow.session) for r in p.roles}
        keys = {str(getattr(r, "key", "")) for r in getattr(self.policy, "roles", ()) or ()}
        return [
            c
            for c in role_choices(self.policy)
            if c.key in keys and c.key not in held and c.function not in held and not c.from_account
        ]

    def add(self, entry: PersonEntry) -> DirectoryPerson:
        clean = validate(entry, self.policy)
        now = self.clock.now()
        with self.store.uow() as uow:
            self._refuse_taken_email(uow.session, clean.email, None)
            person = Person(id=new_id(), name=clean.name, email=clean.email, title=clean.title or None)
            person.version, person.created_at, person.updated_at = 1, now, now
            person.roles = role_rows(clean.roles)
            uow.people.add(person)
            uow.commit()
            return _dto(person)

    def edit(self, person_id: str, entry: PersonEntry, expected_version: int) -> DirectoryPerson:
        clean = validate(entry, self.policy)
        with self.store.uow() as uow:
            person = self._current(uow.session, person_id, expected_version)
            self._refuse_taken_email(uow.session, clean.email, person_id)
            apply_entry(person, clean, self.clock)
            try:
                uow.commit()
            except StaleDataError as exc:
                raise StaleCase(f"{clean.name} was saved by someone else a moment ago; reload the directory") from exc
            return _dto(person)

    def remove(self, person_id: str, expected_version: int) -> None:
        """Soft delete (cases keep their owner); the roles go, so nobody counts them as covered any more."""
        with self.store.uow() as uow:
            person = self._current(uow.session, person_id, expected_version)
            person.roles = []
            person.deleted_at = person.updated_at = self.clock.now()
            uow.commit()

    def _current(self, session: Session, person_id: str, expected_version: int) -> Person:
        person = session.get(Person, person_id, options=[selectinload(Person.roles)])
        if person is None or person.deleted_at is not None:
            raise NotFound(f"no person with id {person_id} in the directory")
        if person.version != expected_version:
            raise StaleCase(f"{person.name} was changed by someone else since you loaded the directory; reload it")
        return person

    @staticmethod
    def _refuse_taken_email(session: Session, email: str, person_id: str | None) -> None:
        for other in live_people(session):
            if (other.email or "").lower() == email and other.id != person_id:
                raise DirectoryError(f"email: {email!r} is already {other.name}'s address")


def apply_entry(person: Person, clean: PersonEntry, clock: Clock) -> bool:
    """Write a validated entry onto a row; False (and nothing touched) when it already says the same."""
    if _same(person, clean):
        return False
    session = object_session(person)
    if session is not None and person.roles:
        # Delete the old role rows first: the unit of work would insert the new ones before the deletes, and a
        # role kept across the edit would collide with itself on uq_person_roles_person_role. Before the person's
        # own fields change, so this flush does not bump the version on its own.
        person.roles = []
        session.flush()
    person.name, person.email, person.title = clean.name, clean.email, clean.title or None
    person.roles = role_rows(clean.roles)
    person.updated_at = clock.now()
    flag_modified(person, "updated_at")  # a change of roles only still bumps the person's version
    return True


def _same(person: Person, clean: PersonEntry) -> bool:
    current = _dto(person)
    return (current.name, current.email, current.title, set(current.roles)) == (
        clean.name,
        clean.email,
        clean.title,
        set(clean.roles),
    )


def live_people(session: Session) -> Sequence[Person]:
    stmt = select(Person).where(Person.deleted_at.is_(None)).options(selectinload(Person.roles))
    return session.scalars(stmt.order_by(Person.name, Person.email)).all()


def describe_cover(cover: RoleCover, labels: dict[str, str] | None = None) -> str:
    """'Support lead (ENT, STRAT; EMEA)'."""
    label = (labels or {}).get(cover.role, cover.role)
    limits = "; ".join(x for x in (", ".join(b.value for b in cover.bands), ", ".join(cover.regions)) if x)
    return f"{label} ({limits})" if limits else label


def as_dict(person: DirectoryPerson) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "title": person.title,
        "roles": [
            {"role": c.role, "bands": [b.value for b in c.bands], "regions": list(c.regions)} for c in person.roles
        ],
    }
