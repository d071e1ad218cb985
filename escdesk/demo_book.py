"""The demo's book of business: the people directory, the customers and their health, then every case.

`generate` is pure (no database): one random.Random drives it, every instant derives from the spec's as-of
instant, and it yields (table, rows) with parents before children. Rows are tuples in the order of COLUMNS.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from escdesk import demo_briefs, demo_cases, demo_signals
from escdesk import demo_words as W
from escdesk.demo_cases import VERSIONED, CaseContext, build_case
from escdesk.demo_plans import plan_cases
from escdesk.domain import ArrBand, FunctionalRole
from escdesk.ids import seeded_id
from escdesk.policy import Policy, default_policy

if TYPE_CHECKING:
    from escdesk.demo import DemoSpec

Row = tuple[Any, ...]
HEALTH_WEEKS = 26
EMAIL_DOMAIN = "escdesk-demo.example"
FIRST_CASE_NUMBER = 1001
# (band, share of accounts in %, lowest and highest ARR in dollars): ~55% SMB, 28% MM, 13% ENT, 4% Strategic.
BAND_MIX = (
    (ArrBand.SMB, 55, 4_000, 50_000),
    (ArrBand.MID_MARKET, 28, 50_000, 250_000),
    (ArrBand.ENTERPRISE, 13, 250_000, 1_000_000),
    (ArrBand.STRATEGIC, 4, 1_000_000, 9_000_000),
)
COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("id", "name", "email", "title", *VERSIONED),
    "person_roles": ("person_id", "role", "bands", "regions"),
    "customers": (
        "id", "name", "segment", "band", "arr_cents", "renewal_date", "csm_id", "ae_id", "exec_sponsor_id", "region",
        "timezone", "domain", *VERSIONED,
    ),
    "customer_external_ids": ("customer_id", "system", "external_id"),
    "health_scores": ("customer_id", "measured_on", "score", "source"),
    **demo_cases.COLUMNS,
    **demo_signals.COLUMNS,
    **demo_briefs.COLUMNS,
}  # fmt: skip
SF_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
GAINSIGHT_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


# -- people -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Who:
    id: str
    name: str


@dataclass
class Staff:
    """The people directory, grouped the way the generator picks from it."""

    people: list[Row]
    roles: list[Row]
    csms: dict[str, list[Who]]  # by region
    aes: dict[str, list[Who]]  # by region
    manager_of: dict[str, Who]  # CSM id -> their CS manager
    by_role: dict[FunctionalRole, list[Who]]


def _regions(rng: random.Random, count: int) -> list[str]:
    """Every region once (as far as `count` goes), the rest weighted by the size of the region's book."""
    regions = list(W.REGION_WEIGHTS)
    extra = rng.choices(regions, weights=list(W.REGION_WEIGHTS.values()), k=max(0, count - len(regions)))
    return regions[:count] + extra


class _Hiring:
    """Adds people with unique e-mail addresses and their functional roles to a Staff."""

    def __init__(self, rng: random.Random, staff: Staff, since: datetime) -> None:
        self.rng, self.staff, self.since = rng, staff, since
        self.emails: set[str] = set()

    def __call__(self, title: str, roles: tuple[FunctionalRole, ...], region: str = "") -> Who:
        (first, first_ascii), (last, last_ascii) = self.rng.choice(W.FIRST_NAMES), self.rng.choice(W.LAST_NAMES)
        local = f"{first_ascii}.{last_ascii}".replace("'", "")
        email = next(
            address
            for n in itertools.count(1)
            if (address := f"{local}{n if n > 1 else ''}@{EMAIL_DOMAIN}") not in self.emails
        )
        self.emails.add(email)
        who = Who(seeded_id(self.rng, self.since), f"{first} {last}")
        self.staff.people.append((who.id, who.name, email, title, 1, self.since, self.since, None))
        for role in roles:
            self.staff.roles.append((who.id, role.value, "", region))
            self.staff.by_role[role].append(who)
        return who


