"""The JsonLogic operators whose arguments are all evaluated first ("eager"), and the arity each one accepts.

Each function receives the evaluated arguments as a list and returns a JSON value. The lazy operators (`if`,
`and`, `or`, `map`, `reduce` ...) decide themselves what to evaluate, so they are compiled in `compiler.py`.
Behaviour follows the JavaScript reference implementation (json-logic-js) as the conformance suite pins it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from escdesk.rules.errors import RuleLimitExceeded
from escdesk.rules.semantics import (
    NAN,
    is_mapping,
    js_string,
    kind,
    less_than,
    loose_equal,
    parse_float,
    strict_equal,
    to_number,
    truthy,
)

EagerOperator = Callable[[list[Any]], Any]

# Output bounds. Rules are small, but `reduce` can feed a value back into itself: {"cat": [acc, acc]} doubles a
# string per item, {"*": [acc, acc]} squares a (Python, unbounded) int. JS caps numbers at doubles; we cap too.
MAX_TEXT = 1_000_000
MAX_ITEMS = 100_000
MAX_EXACT = 2**53  # past this JS numbers are inexact floats anyway


def _bounded_number(number: int | float) -> int | float:
    if type(number) is int and not -MAX_EXACT <= number <= MAX_EXACT:
        try:
            return float(number)
        except OverflowError:
            return math.inf if number > 0 else -math.inf
    return number


def _too_large(what: str, limit: int) -> RuleLimitExceeded:
    return RuleLimitExceeded("rule", f"{what} would exceed {limit:,} while evaluating")


def _arg(args: list[Any], index: int) -> Any:
    """A missing argument is JS `undefined`; null is the closest JSON value and coerces the same way here."""
    return args[index] if index < len(args) else None


def resolve(data: Any, path: Any, default: Any = None) -> Any:
    """`var`: walk a dotted path ("account.arr", "1.0") through mappings and arrays; `default` when it breaks off."""
    if path is None or path == "" or path == []:
        return data
    for key in js_string(path).split("."):
        if data is None:
            return default
        if is_mapping(data):
            if key not in data:
                return default
            data = data[key]
        elif kind(data) == "list" and key.isdecimal() and key.isascii() and int(key) < len(data):
            data = data[int(key)]
        else:
            return default
    return data


def var(args: list[Any], data: Any) -> Any:
    return resolve(data, _arg(args, 0), _arg(args, 1))


def missing(args: list[Any], data: Any) -> list[Any]:
    """The keys whose value is absent, null or "" (a list argument, e.g. from `merge`, is the key list)."""
    keys = args[0] if args and kind(args[0]) == "list" else args
    return [key for key in keys if _absent(resolve(data, key))]


def _absent(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value == "")


def missing_some(args: list[Any], data: Any) -> list[Any]:
    """[] when at least `need` of the keys are present, else the missing ones."""
    need, keys = _arg(args, 0), _arg(args, 1)
    keys = keys if kind(keys) == "list" else [keys]
    absent = missing([keys], data)
    return [] if len(keys) - len(absent) >= to_number(need) else absent


def _compare(strict_less: bool) -> EagerOperator:
    def compare(args: list[Any]) -> bool:
        or_equal = not strict_less
        first = less_than(args[0], args[1], or_equal=or_equal)
        return first if len(args) < 3 else first and less_than(args[1], args[2], or_equal=or_equal)

    return compare


def _in(args: list[Any]) -> bool:
    needle, haystack = _arg(args, 0), _arg(args, 1)
    if isinstance(haystack, str):
        return haystack != "" and js_string(needle) in haystack
    if kind(haystack) == "list":
        return any(strict_equal(needle, item) for item in haystack)
    return False


def _substr(args: list[Any]) -> str:
    """JS String.prototype.substr(start, length) plus JsonLogic's negative length: drop that many from the end."""
    text = js_string(_arg(args, 0))
    start = _integer(_arg(args, 1), len(text))
    start = max(len(text) + start, 0) if start < 0 else start
    tail = text[start:]
    if len(args) < 3:
        return tail
    length = _integer(args[2], len(tail))
    return tail[: len(tail) + length] if length < 0 else tail[:length]


def _integer(value: Any, limit: int) -> int:
    """ToIntegerOrInfinity, clamped to +-limit so infinities stay usable as slice bounds."""
    number = to_number(value)
    if number != number:
        return 0
    if math.isinf(number):
        return limit if number > 0 else -limit
    return int(number)


def _merge(args: list[Any]) -> list[Any]:
    merged: list[Any] = []
    for item in args:
        if kind(item) == "list":
            merged.extend(item)
        else:
            merged.append(item)
        if len(merged) > MAX_ITEMS:
            raise _too_large("merge: the array", MAX_ITEMS)
    return merged


