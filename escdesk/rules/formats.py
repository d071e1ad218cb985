"""How fact values read in explanations: field labels and value formatters ("ARR $1.2M", "45 days").

A policy (or the code that builds facts) names each field once, e.g.
`{"arr": Field("ARR", money), "days_to_renewal": Field("days to renewal", days)}`; a field without an entry reads
as its name with spaces ("health_drop_30d" -> "health drop 30d") and its value in the plain format.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from escdesk.rules.semantics import kind, to_number

Formatter = Callable[[Any], str]

# Explanations must stay short enough for a prompt line: long lists are cut.
MAX_LISTED = 5


def plain(value: Any) -> str:
    """Readable and deterministic: yes/no, "not set", 15,000, 0.25, "a, b, c"."""
    match kind(value):
        case "null":
            return "not set"
        case "bool":
            return "yes" if value else "no"
        case "num":
            return _number(to_number(value))
        case "str":
            return str.__str__(value) if value else '""'
        case "list":
            return _listing(value, plain)
    return json.dumps(value, sort_keys=True, default=lambda _: "?") if isinstance(value, dict) else "?"


def _number(number: int | float) -> str:
    if number != number:
        return "not a number"
    if isinstance(number, float) and number.is_integer() and abs(number) < 1e15:
        number = int(number)
    if isinstance(number, int):
        return f"{number:,}" if abs(number) >= 10_000 else str(number)
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def _listing(values: Any, formatter: Formatter) -> str:
    shown = [formatter(item) for item in list(values)[:MAX_LISTED]]
    more = len(values) - MAX_LISTED
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "") if shown else "none"


def money(value: Any) -> str:
    """ARR and amounts in whole currency units: $950, $250k, $12.5k, $1M, $1.25M, $2B."""
    if kind(value) != "num":
        return plain(value)
    amount = float(to_number(value))
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    for size, suffix, decimals in ((1e9, "B", 2), (1e6, "M", 2), (1e3, "k", 1)):
        # The unit is chosen after rounding, so $999,999 reads $1M rather than $1000k.
        text = _trimmed(amount / size, decimals)
        if float(text) >= 1:
            return f"{sign}${text}{suffix}"
    return f"{sign}${amount:.0f}"


def _trimmed(number: float, decimals: int) -> str:
    return f"{number:.{decimals}f}".rstrip("0").rstrip(".")


def unit(singular: str, plural: str | None = None) -> Formatter:
    """A number with its unit: unit("day") formats 1 as "1 day" and 45 as "45 days"."""
    many = plural or f"{singular}s"

    def formatter(value: Any) -> str:
        if kind(value) != "num":
            return plain(value)
        text = _number(to_number(value))
        return f"{text} {singular if text in ('1', '-1') else many}"

    return formatter


days = unit("day")
hours = unit("hour")
minutes = unit("minute")
points = unit("point")


@dataclass(frozen=True, slots=True)
class Field:
    """How one fact reads: its label and the formatter for its values (and for literals compared with it)."""

    label: str
    format: Formatter = field(default=plain)


FieldLabels = Mapping[str, Field | str]


def field_for(path: Any, fields: FieldLabels | None) -> Field:
    """The Field for a var path; a bare str entry is a label with the plain format."""
    name = "" if path is None else str(path)
    entry = fields.get(name) if fields else None
    if isinstance(entry, Field):
        return entry
    if isinstance(entry, str):
        return Field(entry)
    return Field(name.replace("_", " ") if name else "the facts")


def literal_var_path(node: Any) -> tuple[bool, Any]:
    """(True, path) when `node` is {"var": path} or {"var": [path, default]} with a literal path."""
    if not (isinstance(node, dict) and len(node) == 1 and "var" in node):
        return False, None
    raw = node["var"]
    path = (raw[0] if raw else None) if isinstance(raw, list) else raw
    return not isinstance(path, dict | list), path