def make_staff(rng: random.Random, spec: DemoSpec) -> Staff:
    """Leaders for every function, then CS managers and directors, CSMs and AEs in proportion to the book."""
    regions = list(W.REGION_WEIGHTS)
    staff = Staff([], [], {r: [] for r in regions}, {r: [] for r in regions}, {}, {r: [] for r in FunctionalRole})
    hire = _Hiring(rng, staff, spec.as_of - timedelta(days=1_000))
    for title, roles in W.LEADERS:
        hire(title, roles)
    # At least one CSM and one AE per region; about 60 accounts per CSM and 100 per AE beyond that.
    csm_count = max(len(regions), round(spec.customers / 60))
    ae_count = max(len(regions), round(spec.customers / 100))
    managers = [hire("CS Manager", (FunctionalRole.CS_MANAGER,)) for _ in range(math.ceil(csm_count / 8))]
    for _ in range(math.ceil(len(managers) / 4)):
        hire("Director, Customer Success", (FunctionalRole.CS_DIRECTOR,))
    for i, region in enumerate(_regions(rng, csm_count)):
        csm = hire("Customer Success Manager", (FunctionalRole.CSM,), region)
        staff.csms[region].append(csm)
        staff.manager_of[csm.id] = managers[i % len(managers)]
    for region in _regions(rng, ae_count):
        staff.aes[region].append(hire("Account Executive", (FunctionalRole.ACCOUNT_EXECUTIVE,), region))
    return staff


# -- customers ----------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Account:
    """One generated customer: what case generation needs, plus the row that stores it."""

    id: str
    name: str
    band: ArrBand
    arr_cents: int
    renewal: date
    region: str
    csm: Who
    ae: Who
    sponsor: Who | None
    health: list[int]  # weekly, oldest first
    declining: bool
    row: Row

    @property
    def health_drop(self) -> int:
        """How far the score fell from its best of the last quarter (13 weeks)."""
        return max(self.health[-13:]) - self.health[-1] if self.health else 0


def arr_dollars(rng: random.Random) -> int:
    """Log-normal-ish: a band by its share, then a log-uniform amount in it, skewed towards the band's bottom."""
    _, _, low, high = rng.choices(BAND_MIX, weights=[share for _, share, _, _ in BAND_MIX])[0]
    value = math.exp(math.log(low) + (math.log(high) - math.log(low)) * rng.random() ** 1.3)
    step = 100 if value < 50_000 else 500 if value < 250_000 else 1_000
    return int(min(max(round(value / step) * step, low), high - step))


def health_series(rng: random.Random, weeks: int = HEALTH_WEEKS) -> tuple[list[int], bool]:
    """Weekly scores, oldest first, and whether the account is sliding: ~10% decline, ~5% recover, most hold."""
    roll, base = rng.random(), rng.uniform(62, 88)
    drop, start, length, recover = 0.0, weeks, 1, False
    if roll < 0.15:
        drop, length = rng.uniform(15, 40), rng.randint(1, 6)
        recover = roll >= 0.10
        start = rng.randint(4, 12) if recover else weeks - rng.randint(length, 12)
        base = max(base, drop + 45)
    scores, noise = [], 0.0
    for week in range(weeks):
        noise = 0.6 * noise + rng.gauss(0, 2.2)
        fallen = drop * min(1.0, max(0.0, (week - start + 1) / length))
        if recover and week > start + length:
            fallen *= max(0.1, 1 - (week - start - length) / (weeks - start - length))
        scores.append(int(min(100, max(5, round(base - fallen + noise)))))
    return scores, drop > 0 and not recover


def company_name(rng: random.Random, style: str, used: set[str]) -> tuple[str, str]:
    """An invented company name in the style of its country, and an ASCII slug for its domain."""
    name, slug = _company_name_once(rng, style)
    for _ in range(8):
        if name not in used:
            break
        name, slug = _company_name_once(rng, style)
    used.add(name)
    return name, slug


def _company_name_once(rng: random.Random, style: str) -> tuple[str, str]:
    if style in W.NATIVE and rng.random() < W.NATIVE_SHARE[style]:
        firsts, seconds, forms = W.NATIVE[style]
        (a, a_ascii), (b, b_ascii), form = rng.choice(firsts), rng.choice(seconds), rng.choice(forms)
        joined = f"{a}{b}" if style in ("cn", "jp") else f"{a} {b}"
        return (f"{form}{joined}" if style == "jp" else f"{joined}{form}"), f"{a_ascii}-{b_ascii}"
    roll, suffixes = rng.random(), W.LEGAL_SUFFIXES[style]
    if style in W.FOUNDERS and roll < 0.12:
        founder, founder_ascii = rng.choice(W.FOUNDERS[style])
        partner, partner_ascii = W.PARTNERS.get(style, ("Partners", "partners"))
        return f"{founder} & {partner} {rng.choice(suffixes)}", f"{founder_ascii}-{partner_ascii}"
    prefix = rng.choice(W.PREFIXES)
    base = prefix if roll < 0.22 else f"{prefix} {rng.choice(W.NOUNS)}"
    slug = base.lower().replace(" ", "")
    return (f"{base} {rng.choice(suffixes)}" if rng.random() < 0.55 else base), slug


