"""Fused closures for the leaves most policy conditions are made of: a fact compared with a literal.

`{">=": [{"var": "arr"}, 1000000]}` would otherwise cost three calls per evaluation (the var, the literal, the
comparison); fused it is one closure doing a dict lookup and, when the fact has the literal's plain type, the
native comparison. Anything else (a missing fact, "2" against 1, an enum, a Decimal) takes the full JS semantics
in `operators.py`, so the fast path never changes an answer, only its cost.
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
    """(key, default) for {"var": "key"} / {"var": ["key", default]} with an undotted key and a scalar default."""
    if not (isinstance(node, dict) and len(node) == 1 and "var" in node):
        return None
    raw = node["var"]
    args = raw if isinstance(raw, list) else [raw]
    if not args or len(args) > 2 or not isinstance(args[0], str) or not args[0] or "." in args[0]:
        return None
    default = args[1] if len(args) == 2 else None
    return None if isinstance(default, dict | list) else (args[0], default)


def _scalar(node: Any) -> bool:
    return node is None or type(node) in (str, int, float, bool)


def fused(op: str, raw: list[Any]) -> Compiled | None:
    """A single closure for `fact <op> literal` (either order), `fact in [literals]`; None for other shapes."""
    if len(raw) != 2:
        return None
    if op == "in":
        return _membership(raw)
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
    key, default = var
    strings = frozenset(item for item in haystack if type(item) is str)
    slow = EAGER["in"]

    def run(data: Any) -> Any:
        value = data.get(key, default) if type(data) is dict else resolve(data, key, default)
        if type(value) is str:
            return value in strings
        return slow([value, haystack])

    return run
