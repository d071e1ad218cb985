"""Fused closures for the leaves most policy conditions are made of: a fact compared with a literal.

`{">=": [{"var": "arr"}, 1000000]}` would otherwise cost three calls per evaluation (the var, the literal, the
comparison); fused it is one closure doing a dict lookup and, when the fact has the literal's plain type, the
native comparison. A dotted fact ("account.arr", how EscDesk's facts are named) is a walk through nested dicts
(`fact_getter`), never a split of the path per evaluation. Anything else (a missing fact, "2" against 1, an enum,
a Decimal) takes the full JS semantics in `operators.py`, so the fast path never changes an answer, only its cost.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from escdesk.rules.operators import EAGER, resolve

Compiled = Callable[[Any], Any]

# op -> (the native comparison of fact `a` with literal `c`, the same with the operands written the other way)
_NATIVE: dict[str, tuple[Callable[[Any, Any], bool], Callable[[Any, Any], bool]]] = {
    "==": (operator.eq, operator.eq),
    "===": (operator.eq, operator.eq),
    "!=": (operator.ne, operator.ne),
    "!==": (operator.ne, operator.ne),
    "<": (operator.lt, operator.gt),
    "<=": (operator.le, operator.ge),
    ">": (operator.gt, operator.lt),
    ">=": (operator.ge, operator.le),
}
_ORDERING = frozenset({"<", "<=", ">", ">="})


def plain_key(node: Any) -> tuple[str, Any] | None:
    """(path, default) for {"var": "path"} / {"var": ["path", default]} with a literal, non-empty string path and a
    scalar default (the path may be dotted: "account.arr")."""
    if not (isinstance(node, dict) and len(node) == 1 and "var" in node):
        return None
    raw = node["var"]
    args = raw if isinstance(raw, list) else [raw]
    if not args or len(args) > 2 or not isinstance(args[0], str) or not args[0]:
        return None
    default = args[1] if len(args) == 2 else None
    return None if isinstance(default, dict | list) else (args[0], default)


_MISSING = object()


def fact_getter(path: str, default: Any) -> Compiled:
    """The value at a literal string path, as `resolve` finds it: a plain key is one dict lookup, a dotted one a
    walk through nested dicts; anything else on the way (an array index, a mapping that is not a dict) falls back
    to `resolve` from the start, so the answer never differs."""
    if "." not in path:

        def lookup(data: Any) -> Any:
            return data.get(path, default) if type(data) is dict else resolve(data, path, default)

        return lookup
    parts = tuple(path.split("."))
    if len(parts) == 2:  # "account.arr": the shape of every EscDesk fact, one branch per level
        first, second = parts

        def pair(data: Any) -> Any:
            if type(data) is dict:
                inner = data.get(first)
                if type(inner) is dict:
                    return inner.get(second, default)
            return resolve(data, path, default)

        return pair

    def walk(data: Any) -> Any:
        value = data
        for key in parts:
            if type(value) is dict:
                value = value.get(key, _MISSING)
                if value is _MISSING:
                    return default
            elif value is None:
                return default
            else:
                return resolve(data, path, default)
        return value

    return walk


def _scalar(node: Any) -> bool:
    return node is None or type(node) in (str, int, float, bool)


def fused(op: str, raw: list[Any]) -> Compiled | None:
    """A single closure for `fact <op> literal` (either order), `fact in [literals]`; None for other shapes."""
    if len(raw) != 2:
        return None
    if op == "in":
        return _membership(raw) or _contains(raw)
    if op not in _NATIVE:
        return None
    left, right = plain_key(raw[0]), plain_key(raw[1])
    if left is not None and _scalar(raw[1]):
        return _comparison(op, left, raw[1], flipped=False)
    if right is not None and _scalar(raw[0]):
        return _comparison(op, right, raw[0], flipped=True)
    return None


def _fast_types(op: str, constant: Any) -> tuple[type, ...]:
    """Fact types for which Python's operator gives JS's answer against this literal."""
    if op in _ORDERING:
        if type(constant) in (int, float):
            return (int, float)
        return (str,) if type(constant) is str else ()
    return (type(constant),) if constant is not None else ()


def _comparison(op: str, var: tuple[str, Any], constant: Any, *, flipped: bool) -> Compiled:
    key, default = var
    native = _NATIVE[op][1 if flipped else 0]
    fast = _fast_types(op, constant)
    slow = EAGER[op]
    if "." in key:  # a dotted fact: one call to walk the dicts, the rest as below
        get = fact_getter(key, default)

        def run_dotted(data: Any) -> Any:
            value = get(data)
            if type(value) in fast:
                return native(value, constant)
            return slow([constant, value] if flipped else [value, constant])

        return run_dotted

    def run(data: Any) -> Any:
        value = data.get(key, default) if type(data) is dict else resolve(data, key, default)
        if type(value) in fast:
            return native(value, constant)
        return slow([constant, value] if flipped else [value, constant])

    return run


def _membership(raw: list[Any]) -> Compiled | None:
    """fact in ["a", "b"]: a str fact is a set lookup (strict equality between strings is plain equality)."""
    var, haystack = plain_key(raw[0]), raw[1]
    if var is None or not isinstance(haystack, list) or not all(_scalar(item) for item in haystack):
        return None
    get = fact_getter(*var)
    strings = frozenset(item for item in haystack if type(item) is str)
    slow = EAGER["in"]

    def run(data: Any) -> Any:
        value = get(data)
        if type(value) is str:
            return value in strings
        return slow([value, haystack])

    return run


def _contains(raw: list[Any]) -> Compiled | None:
    """`"press" in fact` (a list of signals, or a text): a string literal needle is Python's `in` on a list of any
    items (a string equals only an equal string, as JS's indexOf) and substring search in a string."""
    needle, var = raw[0], plain_key(raw[1])
    if type(needle) is not str or var is None:
        return None
    get = fact_getter(*var)
    slow = EAGER["in"]

    def run(data: Any) -> Any:
        value = get(data)
        if type(value) is list:
            return needle in value
        if type(value) is str:
            return value != "" and needle in value  # JS: an empty haystack is falsy, so never contains anything
        return slow([needle, value])

    return run
