"""A country's public holidays, proposed from the `holidays` package for the person to confirm (no Qt here).

DESIGN.md: holidays are listed explicitly and shown; the package only proposes. Nothing here touches a calendar:
the editor shows the proposals, unticked, and adds the ones the person ticks.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources

import holidays

from escdesk.calendars import Holiday


def countries() -> list[tuple[str, str]]:
    """(ISO code, name) of every country the package knows, by name."""
    try:
        from holidays.registry import COUNTRIES  # the package's own table of names

        named = {entry[1]: module.replace("_", " ").title() for module, entry in COUNTRIES.items()}
    except (ImportError, AttributeError, IndexError):  # a future layout: codes alone still work
        named = {}
    codes = {code for code in holidays.list_supported_countries() if len(code) == 2}
    return sorted(((code, named.get(code, code)) for code in codes), key=lambda pair: pair[1])


def country_for_zone(zone: str) -> str | None:
    """The country whose time zone this is ("Europe/London" -> "GB"), to preselect; None when none is known."""
    return _zone_countries().get(zone)


@cache
def _zone_countries() -> dict[str, str]:
    """tzdata's zone.tab: one line per zone, the country code first (comments start with '#')."""
    try:
        table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, OSError):
        return {}
    rows = (line.split("\t") for line in table.splitlines() if line and not line.startswith("#"))
    return {row[2]: row[0] for row in rows if len(row) >= 3}


def propose_holidays(country: str, year: int, listed: Iterable[Holiday] = ()) -> list[Holiday]:
    """The country's public holidays in `year`, leaving out dates already on the list; ValueError for an unknown
    country code."""
    try:
        found = holidays.country_holidays(country.strip().upper(), years=year)
    except NotImplementedError:
        raise ValueError(f"no holiday list for the country code {country!r}") from None
    known = {h.on for h in listed}
    return [Holiday(on, True, str(name)) for on, name in sorted(found.items()) if on not in known]
