"""JavaScript value semantics, as the JsonLogic suite encodes them, over plain Python (JSON) values.

JsonLogic was specified by its JavaScript reference implementation, so its answers follow JS coercion rules:
`[]`, `""`, `0` and `NaN` are falsy but `"0"` and `{}` are truthy, `==` converts numbers and strings, `<` compares two
strings as strings and anything else as numbers, `+` parses with `parseFloat`. Python's own rules differ on almost
every one of these, which is why they are spelled out here instead of borrowed.

Data may hold non-JSON values a Python caller is likely to pass as facts: str and int enums (StrEnum members act
as their string, IntEnum as their number) and Decimal or other real numbers (read as floats, like every JS number).
Anything else counts as a JS object: truthy, equal only to itself, never inspected (no attribute or method of data
is ever touched).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal
from numbers import Real
from typing import Any, Literal

Kind = Literal["null", "bool", "num", "str", "list", "obj"]

# Number("...") accepts decimal literals with optional exponent, surrounded by whitespace; Python's float() also
# accepts "1_000", "nan" and "inf", which JS does not, so the grammar is matched explicitly.
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_PREFIX = re.compile(r"[+-]?(?:Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_RADIX = re.compile(r"0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+")
_INFINITIES = {"Infinity": math.inf, "+Infinity": math.inf, "-Infinity": -math.inf}
NAN = math.nan
# Decimal is not a numbers.Real (it refuses to mix with float), but a Decimal fact is a number all the same.
_NUMBER = (Real, Decimal)


def kind(value: Any) -> Kind:
    """The JS type a value behaves as (bool before number: Python's bool is an int)."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "bool"
    if isinstance(value, str):
        return "str"
    if isinstance(value, _NUMBER):
        return "num"
    if isinstance(value, list | tuple):
        return "list"
    return "obj"


def truthy(value: Any) -> bool:
    """JsonLogic truthiness: JS truthiness, except that an empty array is falsy too."""
    if value is True:
        return True
    if value is False or value is None:
        return False
    if isinstance(value, str | list | tuple):
        return len(value) > 0
    if isinstance(value, _NUMBER):
        return not (value == 0 or value != value)
    return True


def js_string(value: Any) -> str:
    """String(value): what `cat`, `in` and `substr` see, and what arrays become when compared with scalars."""
    if isinstance(value, str):
        return str.__str__(value)
    match kind(value):
        case "null":
            return "null"
        case "bool":
            return "true" if value else "false"
        case "num":
            return _number_string(value)
        case "list":
            return ",".join("" if item is None else js_string(item) for item in value)
    return "[object Object]"


def _number_string(value: Any) -> str:
    if isinstance(value, int):
        return str(int(value))
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number.is_integer() and abs(number) < 1e21:
        return str(int(number))
    return repr(number)


def to_number(value: Any) -> int | float:
    """Number(value): the coercion behind `-`, `/`, `%`, `min`, `max` and numeric comparison."""
    match kind(value):
        case "null":
            return 0
        case "bool":
            return 1 if value else 0
        case "num":
            return value if type(value) is int or type(value) is float else _plain_number(value)
        case "str":
            return _parse_number(value.strip())
        case "list":
            return to_number(js_string(value))
    return NAN


def _plain_number(value: Any) -> int | float:
    return int(value) if isinstance(value, int) else float(value)


def _parse_number(text: str) -> int | float:
    if not text:
        return 0
    if text in _INFINITIES:
        return _INFINITIES[text]
    if _RADIX.fullmatch(text):
        return int(text, 0)
    if _DECIMAL.fullmatch(text):
        return _literal(text)
    return NAN


def _literal(text: str) -> int | float:
    """A matched decimal literal as int when it has no point or exponent (so "2" + 1 is 3, not 3.0)."""
    if text.lstrip("+-").isdigit():
        try:
            return int(text)
        except ValueError:  # past Python's int/str digit limit: JS would lose precision anyway
            return float(text)
    return float(text)


def parse_float(value: Any) -> int | float:
    """parseFloat(value): the longest numeric prefix of String(value), NaN if there is none (used by + and *)."""
    if kind(value) == "num":
        return to_number(value)
    match = _PREFIX.match(js_string(value).lstrip())
    if match is None:
        return NAN
    text = match.group()
    return _INFINITIES[text] if text in _INFINITIES else _literal(text)


def _primitive(value: Any) -> Any:
    """ToPrimitive: arrays and objects become their string before they are compared with anything else."""
    return js_string(value) if kind(value) in ("list", "obj") else value


def loose_equal(left: Any, right: Any) -> bool:
    """JS `==` (the abstract equality algorithm), including null == null and 1 == "1"."""
    left_kind, right_kind = kind(left), kind(right)
    if left_kind == right_kind:
        return _same_kind_equal(left_kind, left, right)
    if left_kind == "null" or right_kind == "null":
        return False
    if left_kind == "bool":
        return loose_equal(1 if left else 0, right)
    if right_kind == "bool":
        return loose_equal(left, 1 if right else 0)
    if left_kind in ("list", "obj"):
        return loose_equal(_primitive(left), right)
    if right_kind in ("list", "obj"):
        return loose_equal(left, _primitive(right))
    return to_number(left) == to_number(right)  # one number, one string


def strict_equal(left: Any, right: Any) -> bool:
    """JS `===`: same type and value; arrays and objects only equal themselves."""
    left_kind = kind(left)
    return left_kind == kind(right) and _same_kind_equal(left_kind, left, right)


def _same_kind_equal(value_kind: Kind, left: Any, right: Any) -> bool:
    if value_kind in ("list", "obj"):
        return left is right
    if value_kind == "num":
        return to_number(left) == to_number(right)
    return bool(left == right)


def less_than(left: Any, right: Any, *, or_equal: bool = False) -> bool:
    """JS `<` / `<=`: two strings compare as strings, anything else as numbers (NaN compares false)."""
    left, right = _primitive(left), _primitive(right)
    if isinstance(left, str) and isinstance(right, str):
        return left <= right if or_equal else left < right
    x, y = to_number(left), to_number(right)
    return x <= y if or_equal else x < y


def is_mapping(value: Any) -> bool:
    return isinstance(value, Mapping)