def salesforce_id(n: int) -> str:
    """An 18-character Salesforce account id (prefix 001) with the case-checksum suffix Salesforce computes."""
    value, digits = n * 7_919 + 1_000_003, []
    for _ in range(9):
        value, digit = divmod(value, 62)
        digits.append(SF_ALPHABET[digit])
    body = "001Dn0" + "".join(reversed(digits))
    suffix = ""
    for start in (0, 5, 10):
        bits = sum(1 << i for i, ch in enumerate(body[start : start + 5]) if ch.isupper())
        suffix += "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"[bits]
    return body + suffix


class _Places:
    """Regions, weighted by the size of their book, and the time zones and naming styles in each."""

    def __init__(self) -> None:
        self.options = [(region, place) for region, places in W.PLACES.items() for place in places]
        self.weights = [W.REGION_WEIGHTS[region] / len(W.PLACES[region]) for region, _ in self.options]

    def pick(self, rng: random.Random) -> tuple[str, tuple[str, str, str]]:
        return rng.choices(self.options, weights=self.weights)[0]


def _sponsor(rng: random.Random, band: ArrBand, executives: list[Who]) -> Who | None:
    share = {ArrBand.STRATEGIC: 1.0, ArrBand.ENTERPRISE: 0.9, ArrBand.MID_MARKET: 0.3}.get(band, 0.0)
    return rng.choice(executives) if executives and rng.random() < share else None


def make_accounts(rng: random.Random, spec: DemoSpec, staff: Staff, policy: Policy) -> list[Account]:
    places, used, accounts = _Places(), set[str](), []
    executives = staff.by_role[FunctionalRole.EXECUTIVE]
    for _ in range(spec.customers):
        region, (zone, style, tld) = places.pick(rng)
        name, slug = company_name(rng, style, used)
        dollars = arr_dollars(rng)
        band = policy.band_for(Decimal(dollars))
        health, declining = health_series(rng)
        soon = declining and rng.random() < 0.5  # sliding accounts often renew soon: the dangerous mix
        renewal = spec.as_of.date() + timedelta(days=rng.randint(15, 120) if soon else rng.randint(1, 548))
        sponsor = _sponsor(rng, band, executives)
        created = spec.as_of - timedelta(days=rng.randint(30, 2_200), seconds=rng.randint(0, 86_399))
        updated = spec.as_of - timedelta(days=rng.randint(0, 20))
        csm, ae, customer_id = rng.choice(staff.csms[region]), rng.choice(staff.aes[region]), seeded_id(rng, created)
        row = (
            customer_id, name, policy.band_name(band), band.value, dollars * 100, renewal, csm.id, ae.id,
            sponsor.id if sponsor else None, region, zone, f"{slug}.{tld}", 1, created, updated, None,
        )  # fmt: skip
        accounts.append(
            Account(customer_id, name, band, dollars * 100, renewal, region, csm, ae, sponsor, health, declining, row)
        )
    return accounts


def _account_rows(
    rng: random.Random, index: int, account: Account, weeks: list[date]
) -> Iterator[tuple[str, list[Row]]]:
    yield "customers", [account.row]
    gainsight = "1P02" + "".join(rng.choices(GAINSIGHT_ALPHABET, k=32))
    yield (
        "customer_external_ids",
        [(account.id, "salesforce", salesforce_id(index)), (account.id, "gainsight", gainsight)],
    )
    yield (
        "health_scores",
        [(account.id, on, score, "gainsight") for on, score in zip(weeks, account.health, strict=True)],
    )


def generate(spec: DemoSpec, policy: Policy | None = None) -> Iterator[tuple[str, list[Row]]]:
    """Every row of the demo as (table, rows in COLUMNS order), parents before children; no database involved."""
    policy = policy or default_policy()
    rng = random.Random(spec.seed)
    staff = make_staff(rng, spec)
    yield "people", staff.people
    yield "person_roles", staff.roles
    accounts = make_accounts(rng, spec, staff, policy)
    monday = spec.as_of.date() - timedelta(days=spec.as_of.weekday())
    weeks = [monday - timedelta(weeks=HEALTH_WEEKS - 1 - week) for week in range(HEALTH_WEEKS)]  # oldest first
    for index, account in enumerate(accounts):
        yield from _account_rows(rng, index, account, weeks)
    context = CaseContext(rng, policy, spec.as_of, staff.manager_of, staff.by_role)
    for plan in plan_cases(rng, spec.as_of, spec.open_cases, spec.history, accounts, FIRST_CASE_NUMBER):
        yield from build_case(context, plan)