def _cat(args: list[Any]) -> str:
    text = "".join(js_string(item) for item in args)
    if len(text) > MAX_TEXT:
        raise _too_large("cat: the text", MAX_TEXT)
    return text


def _add(args: list[Any]) -> int | float:
    total: int | float = 0
    for item in args:
        total = _bounded_number(total + parse_float(item))
    return total


def _multiply(args: list[Any]) -> int | float:
    product: int | float = 1
    for item in args:
        product = _bounded_number(product * _bounded_number(parse_float(item)))
    return product


def _subtract(args: list[Any]) -> int | float:
    if len(args) == 1:
        return -to_number(args[0])
    return to_number(args[0]) - to_number(args[1])


def _divide(args: list[Any]) -> int | float:
    """JS division: by zero gives +-Infinity (NaN for 0/0); an exact integer quotient stays an int."""
    dividend, divisor = to_number(args[0]), to_number(args[1])
    if divisor == 0:
        return NAN if dividend == 0 or dividend != dividend else math.copysign(math.inf, dividend)
    if type(dividend) is int and type(divisor) is int and dividend % divisor == 0:
        return dividend // divisor
    return dividend / divisor


def _modulo(args: list[Any]) -> int | float:
    """JS `%` keeps the sign of the dividend (Python's `%` takes the divisor's); by zero it is NaN."""
    dividend, divisor = to_number(args[0]), to_number(args[1])
    if divisor == 0 or math.isinf(dividend) or dividend != dividend:
        return NAN
    if type(dividend) is int and type(divisor) is int:
        remainder = abs(dividend) % abs(divisor)
        return remainder if dividend >= 0 else -remainder
    return math.fmod(dividend, divisor)


def _extreme(pick: Callable[..., Any], empty: float) -> EagerOperator:
    """Math.max / Math.min: NaN if any argument is not a number, +-Infinity for no arguments."""

    def extreme(args: list[Any]) -> int | float:
        numbers = [to_number(item) for item in args]
        if any(number != number for number in numbers):
            return NAN
        return pick(numbers) if numbers else empty

    return extreme


EAGER: dict[str, EagerOperator] = {
    "==": lambda args: loose_equal(_arg(args, 0), _arg(args, 1)),
    "===": lambda args: strict_equal(_arg(args, 0), _arg(args, 1)),
    "!=": lambda args: not loose_equal(_arg(args, 0), _arg(args, 1)),
    "!==": lambda args: not strict_equal(_arg(args, 0), _arg(args, 1)),
    ">": lambda args: less_than(args[1], args[0]),
    ">=": lambda args: less_than(args[1], args[0], or_equal=True),
    "<": _compare(strict_less=True),
    "<=": _compare(strict_less=False),
    "!": lambda args: not truthy(_arg(args, 0)),
    "!!": lambda args: truthy(_arg(args, 0)),
    "in": _in,
    "cat": _cat,
    "substr": _substr,
    "merge": _merge,
    "+": _add,
    "*": _multiply,
    "-": _subtract,
    "/": _divide,
    "%": _modulo,
    "max": _extreme(max, -math.inf),
    "min": _extreme(min, math.inf),
}

# Operators that read the data as well as their arguments.
DATA: dict[str, Callable[[list[Any], Any], Any]] = {"var": var, "missing": missing, "missing_some": missing_some}

LAZY = frozenset({"if", "?:", "and", "or", "map", "filter", "reduce", "all", "none", "some"})

# Operators whose second argument is evaluated once per array item, with the item (or, for reduce,
# {"current", "accumulator"}) as its data: field names inside it are not the facts' fields.
ITERATING = frozenset({"map", "filter", "reduce", "all", "none", "some"})

# (min, max) argument counts, None = unbounded. JS silently reads missing arguments as undefined and ignores extra
# ones; refusing those at load catches typos. Every arity the conformance suite uses is accepted.
ARITY: dict[str, tuple[int, int | None]] = {
    **{op: (2, 2) for op in ("==", "===", "!=", "!==", ">", ">=", "in", "%", "/", "missing_some")},
    **{op: (2, 3) for op in ("<", "<=", "substr")},
    **{op: (1, 1) for op in ("!", "!!")},
    **{op: (2, 2) for op in ("map", "filter", "all", "none", "some")},
    "reduce": (2, 3),
    "-": (1, 2),
    "?:": (3, 3),
    "var": (0, 2),
}

OPERATORS = frozenset(EAGER) | frozenset(DATA) | LAZY
